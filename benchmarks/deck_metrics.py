"""Presenter metrics of written decks: length per source words, code cut mid-block, empty slides, repeats, notes.

usage: python benchmarks/deck_metrics.py DECK.pptx [BOOK] [...]  (pairs of a deck and the book it was built
from, whose words are counted; without a book the slides per 1,000 words are left out)

Per deck, one line of key=value:
 slides             slides in the deck
 per_1000_words     slides per 1,000 source words
 code_split         slides whose code starts inside a block (an indented first line, or a first line that
                    closes brackets it never opened)
 under_25           content slides whose body fills under 25% of the body area (not statement or picture slides)
 one_sentence       content slides whose body is one sentence
 title_repeats      a divider followed by a slide of the same title (its "(k/n)" count ignored)
 notes_coverage     content slides with speaker notes / content slides
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.slide import Slide
from pptx.util import Emu

MONOSPACE = re.compile(r"mono|consol|courier|code|menlo", re.IGNORECASE)
DIVIDER = re.compile(r"section|title slide|divider", re.IGNORECASE)
CHROME = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.TITLE)
SENTENCE_END = re.compile(r"[.!?](\s|$)")


@dataclass
class Metrics:
    """The presenter metrics of one deck."""

    slides: int = 0
    content: int = 0
    code_split: int = 0
    under_25: int = 0
    one_sentence: int = 0
    title_repeats: int = 0
    with_notes: int = 0

    def line(self, words: int) -> str:
        """The metrics as one line of key=value."""
        per = f"{1000 * self.slides / words:.1f}" if words else "-"
        coverage = f"{self.with_notes}/{self.content}"
        return (
            f"slides={self.slides} per_1000_words={per} code_split={self.code_split} under_25={self.under_25} "
            f"one_sentence={self.one_sentence} title_repeats={self.title_repeats} notes_coverage={coverage}"
        )


def base_title(title: str) -> str:
    """A title without its "(k/n)" count."""
    return re.sub(r"\s*\(\d+/\d+\)\s*$", "", title.strip())


def title_of(slide: Slide) -> str:
    """The slide's title text ("" without one)."""
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


def is_code(shape: object) -> bool:
    """True for a text shape set wholly in a monospace font."""
    if not shape.has_text_frame:  # type: ignore[attr-defined]
        return False
    frame = shape.text_frame  # type: ignore[attr-defined]
    fonts = [r.font.name for p in frame.paragraphs for r in p.runs if r.text.strip()]
    return bool(fonts) and all(f and MONOSPACE.search(f) for f in fonts)


def starts_inside_block(code: str) -> bool:
    """True when code starts inside a block: its first line is indented, or it closes brackets before
    opening any (by bracket depth)."""
    lines = [line for line in code.split("\n") if line.strip()]
    if not lines:
        return False
    if re.match(r"^\s{2,}\S", lines[0]):
        return True
    depth = 0
    for ch in "\n".join(lines):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return True
    return False


def body_shapes(slide: Slide) -> list[object]:
    """The shapes of the slide's body (no title, footer, number or date)."""
    out = []
    for sh in slide.shapes:
        if sh.is_placeholder and sh.placeholder_format.type in CHROME:
            continue
        out.append(sh)
    return out


def filled_area(shape: object) -> float:
    """The area a shape's content covers (EMU²): its box, or for text the lines its words take (estimated
    at half an em per character), since a body placeholder is larger than the text in it."""
    box = float(Emu(shape.width) * Emu(shape.height))  # type: ignore[attr-defined]
    if not shape.has_text_frame or getattr(shape, "has_table", False) and shape.has_table:  # type: ignore[attr-defined]
        return box
    width = float(Emu(shape.width))  # type: ignore[attr-defined]
    height = 0.0
    for para in shape.text_frame.paragraphs:  # type: ignore[attr-defined]
        sizes = [r.font.size for r in para.runs if r.font.size]
        size = float(max(sizes) if sizes else Emu(24 * 12700))
        chars = max(len(para.text), 1)
        lines = max(1, -(-chars * size * 0.5 // width))
        height += lines * size * 1.3
    return min(box, width * height)


def measure(path: str) -> Metrics:
    """The metrics of the deck at ``path``."""
    prs = Presentation(path)
    area = prs.slide_width * prs.slide_height * 0.62  # the body area below the title, above the footer
    m = Metrics(slides=len(prs.slides))
    previous: tuple[bool, str] | None = None
    for slide in prs.slides:
        divider = bool(DIVIDER.search(slide.slide_layout.name))
        title = base_title(title_of(slide))
        if previous is not None and previous[0] and not divider and title == previous[1]:
            m.title_repeats += 1
        previous = (divider, title)
        body = body_shapes(slide)
        texts = [sh for sh in body if sh.has_text_frame and sh.text_frame.text.strip()]  # type: ignore[attr-defined]
        pictures = [sh for sh in body if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]  # type: ignore[attr-defined]
        tables = [sh for sh in body if getattr(sh, "has_table", False) and sh.has_table]  # type: ignore[attr-defined]
        if divider or slide.slide_layout.name.lower().startswith("title slide") or not (texts or pictures or tables):
            continue
        if title.lower().startswith("agenda"):
            continue
        m.content += 1
        notes = slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
        m.with_notes += bool(notes)
        for sh in texts:
            if is_code(sh) and starts_inside_block(sh.text_frame.text):  # type: ignore[attr-defined]
                m.code_split += 1
                break
        filled = sum(filled_area(sh) for sh in body)
        # A statement is set on the template's Title Only layout when it has no Statement layout: its box is
        # named so.
        statement = "statement" in slide.slide_layout.name.lower() or any(
            getattr(sh, "name", "") == "Statement" for sh in body
        )
        if not pictures and not statement and filled < 0.25 * area:
            m.under_25 += 1
        words = " ".join(sh.text_frame.text for sh in texts).strip()  # type: ignore[attr-defined]
        if not pictures and not tables and words and len(SENTENCE_END.findall(words)) <= 1 and "\n" not in words:
            m.one_sentence += 1
    return m


def book_words(book: str) -> int:
    """The words of the chapters of the book at ``book`` (as the talk budget counts them)."""
    import presswork
    from presswork.exporters.pptx.model.talk import chapter_words

    return sum(chapter_words(ch) for ch in presswork.read(book).chapters)


def main(argv: list[str]) -> None:
    """Print the metrics of each deck given (the usage and exit 2 without a deck, or with -h/--help)."""
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        raise SystemExit(0 if argv else 2)
    k = 0
    while k < len(argv):
        path = argv[k]
        book = argv[k + 1] if k + 1 < len(argv) and not argv[k + 1].endswith(".pptx") else ""
        k += 2 if book else 1
        print(f"{path}: {measure(path).line(book_words(book) if book else 0)}")


if __name__ == "__main__":
    main(sys.argv[1:])
