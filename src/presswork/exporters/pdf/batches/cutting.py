"""Cutting a print book into documents that lay out alone: the front matter and batches of whole chapters."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from presswork.core.tree import Document, blocks_text

LOG = logging.getLogger("presswork.batches")

PLACEHOLDER_PAGE = 888
#: A chapter batch's page counter starts here: a first page below it had its counter reset.
SEED = 100000
#: Breaks that open a page (the batch may start there).
PAGE_BREAKS = frozenset({"page", "right", "recto", "left", "verso"})
#: With ``batch = "auto"``, books shorter than this (about 45 pages) are laid out as one document:
#: a batch's fixed costs (a worker, its own layout of the front matter, its font subsets) would
#: outweigh the parallel layout.
AUTO_MIN_WORDS = 15000


class Fallback(Exception):
    """The book cannot be laid out in batches (the reason is the message): lay it out serially."""


# --------------------------------------------------------------------------- cutting the book


@dataclass(frozen=True)
class BookPieces:
    """The serial print HTML cut where chapters begin: the document head up to ``<body ...>``,
    the front matter, the opening of the main matter, each chapter with what precedes it
    (part openings), and the closing tail."""

    head: str
    front: str
    main_open: str
    chapters: tuple[str, ...]
    tail: str

    def front_document(self) -> str:
        """The front matter alone (the main matter's closing ``</div>`` dropped from the tail)."""
        return self.head + self.front + self.tail.replace("</div>", "", 1)

    def furniture_head(self) -> str:
        """The document head up to ``<body ...>``, date-free (the head of the furniture's empty pages)."""
        return _DATES.sub("", self.head)

    def batch_document(self, indices: Sequence[int], blank_verso: bool = False) -> str:
        """The chapters ``indices`` alone, inside the main matter, with a date-free head. With
        ``blank_verso``, an empty block that opens a right-hand page ends the document: WeasyPrint
        then makes the blank verso the serial layout has before the next chapter (with the
        furniture the theme gives it), and the block's own page is dropped."""
        head = _DATES.sub("", self.head)
        end = _VERSO if blank_verso else ""
        return head + self.main_open + "".join(self.chapters[i] for i in indices) + end + self.tail


_DATES = re.compile(r'<meta name="dcterms\.(?:created|modified)"[^>]*>\n?')
_MAIN = '<div class="mainmatter">'
_VERSO = '<div class="presswork-batch-end" style="break-before: right"></div>'


def cut_book(html: str, chapter_htmls: Sequence[str]) -> BookPieces:
    """Cut the serial document ``html`` into its pieces (raises Fallback when the theme's template
    does not have the shape batching needs)."""
    body = re.search(r"<body\b[^>]*>", html)
    if body is None or html.count(_MAIN) != 1 or not chapter_htmls:
        raise Fallback('the theme template has no single <div class="mainmatter">')
    main = html.index(_MAIN)
    pos = main + len(_MAIN)
    pieces: list[str] = []
    for chapter in chapter_htmls:
        at = html.find(chapter, pos)
        if at < 0:
            raise Fallback("a chapter is not inside the main matter verbatim")
        end = at + len(chapter)
        pieces.append(html[pos:end])
        pos = end
    tail = html[pos:]
    if not re.match(r"\s*</div>", tail):
        raise Fallback("the main matter does not end after the last chapter")
    # The whitespace between <div class="mainmatter"> and the first chapter stays with the opening.
    return BookPieces(html[: body.end()], html[body.end() : main], _MAIN, tuple(pieces), tail)


def plan_batches(opens: Sequence[bool], size: int) -> list[list[int]]:
    """Chapter indices in batches of about ``size``; a batch starts only at a chapter that opens a page."""
    batches: list[list[int]] = []
    for i, opens_page in enumerate(opens):
        if batches and (len(batches[-1]) < size or not opens_page):
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


#: The most chapters in a batch of ``batch = "auto"``: an edit lays out its whole batch again. Measured on
#: the 100-chapter benchmark book (2 cores): a batch of 8 chapters costs 6.7 s of CPU, of 4 chapters 3.0 s,
#: of 2 chapters 1.8 s (about 0.5 s of it fixed); a clean build with batches of 4 takes about 9% more CPU
#: than with batches of 8, and the same wall time.
MAX_AUTO_BATCH = 4


def auto_batch_size(chapters: int, jobs: int) -> int:
    """Chapters per batch: about two batches per worker, at most :data:`MAX_AUTO_BATCH` (an edit then lays out few)."""
    return max(1, min(MAX_AUTO_BATCH, -(-chapters // max(2, 2 * jobs))))


def auto_reason(doc: Document, jobs: int) -> str:
    """Why ``batch = "auto"`` lays ``doc`` out as one document on ``jobs`` processors ("": batches pay)."""
    if jobs < 2:
        return "one processor: nothing to lay out in parallel"
    words = sum(len(blocks_text(ch.blocks).split()) for ch in doc.chapters)
    if words < AUTO_MIN_WORDS:
        return f"a short book ({words} words; batch = 'auto' batches from {AUTO_MIN_WORDS})"
    return ""


def serial_reasons(css_text: str, pdf_variant: str, footnotes: str) -> str:
    """Why this book must be laid out serially whatever its content ("" when it may be batched)."""
    if pdf_variant:
        return f"pdf_variant {pdf_variant} writes its conformance metadata for one document"
    if footnotes == "book":
        return "footnotes are numbered through the book"
    if re.search(r"counter\(\s*pages\s*[,)]", css_text):
        return "the stylesheet prints the total page count"
    if re.search(r"\belement\(|\brunning\(|string\([^)]*,\s*start\s*\)", css_text):
        return "the page furniture shows running elements or string(..., start) (they depend on the page's body)"
    return ""
