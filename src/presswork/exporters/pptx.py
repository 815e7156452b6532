"""The PowerPoint exporter: deck model -> editable .pptx on the theme's or the user's template (python-pptx)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..tree import Document
from .base import BuildContext, Exporter
from .deck import Options as DeckOptions
from .pptx_package import normalise_zip, set_core_properties
from .pptx_pictures import PictureStore
from .pptx_template import Layouts, open_template, template_bytes
from .pptx_writer import DeckWriter
from .slides import build_deck, highlight


class PptxExporter(Exporter):
    """Writes an editable PowerPoint deck in which every word fits on its slide."""

    name = "pptx"
    extension = "pptx"
    description = "Editable PowerPoint deck (measured layout, speaker notes, native tables)"

    @dataclass(frozen=True)
    class Options:
        """Options of ``[tool.presswork.pptx]``."""

        slide_level: int = 0  #: Heading level (2..6) that starts a slide; 0 = chosen from the book's structure.
        prose: Literal["lead", "slide", "notes"] = "lead"  #: Long paragraphs: first sentence on the slide + full text in notes ("lead"), all on slides ("slide"), all in notes ("notes").
        template: str = ""  #: A .pptx/.potx template (project-relative); "" = the theme's pptx/reference.pptx.
        agenda: bool = True  #: Add an agenda slide listing the chapters.
        code_style: str = "friendly"  #: Pygments style for code colours (a light-background style).

    def export(self, doc: Document, ctx: BuildContext, target: Path) -> None:
        """Build the deck: template -> measured deck model -> slides -> core properties -> reproducible zip."""
        opts: PptxExporter.Options = ctx.options if isinstance(ctx.options, PptxExporter.Options) else PptxExporter.Options()
        prs = open_template(template_bytes(ctx, opts.template))
        layouts = Layouts(prs)
        frame = layouts.frame()
        pictures = PictureStore(ctx)
        deck = build_deck(doc, frame, DeckOptions(opts.slide_level, opts.prose, opts.agenda), pictures.size,
                          lambda msg, pos: ctx.reporter.warn(msg, pos, "pptx"),
                          lambda code, lang: highlight(code, lang, opts.code_style))
        DeckWriter(prs, layouts, frame, pictures).write(deck)
        set_core_properties(prs, doc, ctx)
        buf = io.BytesIO()
        prs.save(buf)
        target.write_bytes(normalise_zip(buf.getvalue(), ctx.build_time))
