"""Document tree -> deck model: which content goes on which slide, measured so every word fits.

Pure: no python-pptx. Geometry (sizes of the template's content area, fonts) comes in a
:class:`Frame`; text is measured with :mod:`slidefit`. Content that does not fit is
continued on further slides titled "Title (2/3)". Prose condensed away (long paragraphs
shown as their first sentence), footnotes, ``notes`` divs and ``no-slides`` divs go to
the speaker notes, so every prose word is on a slide or in its notes.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ..tree import (
    Admonition, BlockQuote, BulletList, Chapter, Code, CodeBlock, DefinitionList, Div, Document, Emphasis,
    Figure, Heading, HorizontalRule, Image, Kbd, LineBreak, Link, ListItem, Math, MathBlock, Note, OrderedList,
    Paragraph, Pos, RawBlock, RawInline, Span, Strikethrough, Strong, Subscript, Superscript, Table, Text,
    plain_text,
)
from . import slidefit
from .slidefit import Style

ProseMode = Literal["lead", "slide", "notes"]
#: Paragraphs longer than this many words are shown as their first sentence in "lead" mode.
LEAD_WORDS = 35
#: Deepest bullet level (0-based): deeper lists flatten onto it.
MAX_LEVEL = 2
#: Vertical gap between boxes on a slide, points.
GAP = 14.0
#: Heights are multiplied by this before they are compared with the room on a slide.
HEIGHT_SAFETY = 1.06


# ----------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Run:
    """A run of text with one style; ``url`` is an external URL or "#id" (an internal link)."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    baseline: int = 0  # 30 = superscript, -25 = subscript (percent)
    url: str = ""


@dataclass(frozen=True)
class Para:
    """A paragraph: its runs, bullet level (0..2), bullet kind, list number and role."""

    runs: tuple[Run, ...]
    level: int = 0
    bullet: Literal["", "bullet", "number", "done", "open"] = ""
    number: int = 0
    role: Literal["body", "subhead", "quote", "term", "caption", "lead", "callout-title"] = "body"
    size: float = 0.0  # explicit font size in points (0 = by level and role)
    space: float = -1.0  # explicit space before in points (-1 = by level and role)


@dataclass
class TextBox:
    """Paragraphs in one text box; ``height`` in points includes the insets."""

    paras: list[Para]
    height: float = 0.0


@dataclass(frozen=True)
class Token:
    """A piece of highlighted code: text and colour ("RRGGBB", "" = default)."""

    text: str
    color: str = ""
    bold: bool = False
    italic: bool = False


@dataclass
class CodeBox:
    """Highlighted code lines in a monospace box at ``size`` points."""

    lines: list[tuple[Token, ...]]
    size: float
    language: str = ""
    height: float = 0.0


@dataclass
class TableBox:
    """A native table: header rows repeated on each slide, body rows, column widths (pt), row heights (pt)."""

    head: list[tuple[tuple[Run, ...], ...]]
    body: list[tuple[tuple[Run, ...], ...]]
    alignments: tuple[str, ...]
    col_widths: list[float]
    head_heights: list[float]
    row_heights: list[float]
    size: float
    height: float = 0.0


@dataclass
class PictureBox:
    """An image (``kind`` image/svg) or display math (``kind`` math, ``src`` is the TeX), placed at width x height pt."""

    kind: Literal["image", "svg", "math"]
    src: str
    alt: str
    caption: tuple[Run, ...]
    width: float = 0.0
    height: float = 0.0
    caption_height: float = 0.0
    pos: Pos | None = None


@dataclass
class CalloutBox:
    """An admonition: a coloured rounded box with a title paragraph and body paragraphs."""

    kind: str
    paras: list[Para]
    height: float = 0.0


Box = TextBox | CodeBox | TableBox | PictureBox | CalloutBox


@dataclass
class Slide:
    """One slide: its kind (layout), title, boxes stacked top-down, speaker notes, anchors (ids) it holds."""

    kind: Literal["title", "agenda", "section", "content"]
    title: str
    boxes: list[Box] = field(default_factory=list)
    subtitle: list[Para] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)


@dataclass
class Deck:
    """The whole deck: slides in order and the footer text."""

    slides: list[Slide]
    footer: str


@dataclass(frozen=True)
class Frame:
    """Geometry and type of the content area, in points, as read from the template."""

    width: float = 864.0  # content area of a 16:9 slide
    height: float = 380.0
    title_width: float = 864.0
    title_height: float = 60.0
    body_font: str = "Calibri"
    title_font: str = "Calibri"
    code_font: str = "Consolas"
    sizes: tuple[float, float, float] = (24.0, 20.0, 18.0)  #: body text per bullet level
    title_size: float = 36.0
    min_title_size: float = 24.0
    code_size: float = 16.0
    min_code_size: float = 12.0
    table_size: float = 18.0
    min_table_size: float = 12.0
    inset_x: float = 7.2  #: text box left/right inset
    inset_y: float = 3.6  #: text box top/bottom inset
    callout_inset: float = 12.0
    cell_margin_x: float = 7.2
    cell_margin_y: float = 3.6
    margins: tuple[float, float, float] = (28.0, 56.0, 80.0)  #: where the bullets of levels 1, 2 (and text of 3) start
    space_before: tuple[float, float, float] = (12.0, 6.0, 4.0)
    agenda_size: float = 28.0
    divider_width: float = 828.0  #: body of the section slide (room down to the footer)
    divider_height: float = 160.0

    def size_of(self, para: Para) -> float:
        """Font size of a paragraph."""
        if para.size:
            return para.size
        if para.role in ("subhead", "callout-title", "term"):
            return self.sizes[0] if para.role == "subhead" else max(self.sizes[1], 18.0)
        if para.role == "caption":
            return max(18.0, self.sizes[2])
        if para.role == "quote":
            return self.sizes[1]
        return self.sizes[min(para.level, MAX_LEVEL)]

    def hang_of(self, para: Para) -> float:
        """Width of the hanging bullet or number of a paragraph (0 without one)."""
        if not para.bullet:
            return 0.0
        size = self.size_of(para)
        if para.bullet == "number":
            return size * (1.25 + 0.5 * (len(str(para.number)) - 1))
        return max(size * 0.9, 18.0)

    def margin_of(self, para: Para) -> float:
        """Left margin (marL) of a paragraph in points; bullets hang in the margin."""
        if para.bullet:
            return (self.margins[min(para.level, MAX_LEVEL) - 1] if para.level else 0.0) + self.hang_of(para)
        if para.role == "quote":
            return 18.0 * (para.level + 1)
        return self.margins[para.level - 1] if para.level else 0.0

    def space_of(self, para: Para, first: bool) -> float:
        """Space before a paragraph (none before the first of a box)."""
        if first:
            return 0.0
        if para.space >= 0:
            return para.space
        if para.role == "subhead":
            return 18.0
        return self.space_before[min(para.level, MAX_LEVEL)]


# ----------------------------------------------------------------------------- measuring


def _pieces(runs: tuple[Run, ...], frame: Frame, size: float, bold: bool = False, italic: bool = False) -> list[slidefit.Piece]:
    return [(r.text, Style(frame.code_font if r.code else frame.body_font, size * (0.7 if r.baseline else 1.0),
                           r.bold or bold, r.italic or italic)) for r in runs]


def para_height(para: Para, frame: Frame, width: float, first: bool = False) -> float:
    """Height of a paragraph set in ``width`` points (the box's inner width)."""
    size = frame.size_of(para)
    bold = para.role in ("subhead", "callout-title", "term")
    italic = para.role in ("quote", "caption")
    lines = slidefit.wrap_count(_pieces(para.runs, frame, size, bold, italic), width - frame.margin_of(para))
    return frame.space_of(para, first) + lines * size * slidefit.line_factor(frame.body_font)


def text_height(paras: list[Para], frame: Frame, width: float, inset: float | None = None) -> float:
    """Height of a text box holding ``paras`` (insets included), with the safety factor."""
    ix = frame.inset_x if inset is None else inset
    iy = frame.inset_y if inset is None else inset
    inner = sum(para_height(p, frame, width - 2 * ix, i == 0) for i, p in enumerate(paras))
    return inner * HEIGHT_SAFETY + 2 * iy


def title_size(title: str, frame: Frame, lines: int = 2) -> float:
    """Largest title size (down to ``min_title_size``) at which ``title`` fits the title box."""
    size = frame.title_size
    while size > frame.min_title_size:
        n = slidefit.wrap_count([(title, Style(frame.title_font, size, True))], frame.title_width - 2 * frame.inset_x)
        if n <= lines and n * size * slidefit.line_factor(frame.title_font) * HEIGHT_SAFETY + 2 * frame.inset_y <= frame.title_height:
            return size
        size -= 2
    return frame.min_title_size


# ----------------------------------------------------------------------------- inlines


class _Inlines:
    """Turns inlines into runs; footnotes become numbered markers and go to ``notes``."""

    def __init__(self, footnotes: list[str], notes_counter: list[int]) -> None:
        self.footnotes = footnotes
        self.counter = notes_counter

    def runs(self, inlines: tuple, **style: object) -> tuple[Run, ...]:
        out: list[Run] = []
        for node in inlines:
            out.extend(self._one(node, dict(style)))
        return tuple(_merge(out))

    def _one(self, node: object, st: dict) -> list[Run]:
        if isinstance(node, Text):
            return [Run(node.text if st.get("code") else smart_quotes(node.text), **st)]
        if isinstance(node, (Code, Kbd)):
            return [Run(node.text, **{**st, "code": True})]
        if isinstance(node, Emphasis):
            return list(self.runs(node.children, **{**st, "italic": True}))
        if isinstance(node, Strong):
            return list(self.runs(node.children, **{**st, "bold": True}))
        if isinstance(node, Strikethrough):
            return list(self.runs(node.children, **{**st, "strike": True}))
        if isinstance(node, (Superscript, Subscript)):
            table = _SUP if isinstance(node, Superscript) else _SUB
            text = plain_text(node.children)
            if text and all(ord(c) in table for c in text):  # real characters: one word, the font's own glyphs
                return [Run(text.translate(table), **st)]
            return list(self.runs(node.children, **{**st, "baseline": 30 if isinstance(node, Superscript) else -25}))
        if isinstance(node, Link):
            return list(self.runs(node.children, **{**st, "url": node.url}))
        if isinstance(node, Span):
            return list(self.runs(node.children, **st))
        if isinstance(node, Math):
            return [Run(tex_to_text(node.tex), **{**st, "italic": True})]
        if isinstance(node, Image):
            return [Run(node.alt, **st)] if node.alt else []
        if isinstance(node, LineBreak):
            return [Run("\n", **st)]
        if isinstance(node, Note):
            self.counter[0] += 1
            n = self.counter[0]
            self.footnotes.append(f"[{n}] " + blocks_text(node.blocks))
            return [Run(str(n).translate(_SUP), **st)]
        if isinstance(node, RawInline):
            return []
        return [Run(plain_text((node,)), **st)]


def _merge(runs: list[Run]) -> list[Run]:
    out: list[Run] = []
    for r in runs:
        if not r.text:
            continue
        if out and dataclasses.replace(out[-1], text="") == dataclasses.replace(r, text="") and "\n" not in r.text + out[-1].text:
            out[-1] = dataclasses.replace(out[-1], text=out[-1].text + r.text)
        else:
            out.append(r)
    return out


_TEX_SYMBOLS = {
    r"\quad": "  ", r"\qquad": "    ", r"\sum": "∑", r"\int": "∫", r"\infty": "∞", r"\alpha": "α", r"\beta": "β",
    r"\gamma": "γ", r"\delta": "δ", r"\pi": "π", r"\sigma": "σ", r"\theta": "θ", r"\lambda": "λ", r"\mu": "μ",
    r"\cdot": "·", r"\times": "×", r"\leq": "≤", r"\geq": "≥", r"\neq": "≠", r"\approx": "≈", r"\pm": "±",
    r"\to": "→", r"\rightarrow": "→", r"\ldots": "…", r"\dots": "…",
}
_SUP = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUB = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def smart_quotes(text: str) -> str:
    """Typographic quotes for prose ("x" -> “x”, it's -> it’s), as PowerPoint's AutoFormat types them."""
    text = re.sub(r'(^|[\s(\[{\u2014-])"', "\\1\u201c", text)
    text = text.replace('"', "\u201d")
    text = re.sub(r"(^|[\s(\[{\u2014-])'", "\\1\u2018", text)
    return text.replace("'", "\u2019")


def tex_to_text(tex: str) -> str:
    """A readable plain-text rendering of simple inline TeX (fractions, roots, powers, Greek letters)."""
    s = tex
    for _ in range(4):
        s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", s)
        s = re.sub(r"\\sqrt\{([^{}]*)\}", r"√(\1)", s)
    s = re.sub(r"\^\{?([0-9n+-]+)\}?", lambda m: m.group(1).translate(_SUP), s)
    for cmd, sym in sorted(_TEX_SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        s = s.replace(cmd, sym)
    s = re.sub(r"_\{([^{}]*)\}", r"\1", s).replace("{", "").replace("}", "")
    return re.sub(r"\\([A-Za-z]+)", r"\1", s).strip()


def blocks_text(blocks: tuple) -> str:
    """The plain text of blocks, one line per paragraph-like block (for speaker notes)."""
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            lines.append(_inline_text(b.children))
        elif isinstance(b, Heading):
            lines.append(_inline_text(b.children))
        elif isinstance(b, (BulletList, OrderedList)):
            for i, it in enumerate(b.items):
                mark = f"{b.start + i}." if isinstance(b, OrderedList) else "•"
                lines.append(f"{mark} " + blocks_text(it.blocks).replace("\n", " "))
        elif isinstance(b, CodeBlock):
            lines.append(b.code)
        elif isinstance(b, MathBlock):
            lines.append(b.tex)
        elif isinstance(b, Table):
            for row in (*b.head, *b.body):
                lines.append(" | ".join(_inline_text(c) for c in row))
            lines.append(_inline_text(b.caption))
        elif isinstance(b, Figure):
            lines.append(_inline_text(b.caption) or b.image.alt)
        elif isinstance(b, DefinitionList):
            for it in b.items:
                lines.append(_inline_text(it.term) + ": " + " ".join(blocks_text(d) for d in it.definitions))
        elif isinstance(b, Admonition):
            lines.append(_inline_text(b.title) + ": " + blocks_text(b.blocks))
        elif isinstance(b, (BlockQuote, Div)):
            lines.append(blocks_text(b.blocks))
    return "\n".join(x for x in lines if x)


def _inline_text(inlines: tuple) -> str:
    out: list[str] = []
    for n in inlines:
        if isinstance(n, Note):
            out.append(" (" + blocks_text(n.blocks) + ")")
        elif isinstance(n, Math):
            out.append(tex_to_text(n.tex))
        elif isinstance(n, LineBreak):
            out.append(" ")
        elif hasattr(n, "children"):
            out.append(_inline_text(n.children))
        else:
            out.append(plain_text((n,)))
    return "".join(out)


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (up to ". ", "! " or "? " followed by a capital), or all of it."""
    m = re.search(r"[.!?](?=\s+[A-Z0-9\"'“(])", text)
    return text[: m.end()] if m else text


def _cut_runs(runs: tuple[Run, ...], length: int) -> tuple[Run, ...]:
    out, left = [], length
    for r in runs:
        if left <= 0:
            break
        out.append(dataclasses.replace(r, text=r.text[:left]))
        left -= len(r.text)
    return tuple(out)


# ----------------------------------------------------------------------------- flow items


@dataclass
class _Notes:
    text: str


@dataclass
class _Break:
    pass


@dataclass
class _Anchor:
    id: str


Flow = Para | CodeBox | TableBox | PictureBox | CalloutBox | _Notes | _Break | _Anchor

#: Returns the pixel size of a picture (kind, src or TeX, pos) or None when it cannot be placed.
PictureSizer = Callable[[str, str, Pos | None], tuple[float, float] | None]
#: Reports a warning (message, pos).
Warn = Callable[[str, Pos | None], None]


@dataclass(frozen=True)
class Options:
    """Deck derivation options (see the PPTX exporter's Options)."""

    slide_level: int = 0
    prose: ProseMode = "lead"
    agenda: bool = True


class _Flow:
    """Converts the blocks of one slide group to a flat flow of items."""

    def __init__(self, frame: Frame, opts: Options, sizer: PictureSizer, warn: Warn, counter: list[int],
                 style_code: Callable[[str, str], list[tuple[Token, ...]]]) -> None:
        self.frame, self.opts, self.sizer, self.warn = frame, opts, sizer, warn
        self.counter = counter
        self.style_code = style_code
        self.items: list[Flow] = []

    def inl(self) -> tuple[_Inlines, list[str]]:
        notes: list[str] = []
        return _Inlines(notes, self.counter), notes

    def _runs(self, inlines: tuple, **st: object) -> tuple[Run, ...]:
        conv, notes = self.inl()
        runs = conv.runs(inlines, **st)
        self.items.extend(_Notes(n) for n in notes)
        return runs

    def blocks(self, blocks: tuple, level: int = 0, quote: int = -1) -> None:
        for b in blocks:
            self.block(b, level, quote)

    def block(self, b: object, level: int, quote: int) -> None:
        attr = getattr(b, "attr", None)
        if attr is not None and attr.id:
            self.items.append(_Anchor(attr.id))
        if isinstance(b, Paragraph):
            self.paragraph(b, level, quote)
        elif isinstance(b, Heading):
            self.items.append(Para(self._runs(b.children), role="subhead"))
        elif isinstance(b, (BulletList, OrderedList)):
            self.list_(b, level, quote)
        elif isinstance(b, DefinitionList):
            for it in b.items:
                self.items.append(Para(self._runs(it.term), level=min(level, MAX_LEVEL), role="term"))
                for d in it.definitions:
                    self.blocks(d, min(level + 1, MAX_LEVEL), quote)
        elif isinstance(b, CodeBlock):
            self.items.append(CodeBox(self.style_code(b.code, b.language), self.frame.code_size, b.language))
        elif isinstance(b, Table):
            self.table(b)
        elif isinstance(b, Figure):
            cap = self._runs(b.caption)
            if b.label:
                cap = (Run(b.label + (": " if cap else ""), bold=True), *cap)
            kind = "svg" if b.image.src.lower().split("?")[0].endswith(".svg") else "image"
            self.items.append(PictureBox(kind, b.image.src, b.image.alt or plain_text(b.caption), cap, pos=b.pos))
        elif isinstance(b, MathBlock):
            self.items.append(PictureBox("math", b.tex, b.tex, (), pos=b.pos))
        elif isinstance(b, Admonition):
            sub = _Flow(self.frame, self.opts, self.sizer, self.warn, self.counter, self.style_code)
            sub.blocks(b.blocks)
            title = self._runs(b.title) or (Run(b.kind.capitalize()),)
            paras = [Para(title, role="callout-title")]
            for it in sub.items:
                if isinstance(it, Para):
                    paras.append(dataclasses.replace(it, level=min(it.level, 1)))
                elif isinstance(it, _Notes):
                    self.items.append(it)
                elif not isinstance(it, _Anchor):
                    self.items.append(_Notes(blocks_text(b.blocks)))
            self.items.append(CalloutBox(b.kind, paras))
        elif isinstance(b, BlockQuote):
            self.blocks(b.blocks, level, quote + 1)
        elif isinstance(b, HorizontalRule):
            self.items.append(_Break())
        elif isinstance(b, Div):
            cls = b.attr.classes
            if "slide-break" in cls:
                self.items.append(_Break())
                self.blocks(b.blocks, level, quote)
            elif "notes" in cls or "no-slides" in cls:
                self.items.append(_Notes(blocks_text(b.blocks)))
            else:
                self.blocks(b.blocks, level, quote)
        elif isinstance(b, RawBlock):
            self.warn("raw HTML block left out of the deck", b.pos)

    def paragraph(self, p: Paragraph, level: int, quote: int) -> None:
        runs = self._runs(p.children)
        if not runs:
            return
        role = "quote" if quote >= 0 else "body"
        lvl = min(max(quote, 0) if quote >= 0 else level, MAX_LEVEL)
        text = "".join(r.text for r in runs)
        words = len(text.split())
        mode = self.opts.prose
        if level == 0 and quote < 0 and mode != "slide" and (mode == "notes" or words > LEAD_WORDS):
            self.items.append(_Notes(_inline_text(p.children)))
            if mode == "lead":
                self.items.append(Para(_cut_runs(runs, len(first_sentence(text))), role="lead"))
            else:
                self.items.append(_Lead(_cut_runs(runs, len(first_sentence(text)))))
            return
        self.items.append(Para(runs, level=lvl, role=role))

    def list_(self, lst: BulletList | OrderedList, level: int, quote: int) -> None:
        lvl = min(level, MAX_LEVEL)
        for i, it in enumerate(lst.items):
            number = lst.start + i if isinstance(lst, OrderedList) else 0
            bullet = "number" if number else ("done" if it.checked else "open" if it.checked is False else "bullet")
            first = True
            for b in it.blocks:
                if first and isinstance(b, Paragraph):
                    self.items.append(Para(self._runs(b.children), level=lvl, bullet=bullet, number=number))
                    first = False
                elif isinstance(b, Paragraph):
                    self.items.append(Para(self._runs(b.children), level=min(lvl + 1, MAX_LEVEL)))
                else:
                    if first:
                        self.items.append(Para((Run(" "),), level=lvl, bullet=bullet, number=number))
                        first = False
                    self.block(b, level + 1, quote)

    def table(self, t: Table) -> None:
        head = [tuple(self._runs(c) for c in row) for row in t.head]
        body = [tuple(self._runs(c) for c in row) for row in t.body]
        ncols = max((len(r) for r in head + body), default=0)
        if not ncols:
            return
        head = [r + ((),) * (ncols - len(r)) for r in head]
        body = [r + ((),) * (ncols - len(r)) for r in body]
        aligns = tuple(t.alignments) + ("",) * (ncols - len(t.alignments))
        self.items.append(_measure_table(head, body, aligns, self.frame))
        cap = self._runs(t.caption)
        if t.label:
            cap = (Run(t.label + (": " if cap else ""), bold=True), *cap)
        if cap:
            self.items.append(Para(cap, role="caption"))


@dataclass
class _Lead:
    runs: tuple[Run, ...]


def _measure_table(head: list, body: list, aligns: tuple[str, ...], frame: Frame) -> TableBox:
    ncols = len(aligns)
    width = frame.width
    size = frame.table_size
    while True:
        natural = [0.0] * ncols
        minimal = [0.0] * ncols
        for row_i, row in enumerate(head + body):
            for c, cell in enumerate(row):
                pieces = _pieces(cell, frame, size, bold=row_i < len(head))
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
        extra = [n - m for n, m in zip(natural, minimal)]
        total = sum(extra) or 1.0
        widths = [m + spare * e / total for m, e in zip(minimal, extra)]
        if sum(widths) > width:
            widths = [w * width / sum(widths) for w in widths]

    def row_height(row: tuple, bold: bool) -> float:
        lines = max(slidefit.wrap_count(_pieces(cell, frame, size, bold=bold), w - 2 * frame.cell_margin_x)
                    for cell, w in zip(row, widths))
        return lines * size * slidefit.line_factor(frame.body_font) * HEIGHT_SAFETY + 2 * frame.cell_margin_y + 2

    box = TableBox(head, body, aligns, widths, [row_height(r, True) for r in head], [row_height(r, False) for r in body], size)
    box.height = sum(box.head_heights) + sum(box.row_heights)
    return box


# ----------------------------------------------------------------------------- pagination


class _Pager:
    """Lays a flow out on as many slides as it needs."""

    def __init__(self, frame: Frame, sizer: PictureSizer, warn: Warn) -> None:
        self.frame, self.sizer, self.warn = frame, sizer, warn
        self.pages: list[tuple[list[Box], list[str], list[str]]] = []
        self.new_page()

    def new_page(self) -> None:
        self.pages.append(([], [], []))
        self.used = 0.0
        self.last_keep: Para | None = None

    @property
    def boxes(self) -> list[Box]:
        return self.pages[-1][0]

    def room(self, gap: bool = True) -> float:
        return self.frame.height - self.used - (GAP if gap and self.boxes else 0.0)

    def place(self, box: Box) -> None:
        self.used += box.height + (GAP if self.boxes else 0.0)
        self.boxes.append(box)

    def lay(self, items: list[Flow]) -> list[tuple[list[Box], list[str], list[str]]]:
        for i, item in enumerate(items):
            nxt = items[i + 1] if i + 1 < len(items) else None
            if isinstance(item, _Notes):
                self.pages[-1][1].append(item.text)
            elif isinstance(item, _Anchor):
                self.pages[-1][2].append(item.id)
            elif isinstance(item, _Break):
                if self.boxes:
                    self.new_page()
            elif isinstance(item, Para):
                self._keep_item_together(items, i)
                parent = bool(item.bullet) and isinstance(nxt, Para) and nxt.level > item.level
                self.para(item, keep_next=(item.role in ("subhead", "term") or parent) and nxt is not None)
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

    def _keep_item_together(self, items: list[Flow], i: int) -> None:
        """Start a new slide before a list item whose sub-items would otherwise be split from it."""
        item = items[i]
        if not (isinstance(item, Para) and item.bullet) or not self.boxes:
            return
        block = [item]
        for nxt in items[i + 1:]:
            if not (isinstance(nxt, Para) and nxt.level > item.level):
                break
            block.append(nxt)
        if len(block) < 2:
            return
        h = text_height(block, self.frame, self.frame.width)
        box = self.boxes[-1]
        if isinstance(box, TextBox):
            extra = text_height(box.paras + block, self.frame, self.frame.width) - box.height
        else:
            extra = h + GAP
        if self.used + extra > self.frame.height and h <= self.frame.height * 0.8:
            if not self._carry_subhead():
                self.new_page()

    def para(self, para: Para, keep_next: bool = False) -> None:
        f = self.frame
        box = self.boxes[-1] if self.boxes and isinstance(self.boxes[-1], TextBox) else None
        paras = (box.paras if box else []) + [para]
        height = text_height(paras, f, f.width)
        extra = height - (box.height if box else -GAP if self.boxes else 0.0)
        need = extra + (f.sizes[0] * 2.5 if keep_next else 0.0)
        if self.used + need <= f.height:
            if box:
                box.paras.append(para)
                self.used += height - box.height
                box.height = height
            else:
                self.place(TextBox([para], height))
            self.last_keep = para if keep_next else None
            return
        if self.boxes and text_height([para], f, f.width) + (f.sizes[0] * 2.5 if keep_next else 0.0) <= f.height:
            if not self._carry_subhead():
                self.new_page()
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

    def _carry_subhead(self) -> bool:
        """Move a subheading left at the bottom of a slide to a new slide; False if there is none."""
        box = self.boxes[-1] if self.boxes else None
        if not (isinstance(box, TextBox) and len(box.paras) > 1 and box.paras[-1] is self.last_keep):
            return False
        sub = box.paras.pop()
        old = box.height
        box.height = text_height(box.paras, self.frame, self.frame.width)
        self.used -= old - box.height
        self.new_page()
        self.para(sub)
        return True

    def _split_para(self, para: Para) -> tuple[Para | None, Para]:
        text = "".join(r.text for r in para.runs)
        cuts = [m.end() for m in re.finditer(r"\S+\s*", text)]
        box = self.boxes[-1] if self.boxes and isinstance(self.boxes[-1], TextBox) else None
        lo, hi, best = 1, len(cuts) - 1, 0
        while lo <= hi:
            mid = (lo + hi) // 2
            head = dataclasses.replace(para, runs=_cut_runs(para.runs, cuts[mid - 1]))
            paras = (box.paras if box else []) + [head]
            h = text_height(paras, self.frame, self.frame.width) - (box.height if box else -GAP if self.boxes else 0.0)
            if self.used + h <= self.frame.height:
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        if best == 0:
            return None, para
        cut = cuts[best - 1]
        return (dataclasses.replace(para, runs=_cut_runs(para.runs, cut)),
                dataclasses.replace(para, runs=_tail_runs(para.runs, cut), role="body" if para.role == "lead" else para.role))

    def code(self, box: CodeBox) -> None:
        f = self.frame
        box.size = _code_size(box, f)
        lf = slidefit.line_factor(f.code_font)
        inner = f.width - 2 * f.callout_inset
        heights = [slidefit.wrap_count([("".join(t.text for t in line) or " ", Style(f.code_font, box.size))], inner)
                   * box.size * lf * HEIGHT_SAFETY for line in box.lines]
        start = 0
        while start < len(box.lines):
            room = self.room() - 2 * f.callout_inset
            n, used = 0, 0.0
            while start + n < len(box.lines) and used + heights[start + n] <= room:
                used += heights[start + n]
                n += 1
            if (n < min(3, len(box.lines) - start) or n == 0) and self.boxes:
                self.new_page()
                continue
            n = max(n, 1)
            part = CodeBox(box.lines[start:start + n], box.size, box.language, used + 2 * f.callout_inset)
            self.place(part)
            start += n
            if start < len(box.lines):
                self.new_page()

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
                self.new_page()
                continue
            n = max(n, 1) if box.body else 0
            part = dataclasses.replace(box, body=box.body[start:start + n], row_heights=box.row_heights[start:start + n])
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
        natural_w = px_w * 0.75 * (1.0 if box.kind != "math" else 1.0)  # 96 dpi pixels -> points
        if self.boxes and self.room() < f.height * 0.45:
            self.new_page()
        avail_h = self.room() - box.caption_height
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
            self.new_page()
            self.place(box)
            return
        head = box.paras[:1]
        rest = box.paras[1:]
        while rest:  # split a callout taller than a slide by paragraphs
            take = head[:]
            while rest and text_height(take + rest[:1], f, f.width, inset=f.callout_inset) <= self.room():
                take.append(rest.pop(0))
            if len(take) == len(head) and self.boxes:
                self.new_page()
                continue
            if len(take) == len(head):
                take.append(rest.pop(0))
            part = CalloutBox(box.kind, take, text_height(take, f, f.width, inset=f.callout_inset))
            self.place(part)
            head = [box.paras[0]]
            if rest:
                self.new_page()


def _tail_runs(runs: tuple[Run, ...], start: int) -> tuple[Run, ...]:
    out, pos = [], 0
    for r in runs:
        end = pos + len(r.text)
        if end > start:
            out.append(dataclasses.replace(r, text=r.text[max(start - pos, 0):]))
        pos = end
    return tuple(out)


def _code_size(box: CodeBox, f: Frame) -> float:
    inner = f.width - 2 * f.callout_inset
    size = f.code_size
    longest = max(("".join(t.text for t in line) for line in box.lines), key=len, default="")
    while size > f.min_code_size and slidefit.text_width(longest, Style(f.code_font, size)) > inner:
        size -= 1
    return size


# ----------------------------------------------------------------------------- the deck


def auto_slide_level(doc: Document) -> int:
    """The slide level: the highest heading level (2..6) directly followed by content somewhere; 2 if none."""
    levels = []
    for ch in doc.chapters:
        blocks = ch.blocks
        for i, b in enumerate(blocks):
            if isinstance(b, Heading) and i + 1 < len(blocks) and not isinstance(blocks[i + 1], Heading):
                levels.append(b.level)
    return min(levels) if levels else 2


def build_deck(doc: Document, frame: Frame, opts: Options, sizer: PictureSizer, warn: Warn,
               style_code: Callable[[str, str], list[tuple[Token, ...]]] | None = None) -> Deck:
    """Derive the deck model of ``doc``: title, agenda, a divider per chapter and measured content slides."""
    style_code = style_code or plain_code
    meta = doc.meta
    slides: list[Slide] = [_title_slide(doc)]
    if opts.agenda and len(doc.chapters) > 1:
        slides.extend(_agenda(doc, frame))
    level = opts.slide_level or auto_slide_level(doc)
    counter = [0]
    for ch in doc.chapters:
        title = plain_text(ch.title)
        section = Slide("section", title, anchors=[ch.id])
        if ch.number:
            section.subtitle = [Para((Run(f"Chapter {ch.number}"),))]
        slides.append(section)
        for k, (gtitle, blocks, anchors, is_divider) in enumerate(_groups(ch, level, title)):
            if is_divider:
                slides.append(Slide("section", gtitle, anchors=anchors))
                continue
            flow = _Flow(frame, opts, sizer, warn, counter, style_code)
            flow.blocks(blocks)
            shown = any(isinstance(it, (Para, CodeBox, TableBox, PictureBox, CalloutBox)) for it in flow.items)
            items = [it for it in flow.items if not (shown and isinstance(it, _Lead))]
            items = [Para(it.runs, role="lead") if isinstance(it, _Lead) else it for it in items]
            visible = [it for it in items if isinstance(it, (Para, CodeBox, TableBox, PictureBox, CalloutBox))]
            if not visible or (k == 0 and gtitle == title and _fits_divider(visible, slides[-1].subtitle, frame)):
                section_like = slides[-1]
                section_like.subtitle += [dataclasses.replace(p, size=frame.sizes[0]) for p in visible]
                section_like.notes.extend(it.text for it in items if isinstance(it, _Notes))
                section_like.anchors.extend(anchors + [it.id for it in items if isinstance(it, _Anchor)])
                continue
            pages = paginate(items, frame, sizer, warn)
            n = len(pages)
            for i, (boxes, notes, ids) in enumerate(pages):
                t = gtitle if n == 1 else f"{gtitle} ({i + 1}/{n})"
                slides.append(Slide("content", t, boxes, notes=notes, anchors=(anchors if i == 0 else []) + ids))
    return Deck(slides, meta.title)


def _fits_divider(visible: list, already: list[Para], frame: Frame) -> bool:
    """True for a chapter opening short enough to sit on its section slide (one or two short plain paragraphs)."""
    if not (len(visible) <= 2 and all(isinstance(p, Para) and not p.bullet and p.role in ("body", "lead") for p in visible)
            and sum(len("".join(r.text for r in p.runs).split()) for p in visible) <= 40):
        return False
    paras = already + [dataclasses.replace(p, size=frame.sizes[0]) for p in visible]
    return text_height(paras, frame, frame.divider_width) <= frame.divider_height


def _bake(items: list[Flow], frame: Frame) -> list[Flow]:
    """Copies of the items with each paragraph's size fixed to ``frame``'s sizes."""
    out: list[Flow] = []
    for it in copy.deepcopy(items):
        if isinstance(it, Para):
            it = dataclasses.replace(it, size=frame.size_of(it))
        elif isinstance(it, CalloutBox):
            it.paras = [dataclasses.replace(p, size=frame.size_of(p)) for p in it.paras]
        out.append(it)
    return out


def paginate(items: list[Flow], frame: Frame, sizer: PictureSizer, warn: Warn) -> list[tuple[list[Box], list[str], list[str]]]:
    """Lay a group out: larger type when it all fits on one slide, else the normal sizes on as few slides as
    needed, balanced so continuation slides are evenly filled."""
    big = dataclasses.replace(frame, sizes=(frame.sizes[0] + 4, frame.sizes[1] + 4, frame.sizes[2] + 2))
    pictures = any(isinstance(it, PictureBox) for it in items)
    if not pictures:
        pages = _Pager(big, sizer, warn).lay(_bake(items, big))
        if len(pages) == 1:
            return pages
    pages = _Pager(frame, sizer, warn).lay(_bake(items, frame))
    if len(pages) > 1 and not pictures:
        lo, hi = frame.height * 0.4, frame.height
        for _ in range(7):
            mid = (lo + hi) / 2
            trial = _Pager(dataclasses.replace(frame, height=mid), sizer, warn).lay(_bake(items, frame))
            if len(trial) <= len(pages):
                pages, hi = trial, mid
            else:
                lo = mid
    return pages


def _title_slide(doc: Document) -> Slide:
    meta = doc.meta
    sub: list[Para] = []
    if meta.subtitle or meta.description:
        sub.append(Para((Run(meta.subtitle or meta.description),), role="lead"))
    people = ", ".join(a.name for a in meta.authors)
    info = " · ".join(x for x in (people, meta.date) if x)
    if info:
        sub.append(Para((Run(info),), size=20.0))
    slide = Slide("title", meta.title or "Untitled", subtitle=sub)
    if meta.subtitle and meta.description:
        slide.notes.append(meta.description)
    return slide


def _agenda(doc: Document, frame: Frame) -> list[Slide]:
    def entries(size: float) -> list[Para]:
        return [Para((Run(plain_text(ch.title), url="#" + ch.id),), bullet="number" if ch.number else "bullet",
                     number=int(ch.number) if ch.number.isdigit() else 0, size=size, space=size * 0.3)
                for ch in doc.chapters]

    for size in (frame.agenda_size, frame.sizes[0], frame.sizes[1]):  # one slide if the type may shrink a little
        paras = entries(size)
        if text_height(paras, frame, frame.width) <= frame.height:
            return [Slide("agenda", "Agenda", [TextBox(paras, text_height(paras, frame, frame.width))])]
    pages: list[list[Para]] = [[]]
    for p in paras:
        if pages[-1] and text_height(pages[-1] + [p], frame, frame.width) > frame.height:
            pages.append([])
        pages[-1].append(p)
    per = math.ceil(len(paras) / len(pages))  # balance: the same number of entries on each slide
    pages = [paras[i:i + per] for i in range(0, len(paras), per)]
    n = len(pages)
    return [Slide("agenda", f"Agenda ({i + 1}/{n})", [TextBox(pg, text_height(pg, frame, frame.width))])
            for i, pg in enumerate(pages)]


def _groups(ch: Chapter, level: int, chapter_title: str) -> list[tuple[str, tuple, list[str], bool]]:
    """Split a chapter's blocks at headings of ``level`` or above: (title, blocks, anchors, is_divider)."""
    groups: list[tuple[str, list, list[str], bool]] = [(chapter_title, [], [], False)]
    for b in ch.blocks:
        if isinstance(b, Heading) and b.level <= level:
            title = (b.number + " " if b.number else "") + plain_text(b.children)
            groups.append((title, [], [b.attr.id] if b.attr.id else [], b.level < level))
        else:
            groups[-1][1].append(b)
    out = []
    for i, (title, blocks, anchors, divider) in enumerate(groups):
        if divider and blocks:
            divider = False
        if i == 0 and not blocks:
            continue
        out.append((title, tuple(blocks), anchors, divider))
    return out


def plain_code(code: str, language: str) -> list[tuple[Token, ...]]:
    """Code lines without highlighting."""
    return [(Token(line),) if line else () for line in code.expandtabs(4).split("\n")]


def highlight(code: str, language: str, style: str = "friendly") -> list[tuple[Token, ...]]:
    """Code lines as Pygments-coloured tokens (colours of ``style``)."""
    from pygments.lexers import get_lexer_by_name
    from pygments.styles import get_style_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False) if language else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return plain_code(code, language)
    st = get_style_by_name(style)
    lines: list[list[Token]] = [[]]
    for ttype, value in lexer.get_tokens(code.expandtabs(4)):
        s = st.style_for_token(ttype)
        for k, part in enumerate(value.split("\n")):
            if k:
                lines.append([])
            if part:
                lines[-1].append(Token(part, s["color"] or "", bool(s["bold"]), bool(s["italic"])))
    return [tuple(line) for line in lines]


def slide_words(slide: Slide) -> list[str]:
    """Every word shown on a slide or in its notes (for tests and checks)."""
    texts = [slide.title, *("".join(r.text for r in p.runs) for p in slide.subtitle), *slide.notes]
    for box in slide.boxes:
        if isinstance(box, (TextBox, CalloutBox)):
            texts += ["".join(r.text for r in p.runs) for p in box.paras]
        elif isinstance(box, CodeBox):
            texts += ["".join(t.text for t in line) for line in box.lines]
        elif isinstance(box, TableBox):
            texts += ["".join(r.text for r in cell) for row in box.head + box.body for cell in row]
        elif isinstance(box, PictureBox):
            texts += ["".join(r.text for r in box.caption)]
    return " ".join(texts).split()
