"""The talk deck: what of a section reaches its slides, the slide budget, and notes that help the speaker.

In a ``talk`` deck each paragraph shows its first sentence (cut at a clear lead clause), long code shows
its first top-level items with an elision mark, and the rest goes to the notes. Notes begin with the
points to say (the sentences moved off the slide, in order), then the full text under a "Full text"
marker. A budget of slides (from ``talk_minutes`` or ``slides``) is shared among the chapters by their
words; a chapter over its share moves more into the notes (:data:`TALK_STEPS`). Pure: no python-pptx.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from presswork.core.tree import Chapter, Document
from presswork.exporters.pptx.model.deck import (
    CalloutBox,
    CodeBox,
    PictureBox,
    Slide,
    TableBox,
    TextBox,
    box_texts,
)
from presswork.exporters.pptx.model.text import blocks_text

#: The marker between the points to say and the full text in a talk deck's notes.
FULL_TEXT = "Full text"
#: Slides a presenter shows per minute of a workshop talk (a 45-minute talk: about 40 slides).
SLIDES_PER_MINUTE = 0.9
#: Source words a talk slide stands for at least (a short book makes a short deck).
WORDS_PER_SLIDE = 30
#: The fewest slides the words of a book bring a talk down to (a short talk still shows its figures).
MIN_SLIDES = 12
#: Condensing steps tried in turn until a chapter meets its share of the budget:
#: (step, most slides per section (0 = no limit), sections one heading level deeper share slides).
#: Step 1: every paragraph shows its lead sentence and code up to CODE_LINES[0] lines; step 2: a
#: section's later paragraphs go wholly to the notes when something else shows, and code up to
#: CODE_LINES[1] lines. Merged sections become sub-sections that share a slide when they fit.
TALK_STEPS = ((1, 0, False), (2, 0, False), (2, 2, False), (2, 1, False), (2, 0, True), (2, 2, True), (2, 1, True))
#: Longest code shown whole on a talk slide, per step.
CODE_LINES = (12, 8)
#: An elision mark closing code cut short on a slide.
ELISION = "…"


class Point(str):
    """A note that is one of the points to say: a sentence moved off the slide."""

    __slots__ = ()


@dataclass(frozen=True)
class Budget:
    """A chapter's share of the talk budget, and whether it opens sub-chapters."""

    slides: int = 0  #: most slides for the chapter (0 = no limit)
    parent: bool = False  #: the chapter has sub-chapters (it then opens with a divider)


#: No budget, and no sub-chapters.
NO_BUDGET = Budget()


def deck_budget(doc: Document, minutes: int, slides: int) -> int:
    """The slides of a whole talk: ``slides`` when given, else what ``minutes`` and the book's length allow."""
    if slides:
        return slides
    words = sum(chapter_words(ch) for ch in doc.chapters)
    return max(1, min(round(minutes * SLIDES_PER_MINUTE), max(MIN_SLIDES, math.ceil(words / WORDS_PER_SLIDE))))


def chapter_words(ch: Chapter) -> int:
    """The number of words of a chapter's text."""
    return len(blocks_text(ch.blocks).split())


def chapter_budgets(doc: Document, total: int, front: int) -> dict[str, Budget]:
    """Each chapter's share of ``total`` slides (after ``front`` slides), by its words; at least one."""
    words = {ch.id: chapter_words(ch) for ch in doc.chapters}
    all_words = sum(words.values()) or 1
    room = max(total - front, len(doc.chapters))
    out = {}
    for k, ch in enumerate(doc.chapters):
        parent = k + 1 < len(doc.chapters) and doc.chapters[k + 1].depth > ch.depth
        out[ch.id] = Budget(max(1, round(room * words[ch.id] / all_words)), parent)
    return out


def structure(doc: Document) -> dict[str, Budget]:
    """Which chapters open sub-chapters (no slide budget): the structure a ``full`` deck follows."""
    return {
        ch.id: Budget(0, k + 1 < len(doc.chapters) and doc.chapters[k + 1].depth > ch.depth)
        for k, ch in enumerate(doc.chapters)
    }


#: Where a long first sentence has a clear lead clause: a colon, semicolon or dash after it.
_LEAD_CLAUSE = re.compile(r"(?:[:;]|\s[—–]\s?|\s-\s)")
#: A first sentence longer than this many words is cut at its lead clause when it has one.
LEAD_CLAUSE_WORDS = 18


def lead_length(text: str, first: int) -> int:
    """How much of ``text`` a talk slide shows: its first sentence (``first`` characters), cut at a clear
    lead clause (five words or more before a colon, semicolon or dash) when that sentence is long."""
    sentence = text[:first]
    if len(sentence.split()) <= LEAD_CLAUSE_WORDS:
        return first
    for m in _LEAD_CLAUSE.finditer(sentence):
        if len(sentence[: m.start()].split()) >= 5 and len(sentence[m.end() :].split()) >= 4:
            return m.start()
    return first


def code_head(code: str, limit: int) -> str | None:
    """The first top-level items of ``code`` that fit in ``limit`` lines (cut at a blank line or where the
    brackets close at the outer level), or None when the whole listing fits."""
    lines = code.rstrip("\n").split("\n")
    if len(lines) <= limit:
        return None
    depth, cut = 0, 0
    for i, line in enumerate(lines[:limit]):
        depth += sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}")
        outer = depth <= 0 and not line.startswith((" ", "\t"))
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if outer and (not line.strip() or not nxt.startswith((" ", "\t", ")", "]", "}"))):
            cut = i + 1
    if cut < limit // 3:  # the next top-level item is longer than the slide: its head too, then the elision
        cut = limit - 1
    head = "\n".join(lines[:cut]).rstrip()
    return head or None


def talk_notes(slide: Slide) -> None:
    """Rewrite a talk slide's notes: the points to say first, then the full text under :data:`FULL_TEXT`;
    a content or agenda slide without notes gets the text it shows, so the speaker has every slide's words."""
    points = [str(n) for n in slide.notes if isinstance(n, Point)]
    full = [n for n in slide.notes if not isinstance(n, Point)]
    if not full and slide.kind in ("content", "agenda"):
        full = [
            "\n".join(box_texts(box))
            if isinstance(box, CodeBox)
            else " ".join((box.alt, *box_texts(box)) if isinstance(box, PictureBox) else box_texts(box))
            for box in slide.boxes
        ]
        full = [t for t in full if t.strip()]
    if not full and not points:
        return
    slide.notes = [*points, FULL_TEXT, *full] if full else points


def dropped_notes(boxes: list[TextBox | CodeBox | TableBox | PictureBox | CalloutBox]) -> list[str]:
    """The notes for boxes kept off the slides by the budget: their paragraphs as points to say, code,
    tables and captions as full text."""
    out: list[str] = []
    for box in boxes:
        match box:
            case TextBox() | CalloutBox():
                out.extend(Point(t) for t in box_texts(box) if t.strip())
            case CodeBox():
                out.append("\n".join(box_texts(box)))
            case TableBox():
                out.append(" | ".join(t for t in box_texts(box) if t.strip()))
            case PictureBox():
                out.append(" ".join(t for t in (box.alt, *box_texts(box)) if t.strip()))
    return [t for t in out if t.strip()]
