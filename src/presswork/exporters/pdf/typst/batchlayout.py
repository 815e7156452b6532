"""The Typst book laid out in batches of whole chapters: cut, compiled in workers (cached), placed, the skeleton set over them, merged; or a :class:`Fallback` saying why the whole book must be compiled at once."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from presswork.cache.store import code_fingerprint
from presswork.core import files
from presswork.core.leftovers import keep_until_next_build
from presswork.core.tree import Chapter, Document, blocks_text
from presswork.exporters.base import BuildContext
from presswork.exporters.common.pagination import PageStart
from presswork.exporters.pdf.batches.structure import Marked
from presswork.exporters.pdf.options import PdfOptions
from presswork.exporters.pdf.typst.batches import (
    BATCH_CHAPTERS,
    Batch,
    Fallback,
    LaidBatch,
    batch_source,
    plan,
    serial_reason,
    skeleton_source,
)
from presswork.exporters.pdf.typst.batchmerge import MERGE_FOLDER, BodyMerge
from presswork.exporters.pdf.typst.batchpool import (
    BatchStore,
    batch_key,
    close_spares,
    compile_later,
    lay_out_batches,
    prestart,
)
from presswork.exporters.pdf.typst.book import BookPieces
from presswork.exporters.pdf.typst.pagestarts import block_chars, page_starts

__all__ = ["BatchedBook", "close_spares", "lay_out_batched", "prestart_workers"]

LOG = logging.getLogger("presswork.typst")

#: The shortest book ``batch = "auto"`` lays out in batches, in words. Measured (PDF alone, 2 cores): the
#: Rustonomicon (45,000 words, 151 pages) builds clean in 3.2 s batched against 2.0 s whole and rebuilds after
#: an edit in 1.6 s against 1.8 s; the 100-chapter benchmark book (72,000 words) in 5.3 s against 4.5 s, rebuilt
#: in 2.7 s against 4 s; the Rust book (189,000 words, 541 pages) in 10.6 s against 8.5 s, rebuilt in 4.3 s
#: against 7.8 s. Below this a whole compile is quick enough that the skeleton and the merge do not pay.
AUTO_MIN_WORDS = 60_000

#: What the theme's template must define for batches (an older theme's template is compiled whole).
_TEMPLATE_NEEDS = ("#let pw-batch-facts(", "#let pw-ghost(", "furniture: true")


@dataclass
class BatchedBook:
    """The book laid out in batches: its skeleton PDF (perhaps still being set in a worker), the batches and
    where each starts among the body pages."""

    pending: Callable[[], bytes]  #: waits for the skeleton's PDF
    laid: list[LaidBatch]
    starts: list[int]
    body_pages: int
    body: BodyMerge | None = None  #: the batches merged so far (None: none yet)
    #: The batches merged (those not merged yet added to ``body``): left to :meth:`write` when nothing was compiled,
    #: as the book an earlier build merged from the same parts may be kept.
    merge_rest: Callable[[BodyMerge | None], BodyMerge] | None = None
    #: Where the merged book is kept for a rebuild that changes no part (None: not kept, as in a build dated now).
    kept: BatchStore | None = None
    _skeleton: bytes | None = None
    _pages: int | None = None  #: the book's pages, once the merge has counted them

    def skeleton(self) -> bytes:
        """The skeleton's PDF (waited for once)."""
        if self._skeleton is None:
            self._skeleton = self.pending()
        return self._skeleton

    def write(self, target: Path, identifier: bytes | None) -> None:
        """Merge the book into ``target``: the batches first, while the skeleton is set, then the skeleton."""
        skeleton = self.skeleton()
        key = _merged_key(skeleton, self.laid, self.starts, self.body_pages, identifier) if self.kept else ""
        if self.body is None and self.kept is not None and (merged := self.kept.get(key)) is not None:
            LOG.info("Typst: no part changed, the merged book taken from the cache")
            files.write_into(target, merged.pdf, files.real_root(target.parent), durable=False)
            self._pages = merged.pages
            return
        if self.merge_rest is None:
            raise Fallback("the book was laid out for its page starts alone")
        body = self.merge_rest(self.body)
        self.body = None  # the merge's pages are written once
        self._pages = body.finish(skeleton, self.body_pages, target, identifier)
        keep_until_next_build(body)  # freeing its qpdf objects: 0.1 s for a 100-chapter book, after the PDF is written
        if self.kept is not None:
            self.kept.put(key, LaidBatch(target.read_bytes(), self._pages, [], {}, []))
            self.kept.prune({key})

    def page_starts(self, doc: Document, top: float, bottom: float) -> list[PageStart | None]:
        """Where each page of the merged book begins (the EPUB's page list), as the whole book's layout tells it."""
        import io

        import pikepdf

        pages = self._pages
        if pages is None:  # not merged (yet, or for the EPUB's page list alone): the skeleton's pages are the book's
            with pikepdf.Pdf.open(io.BytesIO(self.skeleton())) as skeleton:
                pages = len(skeleton.pages)
        front = pages - self.body_pages
        # The merge's own checks of the pages (its other refusals, of a link or a bookmark, leave the pages as they
        # are): the page starts are told before the merge, and must be the PDF's pages.
        if front < 1:
            raise Fallback("the skeleton has fewer pages than the body")
        if any(first + facts.pages > self.body_pages for facts, first in zip(self.laid, self.starts, strict=True)):
            raise Fallback("the batches do not fill the body pages")
        places: list[Any] = []
        for facts, first in zip(self.laid, self.starts, strict=True):
            for mark, page, y, folio, style in facts.places:
                places.append([mark, front + first + int(page), y, first + int(folio), style])
        return page_starts(places, pages, top, bottom, block_chars(doc))


#: The words of the last book's chapters (by id, with the chapter itself: an id is only unique while its object
#: lives): a build asks twice, before and after writing the Typst source, of the same chapter objects.
_COUNTED: dict[int, tuple[Chapter, int]] = {}


def _book_words(doc: Document) -> int:
    """The words of ``doc``, each chapter counted once; only this book's counts are kept (a watch session's
    earlier trees are not held)."""
    global _COUNTED
    counted: dict[int, tuple[Chapter, int]] = {}
    for chapter in doc.chapters:
        known = _COUNTED.get(id(chapter))
        if known is None or known[0] is not chapter:
            known = (chapter, len(blocks_text(chapter.blocks).split()))
        counted[id(chapter)] = known
    _COUNTED = counted
    return sum(words for _, words in counted.values())


def _options_reason(doc: Document, opts: PdfOptions) -> str:
    """Why the options keep the book whole ("" when they let it be batched)."""
    if opts.batch == "off":
        return "batch = 'off'"
    if opts.batch == "auto" and not opts.batch_size:
        words = _book_words(doc)
        if words < AUTO_MIN_WORDS:
            return f"a short book ({words} words; batch = 'auto' batches from {AUTO_MIN_WORDS})"
    return ""


def _reason(doc: Document, opts: PdfOptions, pieces: BookPieces, index: bool) -> str:
    return _options_reason(doc, opts) or serial_reason(
        pieces, index=index, footnotes=opts.footnotes, pdf_variant=opts.pdf_variant
    )


def _jobs() -> int:
    """How many batches compile at once: one per CPU this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def prestart_workers(doc: Document, ctx: BuildContext[PdfOptions]) -> None:
    """Start the compile workers before the book's source is written, when the options batch the book: one per
    CPU when no batch is cached (a clean build compiles every batch), else one (a rebuild compiles the edited
    batch and the skeleton). A new interpreter's 0.3 s of imports then overlaps the writing instead of
    following it; :func:`close_spares` ends the workers once the PDF is written."""
    if not _options_reason(doc, ctx.options):
        prestart(_jobs() if BatchStore(ctx.gate.root).empty() else 1)


def place(laid: Sequence[LaidBatch], two_sided: bool) -> tuple[list[int], int]:
    """Each batch's first body page (from 0) and the number of body pages: in two-sided print a batch starts
    on a right-hand page (an odd folio), after a blank verso when the pages before it are odd in number."""
    starts: list[int] = []
    at = 0
    for facts in laid:
        starts.append(opening(at, two_sided))
        at = starts[-1] + facts.pages
    return starts, at


def opening(at: int, two_sided: bool) -> int:
    """The body page (from 0) a batch starts on when ``at`` body pages come before it."""
    return at + 1 if two_sided and at % 2 else at


def _skeleton_key(source: str, folder: Path, timestamp: str) -> str:
    """The skeleton's cache key: its source, every file it may read (the template, the cover, images; not the
    Typst sources beside it, nor the PDFs the merge reads), the build date."""
    digest = hashlib.sha256(batch_key(source, folder).encode() + timestamp.encode())
    merging = folder / MERGE_FOLDER
    for path in sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not (p.parent == folder and p.suffix == ".typ") and not p.is_relative_to(merging)
    ):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def _merged_key(
    skeleton: bytes, laid: Sequence[LaidBatch], starts: Sequence[int], body_pages: int, identifier: bytes | None
) -> str:
    """The cache key of the book merged from ``skeleton`` and the batches ``laid`` at body pages ``starts``: a hash
    of every PDF and fact the merge reads, the file identifier and the merge's code. (Not a batch's ``marked``
    elements: they only spare the merge a walk of its structure tree, and are found by the first merge.)"""
    digest = hashlib.sha256(f"{code_fingerprint(BodyMerge.__module__)}|{body_pages}|".encode())
    digest.update(hashlib.sha256(skeleton).digest())
    for facts, first in zip(laid, starts, strict=True):
        digest.update(hashlib.sha256(facts.pdf).digest())
        digest.update(json.dumps([first, facts.pages, facts.labels], sort_keys=True).encode())
    digest.update(b"identifier " + (identifier or b"-"))
    return digest.hexdigest()[:32]


def _keep_marked(
    batches: Sequence[Batch], laid: Sequence[LaidBatch], marked: Sequence[Marked | None], folder: Path, project: Path
) -> None:
    """Keep with each batch laid out now the structure elements its merge renamed: the next build's merge
    finds them without walking the batch's structure tree (and marks that named other objects are replaced)."""
    store = BatchStore(project)
    for batch, facts, found in zip(batches, laid, marked, strict=True):
        if found is not None and found != facts.marked:
            store.put_facts(batch_key(batch.source, folder), replace(facts, marked=found))


def lay_out_batched(
    doc: Document, ctx: BuildContext[PdfOptions], pieces: BookPieces, folder: Path, index: bool, merge: bool = True
) -> BatchedBook:
    """The book of ``pieces`` (written into the compile folder ``folder``) laid out in batches; raises
    :class:`Fallback` when it cannot be, exactly. ``merge``: the PDF will be written, so the batches are merged
    while the skeleton is set (and, when a processor is free, while the rest compile: see ``lay_out_batches``)."""
    opts = ctx.options
    reason = _reason(doc, opts, pieces, index)
    if reason:
        raise Fallback(reason)
    template = files.read_bytes(folder / "theme" / "book.typ", [folder], "the Typst template").decode(
        "utf-8", "replace"
    )
    if not all(name in template for name in _TEMPLATE_NEEDS):
        raise Fallback("the theme's Typst template has no batch functions (pw-batch-facts, pw-ghost, furniture)")
    groups = plan(pieces.chapters, opts.batch_size or BATCH_CHAPTERS)
    if len(groups) < 2:
        raise Fallback("fewer than two batches")
    batches = [batch_source(pieces, n, group) for n, group in enumerate(groups)]
    early: BodyMerge | None = None  # made by the first batch merged: pikepdf's import waits for a free moment

    def ready(n: int, facts: LaidBatch) -> None:
        nonlocal early
        if merge:
            early = early or BodyMerge(folder)
            early.add(facts, opening(early.end(), opts.print))

    laid = lay_out_batches(batches, folder, ctx.gate.root, _jobs(), ready)
    starts, body_pages = place(laid, opts.print)
    source = skeleton_source(pieces, batches, laid, starts, body_pages)
    timestamp = ctx.build_time if ctx.reproducible else None
    store = BatchStore(ctx.gate.root, "typst-skeleton")
    key = _skeleton_key(source, folder, timestamp.isoformat() if timestamp else "now")
    cached = store.get(key) if timestamp is not None else None
    LOG.info("Typst: %d batches, skeleton %s", len(batches), "from the cache" if cached else "set")
    if early is not None and early.starts != starts[: len(early.starts)]:
        raise Fallback("the batches were merged at other pages than the skeleton's")
    if cached is not None:
        compiling: Callable[[], bytes] = lambda: cached.pdf  # noqa: E731 - a constant "future"
    else:
        compiling = compile_later(folder, source, timestamp)

    def merge_rest(body: BodyMerge | None) -> BodyMerge:
        body = body or BodyMerge(folder)
        for n in range(len(body.laid), len(laid)):
            body.add(laid[n], starts[n])
        _keep_marked(batches, laid, body.marked, folder, ctx.gate.root)
        return body

    # The batches not merged yet, while the skeleton is set; with nothing compiled (the skeleton cached too), left
    # to the writing, which may find the book merged from the same parts by an earlier build.
    body = merge_rest(early) if merge and (cached is None or early is not None) else None
    kept = BatchStore(ctx.gate.root, "typst-merged") if timestamp is not None else None
    rest = merge_rest if merge else None
    if cached is not None:
        return BatchedBook(compiling, laid, starts, body_pages, body, rest, kept)

    def pending() -> bytes:
        skeleton = compiling()
        if timestamp is not None:
            store.put(key, LaidBatch(skeleton, 0, [], {}, []))
            store.prune({key})
        return skeleton

    return BatchedBook(pending, laid, starts, body_pages, body, rest, kept)
