"""The book's navigation: chapter files, the id -> file index, and the nested contents (nav + NCX)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..tree import Attr, Chapter, Div, Document, Heading, plain_text
from ..walk import iter_nodes

#: Div classes whose content never reaches the EPUB (and so cannot be navigated to).
HIDDEN_DIVS = frozenset({"notes", "only-slides"})


@dataclass
class TocEntry:
    """One contents entry: its label, the href (``file#id``) and nested entries."""

    label: str
    href: str
    children: list["TocEntry"] = field(default_factory=list)


def chapter_files(doc: Document) -> dict[str, str]:
    """A file name per chapter id (``text/ch01-getting-started.xhtml``), unique and stable."""
    files: dict[str, str] = {}
    for number, ch in enumerate(doc.chapters, 1):
        slug = re.sub(r"[^a-z0-9]+", "-", ch.id.lower()).strip("-")[:40] or "chapter"
        files[ch.id] = f"text/ch{number:02d}-{slug}.xhtml"
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


def label(number: str, title: str) -> str:
    """A contents label: ``"2.3 Title"`` or just the title when unnumbered."""
    return f"{number} {title}" if number else title


def _headings(blocks: tuple) -> list[Heading]:
    found: list[Heading] = []
    for block in blocks:
        if isinstance(block, Heading):
            found.append(block)
        elif isinstance(block, Div) and not HIDDEN_DIVS.intersection(block.attr.classes):
            found.extend(_headings(block.blocks))
    return found


def chapter_entry(ch: Chapter, file: str, depth: int) -> TocEntry:
    """The contents entry of one chapter with its sections down to heading level ``depth``."""
    entry = TocEntry(label(ch.number, plain_text(ch.title)) or ch.id, file)
    stack: list[tuple[int, TocEntry]] = [(1, entry)]
    for heading in _headings(ch.blocks):
        if heading.level > depth or not heading.attr.id:
            continue
        node = TocEntry(label(heading.number, plain_text(heading.children)), f"{file}#{heading.attr.id}")
        while stack[-1][0] >= heading.level:
            stack.pop()
        stack[-1][1].children.append(node)
        stack.append((heading.level, node))
    return entry


def build_toc(doc: Document, files: dict[str, str], depth: int) -> list[TocEntry]:
    """Contents of the book: one entry per chapter, sections nested down to ``depth`` (1 = chapters only)."""
    return [chapter_entry(ch, files[ch.id], max(depth, 1)) for ch in doc.chapters]


def ncx_toc(entries: list[TocEntry], counter: list[int] | None = None) -> list:
    """The contents as ebooklib ``Link`` / ``(Section, [...])`` items for the NCX."""
    from ebooklib import epub

    counter = counter if counter is not None else [0]
    out: list = []
    for entry in entries:
        counter[0] += 1
        link = epub.Link(entry.href, entry.label, f"navpoint-{counter[0]}")
        out.append((link, ncx_toc(entry.children, counter)) if entry.children else link)
    return out
