"""Merging laid-out batch PDFs into one book: the merged book from the cache, else the merge the layout began, given the parts it has not taken."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from presswork.exporters.pdf.batches.bookmerge import BookMerge, LinksRemoved
from presswork.exporters.pdf.batches.layout import BatchedLayout
from presswork.exporters.pdf.batches.merged import cached_merge, keep_merge

LOG = logging.getLogger("presswork.batches")


def merge(layout: BatchedLayout, target: Path, identifier: bytes | None) -> None:
    """Write the parts of ``layout`` as one PDF to ``target`` (qpdf through pikepdf parses and writes:
    five times less CPU than pypdf for a 400-page book, deterministic bytes). The parts a :class:`BookMerge`
    took while the last batch was written (``layout.merging``) are not merged again."""
    ident = identifier or hashlib.md5(b"".join(p.result.pdf for p in layout.parts)).hexdigest().encode("ascii")
    if layout.cache is not None and layout.merged_key:
        merged = cached_merge(layout.cache, layout.merged_key, ident)
        if merged is not None:
            LOG.info("PDF merge: no part changed, the merged book taken from the cache")
            target.write_bytes(merged)
            return
    book = layout.merging or BookMerge(layout.furniture, layout.opened)
    layout.merging = None
    if not all(a is b for a, b in zip(book.parts, layout.parts, strict=False)):
        book = BookMerge(layout.furniture, layout.opened)  # merged ahead from other parts: not these
    try:
        for part in layout.parts[len(book.parts) :]:
            book.add(part)
        book.finish(layout.labels, target, ident)
    except LinksRemoved:  # the structure trees must leave out the removed links: merged again, trees last
        book = BookMerge(layout.furniture, layout.opened, trees_last=True)
        for part in layout.parts:
            book.add(part)
        book.finish(layout.labels, target, ident)
    if layout.cache is not None and layout.merged_key:
        keep_merge(layout.cache, layout.merged_key, ident, target.read_bytes())
