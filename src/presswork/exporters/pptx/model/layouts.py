"""Slide layouts chosen by what a slide group holds, or forced by the author with a ``{.layout-...}`` class.

- Comparison: two parallel lists, each under a short heading or lead-in ("Pros:" / "Cons:").
- Picture with Caption: a figure with its caption alone in its group.
- Two Content: text beside one picture or one short code block, when side by side they fit one slide and
  stacked they would not (or the picture comes out much larger beside the text); see :func:`beside_page`.
- Two Content (text in two columns), Title Only and Section Header when an author asks for them.

Pure: returns pages of the deck model (see :mod:`paginate`); the writer finds the template's
layouts by their placeholders.
"""

from __future__ import annotations

import dataclasses

from presswork.exporters.pptx.model.deck import Box, CodeBox, Frame, Para, PictureBox, PictureSizer, TextBox
from presswork.exporters.pptx.model.flow import LAYOUT_CLASSES, VISIBLE_ITEMS, Anchor, FlowItem, LayoutHint, SpeakerNote
from presswork.exporters.pptx.model.measure import code_line_heights, code_size, split_tall_code_lines, text_height
from presswork.exporters.pptx.model.paginate import (
    THIN,
    Page,
    Pager,
    column_width,
    introduces,
    page_fill,
    paginate,
    statement_text,
    with_fixed_sizes,
)

#: The layouts an author may force with a class ``layout-<name>`` on a section heading or a div.
LAYOUT_NAMES = LAYOUT_CLASSES
#: Longest heading or lead-in (words) that heads a column of a comparison.
MAX_HEAD_WORDS = 8


def forced_layout(items: list[FlowItem]) -> tuple[str, list[FlowItem]]:
    """The layout the author forced on a group (its first ``layout-...`` class, "" if none) and the items
    without the hints."""
    names = [it.name for it in items if isinstance(it, LayoutHint)]
    return (names[0] if names else ""), [it for it in items if not isinstance(it, LayoutHint)]


def _words(para: Para) -> int:
    return len("".join(r.text for r in para.runs).split())


def _is_head(para: Para) -> bool:
    """A short heading or lead-in that can head a column: a subheading, a term, or a short line ending in ":"."""
    if para.bullet or para.level:
        return False
    return _words(para) <= MAX_HEAD_WORDS and (para.role in ("subhead", "term") or introduces(para))


def _is_item(para: Para) -> bool:
    return bool(para.bullet) or para.level > 0


def comparison_columns(items: list[FlowItem]) -> tuple[list[Para], list[Para]] | None:
    """Two parallel lists each under its own heading or lead-in, and nothing else shown: (left, right)
    columns, each starting with its heading; None when the group is not such a pair."""
    shown = [it for it in items if isinstance(it, VISIBLE_ITEMS)]
    if not shown or not all(isinstance(it, Para) for it in shown):
        return None
    paras: list[Para] = [it for it in shown if isinstance(it, Para)]
    heads = [i for i, p in enumerate(paras) if _is_head(p)]
    if len(heads) != 2 or heads[0] != 0:
        return None
    left, right = paras[: heads[1]], paras[heads[1] :]
    if not (len(left) >= 3 and len(right) >= 3 and all(map(_is_item, left[1:] + right[1:]))):
        return None
    top = sum(1 for p in left[1:] + right[1:] if not p.level)  # top-level items on each side
    if not top:
        return None
    return left, right


def comparison_page(items: list[FlowItem], frame: Frame, force: bool = False) -> Page | None:
    """One slide with two headed columns side by side (the Comparison layout), at the template's size or
    one step smaller (never below 18 pt); None when the items are no such pair or do not fit one slide.
    ``force``: the author asked for it, so any two columns cut before the second heading or lead-in do."""
    cols = comparison_columns(items)
    if cols is None and force:
        cols = _forced_columns(items)
    if cols is None:
        return None
    left, right = cols
    for sizes in frame.column_steps():
        f = dataclasses.replace(frame, sizes=sizes)
        fixed = [
            dataclasses.replace(p, size=f.size_of(p), role="subhead" if k in (0, len(left)) else p.role)
            for k, p in enumerate(left + right)
        ]
        box = _two_column_box(fixed, len(left), f)
        if box is not None:
            return [box], _notes(items), _ids(items)
    return None


def _forced_columns(items: list[FlowItem]) -> tuple[list[Para], list[Para]] | None:
    paras = [it for it in items if isinstance(it, Para)]
    if len(paras) != sum(isinstance(it, VISIBLE_ITEMS) for it in items) or len(paras) < 2:
        return None
    heads = [i for i, p in enumerate(paras) if i and _is_head(p)]
    cut = heads[0] if heads else balanced_cut(paras)
    return (paras[:cut], paras[cut:]) if 0 < cut < len(paras) else None


def balanced_cut(paras: list[Para]) -> int:
    """Where two columns of ``paras`` are most even by paragraph count, before a top-level paragraph."""
    starts = [k for k in range(1, len(paras)) if not paras[k].level and not introduces(paras[k - 1])]
    return min(starts, key=lambda k: abs(len(paras) - 2 * k), default=0)


def _two_column_box(paras: list[Para], split: int, frame: Frame) -> TextBox | None:
    col = column_width(frame)
    h = max(text_height(paras[:split], frame, col), text_height(paras[split:], frame, col))
    return TextBox(paras, h, split=split) if h <= frame.height else None


def two_content_page(items: list[FlowItem], frame: Frame) -> Page | None:
    """The author's Two Content layout: the group's paragraphs in two balanced columns on one slide (None
    when the group shows anything but text, or does not fit one slide)."""
    cols = _forced_columns(items)
    if cols is None:
        return None
    paras = cols[0] + cols[1]
    best: TextBox | None = None
    for sizes in frame.column_steps():
        f = dataclasses.replace(frame, sizes=sizes)
        fixed = [dataclasses.replace(p, size=f.size_of(p)) for p in paras]
        starts = [k for k in range(1, len(fixed)) if not fixed[k].level and not introduces(fixed[k - 1])]
        for k in sorted(starts, key=lambda k: abs(len(fixed) - 2 * k)):
            box = _two_column_box(fixed, k, f)
            if box is not None and (best is None or box.height < best.height):
                best = box
        if best is not None:
            return [best], _notes(items), _ids(items)
    return None


def picture_page(items: list[FlowItem], frame: Frame, sizer: PictureSizer, force: bool = False) -> Page | None:
    """A figure with its caption alone in its group, on one slide (the Picture with Caption layout); None
    when the group shows anything else. ``force``: a picture without a caption will do."""
    shown = [it for it in items if isinstance(it, VISIBLE_ITEMS)]
    if len(shown) != 1 or not isinstance(shown[0], PictureBox) or shown[0].kind == "math":
        return None
    if not (shown[0].caption or force):
        return None
    pages = Pager(frame, sizer).lay(with_fixed_sizes(items, frame))
    if len(pages) != 1 or not any(isinstance(b, PictureBox) for b in pages[0][0]):
        return None
    return pages[0]


def _notes(items: list[FlowItem]) -> list[str]:
    return [it.text for it in items if isinstance(it, SpeakerNote)]


def _ids(items: list[FlowItem]) -> list[str]:
    return [it.id for it in items if isinstance(it, Anchor)]


#: How much larger than body text a statement is set (points), and the least it is set at.
STATEMENT_STEP, MIN_STATEMENT_SIZE = 8.0, 32.0


def statement_page(items: list[FlowItem], frame: Frame) -> Page | None:
    """A group showing one short plain paragraph (a sentence or three) as a statement: set large and centred
    on its slide instead of filling its top line or two; None for anything else or when it does not fit."""
    shown = [it for it in items if isinstance(it, VISIBLE_ITEMS)]
    if len(shown) != 1 or not isinstance(shown[0], Para):
        return None
    paras = statement_text(([TextBox([shown[0]])], [], []))[:1]
    box = _statement(paras, frame) if paras else None
    return None if box is None else ([box], _notes(items), _ids(items))


def thin_statement(page: Page, frame: Frame) -> Page | None:
    """A slide of a longer group that holds only a paragraph or two of plain text and fills less than THIN of
    the frame (a closing remark after a listing that fills the slide before it: "On balance this is an ok
    choice.") set as a statement, large and centred, like a group of one short paragraph; else None."""
    paras = statement_text(page)
    if not paras or page_fill(page) >= THIN * frame.height:
        return None
    box = _statement(paras, frame)
    return None if box is None else ([box], page[1], page[2])


def _statement(paras: list[Para], frame: Frame) -> TextBox | None:
    """The paragraphs set large (down to body size) so that they take at most 0.8 of the frame, or None."""
    size = max(MIN_STATEMENT_SIZE, frame.sizes[0] + STATEMENT_STEP)
    while size >= frame.sizes[0]:
        big = [dataclasses.replace(para, size=size, role="body") for para in paras]
        height = text_height(big, frame, frame.width)
        if height <= frame.height * 0.8:
            return TextBox(big, height)
        size -= 2
    return None


#: Most lines of code set beside text (a longer listing needs the slide's whole width).
MAX_BESIDE_CODE_LINES = 14
#: A picture goes beside the text, on a slide the stacked layout fits too, when it comes out this much larger.
BESIDE_GAIN = 1.3


def beside_page(items: list[FlowItem], frame: Frame, sizer: PictureSizer, force: bool = False) -> Page | None:
    """Text beside one picture or one short code block, on one slide of the Two Content layout: the
    paragraphs in one column, the block in the other, in the order the source gives them. Chosen when both fit side by side and either
    stacked they need more than one slide, or (a picture) beside the text the picture comes out at least
    BESIDE_GAIN times larger than below it (a tall picture squeezed under text). Code goes beside text only
    when it keeps its size in half the width (no line wraps, no smaller type). None: stack them as usual."""
    shown = [it for it in items if isinstance(it, VISIBLE_ITEMS)]
    blocks = [it for it in shown if not isinstance(it, Para)]
    paras = [it for it in shown if isinstance(it, Para)]
    if len(blocks) != 1 or not paras or any(p.role == "subhead" for p in paras):
        return None
    block = blocks[0]
    col = column_width(frame)
    half = dataclasses.replace(frame, width=col)
    right: CodeBox | PictureBox
    if isinstance(block, CodeBox):
        if len(block.lines) > MAX_BESIDE_CODE_LINES:
            return None
        code = CodeBox(block.lines, 0.0, block.language)
        code.size = code_size(code, half)
        if code.size < code_size(CodeBox(block.lines, 0.0), frame) or split_tall_code_lines(code, half) != code.lines:
            return None
        heights = code_line_heights(code, half)
        if any(h > heights[0] + 0.01 for h in heights) and heights:  # a line wraps in half the width
            return None
        code.height = sum(heights) + 2 * frame.callout_inset
        right = code
    elif isinstance(block, PictureBox) and block.kind != "math":
        size = sizer(block.kind, block.src, block.pos)
        if size is None or not size[0] or not size[1]:
            return None
        pic = dataclasses.replace(block)
        pic.caption_height = text_height([Para(block.caption, role="caption")], half, col) if block.caption else 0.0
        natural_w, natural_h = size[0] * 0.75, size[1] * 0.75
        scale = min(col / natural_w, (frame.height - pic.caption_height) / natural_h, 1.5)
        pic.width, pic.height = natural_w * scale, natural_h * scale + pic.caption_height
        right = pic
    else:
        return None
    if right.height > frame.height:
        return None
    text: TextBox | None = None
    for sizes in frame.column_steps():
        f = dataclasses.replace(frame, sizes=sizes)
        fixed = [dataclasses.replace(p, size=f.size_of(p)) for p in paras]
        h = text_height(fixed, f, col)
        if h <= frame.height:
            text = TextBox(fixed, h)
            break
    if text is None:
        return None
    if not force:
        pages = paginate(items, frame, sizer)  # stacked, as the group would be laid out otherwise
        if len(pages) == 1:
            below = next((b for b in pages[0][0] if isinstance(b, PictureBox)), None)
            if not isinstance(right, PictureBox) or below is None:
                return None
            if right.width * (right.height - right.caption_height) < BESIDE_GAIN * below.width * (
                below.height - below.caption_height
            ):
                return None
    boxes: list[Box] = [text, right] if isinstance(shown[0], Para) else [right, text]  # the source's order
    return boxes, _notes(items), _ids(items)
