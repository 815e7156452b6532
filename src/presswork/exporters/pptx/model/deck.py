"""The deck model: slides, their text/code/table/picture/callout boxes and the content frame; pure dataclasses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, assert_never

from presswork.core.tree import Pos

ProseMode = Literal["lead", "slide", "notes"]
#: A presentation ("talk") or every word on the slides ("full").
DeckKind = Literal["talk", "full"]
#: Deepest bullet level (0-based): deeper lists flatten onto it.
MAX_LEVEL = 2
#: Paragraph roles set in bold and in italics throughout.
BOLD_ROLES = ("subhead", "callout-title", "term")
ITALIC_ROLES = ("quote", "caption")


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
    math: str = ""  # inline TeX: set as a picture on the baseline; ``text`` is its linear form (for notes)
    lang: str = ""  # the language of a span in another language than the book's (``<span lang="ja">``), else ""


#: The bullet of a list paragraph ("" = none; "done"/"open" = a ticked/unticked task).
Bullet = Literal["", "bullet", "number", "done", "open"]
#: What a paragraph is, which sets its type: body text, a subheading, a quotation...
Role = Literal["body", "subhead", "quote", "term", "caption", "lead", "callout-title"]


@dataclass(frozen=True)
class Para:
    """A paragraph: its runs, bullet level (0..2), bullet kind, list number and role."""

    runs: tuple[Run, ...]
    level: int = 0
    bullet: Bullet = ""
    number: int = 0
    role: Role = "body"
    size: float = 0.0  # explicit font size in points (0 = by level and role)
    space: float = -1.0  # explicit space before in points (-1 = by level and role)
    minor: bool = False  # a subheading one level under the subheading before it (an author's bold line)

    @property
    def role_bold(self) -> bool:
        """True when the paragraph's role sets all its text in bold."""
        return self.role in BOLD_ROLES

    @property
    def role_italic(self) -> bool:
        """True when the paragraph's role sets all its text in italics."""
        return self.role in ITALIC_ROLES


@dataclass
class TextBox:
    """Paragraphs in one text box; ``height`` in points includes the insets. ``split`` > 0: two columns,
    ``paras[:split]`` on the left and the rest on the right (each COLUMN_GAP narrower than half the width)."""

    paras: list[Para]
    height: float = 0.0
    split: int = 0


#: Space between the two columns of a two-column text box (points).
COLUMN_GAP = 28.0


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
    """An admonition: a coloured rounded box with its title and body paragraphs."""

    kind: str
    paras: list[Para]
    height: float = 0.0
    #: Characters of the first paragraph that are the title, set in before the text ("Tip: Use…"); 0 when
    #: the title is a paragraph of its own (role "callout-title").
    title_chars: int = 0


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
    #: The template layout a content slide asks for ("" = by its boxes; "comparison", "picture-caption",
    #: "two-content", "title-only").
    layout: str = ""


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
    min_code_size: float = 14.0  #: code and console output stay legible from the back of a room
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
    #: Body sizes per level in the template's two-column placeholders ((0, 0, 0) = the same as ``sizes``).
    column_sizes: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def column_steps(self) -> list[tuple[float, float, float]]:
        """The sizes text in two columns is tried at: the template's, then one step smaller (never below 18 pt)."""
        base = self.column_sizes if self.column_sizes[0] else self.sizes
        small = (max(18.0, base[0] - 2), max(18.0, base[1] - 2), max(18.0, base[2] - 2))
        return [base] if small == base else [base, small]

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
        if para.bullet == "number":  # room for "1." also when a renderer sets it in the item's monospace font
            return size * (1.6 + 0.6 * (len(str(para.number)) - 1))
        if para.bullet in ("done", "open"):  # a task box is wider than a bullet dot
            return size * 1.3
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


#: Returns the pixel size of a picture (kind, src or TeX, pos) or None when it cannot be placed.
PictureSizer = Callable[[str, str, Pos | None], tuple[float, float] | None]
#: Reports a warning (message, pos).
Warn = Callable[[str, Pos | None], None]


@dataclass(frozen=True)
class DeckOptions:
    """How the deck is derived from the tree (the model part of PptxOptions)."""

    slide_level: int = 0
    prose: ProseMode = "lead"
    agenda: bool = True
    deck: DeckKind = "full"  #: "talk": key content on slides, the rest in the notes (:mod:`talk`)
    step: int = 1  #: how hard a talk deck condenses (see ``talk.TALK_STEPS``)
    cap: int = 0  #: most slides per section in a talk deck (0 = no limit)


def box_texts(box: Box | Para) -> list[str]:
    """The texts a box (or a lone paragraph) shows, one per paragraph, code line or table cell."""
    match box:
        case Para():
            return ["".join(r.text for r in box.runs)]
        case TextBox() | CalloutBox():
            return ["".join(r.text for r in p.runs) for p in box.paras]
        case CodeBox():
            return ["".join(t.text for t in line) for line in box.lines]
        case TableBox():
            return ["".join(r.text for r in cell) for row in box.head + box.body for cell in row]
        case PictureBox():
            return ["".join(r.text for r in box.caption)]
        case _:
            assert_never(box)


def slide_words(slide: Slide) -> list[str]:
    """Every word shown on a slide or in its notes (for tests and checks)."""
    texts = [slide.title, *("".join(r.text for r in p.runs) for p in slide.subtitle), *slide.notes]
    for box in slide.boxes:
        texts += box_texts(box)
    return " ".join(texts).split()
