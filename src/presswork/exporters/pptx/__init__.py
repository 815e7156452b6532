"""The PowerPoint exporter: tree -> pure deck model (``model/``) -> editable .pptx (``output/``, python-pptx).

Pipeline (like Pandoc's ``Writers/Powerpoint.hs``): template -> content frame -> measured deck
model -> slides on the template's layouts -> core properties -> reproducible zip.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from presswork.cache.replay import replay
from presswork.core.diagnostics import Warning_
from presswork.core.files import real_root, write_into
from presswork.core.tree import Document, Pos, plain_text
from presswork.exporters.base import BuildContext, Exporter
from presswork.exporters.common.cjk import book_cjk_language
from presswork.exporters.common.cover import CoverText, render_cover
from presswork.exporters.common.visibility import HIDDEN_CLASSES
from presswork.exporters.common.zips import PPTX_RULES, write_zip
from presswork.exporters.pptx.model import (
    auto_slide_level,
    book_order,
    budgets,
    chapter_slides,
    front_slides,
    highlight,
)
from presswork.exporters.pptx.model.deck import Slide, Token
from presswork.exporters.pptx.model.text import tex_to_text
from presswork.exporters.pptx.model.titles import TitleBook
from presswork.exporters.pptx.options import PptxOptions
from presswork.transforms.indexing import with_index

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
        from presswork.exporters.pptx.handout import write_handout
        from presswork.exporters.pptx.incremental import ChapterDeck, DeckCache, Pending
        from presswork.exporters.pptx.output import (
            DeckWriter,
            Layouts,
            PictureStore,
            open_template,
            package_entries,
            set_core_properties,
            template_bytes,
        )

        opts = ctx.options
        if opts.index:
            # Index slides (indexing.py); locators are chapter titles. Notes stay in the deck (speaker notes).
            doc = with_index(doc, ctx.config.index_title, hidden=HIDDEN_CLASSES["slides"] - {"notes", "no-slides"})
        template = template_bytes(ctx.gate, ctx.theme, opts.template)
        prs = open_template(template)
        layouts = Layouts(prs)
        frame = layouts.frame()
        pictures = PictureStore(ctx.gate, ctx.reporter)
        deck_opts = opts.model_options()
        style_code = memo_highlight(opts.code_style)
        level = deck_opts.slide_level or auto_slide_level(doc)
        footer = doc.meta.title

        def warn(message: str, pos: Pos | None) -> None:
            ctx.reporter.warn(message, pos, "pptx")

        # The deck model: book-wide slides made afresh, each chapter's slides kept from an earlier build when
        # its key (incremental.py) is the same, else laid out now (and kept once written).
        cache = DeckCache(
            ctx.gate.root,
            ctx.gate,
            (repr(opts), str(level), footer, hashlib.sha256(template).digest(), book_cjk_language(doc)),
            frame,
        )
        items: list[Slide | ChapterDeck | tuple[Pending, list[Slide]]] = list(front_slides(doc, frame, deck_opts))
        titles = TitleBook()
        titles.add([it for it in items if isinstance(it, Slide)])
        shares = budgets(doc, deck_opts, len(items), opts.budget(doc))
        counter = [0]
        for ch in book_order(doc):
            if isinstance(ch, Slide):  # a part's divider
                titles.add([ch])
                items.append(ch)
                continue
            key = cache.key(ch, counter[0], repr(shares[ch.id]))
            kept = cache.get(key)
            if kept is not None and kept.lookups is not None and titles.replays(kept.lookups):
                replay(kept.told, ctx.reporter)
                counter[0] = kept.counter
                titles.replay(kept.titles, kept.lookups)
                items.append(kept)
                continue
            pending = Pending(key)
            pictures.log = pending.asked

            def record(message: str, pos: Pos | None, pending: Pending = pending) -> None:
                pending.warnings.append(Warning_(message, pos, "pptx"))
                warn(message, pos)

            slides = chapter_slides(
                ch, level, frame, deck_opts, pictures.size, record, counter, style_code, shares[ch.id]
            )
            pending.titles, pending.lookups = titles.add_recorded(slides, plain_text(ch.title, math=tex_to_text))
            pending.counter = counter[0]
            items.append((pending, slides))
        pictures.log = None

        writer = DeckWriter(prs, layouts, frame, pictures, deck_cover(doc, ctx, prs))
        writer.shapes.language = writer.language = book_cjk_language(doc) or doc.meta.language or ""
        number = 0
        for item in items:
            if isinstance(item, Slide):
                number += 1
                writer.write_slide(item, footer, number)
            elif isinstance(item, ChapterDeck):
                for written in item.slides:
                    number += 1
                    writer.replay(written, number, cache.media)
                writer.shapes.glyphs.replay(item.glyphs)
            else:
                pending, slides = item
                glyphs: dict[str, str] = {}
                pictures.log, writer.shapes.glyphs.log = pending.asked, glyphs
                out = []
                for model in slides:
                    number += 1
                    out.append(writer.write_slide(model, footer, number, keep=True))
                pictures.log = writer.shapes.glyphs.log = None
                kept_slides = [k for k in out if k is not None]
                placed = all(pictures.cache.get(key) is not None for key in pending.asked)
                if len(kept_slides) == len(out) and placed:  # a picture not placed warns once per deck: not kept
                    cache.put(pending, kept_slides, list(glyphs.items()))
        writer.finish()
        cache.prune()
        set_core_properties(prs, doc.meta, ctx.build_time)
        write_into(
            target, write_zip(package_entries(prs), ctx.build_time, PPTX_RULES), real_root(target.parent), durable=False
        )
        if opts.handout:
            _, problem = write_handout(target)
            if problem:
                ctx.reporter.warn(f"handout not written: {problem}", None, "pptx")
