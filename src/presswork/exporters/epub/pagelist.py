"""The EPUB's page list from the print edition: invisible page-break markers where the PDF's pages begin.

See ``exporters/common/pagination.py`` for how a page start is named (chapter, block, offset).
Here the marker ``<span epub:type="pagebreak" role="doc-pagebreak">`` is put into a chapter's
XHTML before the same counted character, and the ``page-list`` nav links to it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from presswork.exporters.common.pagination import IGNORED, PageStart

EPUB_NS = "http://www.idpf.org/2007/ops"
#: Elements whose text the print layout does not count (MathML; footnote references).
SKIPPED_CLASSES = frozenset({"noteref", "math", "footnotes"})


@dataclass(frozen=True)
class PageEntry:
    """One entry of the page list: the folio and the marker's href."""

    label: str
    href: str


def marker_id(folio: str) -> str:
    """The id of the page-break marker of ``folio``."""
    return f"page-{folio}"


def _skipped(el: Any) -> bool:
    if not isinstance(el.tag, str):
        return True  # comments, processing instructions
    local = etree.QName(el).localname
    return local in ("math", "svg") or bool(SKIPPED_CLASSES & set(str(el.get("class") or "").split()))


def _slots(el: Any) -> Iterator[tuple[Any, str]]:
    """(node, "text" | "tail") text slots inside ``el`` in reading order, skipping uncounted subtrees."""
    yield el, "text"
    for child in el:
        if not _skipped(child):
            yield from _slots(child)
        yield child, "tail"


def _marker(folio: str) -> Any:
    span = etree.Element("span")
    span.set(f"{{{EPUB_NS}}}type", "pagebreak")
    span.set("role", "doc-pagebreak")
    span.set("id", marker_id(folio))
    span.set("aria-label", folio)
    span.set("class", "pagebreak")
    return span


def _in_word(ch: str) -> bool:
    """A letter or digit of a word that a marker must not split (CJK characters stand alone, soft hyphens join)."""
    return ch in IGNORED or (ch.isalnum() and unicodedata.east_asian_width(ch) not in ("W", "F"))


def word_boundary(text: str, i: int) -> int:
    """``i`` when it falls between words, else the nearer end of the word it splits (its start on a tie): a
    print page that begins inside a hyphenated word ("in-" / "tersects") puts the EPUB's marker beside it."""
    if i <= 0 or i >= len(text) or not (_in_word(text[i - 1]) and _in_word(text[i])):
        return i
    start = i
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    end = i
    while end < len(text) and _in_word(text[end]):
        end += 1
    return start if i - start <= end - i else end


def _insert(block: Any, offset: int, marker: Any) -> None:
    """Put ``marker`` before the counted character number ``offset`` of ``block`` (0 = before the block)."""
    if offset <= 0:
        block.addprevious(marker)
        return
    seen = 0
    for node, kind in list(_slots(block)):
        text = (node.text if kind == "text" else node.tail) or ""
        for i, ch in enumerate(text):
            if ch.isspace() or ch in IGNORED:
                continue
            if seen == offset:
                i = word_boundary(text, i)
                before, after = text[:i], text[i:]
                if kind == "text":
                    node.text = before
                    node.insert(0, marker)
                else:
                    node.addnext(marker)
                    node.tail = before
                marker.tail = after
                return
            seen += 1
    block.addnext(marker)  # the text ran out (print and EPUB differ here): after the block


def add_markers(section_xhtml: str, starts: Sequence[PageStart]) -> str:
    """The chapter ``<section>`` with page-break markers at ``starts`` (its own chapter's pages),
    and without the ``data-block`` marks the renderer put on its blocks."""
    nsmap = f' xmlns:epub="{EPUB_NS}"' if "xmlns:epub" not in section_xhtml.split(">", 1)[0] else ""
    source = section_xhtml.strip()
    if nsmap:
        source = source.replace("<section", f"<section{nsmap}", 1)
    root = etree.fromstring(source)
    blocks = {
        int(str(el.get("data-block"))): el
        for el in root.iter()
        if isinstance(el.tag, str) and el.get("data-block") is not None
    }
    title = next(
        (el for el in root.iter() if isinstance(el.tag, str) and "chapter-title" in str(el.get("class") or "").split()),
        None,
    )
    for start in sorted(starts, key=lambda s: (s.block, s.offset)):
        block = title if start.block == -1 else blocks.get(start.block)
        marker = _marker(start.folio)
        if block is None:
            (title.addprevious(marker) if title is not None else root.insert(0, marker))
        elif block is title and start.offset == 0:
            block.addprevious(marker)
        else:
            _insert(block, start.offset, marker)
    for el in blocks.values():
        del el.attrib["data-block"]
    return etree.tostring(root, encoding="unicode") + "\n"
