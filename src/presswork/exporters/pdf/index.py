"""The printed index: lay the book out, read where each index mark landed, then set the index with real page numbers.

Pass 1 lays the book out with its index locators as ``target-counter()`` links (correct, but one
number per mark). The index is the last chapter, so nothing before it moves when its text
changes: the page of every mark is read from pass 1 (WeasyPrint pages know their ``anchors``)
as the printed folio, and pass 2 sets the index with one number per page and ranges ("12–14").
Pass 2's marks are checked to sit on the same pages. A book without index marks is laid out once.

The pagination cache (EPUB page list) is keyed by pass 1's HTML, which is a pure function of
the book, so the EPUB finds the PDF's layout without laying the book out itself.
"""

from __future__ import annotations

from typing import Any

from presswork.core.tree import Document
from presswork.exporters.base import BuildContext
from presswork.exporters.common.visibility import HIDDEN_CLASSES
from presswork.exporters.pdf.labels import folio_text, page_labels
from presswork.exporters.pdf.options import PdfOptions
from presswork.transforms.indexing import has_index, with_index, without_index

__all__ = ["anchor_folios", "draft", "finish"]


def anchor_folios(pages: Any, prefix: str = "idx-") -> dict[str, str]:
    """The printed folio of the page each anchor ``prefix...`` lies on (first page where it appears)."""
    folios = [folio_text(f) for f in page_labels(pages)]
    out: dict[str, str] = {}
    for page, folio in zip(pages, folios, strict=True):
        for anchor in page.anchors:
            if anchor.startswith(prefix):
                out.setdefault(anchor, folio)
    return out


def draft(doc: Document, ctx: BuildContext[PdfOptions]) -> Document:
    """The book as laid out in pass 1: its index (if any) with chapter titles for locators."""
    return with_index(without_index(doc), ctx.config.index_title, hidden=HIDDEN_CLASSES["print"])


def finish(doc: Document, ctx: BuildContext[PdfOptions], first: Any, html_of: Any) -> Any:
    """The final layout, from pass 1's layout ``first`` of :func:`draft`: itself when the book has
    no index, else the book laid out again with the index's real page numbers.

    ``html_of(doc)`` renders a document to the print HTML and lays it out."""
    doc = without_index(doc)
    if not has_index(doc):
        return first
    pages = anchor_folios(first.pages)
    result = html_of(with_index(doc, ctx.config.index_title, pages, HIDDEN_CLASSES["print"]))
    moved = {a: f for a, f in anchor_folios(result.pages).items() if pages.get(a) != f}
    if moved:  # cannot happen while the index is the last chapter; say so rather than print wrong numbers
        ctx.reporter.warn(f"index: {len(moved)} marks moved between layout passes; their page numbers may be off")
    return result
