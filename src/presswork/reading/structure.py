"""Book structure: cut the read source files into chapters and normalise heading levels."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from presswork.core.tree import (
    Block,
    Blocks,
    Chapter,
    Figure,
    Heading,
    Image,
    Inlines,
    LineBreak,
    Link,
    Paragraph,
    RawBlock,
    Span,
    Text,
    plain_text,
)


def slugify(text: str) -> str:
    """A URL- and XML-safe id from text ("Key Roles & Duties" -> "key-roles-duties")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "section"


def _top_headings(blocks: Blocks) -> list[Heading]:
    return [b for b in blocks if isinstance(b, Heading)]


def _is_badge(block: Block) -> bool:
    """A block of badges or a logo above a page's title (``[![Open In Colab](badge.svg)](url)``): pictures
    and links to pictures only, no words of prose; or an anchor kept for old links (the Rust book's
    ``<a id="the-match-control-flow-operator"></a>`` above a chapter's heading)."""
    if isinstance(block, RawBlock):
        return True
    if isinstance(block, Figure):
        return not block.caption
    if not isinstance(block, Paragraph):
        return False
    for node in block.children:
        if isinstance(node, Image) or isinstance(node, LineBreak):
            continue
        if isinstance(node, Text) and not node.text.strip():
            continue
        if isinstance(node, Link) and node.children and all(isinstance(c, Image) for c in node.children):
            continue
        if isinstance(node, Span) and node.attr.id and not node.children:
            continue
        return False
    return True


def _opening(blocks: Blocks) -> Blocks:
    """``blocks`` with a title heading that only badges or anchors precede moved to the front (they follow
    it): a page that opens with its badges, then its ``#`` title, opens with that title."""
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            return (block, *blocks[:index], *blocks[index + 1 :]) if index else blocks
        if not _is_badge(block):
            return blocks
    return blocks


#: At most this many blocks (a language bar, a logo, a line of badges) may stand above a guide's title.
MAX_ABOVE_TITLE = 3


def _title_first(blocks: Blocks) -> Blocks:
    """``blocks`` of a one-file guide with its title moved to the front: the first heading, when it is the
    only one of the top level and only a few blocks stand above it (they follow it, kept)."""
    heads = _top_headings(blocks)
    if not heads:
        return blocks
    first = heads[0]
    index = blocks.index(first)
    alone = sum(1 for h in heads if h.level <= first.level) == 1
    if 0 < index <= MAX_ABOVE_TITLE and alone:
        return (first, *blocks[:index], *blocks[index + 1 :])
    return blocks


@dataclasses.dataclass(frozen=True)
class SourceChapters:
    """The chapters cut from one source file, and a book title it proposes (when it has a lone top heading)."""

    chapters: list[Chapter]
    proposed_title: str = ""


def _shift(blocks: Blocks, chapter_level: int) -> Blocks:
    """Re-level headings so that ``chapter_level + 1`` becomes 2 (chapter titles are level 1)."""

    def fix(b: Block) -> Block:
        if isinstance(b, Heading):
            return dataclasses.replace(b, level=max(2, min(6, b.level - chapter_level + 1)))
        return b

    return tuple(fix(b) for b in blocks)


def _title_from_path(path: str) -> Inlines:
    stem = re.sub(r"^[0-9]+[-_. ]*", "", PurePosixPath(path).stem) or PurePosixPath(path).stem
    return (Text(stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Untitled"),)


def _chapter(heading: Heading | None, blocks: Blocks, path: str, level: int, fallback_title: Inlines) -> Chapter:
    title = heading.children if heading else fallback_title
    ident = (heading.attr.id if heading and heading.attr.id else "") or slugify(plain_text(title))
    return Chapter(
        id=ident,
        title=title,
        source=path,
        blocks=_shift(blocks, level),
        source_level=heading.level if heading else 1,
        title_pos=heading.pos if heading else None,
        numbered=not (heading and {"unnumbered", "-"} & set(heading.attr.classes)),
    )


def split_file(path: str, blocks: Blocks, front_title: str, single_file: bool) -> SourceChapters:
    """Cut one file into chapters.

    - No headings: one chapter titled by the front matter title or the file name.
    - Badges before the first heading (pictures and links to pictures only) do not keep it from
      opening the file: they stay at the start of its chapter.
    - One top-level heading first: one chapter (in a single-file book with several
      headings one level down, that heading is the book title and the book splits
      one level down, as in a README-style book).
    - In a book of several files, each file is one chapter, titled by its ``#`` heading when
      it opens with one, else by its front matter title, else by the file name; its other
      headings are its sections (documentation sets keep page titles in front matter).
    - A single-file book with several top-level headings (like the sample's ``##``
      sections) gets one chapter each; text before the first becomes a chapter titled
      by the front matter title.
    """
    fallback = (Text(front_title),) if front_title else _title_from_path(path)
    blocks = _opening(blocks)
    if single_file:
        blocks = _title_first(blocks)
    heads = _top_headings(blocks)
    if not heads:
        return SourceChapters([_chapter(None, blocks, path, 1, fallback)] if blocks else [])
    level = min(h.level for h in heads)
    at_level = [h for h in heads if h.level == level]
    proposed = ""
    lone_first = len(at_level) == 1 and blocks[0] is at_level[0]
    if not single_file and ((front_title and level >= 2) or not lone_first):
        return SourceChapters([_chapter(None, blocks, path, level - 1, fallback)])
    if len(at_level) == 1 and blocks and blocks[0] is at_level[0]:
        below = [h for h in heads if h.level == level + 1]
        if not (single_file and len(below) >= 2):
            return SourceChapters([_chapter(at_level[0], blocks[1:], path, level, fallback)])
        proposed = plain_text(at_level[0].children)
        fallback = at_level[0].children
        blocks, level = blocks[1:], level + 1
    chapters: list[Chapter] = []
    current: Heading | None = None
    body: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading) and block.level == level:
            if current is not None or body:
                chapters.append(_chapter(current, tuple(body), path, level, fallback))
            current, body = block, []
        else:
            body.append(block)
    if current is not None or body:
        chapters.append(_chapter(current, tuple(body), path, level, fallback))
    return SourceChapters(chapters, proposed)


def project_chapter(path: str, blocks: Blocks, front_title: str, entry_title: str) -> SourceChapters:
    """One file of a book project (mdBook, GitBook, MkDocs, Quarto) as one chapter.

    Its title is its first heading of any level when the file opens with one, else the front
    matter title, else the title the project's SUMMARY/nav gives it; a file name only when
    the project names none. The file's other headings are its sections.
    """
    fallback = (Text(front_title or entry_title),) if (front_title or entry_title) else _title_from_path(path)
    blocks = _opening(blocks)
    heads = _top_headings(blocks)
    if not heads:
        return SourceChapters([_chapter(None, blocks, path, 1, fallback)] if blocks else [])
    level = min(h.level for h in heads)
    first = blocks[0]
    if isinstance(first, Heading) and not (front_title and first.level > level):
        rest = blocks[1:]
        below = min((h.level for h in _top_headings(rest)), default=first.level + 1)
        return SourceChapters([_chapter(first, rest, path, min(first.level, below - 1), fallback)])
    return SourceChapters([_chapter(None, blocks, path, level - 1, fallback)])


def make_chapters(files: Sequence[Any], entry_titles: dict[str, str] | None = None) -> tuple[list[Chapter], str]:
    """Chapters of the whole book in reading order, and a title proposed by the structure ("" if none).

    ``files`` are reader SourceFile objects (path, front_matter, blocks). ``entry_titles``
    (file -> title) marks a book project: each of its files is one chapter (see :func:`project_chapter`).
    """
    chapters: list[Chapter] = []
    proposed = ""
    for f in files:
        title = str(f.front_matter.get("title", "") or "") if isinstance(f.front_matter, dict) else ""
        if entry_titles is not None:
            chapters.extend(project_chapter(f.path, f.blocks, title, entry_titles.get(f.path, "")).chapters)
            continue
        cut = split_file(f.path, f.blocks, title, single_file=len(files) == 1)
        chapters.extend(cut.chapters)
        proposed = proposed or cut.proposed_title
    return chapters, proposed
