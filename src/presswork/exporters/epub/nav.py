"""The book's navigation: chapter files, the id -> file index, and the nested contents (nav + NCX)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from presswork.core.tree import Document
from presswork.exporters.common.contents import ContentsEntry, book_contents


@dataclass
class TocEntry:
    """One contents entry: its label, the href (``file#id``) and nested entries."""

    label: str
    href: str
    children: list[TocEntry] = field(default_factory=list)


def _entry(contents: ContentsEntry, files: dict[str, str], file: str = "") -> TocEntry:
    if contents.level <= 1:  # a chapter, or a part (it opens with its first chapter's file)
        file = files[contents.id if contents.level == 1 else contents.children[0].id]
    href = file if contents.level <= 1 else f"{file}#{contents.id}"
    return TocEntry(contents.label or contents.id, href, [_entry(c, files, file) for c in contents.children])


def build_toc(doc: Document, files: dict[str, str], depth: int) -> list[TocEntry]:
    """Contents of the book (the shared contents, as the EPUB shows it) with hrefs into the
    chapter files: one entry per chapter, sections nested down to ``depth`` (1 = chapters only),
    the chapters of a book part nested in an entry of the part."""
    return [_entry(entry, files) for entry in book_contents(doc, depth, "epub", parts=True)]


def ncx_toc(entries: list[TocEntry], counter: list[int] | None = None) -> list[Any]:
    """The contents as ebooklib ``Link`` / ``(Link, [...])`` items for the NCX."""
    from ebooklib import epub

    counter = counter if counter is not None else [0]
    out: list[Any] = []
    for entry in entries:
        counter[0] += 1
        link = epub.Link(entry.href, entry.label, f"navpoint-{counter[0]}")
        out.append((link, ncx_toc(entry.children, counter)) if entry.children else link)
    return out
