"""The PDF exporter: theme templates + the shared XHTML renderer, laid out by WeasyPrint.

Pipeline: page geometry -> stylesheet -> glyph check -> XHTML of the book -> WeasyPrint -> PDF.
"""

from __future__ import annotations

from pathlib import Path

from presswork.exporters.base import BuildContext, Exporter
from presswork.exporters.common.pagination import cache_key, locked, store
from presswork.tree import Document

from .batches import lay_out_batched
from .batches import merge as merge_batches
from .document import (
    check_glyphs,
    document_html,
    geometry,
    lay_out_book,
    pdf_identifier,
    record_pagination,
    stylesheet,
    write_pdf,
)
from .index import draft
from .options import PdfOptions

__all__ = ["PdfExporter", "PdfOptions"]


class PdfExporter(Exporter[PdfOptions]):
    """A print-ready PDF: cover, title and copyright pages, contents, running heads, footnotes, bookmarks."""

    name = "pdf"
    extension = "pdf"
    description = "print-ready PDF (WeasyPrint)"

    def export(self, doc: Document, ctx: BuildContext[PdfOptions], target: Path) -> None:
        """Render the book to XHTML with the theme, lay it out and write the PDF to ``target``."""
        geo = geometry(ctx.options)
        doc = draft(doc, ctx)  # with its index, if it has index marks (pdf/index.py)
        css_text = stylesheet(doc, ctx, geo)
        check_glyphs(doc, ctx, css_text)
        bodies: dict[str, str] = {}
        chapters: list[str] = []
        html = document_html(doc, ctx, geo, bodies, chapters)
        # Under the layout's lock, so an EPUB built in parallel waits for this layout's page
        # starts (its page list) instead of laying the same book out a second time.
        key = cache_key(html, css_text)
        with locked(ctx.gate.root, key):
            batched = lay_out_batched(doc, ctx, html, css_text, chapters, bodies)
            if batched is not None:
                store(ctx.gate.root, key, batched.starts)
            else:
                laid_out = lay_out_book(doc, ctx, geo, html, css_text, bodies)
                record_pagination(ctx, key, laid_out)
        if batched is not None:
            merge_batches(batched, target, pdf_identifier(doc, ctx))
        else:
            write_pdf(doc, ctx, laid_out, target)
