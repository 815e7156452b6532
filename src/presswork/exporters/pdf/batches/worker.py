"""A batch worker: lays one document out, reports its pages, then writes them (a chapter batch without its furniture)."""

from __future__ import annotations

import contextlib
import copy
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from presswork.compat.weasyprint import (
    import_weasyprint,
    layout_hooks,
    page_counter,
    page_type_on_other_side,
    shift_page_counter,
)
from presswork.core.diagnostics import PressworkError, Reporter, Warning_
from presswork.core.lifeline import Token, bind_to_parent
from presswork.exporters.common.pagination import PageStart, page_starts
from presswork.exporters.pdf.batches.cutting import SEED, Fallback
from presswork.exporters.pdf.batches.furniture import PageFurniture, record
from presswork.exporters.pdf.batches.numbers import FrontNumbers, mark_numbers
from presswork.exporters.pdf.batches.structure import marked_in
from presswork.exporters.pdf.floats import settle_floats
from presswork.exporters.pdf.labels import Folio
from presswork.exporters.pdf.tagging import tagging_finisher

LOG = logging.getLogger("presswork.batches")


#: The message that asks a worker for its batch's body (step 2 without a place).
BODY = "body"


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
    tagged: bool = False  # a tagged PDF (its structure trees are merged: structure.py)
    bodies: dict[str, str] = field(default_factory=dict)  # chapter id -> body HTML: floats are placed
    mark_numbers: bool = False  # externals are placeholders, marked for the real numbers (numbers.py)


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
    own: list[str] = field(default_factory=list)  # target-* references to anchors of this document
    furniture: list[PageFurniture] = field(default_factory=list)  # each page's furniture inputs (as in BatchBody)


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
    marked: list[tuple[int, int]] | None = None  # structure.marked_elements of its PDF (the merge renames them)
    numbers: FrontNumbers | None = None  # its marked placeholder numbers (a job with mark_numbers)


@dataclass
class BatchBody:
    """What a chapter batch's worker sends back: its pages without furniture (their PDF and facts, which
    do not depend on where the batch sits in the book) and each page's furniture inputs."""

    pdf: bytes
    pages: int
    names: list[str]
    bookmarks: list[list[tuple[int, str, tuple[float, float], str]]]  # per page
    heights: list[float]
    anchors: list[list[str]]
    starts: list[PageStart | None]
    furniture: list[PageFurniture]
    warnings: list[Warning_] = field(default_factory=list)
    marked: list[tuple[int, int]] | None = None  # structure.marked_elements of its PDF (the merge renames them)


@contextlib.contextmanager
def _hooks(
    externals: dict[str, int],
    missing: list[str],
    held: list[tuple[Any, Any, Any, int]],
    seed: bool,
    own: list[str],
    answered: list[str],
) -> Iterator[None]:
    """While laying out one document: answer ``target-*`` lookups of foreign anchors from
    ``externals`` (recording those answered in ``answered``, those not there in ``missing``, and those of
    its own anchors in ``own``) and hold margin boxes back (recording each page's layout context, box and
    state in ``held``)."""

    def foreign_page(name: str | None) -> int | None:
        if name is not None and name in externals:
            answered.append(name)
            return externals[name]
        if name is not None:
            missing.append(name)
        return None

    def hold(context: Any, page: Any, state: Any) -> None:
        held.append((context, page, copy.deepcopy(state), context.current_page))

    def own_page(name: str | None) -> None:
        if name is not None:
            own.append(name)

    with layout_hooks(foreign_page, hold, SEED if seed else None, own_page):
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


class Laid:
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
        self.own: list[str] = []
        self.answered: list[str] = []
        self.recorded: list[PageFurniture] | None = None
        sheet = CSS(string=job.css, base_url=job.css_base_url, url_fetcher=fetcher, font_config=self.fonts)

        def render(html: str) -> Any:
            self.held.clear()
            self.missing.clear()
            self.own.clear()
            self.answered.clear()
            self.source = HTML(string=html, base_url=job.base_url, url_fetcher=fetcher)
            with _hooks(job.externals, self.missing, self.held, job.seed, self.own, self.answered):
                return self.source.render(stylesheets=[sheet], font_config=self.fonts)

        # Figures and long listings are placed as in the serial layout (the same pages, so the same plan).
        self.document = settle_floats(render(job.html), job.html, job.bodies, render)
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
            own=sorted(set(self.own)),
            furniture=self._furniture(),
        )

    def body(self) -> BatchBody:
        """Step 2 of a chapter batch: write its pages without margin boxes, record their furniture inputs."""
        from presswork.exporters.pdf.labels import page_name

        furniture = self._furniture()
        doc_pages = self.document.pages
        anchors = self._stand_ins()
        pdf = self._write()
        return BatchBody(
            pdf=pdf,
            pages=len(doc_pages),
            names=[page_name(p) for p in doc_pages],
            bookmarks=[[(lvl, label, (x, y), state) for lvl, label, (x, y), state in p.bookmarks] for p in doc_pages],
            heights=[p.height for p in doc_pages],
            anchors=anchors,
            starts=page_starts(doc_pages, [""] * len(doc_pages)),
            furniture=furniture,
            warnings=list(self.reporter.warnings),
            marked=marked_in(pdf),
        )

    def _furniture(self) -> list[PageFurniture]:
        """Each page's furniture inputs, as laid out (recorded once: the report and the body share them)."""
        if self.recorded is None:
            self.recorded = [record(context, page, state, number) for context, page, state, number in self.held]
        return self.recorded

    def _stand_ins(self) -> list[list[str]]:
        """Each page's anchors; links to anchors elsewhere get a stand-in on the first page (WeasyPrint keeps them)."""
        doc_pages = self.document.pages
        anchors = [sorted(p.anchors) for p in doc_pages]
        own = {a for names in anchors for a in names}
        foreign = {target for p in doc_pages for kind, target, _r, _b in p.links if kind == "internal"} - own
        if doc_pages and foreign:
            for name in sorted(foreign):
                doc_pages[0].anchors[name] = (0, 0, 0, 0)
        return anchors

    def _write(self) -> bytes:
        """The laid-out document as PDF (fonts dated by the reproducible build's time)."""
        from presswork.exporters.pdf.timestamps import font_timestamps

        out = io.BytesIO()
        stamp = None
        if self.job.reproducible_epoch is not None:
            from datetime import UTC, datetime

            stamp = datetime.fromtimestamp(self.job.reproducible_epoch, UTC)
        with font_timestamps(stamp):
            self.document.write_pdf(out, pdf_tags=self.job.tagged, finisher=tagging_finisher)
        return out.getvalue()

    def finish(self, place: Place) -> BatchResult:
        """Step 2: renumber, set sides, make the margin boxes, write the PDF."""
        from weasyprint.document import Page
        from weasyprint.layout import make_margin_boxes
        from weasyprint.layout.background import layout_backgrounds

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
        numbers = mark_numbers(pages, self.job.externals, len(self.answered)) if self.job.mark_numbers else None
        self.document.pages = [Page(page) for page in pages]
        doc_pages = self.document.pages
        anchors = self._stand_ins()
        starts = page_starts(self.document.pages, [""] * len(doc_pages))
        folios = printed_folios(doc_pages)
        names = [page_name(p) for p in doc_pages]
        bookmarks = [[(lvl, label, (x, y), state) for lvl, label, (x, y), state in p.bookmarks] for p in doc_pages]
        pdf = self._write()
        return BatchResult(
            pdf=pdf,
            pages=len(doc_pages),
            folios=folios,
            names=names,
            bookmarks=bookmarks,
            heights=[p.height for p in doc_pages],
            anchors=anchors,
            starts=starts,
            counters=final,
            warnings=list(self.reporter.warnings),
            marked=marked_in(pdf),
            numbers=numbers,
        )


def worker_main(job: Job, conn: Any, parent: Token) -> None:
    """A worker process: lay ``job`` out, report, wait for its place, write it, send it back (and end
    with the process that started it, even on kill -9)."""
    bind_to_parent(parent)
    work(job, conn)


def spare_main(conn: Any, parent: Token) -> None:
    """A worker process started before its job is known (:class:`~.pool.Spare`): it imports WeasyPrint while
    the parent writes the book's HTML, then takes the job sent to it (None: it ends unused)."""
    bind_to_parent(parent)
    import_weasyprint()
    try:
        job = conn.recv()
    except EOFError:
        return
    if job is not None:
        work(job, conn)


def work(job: Job, conn: Any) -> None:
    """Lay ``job`` out, report, wait for its place, write it and send it back over ``conn``."""
    try:
        laid = Laid(job)
        conn.send(("report", laid.report()))
        if not job.write:
            return
        message = conn.recv()
        if message is None:
            return
        conn.send(("result", laid.body() if message == BODY else laid.finish(message)))
    except Fallback as exc:
        conn.send(("fallback", str(exc)))
    except PressworkError as exc:
        conn.send(("error", exc))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one clear line
        conn.send(("error", PressworkError(f"PDF layout failed: {type(exc).__name__}: {exc}")))
    finally:
        conn.close()
