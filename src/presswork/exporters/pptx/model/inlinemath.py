"""Inline math on slides: each formula is a picture set on the text baseline, in a slot the text keeps free.

PowerPoint text cannot hold a picture, and LibreOffice shows no native Office math (OMML)
inside text, so a paragraph holding inline math is laid out here, line by line: its line
breaks become explicit (every renderer then breaks where this module measured), each
formula takes a slot of no-break spaces as wide as its picture, and the picture is placed
over the slot. A line holding a tall formula (a fraction) grows: its slot is set in a
larger size, which PowerPoint and LibreOffice both honour at single line spacing.
Pure: no python-pptx.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from presswork.exporters.common.mathrender import MathError, tex_to_svg
from presswork.exporters.pptx.model import fit as slidefit
from presswork.exporters.pptx.model.deck import Frame, Para, Run
from presswork.exporters.pptx.model.fit import Style

#: The character a formula's slot is made of (never a line-break opportunity).
SLOT_CHAR = "\u00a0"
#: A line holding a formula is at least this much taller than the formula.
MATH_LEADING = 1.08
#: Fraction of a line's height above the baseline (Carlito/Calibri: ascent 0.952 of 1.221 em).
ASCENT_SHARE = 0.78


@dataclass(frozen=True)
class MathMetrics:
    """Size of an inline formula in em of the text around it: width, height and depth below the baseline."""

    width: float
    height: float
    depth: float


@functools.lru_cache(maxsize=1024)
def math_metrics(tex: str) -> MathMetrics | None:
    """The em size of inline ``tex`` (None when it cannot be typeset)."""
    try:
        svg = tex_to_svg(tex, display=False)
    except MathError:
        return None
    width = re.search(r'width="([\d.]+)em"', svg)
    height = re.search(r'height="([\d.]+)em"', svg)
    depth = re.search(r"vertical-align: (-?[\d.]+)em", svg)
    if not (width and height and depth):
        return None
    return MathMetrics(float(width.group(1)), float(height.group(1)), max(0.0, -float(depth.group(1))))


def has_math(para: Para) -> bool:
    """True when a paragraph holds inline math."""
    return any(r.math for r in para.runs)


@dataclass
class Atom:
    """A piece of one line: text in a run's style, or a formula (``run.math``) ``width`` points wide."""

    run: Run
    text: str
    width: float


@dataclass
class MathLine:
    """One line of a paragraph with math: its atoms, the slot size (points) that sets its height, and its height."""

    atoms: list[Atom]
    slot_size: float
    height: float


def _style(run: Run, frame: Frame, size: float, para: Para) -> Style:
    return Style(
        frame.code_font if run.code else frame.body_font,
        size * (0.7 if run.baseline else 1.0),
        run.bold or para.role_bold,
        run.italic or para.role_italic,
    )


def _words(para: Para, frame: Frame, size: float) -> list[list[Atom]]:
    """The paragraph's words (each keeps its trailing spaces); a formula is one unbreakable atom."""
    words: list[list[Atom]] = [[]]
    for run in para.runs:
        if run.math:
            m = math_metrics(run.math)
            words[-1].append(Atom(run, run.text, (m.width if m else 1.0) * size))
            continue
        style = _style(run, frame, size, para)
        for piece in re.findall(r"\n|[^ \n]+ *| +", run.text):
            if piece == "\n":
                words.append([Atom(run, "\n", 0.0)])
                words.append([])
                continue
            if words[-1] and words[-1][-1].text.endswith(" ") and not piece.startswith(" "):
                words.append([])
            words[-1].append(Atom(run, piece, slidefit.text_width(piece, style)))
    return [w for w in words if w]


def math_lines(para: Para, frame: Frame, width: float) -> list[MathLine]:
    """The lines of a paragraph with inline math wrapped greedily into ``width`` points (the box's inner
    width): measured with the fit engine's safety margin, so every renderer fits each line as broken here."""
    size = frame.size_of(para)
    room = width - frame.margin_of(para)
    lines: list[list[Atom]] = [[]]
    used = 0.0
    for word in _words(para, frame, size):
        if word[0].text == "\n":
            lines.append([])
            used = 0.0
            continue
        full = sum(a.width for a in word)
        last = word[-1]
        trailing = 0.0 if last.run.math else full - sum(a.width for a in word[:-1]) - _trimmed(last, frame, size, para)
        if lines[-1] and used + full - trailing > room:
            lines.append([])
            used = 0.0
        lines[-1].extend(word)
        used += full
    lf = slidefit.line_factor(frame.body_font)
    out = []
    for atoms in lines:
        tallest = max((_metrics(a).height * size for a in atoms if a.run.math), default=0.0)
        slot = max(size, tallest * MATH_LEADING / lf)
        out.append(MathLine(atoms, slot, slot * lf))
    return out


def _metrics(atom: Atom) -> MathMetrics:
    return math_metrics(atom.run.math) or MathMetrics(1.0, 1.0, 0.0)


def _trimmed(atom: Atom, frame: Frame, size: float, para: Para) -> float:
    return slidefit.text_width(atom.text.rstrip(" "), _style(atom.run, frame, size, para))


def math_para_height(para: Para, frame: Frame, width: float, first: bool) -> float:
    """Height of a paragraph with inline math set in ``width`` points (the box's inner width)."""
    return frame.space_of(para, first) + sum(line.height for line in math_lines(para, frame, width))


@dataclass(frozen=True)
class Placed:
    """Where a formula's picture goes, relative to the top left of the box's text area (points)."""

    tex: str
    x: float
    y: float
    width: float
    height: float


def place_math(line: MathLine, para: Para, frame: Frame, top: float) -> list[Placed]:
    """The pictures of the formulas on ``line`` (whose top is ``top`` points into the text area): each over
    its slot, its baseline on the text's, moved up or down only as far as keeps it inside its line."""
    size = frame.size_of(para)
    x = frame.margin_of(para)
    baseline = top + line.height * ASCENT_SHARE
    out = []
    for atom in line.atoms:
        if atom.run.math:
            m = _metrics(atom)
            h = m.height * size
            y = baseline - h + m.depth * size
            y = min(max(y, top), top + line.height - h)
            out.append(Placed(atom.run.math, x, y, atom.width, h))
        x += atom.width / slidefit.WIDTH_SAFETY if not atom.run.math else atom.width
    return out
