"""The table of contents, built once for every format: the PDF contents page, the EPUB nav and the deck agenda."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from presswork.core.tree import Attr, Chapter, Document, Heading, plain_text
from presswork.core.walk import iter_nodes
from presswork.exporters.common.visibility import Target, outline_blocks


@dataclass
class ContentsEntry:
    """A book part (level 0), a chapter (level 1) or a section heading (level 2..6) with the entries nested in it.

    ``id`` is the book-wide id the entry links to, ``number`` its number ("2.3", "" when
    unnumbered) and ``title`` its plain text. A chapter's children are its sections, then its
    sub-chapters (chapters too, level 1, with ``depth`` 2 and more).
    """

    id: str
    number: str
    title: str
    level: int
    children: list[ContentsEntry] = field(default_factory=list)
    depth: int = 1  #: A chapter's nesting in the book's outline (1 = top level).

    @property
    def own_sections(self) -> list[ContentsEntry]:
        """The sections of this chapter, flat and in document order (not those of its sub-chapters)."""
        return [e for child in self.children if child.level > 1 for e in (child, *child.sections)]

    @property
    def subchapters(self) -> list[ContentsEntry]:
        """The chapters nested in this one."""
        return [child for child in self.children if child.level == 1]

    @property
    def label(self) -> str:
        """``"2.3 Title"``, or just the title when unnumbered."""
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def sections(self) -> list[ContentsEntry]:
        """Every entry nested below this one, flat and in document order."""
        return [e for child in self.children for e in (child, *child.sections)]


def section_headings(chapter: Chapter, target: Target) -> Iterator[Heading]:
    """The headings that open sections of ``chapter`` in ``target``: top-level headings and
    those in visible Divs (not those in hidden Divs, quotes, lists or call-outs), with an id."""
    for block in outline_blocks(chapter.blocks, target):
        if isinstance(block, Heading) and block.attr.id:
            yield block


def chapter_contents(chapter: Chapter, depth: int, target: Target) -> ContentsEntry:
    """The entry of one chapter with its sections down to heading level ``depth`` nested by level."""
    entry = ContentsEntry(chapter.id, chapter.number, plain_text(chapter.title), 1)
    stack = [entry]
    for heading in section_headings(chapter, target):
        if not 2 <= heading.level <= depth:
            continue
        node = ContentsEntry(heading.attr.id, heading.number, plain_text(heading.children), heading.level)
        while stack[-1].level >= heading.level:
            stack.pop()
        stack[-1].children.append(node)
        stack.append(node)
    return entry


def part_id(number: int) -> str:
    """The id of the opening of the ``number``-th part of the book (1-based): ``part-1``."""
    return f"part-{number}"


def part_openings(doc: Document) -> list[str]:
    """Per chapter, the title of the part it opens ("" when it opens none): a part opens at the
    first chapter of a run of chapters with the same ``part``."""
    out: list[str] = []
    previous = ""
    for ch in doc.chapters:
        out.append(ch.part if ch.part and ch.part != previous else "")
        previous = ch.part
    return out


def book_contents(doc: Document, depth: int, target: Target, parts: bool = False) -> list[ContentsEntry]:
    """The contents of the book as ``target`` shows it: one entry per chapter, sections nested down
    to heading level ``depth`` (1 = chapters only), sub-chapters nested in their chapter after its
    sections. With ``parts``, the chapters of each book part are nested in an entry of the part
    (level 0, id :func:`part_id`, numbered by order)."""
    with_parts = parts and any(ch.part for ch in doc.chapters)
    out: list[ContentsEntry] = []
    stack: list[ContentsEntry] = []  # the chapters that enclose the next one
    count = 0
    for ch, opens in zip(doc.chapters, part_openings(doc), strict=True):
        entry = chapter_contents(ch, max(depth, 1), target)
        if opens:
            stack.clear()  # a part opens at a chapter of the top level
            if with_parts:
                count += 1
                out.append(ContentsEntry(part_id(count), "", opens, 0))
        while stack and stack[-1].depth >= ch.depth:
            stack.pop()
        entry.depth = stack[-1].depth + 1 if stack else 1
        if stack:
            stack[-1].children.append(entry)
        elif with_parts and ch.part and out and out[-1].level == 0:
            out[-1].children.append(entry)
        else:
            out.append(entry)
        stack.append(entry)
    return out


def chapter_files(doc: Document, folder: str = "", extension: str = ".xhtml") -> dict[str, str]:
    """A file name per chapter id (``ch01-getting-started.xhtml`` in ``folder``), unique and stable:
    the EPUB's chapter files and the site's pages are named alike."""
    files: dict[str, str] = {}
    for number, ch in enumerate(doc.chapters, 1):
        slug = re.sub(r"[^a-z0-9]+", "-", ch.id.lower()).strip("-")[:40] or "chapter"
        files[ch.id] = f"{folder}ch{number:02d}-{slug}{extension}"
    return files


def id_index(doc: Document, files: dict[str, str]) -> dict[str, str]:
    """Which chapter file holds each id of the book (chapter ids map to their own file)."""
    index: dict[str, str] = {}
    for ch in doc.chapters:
        name = files[ch.id]
        index.setdefault(ch.id, name)
        for node in iter_nodes(ch):
            attr = getattr(node, "attr", None)
            if isinstance(attr, Attr) and attr.id:
                index.setdefault(attr.id, name)
    return index
