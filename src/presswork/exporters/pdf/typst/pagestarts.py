"""Where the Typst layout's pages begin, as the EPUB's page list names them (chapter, block, characters before).

The writer puts a mark before every top-level block of a chapter (``#metadata(i)<pw-block>``, its
index in ``chapter.blocks``; -2 after the last one) and the chapter opening carries the chapter id.
The template sets, once per layout, where each landed (``<pw-block-places>``: page, distance from
the top of the page, the page counter and its numbering). A page whose text begins with a block
(its mark within a line of the text block's top) starts at that block; one that begins inside a
block starts at the share of that block's characters laid out on earlier pages, by the height the
block takes on each page (a line or two off at most in running text). Pages outside chapters
(front matter, part pages, blank versos) start nowhere. See ``exporters/common/pagination.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from presswork.core.tree import Code, CodeBlock, Document, Math, MathBlock, Note, Text
from presswork.core.walk import children
from presswork.exporters.common.pagination import PageStart, counted

__all__ = ["BLOCK_END", "block_chars", "block_mark", "page_starts"]

#: The block index of the mark after a chapter's last block.
BLOCK_END = -2
#: How far below the top of the text block a block's mark may land and still open the page (points).
_AT_TOP = 12.0
#: A mark this close to the foot of the text block stayed behind when its block (a heading, a listing,
#: an equation) went on to the next page: it counts as the top of the next page (points).
_AT_FOOT = 24.0


def block_mark(index: int) -> str:
    """The mark before top-level block ``index`` of a chapter (no space: it stays with the block)."""
    return f"#metadata({index})<pw-block>"


def _text(node: Any, out: list[str]) -> None:
    if isinstance(node, (Note, Math, MathBlock)):
        return  # footnote bodies and math are not counted on either side
    if isinstance(node, (Text, Code)):
        out.append(node.text)
    elif isinstance(node, CodeBlock):
        out.append(node.code)
    for child in children(node):
        _text(child, out)


def block_chars(doc: Document) -> dict[str, list[int]]:
    """The counted characters of every top-level block, by chapter id."""
    out: dict[str, list[int]] = {}
    for ch in doc.chapters:
        sizes = []
        for block in ch.blocks:
            parts: list[str] = []
            _text(block, parts)
            sizes.append(counted(" ".join(parts)))
        out[ch.id] = sizes
    return out


@dataclass(frozen=True)
class _Place:
    chapter: str
    block: int
    page: int
    y: float
    number: int
    style: str


def _roman(value: int) -> str:
    out = []
    for n, s in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl")):
        while value >= n:
            out.append(s)
            value -= n
    for n, s in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while value >= n:
            out.append(s)
            value -= n
    return "".join(out)


def _folio(number: int, style: str) -> str:
    if style == "1":
        return str(number)
    if style == "i":
        return _roman(number)
    if style == "I":
        return _roman(number).upper()
    return ""


def _places(found: Sequence[Any], top: float, bottom: float) -> list[_Place]:
    out: list[_Place] = []
    chapter = ""
    for item in found:
        if not isinstance(item, list) or len(item) != 5:
            continue
        value, page, y, number, style = item
        if isinstance(value, str):
            chapter, block = value, -1
        elif isinstance(value, int) and chapter:
            block = value
        else:
            continue
        out.append(_Place(chapter, block, int(page), float(y), int(number), str(style)))
    for i, place in enumerate(out[:-1]):
        if bottom - place.y < _AT_FOOT and out[i + 1].page > place.page and place.block != BLOCK_END:
            out[i] = _Place(place.chapter, place.block, place.page + 1, top, place.number + 1, place.style)
    return out


def page_starts(
    found: Sequence[Any], pages: int, top: float, bottom: float, chars: dict[str, list[int]]
) -> list[PageStart | None]:
    """The start of each of ``pages`` pages from the template's ``<pw-block-places>`` (``top`` and
    ``bottom``: the text block's edges, in points from the top of the page)."""
    places = _places(found, top, bottom)
    height = max(1.0, bottom - top)
    out: list[PageStart | None] = []
    i = 0  # the first place on or after the current page
    for page in range(1, pages + 1):
        while i < len(places) and places[i].page < page:
            i += 1
        here = places[i] if i < len(places) and places[i].page == page else None
        before = places[i - 1] if i > 0 else None
        start: PageStart | None = None
        if before is not None and before.block != BLOCK_END and (here is None or here.y - top > _AT_TOP):
            # the page begins inside the block marked before it
            after = places[i] if i < len(places) else None
            done = (bottom - before.y) + (page - before.page - 1) * height
            rest = (after.y - top) + (after.page - page) * height if after is not None else height
            sizes = chars.get(before.chapter, [])
            size = sizes[before.block] if 0 <= before.block < len(sizes) else 0
            offset = round(size * done / max(1.0, done + rest))
            folio = _folio(before.number + page - before.page, before.style)
            if folio:
                start = PageStart(folio, before.chapter, before.block, offset)
        else:
            first = next((p for p in places[i:] if p.page == page and p.block != BLOCK_END), None) if here else None
            folio = _folio(first.number, first.style) if first is not None else ""
            if first is not None and folio:
                start = PageStart(folio, first.chapter, first.block, 0)
        out.append(start)
    return out
