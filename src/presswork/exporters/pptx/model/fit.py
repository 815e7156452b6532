"""Text measurement for slide fitting: real font metrics (Pillow) and greedy line wrapping."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import ImageFont

from presswork.exporters.common.fonts import face_file

#: Fonts a deck names -> installed metric-compatible (or wider) fonts measured in their place.
METRIC_TWINS: dict[str, str] = {
    "calibri": "Carlito",
    "calibri light": "Carlito",
    "cambria": "Caladea",
    "arial": "Liberation Sans",
    "helvetica": "Liberation Sans",
    "times new roman": "Liberation Serif",
    "courier new": "Liberation Mono",
    "consolas": "DejaVu Sans Mono",  # 0.60 em, wider than Consolas' 0.55 em, and what LibreOffice shows
}
#: Measured instead of a font that nothing installed matches: wide, so the fit stays safe.
FALLBACK_FAMILY = "DejaVu Sans"
#: Measured widths are multiplied by this (kerning and renderer differences).
WIDTH_SAFETY = 1.04
#: Single line spacing as a multiple of the font size when a font's metrics are unknown.
DEFAULT_LINE = 1.22

PT_PER_EMU = 1 / 12700


@functools.lru_cache(maxsize=64)
def font_file(family: str, bold: bool = False, italic: bool = False) -> str:
    """The file of the installed font measured for ``family`` (its metric twin, else itself, else the fallback)."""
    wanted = METRIC_TWINS.get(family.lower(), family)
    return face_file(wanted, bold, italic) or face_file(FALLBACK_FAMILY, bold, italic) or PILLOW_DEFAULT


#: What Pillow is asked for when no font is installed at all.
PILLOW_DEFAULT = "DejaVuSans.ttf"


@functools.lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


_MEASURE_SIZE = 100  # measure at 100 px and scale: one cached font object per face


@dataclass(frozen=True)
class Style:
    """How a run of text is set: font family, size in points, bold, italic."""

    family: str
    size: float
    bold: bool = False
    italic: bool = False


#: Control characters (C0 but tab and line feed, DEL, C1): measured as nothing.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def text_width(text: str, style: Style) -> float:
    """Width of ``text`` in points, measured with the real (or twin) font and a safety factor."""
    if not text:
        return 0.0
    return _unit_width(text, style.family, style.bold, style.italic) * style.size * WIDTH_SAFETY


@functools.lru_cache(maxsize=1 << 17)
def _unit_width(text: str, family: str, bold: bool, italic: bool) -> float:
    """Width of ``text`` at a size of 1 pt. Cached: pagination measures the same words many
    times while it tries slide breaks (a 30-chapter deck: 1.4 M measurements, ~30 k distinct).
    Control characters take no room (and some, such as U+0085, make the text shaper fail)."""
    text = _CONTROLS.sub("", text)
    return _font(font_file(family, bold, italic), _MEASURE_SIZE).getlength(text) / _MEASURE_SIZE


@functools.lru_cache(maxsize=64)
def line_factor(family: str) -> float:
    """Single line spacing of ``family`` as a multiple of the font size (ascent + descent)."""
    try:
        font = _font(font_file(family), _MEASURE_SIZE)
        ascent, descent = font.getmetrics()
        return max(DEFAULT_LINE, (ascent + descent) / _MEASURE_SIZE)
    except OSError:
        return DEFAULT_LINE


Piece = tuple[str, Style]


def _tokens(pieces: Iterable[Piece]) -> list[list[Piece]]:
    """Split styled pieces into words (each keeps its trailing spaces), a word may span pieces."""
    words: list[list[Piece]] = [[]]
    for text, style in pieces:
        buf = ""
        for ch in text:
            if ch == "\n":
                if buf:
                    words[-1].append((buf, style))
                    buf = ""
                words.append([("\n", style)])
                words.append([])
                continue
            if buf and buf[-1] == " " and ch != " ":
                words[-1].append((buf, style))
                words.append([])
                buf = ""
            buf += ch
        if buf:
            words[-1].append((buf, style))
    return [w for w in words if w]


def wrap_count(pieces: list[Piece], width: float) -> int:
    """Number of lines the styled pieces take when wrapped greedily at spaces into ``width`` points."""
    return _wrap_count(tuple(pieces), width)


@functools.lru_cache(maxsize=1 << 15)
def _wrap_count(pieces: tuple[Piece, ...], width: float) -> int:
    """:func:`wrap_count`, cached: titles, table cells and code lines are measured again at each size tried."""
    lines, used = 1, 0.0
    for word in _tokens(pieces):
        if word[0][0] == "\n":
            lines, used = lines + 1, 0.0
            continue
        full = sum(text_width(t, s) for t, s in word)
        trimmed = sum(text_width(t.rstrip(" ") if i == len(word) - 1 else t, s) for i, (t, s) in enumerate(word))
        if used and used + trimmed > width:
            lines, used = lines + 1, 0.0
        if trimmed > width:  # a word longer than the line breaks by characters
            extra, rest = _break_long(word, width)
            lines += extra
            used = rest
            continue
        used += full
    return lines


def _break_long(word: list[Piece], width: float) -> tuple[int, float]:
    extra, used = 0, 0.0
    for text, style in word:
        for ch in text:
            w = text_width(ch, style)
            if used + w > width and used:
                extra, used = extra + 1, 0.0
            used += w
    return extra, used


def max_width(pieces: list[Piece]) -> float:
    """Width of the widest explicit line of the pieces when nothing wraps."""
    widths, used = [], 0.0
    for word in _tokens(pieces):
        if word[0][0] == "\n":
            widths.append(used)
            used = 0.0
            continue
        used += sum(text_width(t, s) for t, s in word)
    widths.append(used)
    return max(widths)
