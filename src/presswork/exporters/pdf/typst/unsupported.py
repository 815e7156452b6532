"""What the Typst engine does not match: each such option a book uses is named in one warning."""

from __future__ import annotations

from presswork.core.tree import Document
from presswork.exporters.base import BuildContext
from presswork.exporters.pdf.options import PdfOptions

__all__ = ["warn_unsupported"]


def warn_unsupported(doc: Document, ctx: BuildContext[PdfOptions]) -> None:
    """Warn once per option the Typst engine cannot honour (see docs/pdf-engines.md)."""
    opts = ctx.options
    if opts.cover == "typographic" and not doc.meta.cover and not opts.print:
        ctx.reporter.warn(
            'pdf cover = "typographic" is drawn by the WeasyPrint theme; the Typst engine prints the generated cover',
            None,
            "typst",
        )
