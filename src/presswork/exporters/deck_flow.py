"""Blocks of a slide group -> a flat flow of deck items (paragraphs, boxes, notes, breaks, anchors)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from ..tree import (
    Admonition, BlockQuote, BulletList, CodeBlock, DefinitionList, Div, Figure, Heading, HorizontalRule, MathBlock,
    OrderedList, Paragraph, RawBlock, Table, plain_text,
)
from .deck import MAX_LEVEL, CalloutBox, CodeBox, Frame, Options, Para, PictureBox, Run, TableBox, Token, Warn
from .deck_measure import measure_table
from .deck_text import InlineRuns, blocks_text, first_sentence, inline_text, runs_head

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
class FallbackLead:
    """A long paragraph's first sentence, shown only when nothing else of its group reaches a slide."""

    runs: tuple[Run, ...]


FlowItem = Para | CodeBox | TableBox | PictureBox | CalloutBox | SpeakerNote | SlideBreak | Anchor | FallbackLead
#: Flow items that show on a slide (the others go to its notes or steer the layout).
VISIBLE_ITEMS = (Para, CodeBox, TableBox, PictureBox, CalloutBox)
#: Colours code for a language: (code, language) -> lines of tokens.
CodeStyler = Callable[[str, str], list[tuple[Token, ...]]]


class FlowBuilder:
    """Converts the blocks of one slide group to a flat flow of items."""

    def __init__(self, frame: Frame, opts: Options, warn: Warn, counter: list[int], style_code: CodeStyler) -> None:
        self.frame, self.opts, self.warn = frame, opts, warn
        self.counter = counter
        self.style_code = style_code
        self.items: list[FlowItem] = []

    def _runs(self, inlines: tuple, **st: object) -> tuple[Run, ...]:
        """The runs of ``inlines``; their footnotes go to the notes."""
        notes: list[str] = []
        runs = InlineRuns(notes, self.counter).runs(inlines, **st)
        self.items.extend(SpeakerNote(n) for n in notes)
        return runs

    def blocks(self, blocks: tuple, level: int = 0, quote: int = -1) -> None:
        """Add the items of ``blocks`` at list ``level`` (``quote`` >= 0: inside a block quote that deep)."""
        for b in blocks:
            self.block(b, level, quote)

    def block(self, b: object, level: int, quote: int) -> None:
        attr = getattr(b, "attr", None)
        if attr is not None and attr.id:
            self.items.append(Anchor(attr.id))
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
            self.items.append(CalloutBox(b.kind, paras))
        elif isinstance(b, BlockQuote):
            self.blocks(b.blocks, level, quote + 1)
        elif isinstance(b, HorizontalRule):
            self.items.append(SlideBreak())
        elif isinstance(b, Div):
            cls = b.attr.classes
            if "slide-break" in cls:
                self.items.append(SlideBreak())
                self.blocks(b.blocks, level, quote)
            elif "notes" in cls or "no-slides" in cls:
                self.items.append(SpeakerNote(blocks_text(b.blocks)))
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
            self.items.append(SpeakerNote(inline_text(p.children)))
            if mode == "lead":
                self.items.append(Para(runs_head(runs, len(first_sentence(text))), role="lead"))
            else:
                self.items.append(FallbackLead(runs_head(runs, len(first_sentence(text)))))
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
        self.items.append(measure_table(head, body, aligns, self.frame))
        cap = self._runs(t.caption)
        if t.label:
            cap = (Run(t.label + (": " if cap else ""), bold=True), *cap)
        if cap:
            self.items.append(Para(cap, role="caption"))
