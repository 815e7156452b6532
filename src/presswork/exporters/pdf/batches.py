"""Batched PDF layout: chapters laid out in parallel worker processes, numbered in a second step, merged.

WeasyPrint lays out one HTML document at a time, and a laid-out ``Document`` cannot be sent
between processes. So the book is cut into documents of its own: the front matter (cover,
title, copyright, contents) and batches of whole chapters. Each is laid out in a worker
process that exits when its batch is written (so WeasyPrint's memory goes back to the system).

Why a batch lays out exactly as it does inside the whole book
  A batch starts with a chapter that opens a page in the serial layout (its computed
  ``break-before`` is ``page``, ``right`` or ``recto``: checked on the laid-out box, not
  assumed). Nothing before a page break changes the body of the pages after it, except
  page-based values: the page side (two-sided margins, left/right running heads), the page
  counter (folios) and ``target-counter()`` references. Those are exactly what the second
  step fixes:

Two steps in each worker
  1. Layout. ``render()`` with margin boxes held back (WeasyPrint's ``make_margin_boxes`` is
     wrapped to record each page's state instead). The worker reports its page count, the
     page counter value of each page and the anchors on each page, then waits.
  2. Numbering and writing. The parent knows where the batch starts in the book once every
     earlier batch has reported its page count. It sends the batch its first folio and side;
     the worker renumbers the page counter (the batch's own counter must run without a reset
     after its first page, checked), swaps the page side where the book's differs (only when
     both sides have the same page geometry, checked), makes the margin boxes (folios,
     running heads) and writes its PDF. Batches are started in book order, and a worker
     waits only for batches started before it, so the pipeline never deadlocks; with two
     cores, batch N+1 is laid out while batch N is numbered.
  In two-sided print every chapter opens on a right-hand page: a batch with an odd page
  count is followed by a blank verso, as the serial layout would insert.

Page numbers across batches (contents, cross-references, index)
  ``target-counter()`` to an anchor in another document is resolved from an anchor -> page
  counter map: WeasyPrint's ``TargetCollector.lookup_target`` is wrapped so that an anchor
  the batch does not hold is answered from the map (the number is set as text at box-building
  time). The front matter is laid out last, with the map of every chapter anchor, so its
  contents carry the real page numbers; it is laid out once before (with wide placeholder
  numbers, cached) only to count its pages, which the chapter batches need for their sides;
  the two counts must agree (checked). A chapter batch whose ``target-counter()`` or
  ``target-text()`` points into another chapter batch (``on page N`` cross-references, an
  index laid out with ``target-counter``) cannot be resolved in one pass: the book is then
  laid out serially. This is detected automatically (the wrapped lookup records it), never
  configured. Other automatic serial fallbacks: ``pdf_variant`` (tagged PDF/UA, PDF/A: one
  structure tree), ``footnotes = "book"`` (a footnote counter across chapters),
  ``counter(pages)`` in the stylesheet (the total page count), fewer than two batches, a
  theme template without one ``<div class="mainmatter">``, and any failed check above.
  Every fallback is exact: it lays out the whole book as one document, as without batching.

Merging (pikepdf, that is qpdf)
  Pages are appended in book order. Internal links keep their named destinations (a batch
  gets stand-in anchors for targets it does not hold, so WeasyPrint keeps the links); the
  merged ``/Dests`` name tree takes each name from the batch that holds it, links to names no
  batch holds are removed (as WeasyPrint removes them). Bookmarks are rebuilt with
  WeasyPrint's own tree algorithm over the per-page bookmarks of all batches. Page labels
  are computed over all pages from the printed folios (labels.py). The document information,
  language and identifier are the front matter's (``pdf_identifier`` of a reproducible build).

Incremental rebuilds (``.presswork-cache/pdf-batches/``)
  Every batch PDF is cached with its layout facts, keyed by a hash of its HTML, the whole
  stylesheet, the WeasyPrint version, the cache format and its place in the book (first folio,
  side; for the front matter, the page numbers it prints). A layout key without the place
  remembers each batch's page count, so an unchanged batch needs no layout at all: after an
  edit, only the edited chapter's batch is laid out again, and the batches after it only when
  its page count changed (their place changed). Themes, configuration and included files reach
  the key through the HTML and stylesheet they produce, and the bytes of every local file these
  refer to (images, fonts) are hashed into it too. Outputs are byte-identical to a clean
  batched build; deleting the folder only costs time.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import logging
import multiprocessing
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from presswork.cache.replay import Told, replay
from presswork.cache.store import code_fingerprint, prune_folder, read_cached, seal, unseal, write_atomically
from presswork.compat.weasyprint import (
    import_weasyprint,
    layout_hooks,
    page_counter,
    page_type_on_other_side,
    shift_page_counter,
)
from presswork.core.diagnostics import PressworkError, Reporter, Warning_
from presswork.core.files import cache_root
from presswork.core.lifeline import Token, bind_to_parent, forking, parent_token
from presswork.core.tree import Document, blocks_text
from presswork.exporters.base import BuildContext
from presswork.exporters.common.breaking import chapter_breaks
from presswork.exporters.common.pagination import CACHE_DIR, PageStart, files_digest, page_starts
from presswork.exporters.pdf.floats import settle_floats
from presswork.exporters.pdf.labels import Folio, fill_folios, folio_text, label_ranges
from presswork.exporters.pdf.options import PdfOptions

#: Placeholder page number of the front matter's counting layout (wide digits, so never narrower).
PLACEHOLDER_PAGE = 888
#: A chapter batch's page counter starts here: a first page below it had its counter reset.
SEED = 100000
#: Breaks that open a page (the batch may start there).
PAGE_BREAKS = frozenset({"page", "right", "recto", "left", "verso"})
#: With ``batch = "auto"``, books shorter than this (about 45 pages) are laid out as one document:
#: a batch's fixed costs (a worker, its own layout of the front matter, its font subsets) would
#: outweigh the parallel layout.
AUTO_MIN_WORDS = 15000
LOG = logging.getLogger("presswork.batches")


class Fallback(Exception):
    """The book cannot be laid out in batches (the reason is the message): lay it out serially."""


# --------------------------------------------------------------------------- cutting the book


@dataclass(frozen=True)
class BookPieces:
    """The serial print HTML cut where chapters begin: the document head up to ``<body ...>``,
    the front matter, the opening of the main matter, each chapter with what precedes it
    (part openings), and the closing tail."""

    head: str
    front: str
    main_open: str
    chapters: tuple[str, ...]
    tail: str

    def front_document(self) -> str:
        """The front matter alone (the main matter's closing ``</div>`` dropped from the tail)."""
        return self.head + self.front + self.tail.replace("</div>", "", 1)

    def batch_document(self, indices: Sequence[int], blank_verso: bool = False) -> str:
        """The chapters ``indices`` alone, inside the main matter, with a date-free head. With
        ``blank_verso``, an empty block that opens a right-hand page ends the document: WeasyPrint
        then makes the blank verso the serial layout has before the next chapter (with the
        furniture the theme gives it), and the block's own page is dropped."""
        head = _DATES.sub("", self.head)
        end = _VERSO if blank_verso else ""
        return head + self.main_open + "".join(self.chapters[i] for i in indices) + end + self.tail


_DATES = re.compile(r'<meta name="dcterms\.(?:created|modified)"[^>]*>\n?')
_MAIN = '<div class="mainmatter">'
_VERSO = '<div class="presswork-batch-end" style="break-before: right"></div>'


def cut_book(html: str, chapter_htmls: Sequence[str]) -> BookPieces:
    """Cut the serial document ``html`` into its pieces (raises Fallback when the theme's template
    does not have the shape batching needs)."""
    body = re.search(r"<body\b[^>]*>", html)
    if body is None or html.count(_MAIN) != 1 or not chapter_htmls:
        raise Fallback('the theme template has no single <div class="mainmatter">')
    main = html.index(_MAIN)
    pos = main + len(_MAIN)
    pieces: list[str] = []
    for chapter in chapter_htmls:
        at = html.find(chapter, pos)
        if at < 0:
            raise Fallback("a chapter is not inside the main matter verbatim")
        end = at + len(chapter)
        pieces.append(html[pos:end])
        pos = end
    tail = html[pos:]
    if not re.match(r"\s*</div>", tail):
        raise Fallback("the main matter does not end after the last chapter")
    # The whitespace between <div class="mainmatter"> and the first chapter stays with the opening.
    return BookPieces(html[: body.end()], html[body.end() : main], _MAIN, tuple(pieces), tail)


def plan_batches(opens: Sequence[bool], size: int) -> list[list[int]]:
    """Chapter indices in batches of about ``size``; a batch starts only at a chapter that opens a page."""
    batches: list[list[int]] = []
    for i, opens_page in enumerate(opens):
        if batches and (len(batches[-1]) < size or not opens_page):
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


#: The most chapters in a batch of ``batch = "auto"``: an edit lays out its whole batch again. Measured on
#: the 100-chapter benchmark book (2 cores): a batch of 8 chapters costs 6.7 s of CPU, of 4 chapters 3.0 s,
#: of 2 chapters 1.8 s (about 0.5 s of it fixed); a clean build with batches of 4 takes about 9% more CPU
#: than with batches of 8, and the same wall time.
MAX_AUTO_BATCH = 4


def auto_batch_size(chapters: int, jobs: int) -> int:
    """Chapters per batch: about two batches per worker, at most :data:`MAX_AUTO_BATCH` (an edit then lays out few)."""
    return max(1, min(MAX_AUTO_BATCH, -(-chapters // max(2, 2 * jobs))))


def auto_reason(doc: Document, jobs: int) -> str:
    """Why ``batch = "auto"`` lays ``doc`` out as one document on ``jobs`` processors ("": batches pay)."""
    if jobs < 2:
        return "one processor: nothing to lay out in parallel"
    words = sum(len(blocks_text(ch.blocks).split()) for ch in doc.chapters)
    if words < AUTO_MIN_WORDS:
        return f"a short book ({words} words; batch = 'auto' batches from {AUTO_MIN_WORDS})"
    return ""


def serial_reasons(css_text: str, pdf_variant: str, footnotes: str) -> str:
    """Why this book must be laid out serially whatever its content ("" when it may be batched)."""
    if pdf_variant:
        return f"pdf_variant {pdf_variant} needs one structure tree"
    if footnotes == "book":
        return "footnotes are numbered through the book"
    if re.search(r"counter\(\s*pages\s*[,)]", css_text):
        return "the stylesheet prints the total page count"
    return ""


# --------------------------------------------------------------------------- keys and cache


def digest(*parts: str) -> str:
    """A short hash of ``parts``, of the WeasyPrint version (WeasyPrint itself is not imported for it, as for
    the page starts' key) and of the code that lays batches out and reads them back (its import closure)."""
    from importlib.metadata import version

    h = hashlib.sha256(f"{code_fingerprint(__name__)}|{version('weasyprint')}".encode())
    for part in parts:
        h.update(b"\0")
        h.update(part.encode("utf-8"))
    return h.hexdigest()[:32]


class BatchCache:
    """Batch PDFs and layout facts under ``<project>/.presswork-cache/pdf-batches/`` (best effort:
    a read-only project simply caches nothing)."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR / "pdf-batches"
        self.root = cache_root(root)

    def get_json(self, key: str) -> Any:
        """The cached JSON value of ``key``, or None (also when this user did not write it: buildcache)."""
        sealed = read_cached(self.folder / f"{key}.json", self.root)
        try:
            data = unseal(sealed, f"{key}.json") if sealed is not None else None
            return None if data is None else json.loads(data)
        except ValueError:
            return None

    def get_pdf(self, key: str) -> bytes | None:
        """The cached PDF of ``key`` (with its facts in ``key``.json), or None."""
        sealed = read_cached(self.folder / f"{key}.pdf", self.root)
        return unseal(sealed, f"{key}.pdf") if sealed is not None else None

    def put(self, key: str, value: Any, pdf: bytes | None = None) -> None:
        """Store ``value`` (and ``pdf``) under ``key``, each file signed and written atomically."""
        files = [(f"{key}.pdf", pdf), (f"{key}.json", json.dumps(value).encode())]
        for name, data in files:
            sealed = seal(data, name) if data is not None else None
            if sealed is not None:
                write_atomically(self.folder / name, sealed, self.root)

    def prune(self, keep: set[str]) -> None:
        """Remove every cached batch not named in ``keep`` (the cache holds one book's batches)."""
        prune_folder(self.folder, self.root, lambda name: name.split(".", 1)[0] in keep)


# --------------------------------------------------------------------------- the worker side


@dataclass
class Job:
    """One document to lay out in a worker: everything it needs, picklable (spawn-safe)."""

    index: int
    html: str
    css: str
    base_url: str
    css_base_url: str
    gate: Any  # AssetGate: the worker's URL fetcher goes through it
    externals: dict[str, int]  # anchor -> page counter value, for anchors in other documents
    write: bool = True  # False: lay out and report only (the front matter's counting layout)
    first_chapter: str = ""  # id of the element that opens the batch (its break is checked)
    seed: bool = False  # start the page counter at SEED (to tell a reset on the first page)
    drop_last: bool = False  # the last page is the blank-verso block's own (batch_document)
    reproducible_epoch: int | None = None
    bodies: dict[str, str] = field(default_factory=dict)  # chapter id -> body HTML: floats are placed


@dataclass
class LayoutReport:
    """What a worker tells the parent after step 1."""

    pages: int
    counters: list[int]  # the page counter of each page
    sides: list[str]  # "right" / "left"
    anchors: list[list[str]]  # anchor names per page
    missing: list[str]  # target-* references to anchors in no document of this worker
    opening_break: str  # computed break-before of the opening chapter ("" when not checked)
    warnings: list[Warning_] = field(default_factory=list)


@dataclass
class Place:
    """Where a batch sits in the book (sent to a worker for step 2): its first page counter value
    (None: keep its own numbering) and whether its first page is a right-hand page."""

    first_counter: int | None
    first_right: bool


@dataclass
class BatchResult:
    """What a worker sends back after step 2: its PDF and the facts the merge needs."""

    pdf: bytes
    pages: int
    folios: list[Folio | None]
    names: list[str]
    bookmarks: list[list[tuple[int, str, tuple[float, float], str]]]  # per page
    heights: list[float]
    anchors: list[list[str]]
    starts: list[PageStart | None]
    counters: list[int]
    warnings: list[Warning_] = field(default_factory=list)


@contextlib.contextmanager
def _hooks(
    externals: dict[str, int], missing: list[str], held: list[tuple[Any, Any, Any, int]], seed: bool
) -> Iterator[None]:
    """While laying out one document: answer ``target-*`` lookups of foreign anchors from
    ``externals`` (recording those not there in ``missing``) and hold margin boxes back
    (recording each page's layout context, box and state in ``held``)."""

    def foreign_page(name: str | None) -> int | None:
        if name is not None and name in externals:
            return externals[name]
        if name is not None:
            missing.append(name)
        return None

    def hold(context: Any, page: Any, state: Any) -> None:
        held.append((context, page, copy.deepcopy(state), context.current_page))

    with layout_hooks(foreign_page, hold, SEED if seed else None):
        yield


def _find_break(page_box: Any, element_id: str) -> str:
    """The computed ``break-before`` of the box of element ``element_id`` on this page ("" if absent)."""
    stack = [page_box]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        if element is not None and element.get("id") == element_id and "::" not in str(box.element_tag or ""):
            return str(box.style["break_before"])
        stack.extend(reversed(getattr(box, "children", ())))
    return ""


class _Laid:
    """A laid-out document inside a worker, between step 1 and step 2."""

    def __init__(self, job: Job) -> None:
        import_weasyprint()
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        from presswork.exporters.pdf.fetcher import GateFetcher

        self.job = job
        self.reporter = Reporter()
        fetcher = GateFetcher(job.gate, self.reporter)
        self.fonts = FontConfiguration()
        self.held: list[tuple[Any, Any, Any, int]] = []
        self.missing: list[str] = []
        logger = logging.getLogger("weasyprint")
        level = logger.level
        logger.setLevel(logging.CRITICAL)
        try:
            sheet = CSS(string=job.css, base_url=job.css_base_url, url_fetcher=fetcher, font_config=self.fonts)

            def render(html: str) -> Any:
                self.held.clear()
                self.missing.clear()
                self.source = HTML(string=html, base_url=job.base_url, url_fetcher=fetcher)
                with _hooks(job.externals, self.missing, self.held, job.seed):
                    return self.source.render(stylesheets=[sheet], font_config=self.fonts)

            # Figures and long listings are placed as in the serial layout (the same pages, so the same plan).
            self.document = settle_floats(render(job.html), job.html, job.bodies, render)
        finally:
            logger.setLevel(level)
        if len(self.held) != len(self.document.pages):
            raise Fallback("margin boxes were made outside the layout")
        if job.drop_last:
            self.held.pop()
            self.document.pages.pop()

    def report(self) -> LayoutReport:
        """Step 1's facts."""
        first = self.held[0][1] if self.held else None
        opening = _find_break(first, self.job.first_chapter) if first is not None and self.job.first_chapter else ""
        return LayoutReport(
            pages=len(self.document.pages),
            counters=[page_counter(state) for _c, _p, state, _n in self.held],
            sides=[str(page.page_type.side) for _c, page, _s, _n in self.held],
            anchors=[sorted(p.anchors) for p in self.document.pages],
            missing=sorted(set(self.missing)),
            opening_break=opening,
            warnings=list(self.reporter.warnings),
        )

    def finish(self, place: Place) -> BatchResult:
        """Step 2: renumber, set sides, make the margin boxes, write the PDF."""
        from weasyprint.document import Page
        from weasyprint.layout import make_margin_boxes
        from weasyprint.layout.background import layout_backgrounds

        from presswork.exporters.pdf.document import font_timestamps
        from presswork.exporters.pdf.labels import page_name, printed_folios

        counters = [page_counter(state) for _c, _p, state, _n in self.held]
        if place.first_counter is not None:
            if any(b - a != 1 for a, b in zip(counters[1:], counters[2:], strict=False)):
                raise Fallback("a batch's page counter does not run on")
            shift = [place.first_counter + i - c for i, c in enumerate(counters)]
        else:
            shift = [0] * len(counters)
        flip = (self.held[0][1].page_type.side == "right") != place.first_right if self.held else False
        pages = []
        for (context, page, state, number), delta in zip(self.held, shift, strict=True):
            context.current_page = number  # running heads: the strings set on this page
            if flip:
                old = page.page_type
                new = page_type_on_other_side(old, self.source, context)
                before, after = context.style_for(old), context.style_for(new)
                for key in ("size", "margin_top", "margin_bottom", "margin_left", "margin_right"):
                    if before[key] != after[key]:
                        raise Fallback("left and right pages differ in geometry")
                page.page_type = new
            if delta:
                state = shift_page_counter(state, delta)
            root_children = list(page.children)
            page.children = (*root_children, *make_margin_boxes(context, page, state))
            layout_backgrounds(page, context.get_image_from_uri)
            pages.append(page)
        final = [c + d for c, d in zip(counters, shift, strict=True)]
        self.document.pages = [Page(page) for page in pages]
        doc_pages = self.document.pages
        anchors = [sorted(p.anchors) for p in doc_pages]
        own = {a for names in anchors for a in names}
        foreign = {target for p in doc_pages for kind, target, _r, _b in p.links if kind == "internal"} - own
        if doc_pages and foreign:
            for name in sorted(foreign):
                doc_pages[0].anchors[name] = (0, 0, 0, 0)  # a stand-in: WeasyPrint keeps the link
        starts = page_starts(self.document.pages, [""] * len(doc_pages))
        folios = printed_folios(doc_pages)
        names = [page_name(p) for p in doc_pages]
        bookmarks = [[(lvl, label, (x, y), state) for lvl, label, (x, y), state in p.bookmarks] for p in doc_pages]
        out = io.BytesIO()
        stamp = None
        if self.job.reproducible_epoch is not None:
            from datetime import UTC, datetime

            stamp = datetime.fromtimestamp(self.job.reproducible_epoch, UTC)
        with font_timestamps(stamp):
            self.document.write_pdf(out)
        return BatchResult(
            pdf=out.getvalue(),
            pages=len(doc_pages),
            folios=folios,
            names=names,
            bookmarks=bookmarks,
            heights=[p.height for p in doc_pages],
            anchors=anchors,
            starts=starts,
            counters=final,
            warnings=list(self.reporter.warnings),
        )


def _worker(job: Job, conn: Any, parent: Token) -> None:
    """A worker process: lay ``job`` out, report, wait for its place, write it, send it back (and end
    with the process that started it, even on kill -9)."""
    bind_to_parent(parent)
    try:
        laid = _Laid(job)
        conn.send(("report", laid.report()))
        if not job.write:
            return
        message = conn.recv()
        if message is None:
            return
        conn.send(("result", laid.finish(message)))
    except Fallback as exc:
        conn.send(("fallback", str(exc)))
    except PressworkError as exc:
        conn.send(("error", exc))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one clear line
        conn.send(("error", PressworkError(f"PDF layout failed: {type(exc).__name__}: {exc}")))
    finally:
        conn.close()


# --------------------------------------------------------------------------- the parent side


@dataclass
class _Running:
    process: Any
    conn: Any
    report: LayoutReport | None = None
    sent: bool = False


class Pool:
    """At most ``jobs`` worker processes, each running one :class:`Job` to completion.

    ``in_process`` runs the jobs in this process instead (one at a time; for tests and
    platforms without ``fork``), with exactly the same two steps.
    """

    def __init__(self, jobs: int, in_process: bool = False) -> None:
        self.jobs = max(1, jobs)
        self.in_process = in_process or "fork" not in multiprocessing.get_all_start_methods()
        self.context = None if self.in_process else multiprocessing.get_context("fork")
        self.running: dict[int, _Running] = {}
        self.local: dict[int, _Laid] = {}

    def start(self, job: Job) -> None:
        """Start ``job`` (the caller keeps at most ``jobs`` running)."""
        if self.in_process:
            self.local[job.index] = _Laid(job)
            self.running[job.index] = _Running(None, None, self.local[job.index].report())
            return
        assert self.context is not None
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker, args=(job, child, parent_token()), daemon=True)
        with forking():
            process.start()
        child.close()
        self.running[job.index] = _Running(process, parent)

    def report(self, index: int) -> LayoutReport:
        """Step 1's report of job ``index`` (waits for it)."""
        run = self.running[index]
        if run.report is None:
            run.report = self._receive(run, "report")
        return run.report

    def finish(self, index: int, place: Place | None) -> BatchResult | None:
        """Step 2 of job ``index`` (None: the job only reports); the job is over afterwards."""
        run = self.running.pop(index)
        if self.in_process:
            laid = self.local.pop(index)
            return None if place is None else laid.finish(place)
        try:
            if place is None:
                return None
            run.conn.send(place)
            result = self._receive(run, "result")
            assert isinstance(result, BatchResult)
            return result
        finally:
            run.conn.close()
            run.process.join()

    def _receive(self, run: _Running, kind: str) -> Any:
        try:
            tag, value = run.conn.recv()
        except EOFError:
            raise PressworkError("a PDF layout worker stopped unexpectedly") from None
        if tag == "fallback":
            raise Fallback(value)
        if tag == "error":
            raise value
        assert tag == kind, (tag, kind)
        return value

    def close(self) -> None:
        """Stop every job still running (after an error or a fallback)."""
        for run in self.running.values():
            if run.process is not None:
                with contextlib.suppress(Exception):
                    run.conn.close()
                run.process.kill()
                run.process.join()
        self.running.clear()
        self.local.clear()


@dataclass
class Part:
    """One document of the merged book: its PDF and facts, plus a blank verso after it or not."""

    result: BatchResult
    pad: bool = False


@dataclass
class BatchedLayout:
    """The whole book laid out in batches: the parts in book order and the facts about all pages."""

    parts: list[Part]
    labels: list[Folio]
    starts: list[PageStart | None]
    warnings: list[Warning_]
    laid_out: int  # how many documents were laid out (not taken from the cache)


def _result_to_json(result: BatchResult) -> dict[str, Any]:
    data = asdict(result)
    del data["pdf"]
    data["warnings"] = Told(tuple(result.warnings)).to_json()
    return data


def _result_from_json(data: dict[str, Any], pdf: bytes) -> BatchResult:
    return BatchResult(
        pdf=pdf,
        pages=data["pages"],
        folios=[Folio(**f) if f else None for f in data["folios"]],
        names=data["names"],
        bookmarks=[[(b[0], b[1], (b[2][0], b[2][1]), b[3]) for b in page] for page in data["bookmarks"]],
        heights=data["heights"],
        anchors=data["anchors"],
        starts=[PageStart(**s) if s else None for s in data["starts"]],
        counters=data["counters"],
        warnings=list(Told.from_json(data["warnings"]).warnings),
    )


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
    bodies: dict[str, str] = field(default_factory=dict)  # chapter id -> body HTML (for floats)


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
        **kwargs,
    )


def _lay_out(book: Book, pool: Pool, cache: BatchCache) -> BatchedLayout:
    # The files the stylesheet and each document include (images, fonts): changed bytes, a new layout.
    hashes: dict[str, str] = {}
    css_key = digest(book.css, files_digest(book.css, book.css_base_url, book.gate.is_allowed, css=True, hashes=hashes))
    front_html = book.pieces.front_document()
    front_links = sorted(set(re.findall(r'href="#([^"]+)"', front_html)))
    last = len(book.batches) - 1
    verso = [book.two_sided and i < last for i in range(len(book.batches))]
    docs = [book.pieces.batch_document(b, verso[i]) for i, b in enumerate(book.batches)]
    files = [files_digest(html, book.base_url, book.gate.is_allowed, hashes=hashes) for html in docs]
    front_files = files_digest(front_html, book.base_url, book.gate.is_allowed, hashes=hashes)
    layout_keys = [digest(css_key, "layout", html, files[i]) for i, html in enumerate(docs)]
    keep: set[str] = set(layout_keys)
    laid_out = 0

    # The front matter's page count (with placeholder numbers): cached, or a counting layout.
    count_key = digest(css_key, "front-count", front_html, front_files)
    keep.add(count_key)
    front_pages = cache.get_json(count_key)
    if front_pages is None:
        pool.start(_job(book, -1, front_html, externals=dict.fromkeys(front_links, PLACEHOLDER_PAGE), write=False))
        laid_out += 1

    results: dict[int, BatchResult] = {}
    missing: set[str] = set()
    queued = 0  # batches before this one were started (or found in the cache)

    def start(i: int) -> None:
        nonlocal laid_out
        chapter = book.chapter_ids[book.batches[i][0]]
        ids = [book.chapter_ids[c] for c in book.batches[i]]
        bodies = {c: book.bodies[c] for c in ids if c in book.bodies}
        pool.start(
            _job(book, i, docs[i], externals={}, first_chapter=chapter, seed=True, drop_last=verso[i], bodies=bodies)
        )
        laid_out += 1

    def start_more() -> None:
        # Lay out ahead the batches that were never laid out (a batch laid out before
        # probably has its PDF cached at its place: it is started only when it has not).
        nonlocal queued
        while queued < len(docs) and len(pool.running) < pool.jobs:
            if queued not in pool.running and cache.get_json(layout_keys[queued]) is None:
                start(queued)
            queued += 1

    start_more()
    if front_pages is None:
        report = pool.report(-1)
        pool.finish(-1, None)
        front_pages = report.pages
        cache.put(count_key, front_pages)
        start_more()
    # The blank verso before the first chapter is added here (a blank page, as the front matter's
    # theme furniture stops there); the other batches end with theirs (batch_document).
    front_pad = book.two_sided and int(front_pages) % 2 == 1
    pages_before = int(front_pages) + front_pad
    counter_before = 0
    for i in range(len(docs)):
        if book.two_sided and pages_before % 2:
            raise Fallback("a batch does not end before a right-hand page")
        place = Place(None if i == 0 else counter_before + 1, pages_before % 2 == 0)
        key = digest(css_key, "final", docs[i], files[i], json.dumps(asdict(place)))
        keep.add(key)
        cached = cache.get_json(key) if i not in pool.running else None
        pdf = cache.get_pdf(key) if cached is not None else None
        if cached is not None and pdf is not None:
            results[i] = _result_from_json(cached, pdf)
        else:
            if i not in pool.running:
                start(i)  # its place changed: lay it out now (the batches after it wait for it)
            report = pool.report(i)
            _check_report(report, book.two_sided, first=i == 0)
            missing.update(report.missing)
            cache.put(layout_keys[i], {"pages": report.pages})
            result = pool.finish(i, place)
            assert result is not None
            results[i] = result
            cache.put(key, _result_to_json(result), result.pdf)
        pages_before += results[i].pages
        counter_before = results[i].counters[-1] if results[i].counters else counter_before
        start_more()

    # The page number of every chapter anchor the front matter links to (its contents).
    externals: dict[str, int] = {}
    for i in range(len(docs)):
        for names, counter in zip(results[i].anchors, results[i].counters, strict=True):
            for name in names:
                externals.setdefault(name, counter)
    front_externals = {name: externals[name] for name in front_links if name in externals}
    front_key = digest(css_key, "front", front_html, front_files, json.dumps(front_externals, sort_keys=True))
    keep.add(front_key)
    cached = cache.get_json(front_key)
    pdf = cache.get_pdf(front_key) if cached is not None else None
    if cached is not None and pdf is not None:
        front = _result_from_json(cached, pdf)
    else:
        pool.start(_job(book, -2, front_html, externals=front_externals))
        laid_out += 1
        pool.report(-2)
        result = pool.finish(-2, Place(None, True))
        assert result is not None
        front = result
        cache.put(front_key, _result_to_json(front), front.pdf)
    if front.pages != front_pages:
        raise Fallback("the front matter's page count depends on its page numbers")
    cache.prune(keep)
    parts = [Part(front, front_pad)] + [Part(results[i]) for i in range(len(docs))]
    return _assemble(parts, laid_out)


def _check_report(report: LayoutReport, two_sided: bool, first: bool) -> None:
    """Refuse a batch whose layout cannot be placed in the book as it is."""
    if first and report.counters and report.counters[0] > SEED:
        raise Fallback("the main matter's page numbers continue the front matter's")
    if report.missing:
        raise Fallback(f"page references across batches (#{report.missing[0]})")
    allowed = {"right", "recto"} if two_sided else {"page", "right", "recto"}
    if report.opening_break not in allowed:
        raise Fallback(f"a batch opens with break-before: {report.opening_break or 'auto'}")


def _assemble(parts: list[Part], laid_out: int) -> BatchedLayout:
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
    return BatchedLayout(parts, labels, starts, warnings, laid_out)


# --------------------------------------------------------------------------- merging


def merge(layout: BatchedLayout, target: Path, identifier: bytes | None) -> None:
    """Write the parts of ``layout`` as one PDF to ``target`` (qpdf through pikepdf parses and writes:
    five times less CPU than pypdf for a 400-page book, deterministic bytes)."""
    import warnings

    import pikepdf
    from pikepdf import Array, Dictionary, Name, OutlineItem, String

    import_weasyprint()
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    pdf = pikepdf.Pdf.new()
    dests: dict[str, tuple[int, Any, Any]] = {}
    bookmark_pages: list[Any] = []
    sources: list[Any] = []  # open until the merged file is written (qpdf copies objects lazily)
    for part in layout.parts:
        src = pikepdf.Pdf.open(io.BytesIO(part.result.pdf))
        sources.append(src)
        base = len(pdf.pages)
        page_index: dict[Any, int] = {page.objgen: n for n, page in enumerate(src.pages)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # named destinations: rebuilt below
            pdf.pages.extend(src.pages)
        own = {a for names in part.result.anchors for a in names}
        names_tree = src.Root.get("/Names")
        if names_tree is not None and "/Dests" in names_tree:
            flat = names_tree.Dests.Names
            for k in range(0, len(flat), 2):
                name = str(flat[k])
                if name in own and name not in dests:
                    array = flat[k + 1]
                    dests[name] = (base + page_index[array[0].objgen], array[2], array[3])
        for n, marks in enumerate(part.result.bookmarks):
            bookmark_pages.append(SimpleNamespace(bookmarks=marks, height=part.result.heights[n]))
        if part.pad:
            box = [float(v) for v in src.pages[-1].mediabox]
            pdf.add_blank_page(page_size=(box[2] - box[0], box[3] - box[1]))
            bookmark_pages.append(SimpleNamespace(bookmarks=[], height=0))
    # Named destinations: each name from the document that holds it.
    name_array = Array()
    for name in sorted(dests):
        n, x, y = dests[name]
        name_array.append(String(name))
        name_array.append(Array([pdf.pages[n].obj, Name.XYZ, x, y, 0]))
    pdf.Root.Names = Dictionary(Dests=Dictionary(Names=name_array))
    # Links to names no document holds are removed, as WeasyPrint removes them.
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if annots is not None:
            page.obj.Annots = Array([a for a in annots if "/Dest" not in a or str(a.Dest) in dests])
    # Bookmarks: WeasyPrint's tree over all pages.
    root: list[Any] = []
    skipped: list[int] = []
    last_by_depth: list[Any] = [root]
    previous = 0
    for number, page in enumerate(bookmark_pages):
        matrix = Matrix(a=0.75, d=-0.75, f=page.height * 0.75)
        previous = make_page_bookmark_tree(page, skipped, last_by_depth, previous, number, matrix)

    def items(tree: list[Any]) -> list[Any]:
        out = []
        for label, (number, x, y), children, state in tree:
            item = OutlineItem(label, number, "XYZ", left=x, top=y, zoom=0)
            item.is_closed = state == "closed"
            item.children.extend(items(children))
            out.append(item)
        return out

    with pdf.open_outline() as outline:
        outline.root.extend(items(root))
    # Page labels.
    nums: list[Any] = []
    for index, folio in label_ranges(layout.labels):
        entry = Dictionary(Type=Name.PageLabel)
        if folio.style:
            entry.S = Name("/" + folio.style)
            entry.St = folio.value
        if folio.prefix:
            entry.P = String(folio.prefix)
        nums.extend([index, entry])
    pdf.Root.PageLabels = Dictionary(Nums=Array(nums))
    # The document's information and language are the front matter's.
    front = sources[0]
    for key, value in front.docinfo.items():
        pdf.docinfo[key] = value
    if "/Lang" in front.Root:
        pdf.Root.Lang = String(str(front.Root.Lang))
    ident = identifier or hashlib.md5(b"".join(p.result.pdf for p in layout.parts)).hexdigest().encode("ascii")
    pdf.trailer.ID = Array([String(ident), String(ident)])
    # qpdf keeps the first element and puts a digest of the file in the second, as WeasyPrint does.
    # Object streams: 16% smaller (the 100-chapter book: 4.2 -> 3.5 MB) for 0.1 s.
    pdf.save(
        target,
        deterministic_id=True,
        fix_metadata_version=False,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )


# --------------------------------------------------------------------------- the exporter's entry


def lay_out_batched(
    doc: Document,
    ctx: BuildContext[PdfOptions],
    html: str,
    css_text: str,
    chapter_htmls: Sequence[str],
    bodies: Mapping[str, str],
) -> BatchedLayout | None:
    """The book laid out in batches, or None when it must be laid out serially (``batch = "off"``,
    or a reason above; ``--verbose`` logs it). ``bodies``: chapter id -> body HTML, as the serial
    layout gets them, so that each batch places its figures as the serial layout would."""
    opts = ctx.options
    if opts.batch == "off":
        return None
    try:
        from presswork.transforms.indexing import has_index

        reason = serial_reasons(css_text, opts.pdf_variant, opts.footnotes)
        if not reason and has_index(doc):
            reason = "the book has an index (its page numbers come from a second layout of the whole book)"
        if reason:
            raise Fallback(reason)
        jobs = os.cpu_count() or 1
        if opts.batch == "auto" and (reason := auto_reason(doc, jobs)):
            raise Fallback(reason)
        size = opts.batch_size or auto_batch_size(len(doc.chapters), jobs)
        batches = plan_batches(chapter_breaks(doc.chapters, opts.chapter_break), size)
        if len(batches) < 2:
            raise Fallback("fewer than two batches")
        book = Book(
            pieces=cut_book(html, chapter_htmls),
            batches=batches,
            chapter_ids=[ch.id for ch in doc.chapters],
            css=css_text,
            base_url=ctx.gate.root.as_uri() + "/",
            css_base_url=ctx.theme.path("pdf/book.css").as_uri(),
            gate=ctx.gate,
            two_sided=opts.print,
            reproducible_epoch=int(ctx.build_time.timestamp()) if ctx.reproducible else None,
            bodies=dict(bodies),
        )
        layout = lay_out(book, jobs, BatchCache(ctx.gate.root))
    except Fallback as exc:
        LOG.info("PDF laid out as one document: %s", exc)
        return None
    # The layouts of a build: the front matter's counting layout, every batch, the front matter.
    LOG.info("PDF in batches: %d of %d layouts made, the rest cached", layout.laid_out, len(batches) + 2)
    replay(Told(tuple(layout.warnings)), ctx.reporter)
    return layout


__all__ = [
    "BatchCache",
    "BatchedLayout",
    "Book",
    "BookPieces",
    "Fallback",
    "auto_batch_size",
    "auto_reason",
    "cut_book",
    "lay_out",
    "lay_out_batched",
    "merge",
    "plan_batches",
    "serial_reasons",
]
