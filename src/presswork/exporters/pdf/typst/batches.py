"""The Typst book cut into batches of whole chapters, each its own source, and the skeleton source that sets the front matter and the page furniture over them.

Why a batch lays out as it does inside the whole book
  A batch starts with a top-level chapter that opens a page. The body of a page depends on the pages
  before it only through page-based values: the side (two-sided margins), the folio and the running
  heads, and " on page N" or the index's locators. A batch is laid out with ``furniture: false``
  (no heads or folios) and page numbering from 1; in two-sided print every batch starts on a
  right-hand page (a blank verso is put before it when needed, as ``pagebreak(to: "odd")`` does).
  " on page N" and the index fall back to the whole-book compile (see :func:`serial_reason`).

The skeleton
  One more source: the book's front matter (cover, title, copyright, contents), then one empty page
  per body page carrying only what the heads, folios and contents need, each where the batch laid it
  out: chapter starts and ends, a long listing's first and last lines, and a hidden copy of every
  outlined heading; a page the batch set without heads or folios (a part's title page) is one too. Typst then sets the contents (its own outline of those copies: the same entries
  and folios as the whole book's), the page labels and, on each body page, the head and folio from
  the same marks, exactly as in the whole book. The merge (``batchmerge.py``) keeps the front pages and
  draws each skeleton body page over its batch page as furniture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from presswork.exporters.pdf.typst.book import BookPieces, ChapterPiece
from presswork.exporters.pdf.typst.markup import label_ref, string

__all__ = ["XREF", "Batch", "Fallback", "LaidBatch", "batch_source", "plan", "serial_reason", "skeleton_source"]

#: The link target written for an anchor that another batch holds (resolved in the merge).
XREF = "presswork-xref:"

#: Chapters per batch (an edit lays out its batch again; each batch costs a compiler's start).
BATCH_CHAPTERS = 8

#: Headings deeper than this are never in the contents (the template takes levels 5 and 6 out).
_OUTLINED = 4


class Fallback(Exception):
    """The book cannot be laid out in batches exactly: it is compiled whole (the reason is the message)."""


@dataclass(frozen=True)
class Batch:
    """A batch of whole chapters: their indices in the book and the batch's own Typst source."""

    index: int
    chapters: tuple[int, ...]
    source: str
    labels: tuple[str, ...]  #: the labels it defines (their places are read back)


@dataclass(frozen=True)
class LaidBatch:
    """A batch laid out: its PDF and what the skeleton, the merge and the EPUB's page list need of it."""

    pdf: bytes
    pages: int
    events: list[Any]  #: (kind, page, x, y, value) of every mark and outlined heading, in reading order
    labels: dict[str, Any]  #: label -> (page, x, y)
    places: list[Any]  #: ``<pw-block-places>``'s places (the EPUB's page list)
    #: The structure elements the merge renames (``structure.marked_elements``; None: the merge walks the tree).
    marked: list[tuple[int, int]] | None = None


def serial_reason(pieces: BookPieces, *, index: bool, footnotes: str, pdf_variant: str) -> str:
    """Why this book must be compiled whole ("" when its batches lay out exactly as the whole book)."""
    if index:
        return "the index's page numbers are found in one layout"
    if footnotes == "book":
        return "footnotes are numbered through the book"
    if pdf_variant:
        return f"pdf_variant {pdf_variant} is claimed for one document"
    if any(c.page_refs for c in pieces.chapters):
        return '" on page N" cross-references need the whole layout'
    for c in pieces.chapters:
        for _, body, _ in c.headings:
            if "label(" in body or "#pw-on-page(" in body:
                return "a heading holds a link or a label (the contents would copy it)"
    return ""


def plan(chapters: Sequence[ChapterPiece], size: int = BATCH_CHAPTERS) -> list[list[int]]:
    """Chapter indices in batches of about ``size``; a batch starts only at a top-level chapter that opens a page."""
    batches: list[list[int]] = []
    for i, c in enumerate(chapters):
        starts = c.opens and c.chapter.depth == 1
        if batches and (len(batches[-1]) < size or not starts):
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def _without_furniture(setup: str) -> str:
    """The ``#show: pw-book.with(...)`` line with heads and folios left out."""
    if not setup.endswith(")"):
        raise Fallback("the book's set-up line is not a call")
    return setup[:-1] + ", furniture: false)"


def batch_source(pieces: BookPieces, index: int, chapters: Sequence[int]) -> Batch:
    """Batch ``index``: the chapters ``chapters`` alone; links to anchors of other batches written as
    :data:`XREF` targets (the merge points them at their place in the book)."""
    own = [pieces.chapters[i] for i in chapters]
    defines = frozenset().union(*(c.defines for c in own))
    texts = []
    for c in own:
        text = c.text
        for anchor in sorted(c.refers - defines):
            text = text.replace(f"link({label_ref(anchor)})", f"link({string(XREF + anchor)})")
        texts.append(text)
    labels = tuple(sorted("pw:" + a for a in defines))
    lines = [
        pieces.head[0],
        _without_furniture(pieces.head[1]),
        '#set page(numbering: "1")',
        *texts,
        "#pw-batch-facts((" + "".join(f"{string(name)}, " for name in labels) + "))",
    ]
    return Batch(index, tuple(chapters), "\n".join(lines) + "\n", labels)


def _value(value: Any) -> str:
    """A chapter start's metadata value written back as Typst code."""
    if not isinstance(value, dict):
        raise Fallback("a chapter start without its facts")
    number = value.get("number")
    return (
        f"(title: {string(str(value.get('title', '')))}, opens: {'true' if value.get('opens') else 'false'}, "
        f"number: {'none' if number is None else string(str(number))}, id: {string(str(value.get('id', '')))})"
    )


def skeleton_source(
    pieces: BookPieces, batches: Sequence[Batch], laid: Sequence[LaidBatch], starts: Sequence[int], body_pages: int
) -> str:
    """The front matter and one page per body page (``starts``: each batch's first body page, from 0) with
    the marks the heads, folios and contents need, where the batches laid them out."""
    per_page: list[list[str]] = [[] for _ in range(body_pages)]
    bare: set[int] = set()  # pages without heads or folios (a part's title page)
    previous_end = 0
    for batch, facts, first in zip(batches, laid, starts, strict=True):
        headings = [h for i in batch.chapters for h in pieces.chapters[i].headings if h[0] <= _OUTLINED]
        seen = [e for e in facts.events if e[0] == "heading" and int(e[4]) <= _OUTLINED]
        if [h[0] for h in headings] != [int(e[4]) for e in seen]:
            raise Fallback("the batch's headings are not the ones written")
        bodies = iter(headings)
        moved = False  # the batch's first chapter end, when it is on its first page
        for kind, page, x, y, value in facts.events:
            at = first + int(page) - 1
            if kind == "pw-chapter-end" and not moved:
                moved = True
                if batch.index > 0 and int(page) == 1:
                    # in the whole book it ends the last page of the batch before (a blank verso comes after)
                    at = previous_end
            if kind == "heading":
                if int(value) > _OUTLINED:
                    continue
                level, body, mark = next(bodies)
                copy = f"[#heading(level: {level}, outlined: true, bookmarked: false){body}{mark}]"
                per_page[at].append(f"#pw-ghost({float(x)!r}, {float(y)!r}, {copy})")
            elif kind == "pw-chapter-start":
                per_page[at].append(f"#[#metadata({_value(value)}) <pw-chapter-start>]")
            elif kind in ("pw-chapter-end", "pw-listing-start", "pw-listing-end"):
                per_page[at].append(f"#[#metadata(none) <{kind}>]")
            elif kind == "pw-bare-page":
                bare.add(at)
            else:
                raise Fallback(f"an unknown mark {kind!r}")
        previous_end = first + facts.pages - 1
    pages = (
        ("#page(header: none, footer: none)[" if n in bare else "#page[") + "\n".join(marks) + "]"
        for n, marks in enumerate(per_page)
    )
    body = "\n".join(pages)
    return "\n".join([*pieces.head, *pieces.front, body]) + "\n"
