"""The PDF exporter: theme templates + the shared XHTML renderer, laid out by WeasyPrint.

The Typst engine (``engine = "typst"``) lives in ``exporters/pdf/typst/``.
Pipeline (WeasyPrint): page geometry -> stylesheet -> glyph check -> XHTML of the book -> WeasyPrint -> PDF.
"""

from __future__ import annotations

from pathlib import Path

from presswork.core.tree import Document
from presswork.exporters.base import BuildContext, Exporter
from presswork.exporters.common.pagination import locked, tell_source
from presswork.exporters.pdf.batches import close_spares, prestart_workers
from presswork.exporters.pdf.batches import merge as merge_batches
from presswork.exporters.pdf.document import (
    check_glyphs,
    lay_out_print,
    pdf_identifier,
    print_source,
    source_identity,
    write_pdf,
)
from presswork.exporters.pdf.options import PdfOptions

__all__ = ["PdfExporter", "PdfOptions"]


class PdfExporter(Exporter[PdfOptions]):
    """A print-ready PDF: cover, title and copyright pages, contents, running heads, footnotes, bookmarks."""

    name = "pdf"
    extension = "pdf"
    description = "print-ready PDF (WeasyPrint)"
    makes_print_layout = True  # it lays the book out for print and stores the layout (pagination.py)

    def export(self, doc: Document, ctx: BuildContext[PdfOptions], target: Path) -> None:
        """Render the book to XHTML with the theme, lay it out and write the PDF to ``target``
        (or, with ``engine = "typst"``, write it as Typst markup and compile it)."""
        if ctx.options.engine == "typst":
            from presswork.exporters.pdf.typst import write_typst_pdf

            write_typst_pdf(doc, ctx, target)
            return
        prestart_workers(doc, ctx)  # they import WeasyPrint while the book's HTML is written
        try:
            src = print_source(doc, ctx)  # with its index, if it has index marks (pdf/index.py)
            tell_source(source_identity(doc, ctx), src.key)  # an EPUB written beside it need not write it again
            check_glyphs(src.doc, ctx, src.css)
            # Under the layout's lock, so an EPUB built in parallel waits for this layout's page
            # starts (its page list) instead of laying the same book out a second time.
            with locked(ctx.gate.root, src.key):
                layout = lay_out_print(src, ctx)
        finally:
            close_spares()
        if layout.batched is not None:
            merge_batches(layout.batched, target, pdf_identifier(src.doc, ctx))
        else:
            write_pdf(src.doc, ctx, layout.laid_out, target)
