"""Figures that would leave a hole in the page: scaled to fit the rest of it, or text flows in before them.

(The same pass also finds long listings that run over a page, for listings.py.)

WeasyPrint has no float deferral: a figure (``break-inside: avoid``) that does not fit what
is left of a page moves whole to the next one and leaves a gap behind. After the first
layout, :func:`plan_floats` finds each top-level figure that opens a page in mid-chapter
while the page before it ends early, and decides:

- **scale**: when the figure fits the gap at :data:`MIN_SCALE` (60%) of its height or more,
  its image gets a ``max-height`` of the height that is left, so it stays where the author
  put it;
- **defer**: otherwise, when the gap is larger than :data:`MAX_GAP` of the text height, the
  paragraphs that follow the figure (up to the next heading, figure or the chapter's end)
  move in before it, as many as are needed to fill the gap.

The book is then laid out once more (only when there is something to change). Deferral
changes the order of blocks in the print edition only; the tree, the EPUB and the deck keep
the author's order, and each moved block keeps its ``data-block`` index, so the EPUB page
list still names the same blocks (a page that opens with a deferred figure is located at the
figure, which the EPUB shows a few paragraphs earlier).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from presswork.compat.weasyprint import page_box
from presswork.exporters.pdf.listings import split_listing

#: A figure that fits the gap at this fraction of its height or more is scaled to fit.
MIN_SCALE = 0.6
#: A gap larger than this share of the text height is filled by deferring the figure.
MAX_GAP = 0.25
#: Gaps smaller than this (CSS px, about two lines of text) are left alone.
MIN_GAP = 30.0
#: Tags of blocks that may move in before a deferred figure.
MOVABLE = frozenset({"p", "ul", "ol", "dl", "pre", "blockquote", "table", "aside", "div"})
#: At most this many blocks move in before one figure.
MAX_MOVED = 8
LOG = logging.getLogger("presswork.floats")
#: At most this many extra layouts place figures that left a hole (one is almost always enough).
FLOAT_PASSES = 2


@dataclass(frozen=True)
class Placed:
    """A top-level block of a chapter as laid out on one page (lengths in CSS px)."""

    chapter: str
    block: int
    tag: str
    top: float
    bottom: float
    image: float = 0.0  #: Height of the figure's image (0 for other blocks).
    margin_top: float = 0.0
    margin_bottom: float = 0.0
    lines: int = 0  #: Line boxes of a listing on this page.
    first_line: int = 0  #: The source line a listing piece opens with (``data-line``, listings.py).
    long_listing: bool = False


@dataclass
class FloatPlan:
    """What to change in the print HTML: image heights to cap, and blocks to move before figures."""

    #: (chapter id, figure block index) -> the image's new max-height in CSS px.
    scale: dict[tuple[str, int], float] = field(default_factory=dict)
    #: (chapter id, figure block index) -> the last block index that moves in before the figure.
    defer: dict[tuple[str, int], int] = field(default_factory=dict)
    #: (chapter id, listing block index) -> source lines that open a new page (listings.py).
    split: dict[tuple[str, int], set[int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.scale or self.defer or self.split)

    def merge(self, other: FloatPlan) -> bool:
        """Add the decisions of ``other`` about figures not yet decided; True when something was added."""
        added = False
        for key, height in other.scale.items():
            if key not in self.scale and key not in self.defer:
                self.scale[key], added = height, True
        for key, last in other.defer.items():
            if key not in self.scale and key not in self.defer:
                self.defer[key], added = last, True
        for key, cuts in other.split.items():
            known = self.split.setdefault(key, set())
            if not cuts <= known:
                known |= cuts
                added = True
        return added


def _walk(box: Any, chapter: str, top_level: bool) -> Iterator[tuple[str, Any]]:
    """(chapter id, box) for each box of a top-level chapter block in the body flow."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
        return
    element = getattr(box, "element", None)
    if element is not None and "::" not in str(getattr(box, "element_tag", "")):
        if "chapter" in str(element.get("class") or "").split() and element.get("id"):
            chapter, top_level = str(element.get("id")), True
        elif top_level and element.get("data-block") is not None and isinstance(box, boxes.BlockLevelBox):
            yield chapter, box
            return
    for child in getattr(box, "children", ()):
        yield from _walk(child, chapter, top_level)


def _image_height(box: Any) -> float:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.ReplacedBox):
        return float(box.height)
    return max((_image_height(c) for c in getattr(box, "children", ())), default=0.0)


def placed_blocks(page_box: Any) -> list[Placed]:
    """The top-level chapter blocks on a laid-out page, in layout order (a split block once)."""
    out: dict[tuple[str, int, int], Placed] = {}
    for chapter, box in _walk(page_box, "", False):
        element = box.element
        key = (chapter, int(element.get("data-block")), int(element.get("data-line") or 0))
        top, bottom = float(box.position_y), float(box.position_y + box.margin_height())
        tag = str(box.element_tag)
        if key in out:
            old = out[key]
            out[key] = replace(old, top=min(old.top, top), bottom=max(old.bottom, bottom))
            continue
        style = box.style
        out[key] = Placed(
            chapter,
            key[1],
            tag,
            top,
            bottom,
            _image_height(box) if tag == "figure" else 0.0,
            _length(style["margin_top"]),
            _length(style["margin_bottom"]),
            _line_boxes(box) if tag == "pre" else 0,
            key[2],
            "listing-long" in str(element.get("class") or "").split(),
        )
    return list(out.values())


def _line_boxes(box: Any) -> int:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.LineBox):
        return 1
    return sum(_line_boxes(c) for c in getattr(box, "children", ()))


def _length(value: Any) -> float:
    return float(value.value) if getattr(value, "unit", None) == "px" else 0.0


def _page_bottom(page_box: Any) -> float:
    """The lowest y the body flow may reach on a page: above the footnotes, if any."""
    from weasyprint.formatting_structure import boxes

    bottom = float(page_box.content_box_y() + page_box.height)
    for child in page_box.children:
        if isinstance(child, boxes.FootnoteAreaBox) and child.children:
            bottom = min(bottom, float(child.position_y))
    return bottom


def plan_floats(pages: Sequence[Any]) -> FloatPlan:
    """Find figures that moved whole to the next page and left a gap; decide to scale or defer each."""
    plan = FloatPlan()
    laid = [placed_blocks(page_box(p)) for p in pages]
    shown: dict[tuple[str, int, int], int] = {}  # lines of each listing piece on the pages so far
    for i in range(len(pages) - 1):
        here, there = laid[i], laid[i + 1]
        if not here or not there:
            continue
        figure = there[0]
        last = here[-1]
        piece = (last.chapter, last.block, last.first_line)
        if last.long_listing and piece == (figure.chapter, figure.block, figure.first_line):
            shown[piece] = shown.get(piece, 0) + last.lines
            plan.split.setdefault((last.chapter, last.block), set()).add(last.first_line + shown[piece])
            continue
        if figure.tag != "figure" or figure.chapter != last.chapter or figure.image <= 0:
            continue
        if any(p.chapter == figure.chapter and p.block == figure.block for p in here):
            continue  # the figure began on this page: not a moved figure
        box = page_box(pages[i])
        gap = _page_bottom(box) - last.bottom
        if gap < MIN_GAP:
            continue
        # The figure's box on its new page lost its top margin; it needs it back here.
        others = (figure.bottom - figure.top) - figure.image
        if figure.top <= float(page_box(pages[i + 1]).content_box_y()) + 0.5:
            others += figure.margin_top
        room = gap - others - 2.0
        key = (figure.chapter, figure.block)
        if room >= MIN_SCALE * figure.image:
            plan.scale[key] = max(1.0, room)
            continue
        text_height = float(box.height)
        if gap <= MAX_GAP * text_height:
            continue
        moved = _followers(laid, i + 1, figure, gap)
        if moved is not None:
            plan.defer[key] = moved
    return plan


def _followers(laid: Sequence[Sequence[Placed]], page: int, figure: Placed, gap: float) -> int | None:
    """The last block index of the run after ``figure`` that fills ``gap``, or None when no text may move."""
    filled = 0.0
    last: int | None = None
    expected = figure.block + 1
    for blocks in laid[page:]:
        for p in blocks:
            if p.chapter != figure.chapter or p.block < expected:
                continue
            if p.block != expected or p.tag not in MOVABLE or expected - figure.block > MAX_MOVED:
                return last
            filled += p.bottom - p.top
            last, expected = p.block, expected + 1
            if filled >= gap:
                return last
    return last


def settle_floats(laid_out: Any, html: str, bodies: Mapping[str, str], relayout: Callable[[str], Any]) -> Any:
    """``laid_out`` (the layout of ``html``) with its floats placed: while :func:`plan_floats` finds
    something new, the plan is applied to each chapter body of ``bodies`` (chapter id -> body HTML,
    as it stands in ``html``) and ``relayout`` lays the changed HTML out again, at most
    :data:`FLOAT_PASSES` times. The serial layout and each batch (batches.py) use this same rule,
    so both place every figure alike."""
    plan = FloatPlan()
    for _ in range(FLOAT_PASSES):
        more = plan_floats(laid_out.pages)
        if not more or not plan.merge(more):
            break
        adjusted = html
        for chapter, body in bodies.items():
            adjusted = adjusted.replace(body, apply_plan(body, chapter, plan), 1)
        LOG.info(
            "floats: %d figures scaled, %d deferred, %d listings cut; laid out again",
            len(plan.scale),
            len(plan.defer),
            len(plan.split),
        )
        laid_out = relayout(adjusted)
    return laid_out


def apply_plan(body: str, chapter: str, plan: FloatPlan) -> str:
    """The body HTML of one chapter (blocks marked ``data-block``, one after another) with ``plan`` applied."""
    scale = {b: h for (c, b), h in plan.scale.items() if c == chapter}
    defer = {b: last for (c, b), last in plan.defer.items() if c == chapter}
    split = {b: cuts for (c, b), cuts in plan.split.items() if c == chapter}
    if not scale and not defer and not split:
        return body
    pieces = split_blocks(body)
    for index, cuts in split.items():
        if index in pieces:
            pieces[index] = split_listing(pieces[index], index, cuts)
    for index, height in scale.items():
        if index in pieces:
            pieces[index] = re.sub(
                r'(<img\b[^>]*class="figure-image")',
                rf'\1 style="max-height: {height:.1f}px"',
                pieces[index],
                count=1,
            )
    order = [i for i in pieces if i >= 0]
    for figure, last in sorted(defer.items()):
        if figure in order and last in order:
            order.remove(figure)
            order.insert(order.index(last) + 1, figure)
    return pieces.get(-1, "") + "".join(pieces[i] for i in order)


_MARK = re.compile(r'<[a-zA-Z][^<>]*?\sdata-block="(\d+)"')


def split_blocks(body: str) -> dict[int, str]:
    """The HTML of each marked top-level block (key -1: whatever comes before the first one).

    A block runs from its own mark to the next top-level mark: marks are only put on the first
    element of each top-level block, and nested blocks carry none.
    """
    out: dict[int, str] = {}
    starts = [(m.start(), int(m.group(1))) for m in _MARK.finditer(body)]
    out[-1] = body[: starts[0][0]] if starts else body
    for n, (pos, index) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(body)
        out[index] = body[pos:end]
    return out
