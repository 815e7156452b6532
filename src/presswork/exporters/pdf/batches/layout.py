"""The parent side of the batched layout: batches laid out ahead in book order, placed, stamped and collected."""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from presswork.core.diagnostics import Warning_
from presswork.exporters.common.pagination import PageStart, files_digest
from presswork.exporters.pdf.batches.bookmerge import BookMerge
from presswork.exporters.pdf.batches.cache import (
    BatchCache,
    body_from_json,
    digest,
    facts_to_json,
    result_from_json,
)
from presswork.exporters.pdf.batches.cutting import PLACEHOLDER_PAGE, SEED, BookPieces, Fallback
from presswork.exporters.pdf.batches.furnished import cached_furniture, furniture_key, keep_furniture
from presswork.exporters.pdf.batches.furniture import Furnisher, Furniture, PageFurniture, Stamp, counters, run_on
from presswork.exporters.pdf.batches.merged import merge_key
from presswork.exporters.pdf.batches.numbers import placeholders, write_numbers
from presswork.exporters.pdf.batches.opening import OpenedPdfs
from presswork.exporters.pdf.batches.pool import Pool
from presswork.exporters.pdf.batches.worker import BatchBody, BatchResult, Job, LayoutReport, Place
from presswork.exporters.pdf.labels import Folio, fill_folios, folio_text

LOG = logging.getLogger("presswork.batches")


@dataclass
class Part:
    """One document of the merged book: its PDF and facts, plus a blank verso after it or not."""

    result: BatchResult
    pad: bool = False
    stamped: int | None = None  # its furniture: the furniture PDF's pages from this index on (None: drawn in)
    contents: dict[int, bytes] = field(default_factory=dict)  # pages' content streams with their numbers written in


@dataclass
class BatchedLayout:
    """The whole book laid out in batches: the parts in book order and the facts about all pages."""

    parts: list[Part]
    labels: list[Folio]
    starts: list[PageStart | None]
    warnings: list[Warning_]
    laid_out: int  # how many documents were laid out (not taken from the cache)
    furniture: Furniture | None = None  # the margin boxes of the stamped parts' pages, in layers
    opened: OpenedPdfs = field(default_factory=OpenedPdfs)  # the parts' PDFs, some opened ahead of the merge
    cache: BatchCache | None = None  # where the merged book is kept (merged.py)
    merged_key: str = ""  # its key there: every input of the merge
    merging: BookMerge | None = None  # the merge begun with the parts before the last batch laid out


@dataclass
class Book:
    """What the batched layout needs to know about the book being built."""

    pieces: BookPieces
    batches: list[list[int]]
    chapter_ids: list[str]
    css: str
    base_url: str
    css_base_url: str
    gate: Any
    two_sided: bool
    reproducible_epoch: int | None
    tagged: bool = False  # write tagged PDFs
    bodies: dict[str, str] = field(default_factory=dict)  # chapter id -> body HTML (for floats)
    merging: bool = True  # the batches will be merged (else only the page starts are wanted: nothing opened ahead)


def lay_out(book: Book, jobs: int, cache: BatchCache, in_process: bool = False) -> BatchedLayout:
    """Lay the book out in batches (raises Fallback when it must be laid out serially)."""
    pool = Pool(jobs, in_process)
    try:
        return _lay_out(book, pool, cache)
    finally:
        pool.close()


def _job(book: Book, index: int, html: str, **kwargs: Any) -> Job:
    return Job(
        index=index,
        html=html,
        css=book.css,
        base_url=book.base_url,
        css_base_url=book.css_base_url,
        gate=book.gate,
        reproducible_epoch=book.reproducible_epoch,
        tagged=book.tagged,
        **kwargs,
    )


def _lay_out(book: Book, pool: Pool, cache: BatchCache) -> BatchedLayout:
    # The files the stylesheet and each document include (images, fonts): changed bytes, a new layout.
    hashes: dict[str, str] = {}
    css_key = digest(
        book.css,
        files_digest(book.css, book.css_base_url, book.gate.is_allowed, css=True, hashes=hashes),
        "tagged" if book.tagged else "untagged",
    )
    front_html = book.pieces.front_document()
    front_links = sorted(set(re.findall(r'href="#([^"]+)"', front_html)))
    last = len(book.batches) - 1
    verso = [book.two_sided and i < last for i in range(len(book.batches))]
    docs = [book.pieces.batch_document(b, verso[i]) for i, b in enumerate(book.batches)]
    files = [files_digest(html, book.base_url, book.gate.is_allowed, hashes=hashes) for html in docs]
    front_files = files_digest(front_html, book.base_url, book.gate.is_allowed, hashes=hashes)
    body_keys = [digest(css_key, "body", html, files[i]) for i, html in enumerate(docs)]
    keep: set[str] = set(body_keys)
    laid_out = 0

    # The front matter's page count (with placeholder numbers): cached, or a counting layout.
    count_key = digest(css_key, "front-count", front_html, front_files)
    keep.add(count_key)
    front_pages = cache.get_json(count_key)
    if front_pages is None:
        pool.start(_job(book, -1, front_html, externals=dict.fromkeys(front_links, PLACEHOLDER_PAGE), write=False))
        laid_out += 1

    bodies: dict[int, BatchBody] = {}
    missing: set[str] = set()
    queued = 0  # batches before this one were started (or found in the cache)

    def start(i: int) -> None:
        nonlocal laid_out
        chapter = book.chapter_ids[book.batches[i][0]]
        ids = [book.chapter_ids[c] for c in book.batches[i]]
        floats = {c: book.bodies[c] for c in ids if c in book.bodies}
        pool.start(
            _job(book, i, docs[i], externals={}, first_chapter=chapter, seed=True, drop_last=verso[i], bodies=floats)
        )
        laid_out += 1

    def start_more() -> None:
        # Lay out ahead the batches whose pages are not cached (none waits for another: their places
        # in the book only reach the furniture, made afterwards).
        nonlocal queued
        while queued < len(docs) and len(pool.running) < pool.jobs:
            if queued not in pool.running and cache.get_json(body_keys[queued]) is None:
                start(queued)
            queued += 1

    start_more()
    head = book.pieces.furniture_head()

    @functools.cache
    def furnisher() -> Furnisher:
        """The maker of the furniture, made once (it imports WeasyPrint and reads the stylesheet: 0.4 s)."""
        return Furnisher(head, book.css, book.base_url, book.css_base_url, book.gate, book.reproducible_epoch)

    if pool.running:  # its stylesheet is read while the workers lay out (it needs nothing of their pages)
        furnisher()
    if front_pages is None:
        report = pool.report(-1)
        pool.finish(-1, None)
        front_pages = report.pages
        cache.put(count_key, front_pages)
        start_more()
    # The front matter's contents print the page counters of the chapter anchors they link to: its layout
    # starts (when not cached) as soon as every batch's pages are known, while the last batch laid out
    # still writes its PDF and the furniture is made here.
    cached = {i: b for i in range(len(docs)) if i not in pool.running and (b := _cached_body(cache, body_keys[i]))}
    placing: dict[int, Placing] = {i: Placing(b.pages, _own_counters(b), b.anchors) for i, b in cached.items()}
    front: BatchResult | None = None
    front_key = ""
    externals: dict[str, int] = {}  # the page number of each chapter anchor the front matter links to
    shown: dict[str, int] = {}  # the numbers it is laid out with: placeholders, when they are written in later
    # The contents' page numbers are written into a front matter laid out once with placeholders (numbers.py);
    # when there are too few to hold every digit, or they cannot be written in exactly, it is laid out with
    # them. (Decided by this build's inputs alone: a rebuild gives a clean build's bytes.)
    writing = False

    def front_key_for(kind: str, printed: dict[str, int]) -> str:
        """The cache key of the front matter laid out with the page numbers ``printed`` (kept by this build)."""
        key = digest(css_key, kind, front_html, front_files, json.dumps(printed, sort_keys=True))
        keep.add(key)
        return key

    def finish_front(index: int, key: str) -> BatchResult:
        """The front matter job ``index``'s result, written and cached under ``key``."""
        pool.report(index)
        result = pool.finish(index, Place(None, True))
        assert result is not None
        cache.put(key, facts_to_json(result), result.pdf)
        return result

    def place_front() -> None:
        nonlocal front, front_key, laid_out, externals, shown, writing
        externals = _front_externals(front_links, [placing[i] for i in range(len(docs))])
        marked = placeholders(externals)
        writing = marked is not None
        shown = marked if marked is not None else externals
        front_key = front_key_for("front-placeholders" if writing else "front", shown)
        front = _cached_result(cache, front_key)
        if front is None:
            pool.start(_job(book, -2, front_html, externals=shown, mark_numbers=writing))
            laid_out += 1

    opened = OpenedPdfs()
    # Each page's furniture inputs, by batch: from the cache, or from a worker's report.
    inputs: dict[int, list[PageFurniture]] = {i: b.furniture for i, b in cached.items()}
    furniture: Furniture | None = None
    numbers: list[list[int]] = []

    def furnish() -> None:
        """The furniture of every batch's pages, made once each batch's pages are known: while the last batch
        laid out writes its PDF (each batch's place: its first page counter and side; the blank verso before
        the first chapter is added here, as the front matter's theme furniture stops there; the other batches
        end with theirs)."""
        nonlocal furniture, numbers, laid_out
        pages_before = int(front_pages) + front_pad
        numbers = book_counters([placing[i].counters for i in range(len(docs))])
        stamps: list[Stamp] = []
        counter_before = 0
        for i in range(len(docs)):
            if book.two_sided and pages_before % 2:
                raise Fallback("a batch does not end before a right-hand page")
            stamps.append(Stamp(inputs[i], None if i == 0 else counter_before + 1, pages_before % 2 == 0))
            pages_before += placing[i].pages
            counter_before = numbers[i][-1] if numbers[i] else counter_before
        began = time.perf_counter()
        digest_parts = lambda *parts: digest(css_key, head, *parts)  # noqa: E731 - the chunks' keys are made alike
        stamps_key = furniture_key(stamps, digest_parts)
        keep.add(stamps_key)
        furniture = cached_furniture(cache, stamps_key)
        if furniture is not None:  # the same pages where they were: no furniture made, nor its stylesheet read
            keep.update(furniture.chunks)
            LOG.info("PDF furniture: %d pages, from the cache", len(furniture.pages))
            return
        furniture = furnisher().furnish(stamps, digest_parts, cache, keep)
        keep_furniture(cache, stamps_key, furniture)
        laid_out += 1 if furniture.made else 0
        LOG.info(
            "PDF furniture: %d pages, %d of %d chunks laid out, in %.2f s",
            len(furniture.pages),
            furniture.made,
            len(furniture.chunks),
            time.perf_counter() - began,
        )

    contents: dict[int, bytes] = {}  # the front matter's pages with the contents' numbers written in
    numbered = False

    def number_front() -> None:
        """The contents' real page numbers (once the front matter is laid out): written into its pages over
        the placeholders, or, when they cannot be written in exactly, laid out with it."""
        nonlocal front, contents, laid_out, numbered
        assert front is not None
        numbered = True
        if not writing:
            return
        written_key = digest(front_key, "numbers-written", json.dumps(externals, sort_keys=True))
        keep.add(written_key)
        written = _written(front, shown, externals, cache, written_key, opened)
        if written is not None:
            contents = written
            return
        LOG.info("PDF contents: page numbers laid out with the front matter (they cannot be written in exactly)")
        real_key = front_key_for("front", externals)
        front = _cached_result(cache, real_key)
        if front is None:
            pool.start(_job(book, -3, front_html, externals=externals))
            laid_out += 1
            front = finish_front(-3, real_key)

    made: dict[int, Part] = {}  # the parts made for the merge begun ahead (-1: the front matter), used again below

    def body_part(j: int, at: int) -> Part:
        """Batch ``j``'s part, its pages stamped from the furniture's page ``at`` on."""
        assert furniture is not None
        if j not in made:
            result = _stamped(bodies[j], furniture.folios[at : at + bodies[j].pages], numbers[j])
            made[j] = Part(result, stamped=at)
        return made[j]

    ahead: BookMerge | None = None

    def merge_ahead(last: int) -> None:
        """Begin the merge with the front matter and the batches before ``last``, the one batch still laid out
        (merged while its worker writes its PDF; the merge goes on from there)."""
        nonlocal ahead
        ahead = BookMerge(furniture, opened)
        made[-1] = Part(front, front_pad, contents=contents)  # type: ignore[arg-type]  # (checked by the caller)
        ahead.add(made[-1])
        at = 0
        for j in range(last):
            ahead.add(body_part(j, at))
            at += bodies[j].pages

    front_pad = book.two_sided and int(front_pages) % 2 == 1
    if len(placing) == len(docs):
        place_front()
    for i in range(len(docs)):
        body = cached.get(i)
        if body is None:
            if i not in pool.running:
                start(i)
            if book.merging:  # while the worker lays out
                opened.ahead(b.pdf for b in (*cached.values(), *bodies.values()))
            report = pool.report(i)
            _check_report(report, book.two_sided, first=i == 0)
            missing.update(report.missing)
            placing[i] = Placing(report.pages, report.counters, report.anchors)
            inputs[i] = report.furniture
            if len(placing) == len(docs):
                place_front()
            pool.ask_body(i)
            if furniture is None and len(inputs) == len(docs):
                furnish()
                assert furniture is not None
                if book.merging:  # while the worker writes its PDF
                    opened.ahead(furniture.chunks.values())
                if front is not None and not numbered:  # the front matter from the cache: numbered meanwhile too
                    number_front()
            if ahead is None and book.merging and furniture is not None and front is not None and numbered:
                if all(j in bodies or j in cached for j in range(len(docs)) if j != i):  # the last batch laid out
                    merge_ahead(i)
            body = pool.body(i)
            cache.put(body_keys[i], facts_to_json(body), body.pdf)
        bodies[i] = body
        start_more()
    if furniture is None:
        furnish()
    assert furniture is not None
    body_parts: list[Part] = []
    at = 0
    for i in range(len(docs)):
        body_parts.append(body_part(i, at))
        at += bodies[i].pages
    if front is None:
        front = finish_front(-2, front_key)
    if not numbered:
        number_front()
    assert front is not None
    if front.pages != front_pages:
        raise Fallback("the front matter's page count depends on its page numbers")
    front_part = made[-1] if -1 in made and made[-1].result is front else Part(front, front_pad, contents=contents)
    layout = _assemble([front_part, *body_parts], laid_out, furniture, opened)
    layout.cache, layout.merged_key = cache, merge_key(layout.parts, furniture, layout.labels)
    layout.merging = ahead
    keep.add(layout.merged_key)
    cache.prune(keep)
    return layout


def _written(
    front: BatchResult,
    shown: dict[str, int],
    values: dict[str, int],
    cache: BatchCache,
    key: str,
    opened: OpenedPdfs,
) -> dict[int, bytes] | None:
    """The front matter's pages with the real numbers ``values`` written over its placeholders ``shown``
    (:func:`write_numbers`; cached under ``key``, so a rebuild that moves no number parses no page), or None
    when they cannot be, also on an unforeseen PDF: it is then laid out with its numbers (exact either way;
    ``--verbose`` tells which)."""
    if front.numbers is None:
        return None
    known = cache.get_json(key)
    blob = cache.get_pdf(key) if known is not None else None
    if known is not None and (known["pages"] is None or blob is not None):
        written = None if blob is None else _unpacked(known["pages"], known["sizes"], blob)
    else:
        try:
            written = write_numbers(opened.open(front.pdf), front.numbers, shown, values)  # the merge's too
        except Exception as exc:  # noqa: BLE001 - a safe fallback exists: laying the front matter out with its numbers
            LOG.info("PDF contents: the page numbers could not be written in (%s: %s)", type(exc).__name__, exc)
            written = None
        if written is None:
            cache.put(key, {"pages": None})
        else:
            pages = sorted(written)
            cache.put(
                key, {"pages": pages, "sizes": [len(written[n]) for n in pages]}, b"".join(written[n] for n in pages)
            )
    if written is not None:
        LOG.info("PDF contents: %d page numbers written into the front matter", len(front.numbers.boxes))
    return written


def _unpacked(pages: list[int], sizes: list[int], blob: bytes) -> dict[int, bytes]:
    """Content streams cached one after another (``sizes`` bytes each), by page."""
    out: dict[int, bytes] = {}
    at = 0
    for page, size in zip(pages, sizes, strict=True):
        out[page] = blob[at : at + size]
        at += size
    return out


@dataclass
class Placing:
    """What places a batch's pages in the book, known from its layout's report (before its PDF is written) or
    its cached body: how many pages, their own page counters and the anchors on each."""

    pages: int
    counters: list[int]
    anchors: list[list[str]]


def _own_counters(body: BatchBody) -> list[int]:
    """The page counters a batch's pages had in its own layout."""
    return counters(Stamp(body.furniture, None, True))


def book_counters(own: list[list[int]]) -> list[list[int]]:
    """Each batch's page counters in the book, from the counters its pages had in its own layout: the first
    batch keeps its own (the main matter's numbering starts there); each later one runs on from the last
    counter before it (checked to run on without a reset)."""
    numbers: list[list[int]] = []
    before = 0
    for i, counted in enumerate(own):
        numbers.append(run_on(counted, None if i == 0 else before + 1))
        before = numbers[-1][-1] if numbers[-1] else before
    return numbers


def _front_externals(links: list[str], placing: list[Placing]) -> dict[str, int]:
    """The page counter of every chapter anchor the front matter links to (its first page's, for an anchor on several)."""
    externals: dict[str, int] = {}
    numbers = book_counters([p.counters for p in placing])
    for place, counted in zip(placing, numbers, strict=True):
        for names, counter in zip(place.anchors, counted, strict=True):
            for name in names:
                externals.setdefault(name, counter)
    return {name: externals[name] for name in links if name in externals}


def _cached_result(cache: BatchCache, key: str) -> BatchResult | None:
    data = cache.get_json(key)
    pdf = cache.get_pdf(key) if data is not None else None
    return result_from_json(data, pdf) if data is not None and pdf is not None else None


def _cached_body(cache: BatchCache, key: str) -> BatchBody | None:
    data = cache.get_json(key)
    pdf = cache.get_pdf(key) if data is not None else None
    return body_from_json(data, pdf) if data is not None and pdf is not None else None


def _stamped(body: BatchBody, folios: list[Folio | None], numbers: list[int]) -> BatchResult:
    """A batch's pages with the folios its furniture prints and its page counters in the book."""
    return BatchResult(
        pdf=body.pdf,
        pages=body.pages,
        folios=folios,
        names=body.names,
        bookmarks=body.bookmarks,
        heights=body.heights,
        anchors=body.anchors,
        starts=body.starts,
        counters=numbers,
        warnings=body.warnings,
        marked=body.marked,
    )


def _check_report(report: LayoutReport, two_sided: bool, first: bool) -> None:
    """Refuse a batch whose layout cannot be placed in the book as it is."""
    if first and report.counters and report.counters[0] > SEED:
        raise Fallback("the main matter's page numbers continue the front matter's")
    if report.missing:
        raise Fallback(f"page references across batches (#{report.missing[0]})")
    if report.own:
        # A chapter batch is laid out before its first folio is known: its own page numbers are not the book's.
        raise Fallback(f"page references inside a batch (#{report.own[0]})")
    allowed = {"right", "recto"} if two_sided else {"page", "right", "recto"}
    if report.opening_break not in allowed:
        raise Fallback(f"a batch opens with break-before: {report.opening_break or 'auto'}")


def _assemble(parts: list[Part], laid_out: int, furniture: Furniture, opened: OpenedPdfs) -> BatchedLayout:
    folios: list[Folio | None] = []
    names: list[str] = []
    starts: list[PageStart | None] = []
    warnings: list[Warning_] = []
    for part in parts:
        folios += part.result.folios
        names += part.result.names
        starts += part.result.starts
        warnings += part.result.warnings
        if part.pad:
            folios.append(None)
            names.append("")
            starts.append(None)
    labels = fill_folios(folios, names)
    starts = [
        PageStart(folio_text(label), s.chapter, s.block, s.offset) if s is not None else None
        for s, label in zip(starts, labels, strict=True)
    ]
    return BatchedLayout(parts, labels, starts, warnings, laid_out, furniture, opened)
