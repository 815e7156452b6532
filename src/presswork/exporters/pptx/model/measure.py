"""Heights of deck content set in a frame: paragraphs, text boxes, titles, tables and code (via slidefit)."""

from __future__ import annotations

import dataclasses
import functools
import re

from presswork.exporters.pptx.model import fit as slidefit
from presswork.exporters.pptx.model.deck import CodeBox, Frame, Para, Run, TableBox, Token
from presswork.exporters.pptx.model.fit import Style
from presswork.exporters.pptx.model.inlinemath import has_math, math_para_height

#: A table row: a tuple of cells, each a tuple of runs.
TableRow = tuple[tuple[Run, ...], ...]

#: Vertical gap between boxes on a slide, points.
GAP = 14.0
#: Heights are multiplied by this before they are compared with the room on a slide.
HEIGHT_SAFETY = 1.06
#: The same for code lines: a listing's lines are set in single spacing, one font, no wrapping inside a word,
#: and measured at ``line_factor`` (at least 1.22 of the size) they already take more than LibreOffice draws
#: (1.20 of the size for DejaVu Sans Mono standing in for Consolas), so they get no further margin.
CODE_HEIGHT_SAFETY = 1.0


def run_pieces(
    runs: tuple[Run, ...], frame: Frame, size: float, bold: bool = False, italic: bool = False
) -> list[slidefit.Piece]:
    """The runs as measurable pieces at ``size`` (code in the code font, super/subscripts smaller)."""
    return [
        (
            r.text,
            Style(
                frame.code_font if r.code else frame.body_font,
                size * (0.7 if r.baseline else 1.0),
                r.bold or bold,
                r.italic or italic,
            ),
        )
        for r in runs
    ]


@functools.lru_cache(maxsize=1 << 15)
def para_height(para: Para, frame: Frame, width: float, first: bool = False) -> float:
    """Height of a paragraph set in ``width`` points (the box's inner width). Cached (paragraphs and
    frames are immutable): pagination measures a growing text box after each paragraph it adds, and
    with the cache each paragraph is wrapped once, so a slide costs linear, not quadratic, time."""
    if has_math(para):
        return math_para_height(para, frame, width, first)
    size = frame.size_of(para)
    lines = slidefit.wrap_count(
        run_pieces(para.runs, frame, size, para.role_bold, para.role_italic), width - frame.margin_of(para)
    )
    return frame.space_of(para, first) + lines * size * slidefit.line_factor(frame.body_font)


#: (id of the paragraph, id of the frame, width, first) -> (paragraph, frame, height): para_height by identity.
_BY_IDENTITY: dict[tuple[int, int, float, bool], tuple[Para, Frame, float]] = {}
#: Entries _BY_IDENTITY holds before it starts afresh (it keeps its paragraphs alive: their ids stay theirs).
_BY_IDENTITY_LIMIT = 1 << 16


def text_height(paras: list[Para], frame: Frame, width: float, inset: float | None = None) -> float:
    """Height of a text box holding ``paras`` (insets included), with the safety factor.

    Each paragraph's :func:`para_height` is first looked up by the identity of the paragraph and frame: the
    pager measures a text box again after each paragraph it adds, on each of its trials, and hashing a
    paragraph and a frame by value (as the cache of para_height does) costs more than the look-up saves."""
    ix = frame.inset_x if inset is None else inset
    iy = frame.inset_y if inset is None else inset
    inner_width = width - 2 * ix
    frame_id = id(frame)
    heights: list[float] = []
    for i, p in enumerate(paras):
        key = (id(p), frame_id, inner_width, i == 0)
        got = _BY_IDENTITY.get(key)
        if got is None or got[0] is not p or got[1] is not frame:
            if len(_BY_IDENTITY) >= _BY_IDENTITY_LIMIT:
                _BY_IDENTITY.clear()
            got = _BY_IDENTITY[key] = (p, frame, para_height(p, frame, inner_width, i == 0))
        heights.append(got[2])
    inner = sum(heights)
    return inner * HEIGHT_SAFETY + 2 * iy


def title_lines(title: str, frame: Frame, size: float) -> int:
    """Lines ``title`` takes, in bold at ``size``, in the title box of ``frame``."""
    return slidefit.wrap_count([(title, Style(frame.title_font, size, True))], frame.title_width - 2 * frame.inset_x)


def title_height(lines: int, frame: Frame, size: float) -> float:
    """Height of a title box holding ``lines`` lines at ``size`` (insets included), with the safety factor."""
    return lines * size * slidefit.line_factor(frame.title_font) * HEIGHT_SAFETY + 2 * frame.inset_y


def title_size(title: str, frame: Frame, lines: int = 2) -> float:
    """Largest title size (down to ``min_title_size``) at which ``title`` fits the title box."""
    size = frame.title_size
    while size > frame.min_title_size:
        n = title_lines(title, frame, size)
        if n <= lines and title_height(n, frame, size) <= frame.title_height:
            return size
        size -= 2
    return frame.min_title_size


def measure_table(head: list[TableRow], body: list[TableRow], aligns: tuple[str, ...], frame: Frame) -> TableBox:
    """A table box with type size, column widths and row heights that fit the frame's width."""
    size, widths, head_heights, row_heights = _table_metrics(tuple(head), tuple(body), aligns, frame)
    box = TableBox(head, body, aligns, list(widths), list(head_heights), list(row_heights), size)
    box.height = sum(box.head_heights) + sum(box.row_heights)
    return box


#: A table's type size, column widths, header row heights and body row heights.
TableMetrics = tuple[float, tuple[float, ...], tuple[float, ...], tuple[float, ...]]


@functools.lru_cache(maxsize=1024)
def _table_metrics(
    head: tuple[TableRow, ...], body: tuple[TableRow, ...], aligns: tuple[str, ...], frame: Frame
) -> TableMetrics:
    """What :func:`measure_table` measures; cached (a talk deck builds a section's flow once per condensing
    step, each time with the same tables)."""
    ncols = len(aligns)
    width = frame.width
    size = frame.table_size
    while True:
        natural = [0.0] * ncols
        minimal = [0.0] * ncols
        for row_i, row in enumerate((*head, *body)):
            for c, cell in enumerate(row):
                pieces = run_pieces(cell, frame, size, bold=row_i < len(head))
                natural[c] = max(natural[c], slidefit.max_width(pieces) + 2 * frame.cell_margin_x + 2)
                longest = max((slidefit.text_width(w, s) for t, s in pieces for w in t.split()), default=0.0)
                minimal[c] = max(minimal[c], longest + 2 * frame.cell_margin_x + 2)
        if sum(minimal) <= width or size <= frame.min_table_size:
            break
        size -= 1
    if sum(natural) <= width:
        scale = width / sum(natural) if sum(natural) > width * 0.6 else 1.0
        widths = [n * scale for n in natural]
    else:
        spare = max(width - sum(minimal), 0.0)
        extra = [n - m for n, m in zip(natural, minimal, strict=True)]
        total = sum(extra) or 1.0
        widths = [m + spare * e / total for m, e in zip(minimal, extra, strict=True)]
        if sum(widths) > width:
            widths = [w * width / sum(widths) for w in widths]

    def row_height(row: TableRow, bold: bool) -> float:
        lines = max(
            slidefit.wrap_count(run_pieces(cell, frame, size, bold=bold), w - 2 * frame.cell_margin_x)
            for cell, w in zip(row, widths, strict=True)
        )
        return lines * size * slidefit.line_factor(frame.body_font) * HEIGHT_SAFETY + 2 * frame.cell_margin_y + 2

    return size, tuple(widths), tuple(row_height(r, True) for r in head), tuple(row_height(r, False) for r in body)


def code_size(box: CodeBox, f: Frame) -> float:
    """Largest code size (down to ``min_code_size``) at which the longest line fits the box unwrapped."""
    inner = f.width - 2 * f.callout_inset
    size = f.code_size
    longest = max(("".join(t.text for t in line) for line in box.lines), key=len, default="")
    while size > f.min_code_size and slidefit.text_width(longest, Style(f.code_font, size)) > inner:
        size -= 1
    return size


def code_line_heights(box: CodeBox, f: Frame) -> list[float]:
    """Height of each code line of ``box`` at its size (wrapped lines count several), with the code safety factor."""
    lf = slidefit.line_factor(f.code_font)
    inner = f.width - 2 * f.callout_inset
    return [
        _code_line_count("".join(t.text for t in line) or " ", f.code_font, box.size, inner)
        * box.size
        * lf
        * CODE_HEIGHT_SAFETY
        for line in box.lines
    ]


@functools.lru_cache(maxsize=1 << 16)
def _code_line_count(text: str, font: str, size: float, width: float) -> int:
    """Lines a line of code takes in ``width`` points; cached by plain values (a listing is measured at each
    size tried, on each trial of its group), cheaper to hash than the styled pieces wrap_count caches."""
    return slidefit.wrap_count([(text, Style(font, size))], width)


def split_tall_code_lines(box: CodeBox, f: Frame, share: float = 1.0) -> list[tuple[Token, ...]]:
    """The lines of ``box``, a line that wraps taller than ``share`` of an empty slide cut at spaces into pieces
    of one visual line each (a notebook's one-line output of a long list), so that pagination can spread it
    over slides instead of letting it run off one or leave half a slide empty; every other line is kept whole."""
    inner = f.width - 2 * f.callout_inset
    room = (f.height - 2 * f.callout_inset) * share
    char = slidefit.text_width("0" * 100, Style(f.code_font, box.size)) / 100
    per_line = max(8, int(inner / char) - 1)
    out: list[tuple[Token, ...]] = []
    for line, height in zip(box.lines, code_line_heights(box, f), strict=True):
        if height <= room:
            out.append(line)
            continue
        out.extend(_cut_line(line, per_line))
    return out


def _cut_line(line: tuple[Token, ...], per_line: int) -> list[tuple[Token, ...]]:
    """``line`` cut into pieces of at most ``per_line`` characters, at spaces where it can (a word longer than a
    line is cut inside), each token keeping its colour."""
    pieces: list[tuple[Token, ...]] = []
    current: list[Token] = []
    count = 0
    for token in line:
        for part in re.split(r"(?<= )", token.text):
            while part:
                if count + len(part.rstrip(" ")) > per_line and current:
                    pieces.append(tuple(current))  # the next piece starts a new visual line
                    current, count = [], 0
                    part = part.lstrip(" ")
                    continue
                take = part if len(part) <= per_line else part[:per_line]
                current.append(dataclasses.replace(token, text=take))
                count += len(take)
                part = part[len(take) :]
    if current:
        pieces.append(tuple(current))
    return pieces
