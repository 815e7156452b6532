"""The PowerPoint exporter: tree -> pure deck model (``model/``) -> editable .pptx (``output/``, python-pptx).

Pipeline (like Pandoc's ``Writers/Powerpoint.hs``): template -> content frame -> measured deck
model -> slides on the template's layouts -> core properties -> reproducible zip.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from presswork.exporters.base import BuildContext, Exporter
from presswork.exporters.common.cover import CoverText, render_cover
from presswork.exporters.common.visibility import HIDDEN_CLASSES
from presswork.exporters.common.zips import PPTX_RULES, normalise_zip
from presswork.indexing import with_index
from presswork.tree import Document

from .model import build_deck, highlight
from .model.deck import Token
from .options import PptxOptions

__all__ = ["PptxExporter", "PptxOptions"]


def deck_cover(doc: Document, ctx: BuildContext[PptxOptions], prs: object) -> bytes:
    """The book's cover design at the slide's shape, without its text (the title slide sets that as
    editable text): the same picture the PDF and EPUB covers are drawn from."""
    width, height = prs.slide_width, prs.slide_height  # type: ignore[attr-defined]
    size = (round(1080 * width / height), 1080)
    return render_cover(CoverText(" ", publisher=doc.meta.publisher), dict(ctx.theme.options), size=size)


def memo_highlight(style: str) -> Callable[[str, str], list[tuple[Token, ...]]]:
    """``highlight`` in ``style``, each (code, language) lexed once per deck (a snippet repeated in a book, or
    a block measured again when it is split across slides, is not lexed again)."""
    done: dict[tuple[str, str], list[tuple[Token, ...]]] = {}

    def styled(code: str, language: str) -> list[tuple[Token, ...]]:
        if (code, language) not in done:
            done[code, language] = highlight(code, language, style)
        return list(done[code, language])  # a copy: the caller owns its list of lines (tokens are frozen)

    return styled


class PptxExporter(Exporter[PptxOptions]):
    """Writes an editable PowerPoint deck in which every word fits on its slide."""

    name = "pptx"
    extension = "pptx"
    description = "Editable PowerPoint deck (measured layout, speaker notes, native tables)"

    def export(self, doc: Document, ctx: BuildContext[PptxOptions], target: Path) -> None:
        """Build the deck: template -> measured deck model -> slides -> core properties -> reproducible zip."""
        # python-pptx loads only when a deck is written (the preview's slide view uses the model alone)
        from .handout import write_handout
        from .output import DeckWriter, Layouts, PictureStore, open_template, set_core_properties, template_bytes

        opts = ctx.options
        if opts.index:
            # Index slides (indexing.py); locators are chapter titles. Notes stay in the deck (speaker notes).
            doc = with_index(doc, ctx.config.index_title, hidden=HIDDEN_CLASSES["slides"] - {"notes", "no-slides"})
        prs = open_template(template_bytes(ctx.gate, ctx.theme, opts.template))
        layouts = Layouts(prs)
        frame = layouts.frame()
        pictures = PictureStore(ctx.gate, ctx.reporter)
        deck = build_deck(
            doc,
            frame,
            opts.deck(),
            pictures.size,
            lambda msg, pos: ctx.reporter.warn(msg, pos, "pptx"),
            memo_highlight(opts.code_style),
        )
        DeckWriter(prs, layouts, frame, pictures, deck_cover(doc, ctx, prs)).write(deck)
        set_core_properties(prs, doc.meta, ctx.build_time)
        buf = io.BytesIO()
        prs.save(buf)
        target.write_bytes(normalise_zip(buf.getvalue(), ctx.build_time, PPTX_RULES))
        if opts.handout:
            _, problem = write_handout(target)
            if problem:
                ctx.reporter.warn(f"handout not written: {problem}", None, "pptx")
