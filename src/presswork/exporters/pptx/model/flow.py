"""Blocks of a slide group -> a flat flow of deck items (paragraphs, boxes, notes, breaks, anchors)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from presswork.core.tree import (
    Admonition,
    Block,
    BlockNode,
    BlockQuote,
    BulletList,
    CodeBlock,
    DefinitionItem,
    DefinitionList,
    Div,
    Figure,
    Heading,
    HorizontalRule,
    Inline,
    ListItem,
    MathBlock,
    OrderedList,
    Paragraph,
    Pos,
    RawBlock,
    Strong,
    Table,
    Text,
    block_node,
    plain_text,
    unhandled,
)
from presswork.exporters.common.visibility import details_parts, is_hidden
from presswork.exporters.pptx.model.deck import (
    MAX_LEVEL,
    Bullet,
    CalloutBox,
    CodeBox,
    DeckOptions,
    Frame,
    Para,
    PictureBox,
    Role,
    Run,
    TableBox,
    TextBox,
    Token,
    Warn,
)
from presswork.exporters.pptx.model.measure import measure_table
from presswork.exporters.pptx.model.talk import CODE_LINES, ELISION, Point, code_head, lead_length
from presswork.exporters.pptx.model.text import InlineRuns, blocks_text, first_sentence, inline_text, runs_head

#: Paragraphs longer than this many words are shown as their first sentence in "lead" mode.
LEAD_WORDS = 35


@dataclass
class SpeakerNote:
    """Text for the speaker notes of the slide the flow has reached."""

    text: str


@dataclass
class SlideBreak:
    """Start a new slide here (a horizontal rule or a ``slide-break`` div)."""


@dataclass
class Anchor:
    """An id that links may point at: the slide the flow has reached holds it."""

    id: str


@dataclass
class LayoutHint:
    """The author forces a layout on the slide group (a ``layout-<name>`` class)."""

    name: str


@dataclass
class FallbackLead:
    """A long paragraph's first sentence, shown only when nothing else of its group reaches a slide."""

    runs: tuple[Run, ...]


FlowItem = (
    Para
    | TextBox
    | CodeBox
    | TableBox
    | PictureBox
    | CalloutBox
    | SpeakerNote
    | SlideBreak
    | Anchor
    | FallbackLead
    | LayoutHint
)
#: Layouts an author may force with a ``layout-<name>`` class (see :mod:`layouts`).
LAYOUT_CLASSES = ("two-content", "comparison", "picture-caption", "title-only", "section")
#: Flow items that show on a slide (the others go to its notes or steer the layout). A TextBox in the
#: flow is an author's two-column box (``::: columns``).
VISIBLE_ITEMS = (Para, TextBox, CodeBox, TableBox, PictureBox, CalloutBox)
#: Colours code for a language: (code, language) -> lines of tokens.
CodeStyler = Callable[[str, str], list[tuple[Token, ...]]]
#: A call-out's title that ends with one of these is set in before its text without a colon.
CLOSED_TITLE = ".:!?…"


def run_in_title(box: CalloutBox) -> CalloutBox:
    """``box`` with its title set in bold before the text of its first paragraph ("Tip: Use…"), a line
    shorter, when that paragraph is plain text; the title keeps a line of its own before a list or none.
    A title on a line of its own read as a subheading of the slide."""
    title, first = box.paras[0], box.paras[1] if len(box.paras) > 1 else None
    if first is None or first.role not in ("body", "lead") or first.bullet or first.level:
        return box
    label = [dataclasses.replace(r, bold=True) for r in title.runs]
    text = "".join(r.text for r in label).rstrip()
    if not text:
        return box
    if not text.endswith(tuple(CLOSED_TITLE)):
        label.append(Run(":", bold=True))
    label.append(Run(" "))
    merged = dataclasses.replace(first, runs=(*label, *first.runs), role="body")
    chars = sum(len(r.text) for r in label)
    return CalloutBox(box.kind, [merged, *box.paras[2:]], box.height, chars)


#: Most words of a bold line that reads as a subheading.
BOLD_LINE_WORDS = 8


def bold_line(p: Paragraph, text: str) -> bool:
    """True for a paragraph of bold text only, short and not a sentence ("**Extra features**"): an author's
    subheading, which keeps with what follows it and names the slides it continues on."""
    shown = [c for c in p.children if not (isinstance(c, Text) and not c.text.strip())]
    return (
        len(shown) == 1
        and isinstance(shown[0], Strong)
        and 0 < len(text.split()) <= BOLD_LINE_WORDS
        and not text.rstrip().endswith(tuple(".:;!?,"))
    )


class FlowBuilder:
    """Converts the blocks of one slide group to a flat flow of items."""

    def __init__(self, frame: Frame, opts: DeckOptions, warn: Warn, counter: list[int], style_code: CodeStyler) -> None:
        self.frame, self.opts, self.warn = frame, opts, warn
        self.counter = counter
        self.style_code = style_code
        self.items: list[FlowItem] = []
        self.pos: Pos | None = None  # where the block being converted starts (for warnings)
        self.paragraphs = 0  # top-level paragraphs met so far (a talk deck shows the first ones)

    def _runs(self, inlines: tuple[Inline, ...], **st: Any) -> tuple[Run, ...]:
        """The runs of ``inlines``; their footnotes go to the notes."""
        notes: list[str] = []
        runs = InlineRuns(notes, self.counter, lambda message: self.warn(message, self.pos)).runs(inlines, **st)
        self.items.extend(SpeakerNote(n) for n in notes)
        return runs

    def blocks(self, blocks: tuple[Block, ...], level: int = 0, quote: int = -1) -> None:
        """Add the items of ``blocks`` at list ``level`` (``quote`` >= 0: inside a block quote that deep)."""
        for b in blocks:
            self.block(b, level, quote)

    def block(self, block: Block, level: int, quote: int) -> None:
        """Add the items of one block (its id first, as an anchor)."""
        saved, self.pos = self.pos, block.pos or self.pos
        try:
            self._block(block_node(block), level, quote)
        finally:
            self.pos = saved

    def _block(self, b: BlockNode, level: int, quote: int) -> None:
        attr = getattr(b, "attr", None)
        if attr is not None and attr.id:
            self.items.append(Anchor(attr.id))
        match b:
            case Paragraph():
                self.paragraph(b, level, quote)
            case Heading():  # inline math in a subheading: its linear form (a subheading is one line)
                runs = tuple(dataclasses.replace(r, math="") for r in self._runs(b.children))
                self.items.append(Para(runs, role="subhead"))
                self.paragraphs = 0  # a talk deck shows the first paragraph of each sub-section
            case BulletList() | OrderedList():
                self.list_(b, level, quote)
            case ListItem():
                self.blocks(b.blocks, level, quote)
            case DefinitionList():
                for it in b.items:
                    self.definition(it, level, quote)
            case DefinitionItem():
                self.definition(b, level, quote)
            case CodeBlock():
                from presswork.transforms.xrefs import (
                    code_title,
                    listing_caption,
                    listing_file_label,
                    listing_file_name,
                )

                caption = self._runs(b.caption) if b.caption else (Run(c),) if (c := listing_caption(b)) else ()
                if b.label or caption:
                    label = (Run(b.label + (": " if caption else ""), bold=True),) if b.label else ()
                    self.items.append(Para((*label, *caption), role="caption"))
                if name := listing_file_name(b):
                    self.items.append(Para((Run(listing_file_label(b)), Run(name, code=True)), role="caption"))
                elif title := code_title(b):  # MkDocs title="..."
                    self.items.append(Para((Run(title, code=True),), role="caption"))
                if b.code.strip():  # an empty block (a notebook's empty cell) would be an empty grey box
                    self.code(b.code, b.language)
            case Table():
                self.table(b)
            case Figure():
                cap = self._runs(b.caption)
                if b.label:
                    cap = (Run(b.label + (": " if cap else ""), bold=True), *cap)
                kind: Literal["svg", "image"] = "svg" if b.image.src.lower().split("?")[0].endswith(".svg") else "image"
                self.items.append(PictureBox(kind, b.image.src, b.image.alt or plain_text(b.caption), cap, pos=b.pos))
            case MathBlock():
                number = (Run(f"Equation {b.label}"),) if b.label else ()
                self.items.append(PictureBox("math", b.tex, b.tex, number, pos=b.pos))
            case Admonition():
                self.admonition(b)
            case BlockQuote():
                self.blocks(b.blocks, level, quote + 1)
            case HorizontalRule():
                self.items.append(SlideBreak())
            case Div():
                self.layout_hint(b)
                summary, body = details_parts(b)
                if summary is not None:  # <details>: the summary on the slide, the body in the notes
                    self.blocks((Paragraph(summary, pos=b.pos),), level, quote)
                    self.items.append(SpeakerNote(blocks_text(body)))
                    return
                if "columns" in b.attr.classes and self.columns(b, level, quote):
                    return
                if "slide-break" in b.attr.classes:
                    self.items.append(SlideBreak())
                    self.blocks(b.blocks, level, quote)
                elif is_hidden(b, "slides"):
                    self.items.append(SpeakerNote(blocks_text(b.blocks)))
                else:
                    self.blocks(b.blocks, level, quote)
            case RawBlock():
                self.warn("raw HTML block left out of the deck", b.pos)
            case _:
                unhandled(b, "the deck")

    def layout_hint(self, div: Div) -> None:
        """A ``layout-<name>`` class forces a layout on the group (an unknown name is reported)."""
        for cls in div.attr.classes:
            if cls.startswith("layout-"):
                name = cls[len("layout-") :]
                if name in LAYOUT_CLASSES:
                    self.items.append(LayoutHint(name))
                else:
                    self.warn(f"unknown slide layout class {cls!r} (known: {', '.join(LAYOUT_CLASSES)})", self.pos)

    def columns(self, div: Div, level: int, quote: int) -> bool:
        """``::: columns`` holding two ``::: column`` divs of text: one two-column text box (False when the
        columns hold anything but paragraphs and lists; they then flow one after the other)."""
        cols = [b for b in div.blocks if isinstance(b, Div) and "column" in b.attr.classes]
        if len(cols) != 2 or len(cols) != len(div.blocks):
            return False
        halves: list[list[Para]] = []
        for col in cols:
            sub = FlowBuilder(self.frame, self.opts, self.warn, self.counter, self.style_code)
            sub.blocks(col.blocks, level, quote)
            if not all(isinstance(it, (Para, SpeakerNote, Anchor)) for it in sub.items):
                return False
            self.items.extend(it for it in sub.items if isinstance(it, (SpeakerNote, Anchor)))
            halves.append([it for it in sub.items if isinstance(it, Para)])
        if not all(halves):
            return False
        self.items.append(TextBox(halves[0] + halves[1], split=len(halves[0])))
        return True

    def definition(self, item: DefinitionItem, level: int, quote: int) -> None:
        """A term in bold, its definitions one level deeper."""
        self.items.append(Para(self._runs(item.term), level=min(level, MAX_LEVEL), role="term"))
        for d in item.definitions:
            self.blocks(d, min(level + 1, MAX_LEVEL), quote)

    def admonition(self, b: Admonition) -> None:
        """A call-out box of the admonition's paragraphs; what cannot go in a box goes to the notes."""
        sub = FlowBuilder(self.frame, self.opts, self.warn, self.counter, self.style_code)
        sub.blocks(b.blocks)
        title = self._runs(b.title) or (Run(b.kind.capitalize()),)
        paras = [Para(title, role="callout-title")]
        for it in sub.items:
            if isinstance(it, Para):
                paras.append(dataclasses.replace(it, level=min(it.level, 1)))
            elif isinstance(it, SpeakerNote):
                self.items.append(it)
            elif not isinstance(it, Anchor):
                self.items.append(SpeakerNote(blocks_text(b.blocks)))
        self.items.append(run_in_title(CalloutBox(b.kind, paras)))

    def code(self, code: str, language: str) -> None:
        """A code block; in a talk deck a long one shows its first top-level items and an elision mark,
        the whole listing going to the notes."""
        head = None
        if self.opts.deck == "talk":
            head = code_head(code, CODE_LINES[min(self.opts.step, len(CODE_LINES)) - 1])
        if head is None:
            self.items.append(CodeBox(self.style_code(code, language), self.frame.code_size, language))
            return
        lines = self.style_code(head, language)
        lines[-1] = (*lines[-1], Token(f"  {ELISION}"))  # on the last line: never a slide of its own
        self.items.append(CodeBox(lines, self.frame.code_size, language))
        self.items.append(SpeakerNote(code))

    def paragraph(self, p: Paragraph, level: int, quote: int) -> None:
        start = len(self.items)  # its footnotes go to the notes from here
        runs = self._runs(p.children)
        if not runs:
            return
        role: Role = "quote" if quote >= 0 else "body"
        lvl = min(max(quote, 0) if quote >= 0 else level, MAX_LEVEL)
        text = "".join(r.text for r in runs)
        words = len(text.split())
        if level == 0 and quote < 0 and bold_line(p, text):  # a bold line used as a heading reads as one
            self.items.append(Para(tuple(dataclasses.replace(r, math="") for r in runs), role="subhead", minor=True))
            self.paragraphs = 0
            return
        if self.opts.deck == "talk" and level == 0 and (quote < 0 or words > LEAD_WORDS):  # a short quote: whole
            self.talk_paragraph(runs, text, inline_text(p.children), start, role, lvl)
            return
        mode = self.opts.prose
        if level == 0 and quote < 0 and mode != "slide" and (mode == "notes" or words > LEAD_WORDS):
            self.items.insert(start, SpeakerNote(inline_text(p.children)))  # the notes read it before its footnotes
            if mode == "lead":
                self.items.append(Para(runs_head(runs, len(first_sentence(text))), role="lead"))
            else:
                self.items.append(FallbackLead(runs_head(runs, len(first_sentence(text)))))
            return
        self.items.append(Para(runs, level=lvl, role=role))

    def talk_paragraph(
        self, runs: tuple[Run, ...], text: str, full: str, start: int, role: Role = "lead", level: int = 0
    ) -> None:
        """A talk deck's paragraph: its lead on the slide (the first sentence, cut at a clear lead clause),
        the sentences after it as points to say and the whole paragraph as full text in the notes. From
        step 2 on, a section's later paragraphs go wholly to the notes when something else shows."""
        cut = lead_length(text, len(first_sentence(text)))
        rest = text[cut:].strip()
        later = self.opts.step >= 2 and self.paragraphs > 0
        self.paragraphs += 1
        self.items.insert(start, SpeakerNote(full))
        if later:
            self.items.append(SpeakerNote(Point(text.strip())))
            self.items.append(FallbackLead(self._lead(runs, cut, text)))
            return
        if rest:
            self.items.append(SpeakerNote(Point(rest)))
        self.items.append(Para(self._lead(runs, cut, text), level=level, role="lead" if role == "body" else role))

    @staticmethod
    def _lead(runs: tuple[Run, ...], cut: int, text: str) -> tuple[Run, ...]:
        """The first ``cut`` characters of ``runs``, with an elision mark when a sentence was cut short."""
        head = runs_head(runs, cut)
        if cut < len(text) and not text[:cut].rstrip().endswith((".", "!", "?", ":")):
            return (*head, Run(ELISION))
        return head

    def list_(self, lst: BulletList | OrderedList, level: int, quote: int) -> None:
        lvl = min(level, MAX_LEVEL)
        for i, it in enumerate(lst.items):
            number = lst.start + i if isinstance(lst, OrderedList) else 0
            bullet: Bullet = (
                "number" if number else ("done" if it.checked else "open" if it.checked is False else "bullet")
            )
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
        self.items.append(measure_table(head, body, aligns, self.frame))
        cap = self._runs(t.caption)
        if t.label:
            cap = (Run(t.label + (": " if cap else ""), bold=True), *cap)
        if cap:
            self.items.append(Para(cap, role="caption"))
