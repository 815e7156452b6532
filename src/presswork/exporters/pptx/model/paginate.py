"""Deck pagination: lays a flow of items out on content slides, continuing what does not fit on further slides."""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

from presswork.exporters.pptx.model.codecontext import part_header
from presswork.exporters.pptx.model.codecut import (
    BEST,
    INSIDE,
    MESSAGE_START,
    Line,
    cut_costs,
    dedent,
    is_console,
    line_text,
    open_lines,
)
from presswork.exporters.pptx.model.deck import (
    COLUMN_GAP,
    Box,
    CalloutBox,
    CodeBox,
    Frame,
    Para,
    PictureBox,
    PictureSizer,
    Run,
    TableBox,
    TextBox,
)
from presswork.exporters.pptx.model.flow import VISIBLE_ITEMS, Anchor, FlowItem, SlideBreak, SpeakerNote
from presswork.exporters.pptx.model.measure import GAP, code_line_heights, code_size, split_tall_code_lines, text_height
from presswork.exporters.pptx.model.text import runs_head, runs_tail

#: One laid-out slide: its boxes top-down, its speaker notes and the anchors (ids) it holds.
Page = tuple[list[Box], list[str], list[str]]


def with_fixed_sizes(items: list[FlowItem], frame: Frame) -> list[FlowItem]:
    """Copies of the items with each paragraph's size fixed to ``frame``'s sizes.

    Shallow copies suffice: the pager only reassigns the boxes' own attributes (size, height,
    width) and the paragraph lists made here, never the shared content inside them."""
    out: list[FlowItem] = []
    for it in items:
        if isinstance(it, Para):
            it = _sized(it, frame.size_of(it))
        else:
            it = _shallow_copy(it)
            if isinstance(it, CalloutBox | TextBox):
                it.paras = [_sized(p, frame.size_of(p)) for p in it.paras]
        out.append(it)
    return out


def _sized(para: Para, size: float) -> Para:
    """``dataclasses.replace(para, size=size)`` at a fraction of its cost (Para is a plain frozen dataclass,
    every field set by ``__init__``), or ``para`` itself when it has that size: the trials of a group lay out
    the same sized paragraphs, which the measuring then knows by identity."""
    if para.size == size:
        return para
    new = object.__new__(Para)
    fields = vars(new)  # presswork's own dataclass: its attributes are its fields
    fields.update(vars(para))
    fields["size"] = size
    return new


_Item = TypeVar("_Item")


def _shallow_copy(item: _Item) -> _Item:
    """``copy.copy(item)`` for a flow item (a plain dataclass) at a fraction of its cost."""
    new = object.__new__(type(item))
    vars(new).update(vars(item))
    return new


def introduces(para: Para) -> bool:
    """True for a lead-in: a paragraph ending in ":" (it introduces the block after it)."""
    return "".join(r.text for r in para.runs).rstrip().endswith(":")


#: Smallest body text size the fit engine steps down to (points).
MIN_BODY = 18.0


#: Fewest list items that are set in two columns.
MIN_COLUMN_ITEMS = 6


def column_width(frame: Frame) -> float:
    """Width of one of two columns of the content area."""
    return (frame.width - COLUMN_GAP) / 2


def two_columns(items: list[FlowItem], frame: Frame) -> Page | None:
    """One slide holding a long list of short items in two balanced columns, or None when the items are not
    such a list or do not fit. A line that introduces the list (however long) spans both columns above them."""
    for sizes in frame.column_steps():  # the columns' own sizes, then one step smaller
        page = _two_columns(items, dataclasses.replace(frame, sizes=sizes))
        if page is not None:
            return page
    return None


def _two_columns(items: list[FlowItem], frame: Frame) -> Page | None:
    paras = [it for it in items if isinstance(it, Para)]
    if len(paras) != sum(isinstance(it, VISIBLE_ITEMS) for it in items):
        return None
    fixed = [dataclasses.replace(p, size=frame.size_of(p)) for p in paras]
    intro: list[Para] = []
    if fixed and not fixed[0].bullet and not fixed[0].level:
        intro, fixed = fixed[:1], fixed[1:]
    if len(fixed) < MIN_COLUMN_ITEMS or not all(p.bullet or p.level > 0 for p in fixed):
        return None
    col = column_width(frame)
    for p in fixed:  # short items only: each stays on one line in a column (a nested one on two at most)
        one_line = text_height([p], frame, 10_000.0)
        lines_allowed = 2 if p.level > 0 else 1
        if text_height([p], frame, col) > lines_allowed * one_line + 0.01:
            return None
    above = text_height(intro, frame, frame.width) + GAP if intro else 0.0
    best: tuple[float, int] | None = None
    for k in range(1, len(fixed)):
        if (
            fixed[k].level > 0
            or (fixed[k - 1].bullet and fixed[k].level > fixed[k - 1].level)
            or introduces(fixed[k - 1])
            or not fixed[k].bullet
        ):
            continue  # a column starts with a top-level item, never after its lead-in or inside an item
        h = max(text_height(fixed[:k], frame, col), text_height(fixed[k:], frame, col))
        if above + h <= frame.height and (best is None or h < best[0]):
            best = (h, k)
    if best is None:
        return None
    notes = [it.text for it in items if isinstance(it, SpeakerNote)]
    ids = [it.id for it in items if isinstance(it, Anchor)]
    boxes: list[Box] = [TextBox(intro, above - GAP)] if intro else []
    return [*boxes, TextBox(fixed, best[0], split=best[1])], notes, ids


#: Fewer than 3 lines of code start or end a slide only when they are at least this share of a slide tall.
MIN_CODE_PART = 0.25
#: Fewest lines of a listing's first part below other content on a slide (unless MIN_CODE_PART of a slide tall).
MIN_CODE_LINES = 3


#: A listing's part is at least this share of the room on its slide when a cut no dearer than ITEM_IN_BLOCK
#: allows it: a short top-level item ("pub struct Vec<T> {…}") shares its slide with the next item's start.
FULL_CODE_PART = 0.5
#: Cost of a cut between two items or statements one block deep (see :func:`codecut.cut_costs`).
ITEM_IN_BLOCK = INSIDE // 2 + 4


def _trim_blank(lines: list[Line]) -> list[Line]:
    """``lines`` without the blank lines at their end."""
    end = len(lines)
    while end > 1 and not line_text(lines[end - 1]).strip():
        end -= 1
    return lines[:end]


def _code_on_one_slide(box: CodeBox, f: Frame) -> CodeBox | None:
    """``box`` at the largest size (down to ``min_code_size``) at which it fits an empty slide, or None."""
    size = box.size
    while size >= f.min_code_size:
        trial = CodeBox(box.lines, size, box.language)
        height = sum(code_line_heights(trial, f)) + 2 * f.callout_inset
        if height <= f.height:
            trial.height = height
            return trial
        size -= 1
    return None


def paginate(items: list[FlowItem], frame: Frame, sizer: PictureSizer, laid: Pager | None = None) -> list[Page]:
    """Lay a group out in the template's sizes on as few slides as needed (one size step smaller, never below
    18 pt, when that saves a slide), balanced so continuation slides are evenly filled. ``laid``: a plain
    ``Pager(frame, sizer)`` that has laid ``items`` out already (its slides are not edited here)."""
    pictures = any(isinstance(it, PictureBox) for it in items)
    fixed: dict[Frame, list[FlowItem]] = {}

    def sized(f: Frame) -> list[FlowItem]:
        """Fresh copies of the items to lay out at ``f``'s sizes (the paragraphs sized once, shared by trials)."""
        if f not in fixed:
            fixed[f] = with_fixed_sizes(items, f)
        return with_fixed_sizes(fixed[f], f)

    if laid is None:
        laid = Pager(frame, sizer)
        laid.lay(sized(frame))
    plain = laid  # the plain layout at each frame tried (the mending below starts from it)
    pages = plain.pages
    if len(pages) > 1 and frame.code_size > frame.min_code_size and any(isinstance(it, CodeBox) for it in items):
        smaller_code = dataclasses.replace(frame, code_size=frame.min_code_size)  # listings at 14 pt: a slide saved
        smaller = Pager(smaller_code, sizer)
        trial = smaller.lay(sized(smaller_code))
        if len(trial) < len(pages):
            frame, pages, plain = smaller_code, trial, smaller
    code = [it for it in items if isinstance(it, CodeBox)]
    cuttable = frozenset(k for k, box in enumerate(code) if not is_console(box.language))
    if len(pages) > 1 and cuttable:  # listings cut between top-level items where they do not fit: a slide saved
        trial = Pager(frame, sizer, cut_console=cuttable).lay(sized(frame))
        if len(trial) < len(pages):
            pages = trial
    small = dataclasses.replace(frame, sizes=tuple(max(MIN_BODY, s - 2) for s in frame.sizes))  # type: ignore[arg-type]
    if len(pages) > 1:  # the next size step down (body never below MIN_BODY) when it saves a slide
        if small.sizes != frame.sizes:
            smaller = Pager(small, sizer)
            trial = smaller.lay(sized(small))
            if len(trial) < len(pages):
                frame, pages, plain = small, trial, smaller
    if len(pages) > 1:  # a long list of short items: two columns on one slide rather than a continuation
        page = two_columns(items, frame)
        if page is not None:
            return [page]
    if len(pages) > 1 and not pictures:
        lo, hi = frame.height * 0.4, frame.height
        for _ in range(7):
            mid = (lo + hi) / 2
            trial = Pager(dataclasses.replace(frame, height=mid), sizer).lay(sized(frame))
            if len(trial) <= len(pages):
                pages, hi = trial, mid
            else:
                lo = mid
    if len(pages) > 1 and page_fill(pages[-1]) < THIN * frame.height:
        pages = _mend_thin_tail(sized(frame), frame, sizer, pages, plain)
    if len(pages) > 1 and thin_pages(pages, frame):
        pages = _mendthin_pages(sized(frame), frame, sizer, pages, plain)
    return pages


#: A last slide filled less than this share of the frame is thin: the pager tries to mend it.
THIN = 0.35
#: Least share of its size a picture keeps when it shrinks to take a thin last slide's content beside it.
MIN_PICTURE_SHARE = 0.6
#: Lowest balancing limit tried for the slide before a thin last one (share of the frame's height).
MIN_LIMIT = 0.4


#: A slide filled less than this share of the frame when a listing that does not fit below its text moves on
#: keeps the listing, set a size or two smaller (never below ``min_code_size``), when it fits that way.
THIN_BEFORE_CODE = 0.4
#: Most slides back from a thin slide whose balancing limits are lowered to send content onto it.
MEND_REACH = 2
#: Balancing limits tried per slide when mending a thin slide (shares of the frame's height, high to low).
MEND_STEPS = (0.9, 0.8, 0.7, 0.6, 0.5, 0.4)


def thin_pages(pages: list[Page], frame: Frame) -> list[int]:
    """The slides of a group that hold text only and fill less than THIN of the frame (pictures and tables,
    which fill a slide however tall they are, aside)."""
    return [
        k
        for k, page in enumerate(pages)
        if page[0]
        and page_fill(page) < THIN * frame.height
        and not any(isinstance(b, PictureBox | TableBox) for b in page[0])
    ]


def _mendthin_pages(
    fixed: list[FlowItem], frame: Frame, sizer: PictureSizer, pages: list[Page], first: Pager
) -> list[Page]:
    """Slides left thin in a group (a listing moved on whole, a short tail after a listing) mended, as long
    as the group takes no more slides: the slides before a thin one end earlier (their balancing limits
    lowered, one or two slides back) so that content flows onto it; a listing beside it is set at
    ``min_code_size``; console output before it is cut between messages rather than moved on whole. The
    layout with the fewest thin slides, then the fewest ending with a lead-in, then the fullest thinnest
    slide wins. ``fixed``: the group's items at ``frame``'s sizes; ``first``: their plain layout (where its
    listings start)."""
    best, best_score = pages, _mend_score(pages, frame)
    for k in thin_pages(pages, frame):
        back = [j for j in range(k - MEND_REACH, k) if j >= 0]
        near = frozenset(o for o, at in enumerate(first.code_pages) if k - 1 <= at <= k + 1)
        trials: list[Pager] = []
        for steps in _limit_combinations(len(back)):
            limits = {j: frame.height * share for j, share in zip(back, steps, strict=True) if share < 1.0}
            if limits:
                trials.append(Pager(frame, sizer, limits=limits))
            for o in near:
                trials.append(Pager(frame, sizer, limits=limits, small_code=frozenset({o})))
                trials.append(Pager(frame, sizer, limits=limits, cut_console=frozenset({o})))
            if near and len(near) > 1:
                trials.append(Pager(frame, sizer, limits=limits, small_code=near))
        for pager in trials:
            trial = pager.lay(with_fixed_sizes(fixed, frame))
            score = _mend_score(trial, frame)
            if len(trial) <= len(pages) and score < best_score:
                best, best_score = trial, score
        if best is not pages:
            break  # one thin slide mended at a time: the next search starts from the new layout
    if best is not pages and thin_pages(best, frame):
        return _mendthin_pages(fixed, frame, sizer, best, first)
    return best


def _mend_score(pages: list[Page], frame: Frame) -> tuple[int, int, int, float]:
    """How thin a group's slides are, lower is better: thin slides that cannot be set as a statement, slides
    ending with a lead-in (what it introduces is on the next slide), thin slides set as statements, and the
    fill of the thinnest."""
    thin = thin_pages(pages, frame)
    said = sum(1 for k in thin if statement_text(pages[k]))
    leadins = sum(1 for page in pages[:-1] if page[0] and _ends_with_leadin(page[0][-1]))
    return (len(thin) - said, leadins, said, -min((page_fill(pages[k]) for k in thin), default=frame.height))


#: Most words of text set as a statement (large, centred) rather than at the top of an empty slide.
MAX_STATEMENT_WORDS = 70
#: Most paragraphs of a thin slide of a longer group set as a statement.
MAX_STATEMENT_PARAS = 2


def statement_text(page: Page) -> list[Para]:
    """The paragraphs of a slide that holds only a paragraph or two of plain text (no list item, lead-in,
    caption, subheading or math; MAX_STATEMENT_WORDS at most), which a thin slide shows as a statement;
    else an empty list."""
    boxes = page[0]
    if len(boxes) != 1 or not isinstance(boxes[0], TextBox) or boxes[0].split:
        return []
    paras = boxes[0].paras
    words = sum(len("".join(r.text for r in p.runs).split()) for p in paras)
    if not paras or len(paras) > MAX_STATEMENT_PARAS or words > MAX_STATEMENT_WORDS:
        return []
    for para in paras:
        if para.bullet or para.level or para.role not in ("body", "lead") or introduces(para):
            return []
        if any(r.math for r in para.runs):
            return []
    return paras


def _ends_with_leadin(box: Box) -> bool:
    return isinstance(box, TextBox) and bool(box.paras) and introduces(box.paras[-1])


def _limit_combinations(n: int) -> list[tuple[float, ...]]:
    """Balancing limits for ``n`` consecutive slides: each one of MEND_STEPS or none (1.0)."""
    combos: list[tuple[float, ...]] = [()]
    for _ in range(n):
        combos = [(*c, share) for c in combos for share in (1.0, *MEND_STEPS)]
    return combos


def page_fill(page: Page) -> float:
    """Height the boxes of a laid-out slide take, gaps included."""
    boxes = page[0]
    return sum(b.height for b in boxes) + GAP * max(0, len(boxes) - 1)


def _mend_thin_tail(
    fixed: list[FlowItem], frame: Frame, sizer: PictureSizer, pages: list[Page], first: Pager
) -> list[Page]:
    """A thin last slide (a line or two after a full slide) mended: the last picture shrinks a little (never
    below MIN_PICTURE_SHARE of its size) so that the line joins it, or else the slide before it ends earlier
    (its limit lowered step by step, earlier slides untouched) so that the two share their content evenly.
    ``fixed``: the group's items at ``frame``'s sizes; ``first``: their plain layout (the pictures it places)."""
    n = len(pages)
    if first.placed_pictures and not any(isinstance(b, PictureBox) for b in pages[-1][0]):
        k = len(first.placed_pictures) - 1
        shrink = Pager(frame, sizer, reserve={k: page_fill(pages[-1]) + GAP + 1.0})
        trial = shrink.lay(with_fixed_sizes(fixed, frame))
        was, now = first.placed_pictures[k], shrink.placed_pictures[k] if len(shrink.placed_pictures) > k else None
        kept = now is not None and now.height - now.caption_height >= MIN_PICTURE_SHARE * (
            was.height - was.caption_height
        )
        if len(trial) < n and kept:
            return trial
    best, score = pages, page_fill(pages[-1])
    for step in range(1, 13):
        limit = frame.height * (1 - step * (1 - MIN_LIMIT) / 12)
        trial = Pager(frame, sizer, limits={n - 2: limit}).lay(with_fixed_sizes(fixed, frame))
        if len(trial) == n and min(page_fill(trial[-2]), page_fill(trial[-1])) > score:
            best, score = trial, min(page_fill(trial[-2]), page_fill(trial[-1]))
    return best


def callout_title(box: CalloutBox) -> Para:
    """The title of a call-out as a paragraph of its own (it heads each further part of a call-out taller
    than a slide), also when it is set in before the text of the first."""
    first = box.paras[0]
    if not box.title_chars:
        return first
    runs = runs_head(first.runs, box.title_chars)
    title = "".join(r.text for r in runs).rstrip().removesuffix(":")
    return Para(runs_head(runs, len(title)), role="callout-title")


#: (id of a listing's lines, frame) -> (those lines, size, lines as laid out, their heights): what
#: Pager.code measures, which each trial of a group measures again for the same listing.
_CODE_MEASURES: dict[tuple[int, Frame], tuple[list[Line], float, list[Line], list[float]]] = {}
#: Entries _CODE_MEASURES holds before it starts afresh (it keeps the lines alive: their ids stay theirs).
_CODE_MEASURES_LIMIT = 1 << 12


def _measure_code(lines: list[Line], f: Frame) -> tuple[float, list[Line], list[float]]:
    """A listing's size in ``f``, its lines as laid out (dedented; a line that wraps taller than MIN_CODE_PART
    of a slide cut into pieces, to fill a slide's end) and their heights; each a fresh list."""
    key = (id(lines), f)
    got = _CODE_MEASURES.get(key)
    if got is None or got[0] is not lines:
        probe = CodeBox(dedent(lines), 0.0)
        probe.size = code_size(probe, f)
        probe.lines = split_tall_code_lines(probe, f, MIN_CODE_PART)
        if len(_CODE_MEASURES) >= _CODE_MEASURES_LIMIT:
            _CODE_MEASURES.clear()
        got = _CODE_MEASURES[key] = (lines, probe.size, probe.lines, code_line_heights(probe, f))
    return got[1], list(got[2]), list(got[3])


class Pager:
    """Lays a flow out on as many slides as it needs."""

    def __init__(
        self,
        frame: Frame,
        sizer: PictureSizer,
        limits: dict[int, float] | None = None,
        reserve: dict[int, float] | None = None,
        small_code: frozenset[int] = frozenset(),
        cut_console: frozenset[int] = frozenset(),
    ) -> None:
        self.frame, self.sizer = frame, sizer
        #: Listing ordinals set at ``min_code_size`` (so that what is around them shares their slides).
        self.small_code = small_code
        #: Ordinals of console output cut between messages where it does not fit, not moved on whole.
        self.cut_console = cut_console
        #: Slide index of each listing placed (its first part), by ordinal.
        self.code_pages: list[int] = []
        #: Slide index -> how far flowing content may fill that slide (less than the frame: a balanced slide).
        self.limits = limits or {}
        #: Picture ordinal -> room kept free below that picture (it shrinks so that what follows fits beside it).
        self.reserve = reserve or {}
        #: The pictures placed, in order (to compare their sizes between trials).
        self.placed_pictures: list[PictureBox] = []
        self.pages: list[Page] = []
        self.new_page()

    def new_page(self) -> None:
        self.pages.append(([], [], []))
        self.used = 0.0
        #: Paragraphs at the end of the slide that introduce what follows (headings, terms, lead-ins ending in ":").
        self.keeps: list[Para] = []

    def break_page(self) -> None:
        """Start a new slide for a block that does not fit, taking along the lead-ins that introduce it."""
        if not self._carry_keeps():
            self.new_page()

    @property
    def boxes(self) -> list[Box]:
        return self.pages[-1][0]

    @property
    def height(self) -> float:
        """How far flowing content fills the current slide: the frame's height, or less on a balanced slide."""
        return self.limits.get(len(self.pages) - 1, self.frame.height)

    def room(self, gap: bool = True, full: bool = False) -> float:
        """Height left on the current slide (``full``: measured to the frame's bottom, not the balancing limit)."""
        return (self.frame.height if full else self.height) - self.used - (GAP if gap and self.boxes else 0.0)

    def place(self, box: Box) -> None:
        self.used += box.height + (GAP if self.boxes else 0.0)
        self.boxes.append(box)
        self.keeps = []

    def lay(self, items: list[FlowItem]) -> list[Page]:
        """The pages of ``items``, each filled as far as it goes."""
        for i, item in enumerate(items):
            nxt = items[i + 1] if i + 1 < len(items) else None
            if isinstance(item, SpeakerNote):
                self.pages[-1][1].append(item.text)
            elif isinstance(item, Anchor):
                self.pages[-1][2].append(item.id)
            elif isinstance(item, SlideBreak):
                if self.boxes:
                    self.new_page()
            elif isinstance(item, Para):
                self._keep_item_together(items, i)
                self._keep_quote_together(items, i)
                parent = bool(item.bullet) and isinstance(nxt, Para) and nxt.level > item.level
                keep = item.role in ("subhead", "term") or parent or introduces(item) or self._heads_code(items, i)
                self.para(item, keep_next=keep and any(isinstance(it, VISIBLE_ITEMS) for it in items[i + 1 :]))
            elif isinstance(item, TextBox):
                self.columns(item)
            elif isinstance(item, CodeBox):
                self.code(item)
            elif isinstance(item, TableBox):
                self.table(item)
            elif isinstance(item, PictureBox):
                self.picture(item)
            elif isinstance(item, CalloutBox):
                self.callout(item)
        if not self.boxes and len(self.pages) > 1 and not self.pages[-1][1] and not self.pages[-1][2]:
            self.pages.pop()
        return self.pages

    def _heads_code(self, items: list[FlowItem], i: int) -> bool:
        """True for a paragraph between a lead-in that opens the slide and the listing it introduces: a
        caption, or one line ("Filename: src/main.rs" under "…adding a ``break`` statement:"), so that the
        listing starts below them rather than leave them alone on the slide, when it has top-level items to
        be cut between."""
        item = items[i]
        nxt = next((it for it in items[i + 1 :] if isinstance(it, VISIBLE_ITEMS)), None)
        if not isinstance(item, Para) or not isinstance(nxt, CodeBox) or not self._holds_only_keeps():
            return False
        if BEST not in cut_costs(dedent(nxt.lines), nxt.language)[1:]:
            return False  # one item ("fn main() {…}") or code from inside a block ("// --snip--"): kept whole
        f = self.frame
        return item.role == "caption" or text_height([item], f, f.width) <= text_height([item], f, 10_000.0) + 0.01

    def _keep_item_together(self, items: list[FlowItem], i: int) -> None:
        """Start a new slide before a list item whose sub-items would otherwise be split from it."""
        item = items[i]
        if not (isinstance(item, Para) and item.bullet) or not self.boxes:
            return
        block = [item]
        for nxt in items[i + 1 :]:
            if not (isinstance(nxt, Para) and nxt.level > item.level):
                break
            block.append(nxt)
        if len(block) < 2:
            return
        self._break_before(block)

    def _break_before(self, block: list[Para]) -> None:
        """Start a new slide before ``block`` when it would not fit on this one but fits most of a slide."""
        h = text_height(block, self.frame, self.frame.width)
        box = self.boxes[-1]
        if isinstance(box, TextBox) and not box.split:
            extra = text_height(box.paras + block, self.frame, self.frame.width) - box.height
        else:
            extra = h + GAP
        if self.used + extra > self.height and h <= self.frame.height * 0.8:
            self.break_page()

    def _keep_quote_together(self, items: list[FlowItem], i: int) -> None:
        """Start a new slide before a quotation (with the quotations nested in it) that would otherwise be
        split between slides, when it fits most of a slide."""
        item = items[i]
        if not (isinstance(item, Para) and item.role == "quote") or not self.boxes:
            return
        before = next((it for it in reversed(items[:i]) if isinstance(it, VISIBLE_ITEMS)), None)
        if isinstance(before, Para) and before.role == "quote":
            return  # not the quotation's first paragraph
        block = [item]
        for nxt in items[i + 1 :]:
            if isinstance(nxt, Para) and nxt.role == "quote":
                block.append(nxt)
            elif isinstance(nxt, VISIBLE_ITEMS):
                break
        if len(block) < 2:
            return
        self._break_before(block)

    def para(self, para: Para, keep_next: bool = False) -> None:
        f = self.frame
        box = (
            self.boxes[-1] if self.boxes and isinstance(self.boxes[-1], TextBox) and not self.boxes[-1].split else None
        )
        paras = (box.paras if box else []) + [para]
        height = text_height(paras, f, f.width)
        extra = height - (box.height if box else -GAP if self.boxes else 0.0)
        need = extra + (f.sizes[0] * 2.5 if keep_next else 0.0)
        if self.used + need <= self.height:
            if box:
                box.paras.append(para)
                self.used += height - box.height
                box.height = height
            else:
                self.place(TextBox([para], height))
            self.keeps = self.keeps + [para] if keep_next else []
            return
        if self.boxes and text_height([para], f, f.width) + (f.sizes[0] * 2.5 if keep_next else 0.0) <= f.height:
            self.break_page()
            self.para(para, keep_next)
            return
        # A paragraph taller than the room: split it by words.
        head, tail = self._split_para(para)
        if head is None:
            self.new_page()
            head, tail = self._split_para(para)
            if head is None:  # a single word wider than a whole slide: place it anyway
                self.place(TextBox([para], text_height([para], f, f.width)))
                return
        self.para(head)
        self.new_page()
        self.para(tail)

    def _carry_keeps(self) -> bool:
        """Move the lead-ins left at the bottom of a slide (a subheading, a sentence ending in ":") to a new
        slide, with what they introduce; False if there are none, or if they are all the slide holds."""
        box = self.boxes[-1] if self.boxes else None
        keeps = self.keeps
        if not (
            isinstance(box, TextBox)
            and keeps
            and len(box.paras) >= len(keeps)
            and all(a is b for a, b in zip(box.paras[-len(keeps) :], keeps, strict=True))
        ):
            return False
        if len(box.paras) == len(keeps) and len(self.boxes) == 1:
            return False
        del box.paras[-len(keeps) :]
        if box.paras:
            old = box.height
            box.height = text_height(box.paras, self.frame, self.frame.width)
            self.used -= old - box.height
        else:
            self.boxes.pop()
        self.new_page()
        for k in keeps:
            self.para(k, keep_next=True)
        return True

    def _split_para(self, para: Para) -> tuple[Para | None, Para]:
        text = "".join(r.text for r in para.runs)
        cuts = [m.end() for m in re.finditer(r"\S+\s*", text)]
        box = (
            self.boxes[-1] if self.boxes and isinstance(self.boxes[-1], TextBox) and not self.boxes[-1].split else None
        )
        lo, hi, best = 1, len(cuts) - 1, 0
        while lo <= hi:
            mid = (lo + hi) // 2
            head = dataclasses.replace(para, runs=runs_head(para.runs, cuts[mid - 1]))
            paras = (box.paras if box else []) + [head]
            h = text_height(paras, self.frame, self.frame.width) - (box.height if box else -GAP if self.boxes else 0.0)
            if self.used + h <= self.height:
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        if best == 0:
            return None, para
        cut = cuts[best - 1]
        return (
            dataclasses.replace(para, runs=runs_head(para.runs, cut)),
            dataclasses.replace(
                para, runs=runs_tail(para.runs, cut), role="body" if para.role == "lead" else para.role
            ),
        )

    def columns(self, box: TextBox) -> None:
        """An author's two-column text box: kept whole on one slide, or laid out as plain text when it is
        taller than a slide."""
        f = self.frame
        col = column_width(f)
        box.height = max(text_height(box.paras[: box.split], f, col), text_height(box.paras[box.split :], f, col))
        if box.height > f.height:
            for para in box.paras:
                self.para(para)
            return
        if box.height > self.room():
            self.break_page()
        self.place(box)

    def code(self, box: CodeBox) -> None:
        """A listing on one slide when it fits there at 14 pt or more; else cut between top-level items (or
        console messages), a part cut inside a block opening with the lines that enclose it and an elision
        mark, and the whole listing in the notes."""
        f = self.frame
        ordinal = len(self.code_pages)
        self.code_pages.append(len(self.pages) - 1)
        if ordinal in self.small_code:
            f = dataclasses.replace(f, code_size=f.min_code_size)
        inset = 2 * f.callout_inset
        box.size, box.lines, heights = _measure_code(box.lines, f)
        if sum(heights) + inset > self.room():
            whole = _code_on_one_slide(box, f)
            chosen_cut = ordinal in self.cut_console and bool(self.boxes) and self._message_cut_fits(box, heights)
            if whole is not None and not chosen_cut:
                if self.boxes and whole.height > self.room():
                    shared = self._code_beside_text(box)
                    if shared is not None:
                        self.place(shared)
                        return
                    if self._holds_only_keeps():  # its lead-in alone on a slide: the listing starts below it
                        self._code_parts(box, heights, between_messages=True)
                        return
                    self.break_page()
                    self.code_pages[-1] = len(self.pages) - 1
                    if self.boxes and whole.height > self.room():  # below the lead-in carried along
                        shared = self._code_beside_text(box, always=True)
                        if shared is None:
                            self._code_parts(box, heights, between_messages=True)
                            return
                        whole = shared
                self.place(whole)
                return
        else:
            box.height = sum(heights) + inset
            self.place(box)
            return
        self._code_parts(box, heights, between_messages=whole is not None, fitted=chosen_cut)

    def _message_cut_fits(self, box: CodeBox, heights: list[float]) -> bool:
        """True when console output can be cut between two of its messages, or code between two top-level
        items set apart by a blank line, with a fair first part (at least MIN_CODE_PART of the room) on the
        current slide."""
        avail = self.room() - 2 * self.frame.callout_inset
        costs = cut_costs(box.lines, box.language)
        clean = MESSAGE_START if is_console(box.language) else BEST
        used = 0.0
        for k in range(1, len(box.lines)):
            used += heights[k - 1]
            if used > avail:
                return False
            if costs[k] <= clean and used >= MIN_CODE_PART * avail:
                return True
        return False

    def _holds_only_keeps(self) -> bool:
        """True when the current slide holds nothing but lead-ins (what they introduce cannot join them)."""
        box = self.boxes[-1] if len(self.boxes) == 1 else None
        return isinstance(box, TextBox) and bool(self.keeps) and len(box.paras) == len(self.keeps)

    def _code_beside_text(self, box: CodeBox, always: bool = False) -> CodeBox | None:
        """``box`` a size or two smaller (never below ``min_code_size``) so that it stays on the current slide,
        when moving it to the next would leave this one thin or end it with a lead-in (``always``: in any
        case); else None."""
        f = self.frame
        if not always and self.used >= THIN_BEFORE_CODE * self.height and not self.keeps:
            return None
        room = self.room()
        size = box.size - 1
        while size >= f.min_code_size:
            trial = CodeBox(box.lines, size, box.language)
            height = sum(code_line_heights(trial, f)) + 2 * f.callout_inset
            if height <= room:
                trial.height = height
                return trial
            size -= 1
        return None

    def _code_parts(
        self, box: CodeBox, heights: list[float], between_messages: bool = False, fitted: bool = False
    ) -> None:
        """``box`` over as many slides as it needs, from the current one, cut where it costs least
        (``between_messages``: console output that would fit a slide, cut only between its messages)."""
        f = self.frame
        inset = 2 * f.callout_inset
        lines, costs = box.lines, cut_costs(box.lines, box.language)
        opened = open_lines(lines, box.language)
        line_h = min(heights, default=0.0)
        header: list[Line] = []
        start, noted, moved = 0, False, False
        if self.boxes and self.room() - inset < MIN_CODE_PART * f.height and not fitted:
            self.break_page()
        while start < len(lines):
            avail = self.room() - inset - line_h * len(header)
            n, used = 0, 0.0
            while start + n < len(lines) and used + heights[start + n] <= avail:
                used += heights[start + n]
                n += 1
            if start + n >= len(lines):
                cut = len(lines)
            elif n == 0 and self.boxes:
                self.new_page()
                continue
            else:
                options = range(start + 1, start + max(n, 1) + 1)
                full = [k for k in options if sum(heights[start:k]) >= MIN_CODE_PART * avail] or list(options)
                if between_messages:  # a short part rather than a message cut in two
                    most = BEST if fitted and not is_console(box.language) else MESSAGE_START
                    clean = [k for k in options if k < len(lines) and costs[k] <= most]
                    full = [k for k in full if k in clean] or clean or full
                if not is_console(box.language):  # a fuller part when a cut between a block's items allows it
                    cheapest = min(costs[k] if k < len(lines) else 0 for k in full)
                    limit = max(cheapest, ITEM_IN_BLOCK)
                    fuller = [k for k in full if sum(heights[start:k]) >= FULL_CODE_PART * avail and costs[k] <= limit]
                    full = fuller or full
                cut = min(full, key=lambda k: (costs[k] if k < len(lines) else 0, -k))
            if start == 0 and not moved and self._short_first_part(lines, heights, cut):
                self.break_page()  # a line or two of a listing at a slide's foot: the listing starts on the next
                self.code_pages[-1] = len(self.pages) - 1
                moved = True
                continue
            own = _trim_blank(lines[start:cut])
            height = line_h * len(header) + sum(heights[start : start + len(own)]) + inset
            self.place(CodeBox(header + own, box.size, box.language, height))
            if cut >= len(lines):
                break
            header = []
            nxt = cut  # the next part's first line (it leaves the blank lines at the cut out)
            while nxt < len(lines) - 1 and not line_text(lines[nxt]).strip():
                nxt += 1
            # a part that starts inside a block or a message opens with where it is, then an elision mark
            header = part_header(lines, nxt, opened[nxt], box.language, costs[cut] >= INSIDE // 2)
            if header and not noted:
                self.pages[-1][1].append("Whole listing:\n" + "\n".join(line_text(ln) for ln in lines))
                noted = True
            start = cut
            while start < len(lines) and not line_text(lines[start]).strip():
                start += 1
            if start < len(lines):
                self.new_page()

    def _short_first_part(self, lines: list[Line], heights: list[float], cut: int) -> bool:
        """True when a listing's first part, below other content (not only its lead-in), would hold fewer than
        MIN_CODE_LINES lines and less than MIN_CODE_PART of a slide ("fn main() {" and one line at the foot)."""
        if cut >= len(lines) or not self.boxes or self._holds_only_keeps():
            return False
        shown = [ln for ln in lines[:cut] if line_text(ln).strip()]
        return len(shown) < MIN_CODE_LINES and sum(heights[:cut]) < MIN_CODE_PART * self.frame.height

    def table(self, box: TableBox) -> None:
        head_h = sum(box.head_heights)
        start = 0
        while start < len(box.body) or start == 0:
            room = self.room()
            n, used = 0, head_h
            while start + n < len(box.body) and used + box.row_heights[start + n] <= room:
                used += box.row_heights[start + n]
                n += 1
            if (n < min(2, len(box.body) - start) or (n == 0 and box.body)) and self.boxes:
                if start == 0:
                    self.break_page()
                else:
                    self.new_page()
                continue
            n = max(n, 1) if box.body else 0
            part = dataclasses.replace(
                box, body=box.body[start : start + n], row_heights=box.row_heights[start : start + n]
            )
            part.height = head_h + sum(part.row_heights)
            self.place(part)
            start += n
            if start < len(box.body):
                self.new_page()
            if not box.body:
                break

    def picture(self, box: PictureBox) -> None:
        f = self.frame
        size = self.sizer(box.kind, box.src, box.pos)
        if size is None or not size[0] or not size[1]:
            self.para(Para((Run(box.alt or box.src, italic=True),), role="caption"))
            return
        box.caption_height = text_height([Para(box.caption, role="caption")], f, f.width) if box.caption else 0.0
        px_w, px_h = size
        natural_w = px_w * 0.75  # 96 dpi pixels -> points
        if self.boxes and self.room(full=True) < f.height * 0.45:
            self.break_page()
        avail_h = self.room(full=True) - box.caption_height - self.reserve.get(len(self.placed_pictures), 0.0)
        self.placed_pictures.append(box)
        scale = min(f.width / natural_w, avail_h / (px_h * 0.75), 1.5)
        box.width, box.height = natural_w * scale, px_h * 0.75 * scale
        box.height += box.caption_height
        self.place(box)

    def callout(self, box: CalloutBox) -> None:
        f = self.frame
        box.height = text_height(box.paras, f, f.width, inset=f.callout_inset)
        if box.height <= self.room():
            self.place(box)
            return
        if self.boxes and box.height <= f.height:
            self.break_page()
            if box.height <= self.room():
                self.place(box)
                return
        head = box.paras[:1]
        rest = box.paras[1:]
        title_chars = box.title_chars
        while rest:  # split a callout taller than a slide by paragraphs
            take = head[:]
            while rest and text_height(take + rest[:1], f, f.width, inset=f.callout_inset) <= self.room():
                take.append(rest.pop(0))
            if len(take) == len(head) and self.boxes:
                self.new_page()
                continue
            if len(take) == len(head):
                take.append(rest.pop(0))
            part = CalloutBox(box.kind, take, text_height(take, f, f.width, inset=f.callout_inset), title_chars)
            self.place(part)
            head, title_chars = [callout_title(box)], 0
            if rest:
                self.new_page()
