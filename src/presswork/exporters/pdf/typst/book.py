"""The whole book as one Typst source: the theme template imported, cover, title and copyright pages, contents, parts and chapters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from presswork.core.tree import Chapter, Document, plain_text
from presswork.exporters.common.contents import part_openings
from presswork.exporters.pdf.layout import PageGeometry
from presswork.exporters.pdf.typst.blocks import BlockWriter
from presswork.exporters.pdf.typst.context import WriterContext, settle_links
from presswork.exporters.pdf.typst.markup import string

__all__ = ["BookPage", "BookPieces", "ChapterPiece", "book_pieces"]

#: Typst paper names of the page sizes (others are given by width and height).
_PAPER = {"A4": "a4", "Letter": "us-letter", "A5": "a5"}


class BookPage:
    """What the front matter prints: title, subtitle, people, publisher and the copyright lines."""

    def __init__(self, doc: Document, build_date: str) -> None:
        meta = doc.meta
        self.title = meta.title
        self.subtitle = meta.subtitle.strip()
        self.authors = [a.name for a in meta.authors if a.role == "aut" and a.name.strip()]
        self.contributors = [a.name for a in meta.authors if a.role != "aut" and a.name.strip()]
        self.publisher = meta.publisher
        lines = [f"{meta.title}: {self.subtitle}" if self.subtitle else meta.title]
        if self.authors:
            lines.append("by " + ", ".join(self.authors))
        if meta.rights:
            lines.append(meta.rights)
        if meta.publisher:
            lines.append(f"Published by {meta.publisher}" + (f", {meta.date}" if meta.date else ""))
        elif meta.date:
            lines.append(f"Published {meta.date}")
        if meta.modified:
            lines.append(f"Last updated {meta.modified}")
        if meta.identifier:
            lines.append(f"Identifier: {meta.identifier}")
        if meta.description:
            lines.append(meta.description)
        lines.append(f"Typeset with presswork on {build_date}.")
        self.copyright = lines


def _none_or(value: str) -> str:
    return string(value) if value else "none"


def _front(page: BookPage, cover: str | None, toc_depth: int, contents_title: str, two_sided: bool) -> list[str]:
    out = ['#set page(numbering: "i")']
    if cover:
        out.append(f"#pw-cover({string(cover)}, alt: {string('Cover: ' + page.title)})")
    people = "(" + "".join(f"{string(a)}, " for a in page.authors) + ")"
    others = "(" + "".join(f"{string(c)}, " for c in page.contributors) + ")"
    out.append(
        f"#pw-title-page({string(page.title)}, {_none_or(page.subtitle)}, {people}, {others}, {_none_or(page.publisher)})"
    )
    out.append("#pw-copyright[" + "".join(f"#block({string(line)})\n" for line in page.copyright) + "]")
    out.append(f"#pw-contents({string(contents_title)}, {toc_depth})")
    out.append(f"#pw-main-matter(to-odd: {'true' if two_sided else 'false'})")
    out.append('#set page(numbering: "1")')
    return out


def _chapter(writer: BlockWriter, ch: Chapter, opens: bool, to_odd: bool, per_chapter_notes: bool) -> str:
    writer.heading_shift = max(0, ch.depth - 1)
    writer.ctx.pos = ch.title_at()
    title = writer.content(ch.title)
    writer.ctx.headings.append((min(6, ch.depth), title, ""))
    word = "Appendix" if ch.appendix else "Chapter"
    args = (
        f"{title}, {string(plain_text(ch.title))}, number: {_none_or(ch.number)}, word: {string(word)}, "
        f"opens: {'true' if opens else 'false'}, to-odd: {'true' if to_odd else 'false'}, "
        f"level: {min(6, ch.depth)}, footnotes-reset: {'true' if per_chapter_notes else 'false'}, id: {string(ch.id)}"
    )
    head = f"#pw-chapter({args}){writer.labelled(ch.id)}\n\n"
    return head + writer.chapter_blocks(ch.blocks)


@dataclass(frozen=True)
class ChapterPiece:
    """One chapter's Typst source (with the part opening before it, if any) and what it links and labels."""

    text: str
    chapter: Chapter
    opens: bool  #: whether it opens a page
    defines: frozenset[str]  #: the anchors labelled in it
    refers: frozenset[str]  #: the labelled anchors its links point at
    page_refs: bool  #: whether it prints " on page N" of a labelled anchor
    headings: tuple[
        tuple[int, str, str], ...
    ]  #: its headings in order: level, body (a content expression), label markup


@dataclass(frozen=True)
class BookPieces:
    """The book's Typst source in pieces: the set-up lines, the front matter's lines and each chapter."""

    head: list[str]
    front: list[str]
    chapters: list[ChapterPiece] = field(default_factory=list)

    def whole(self) -> str:
        """The whole book as one Typst source."""
        return "\n".join([*self.head, *self.front, *(c.text for c in self.chapters)]) + "\n"


def book_pieces(
    doc: Document,
    ctx: WriterContext,
    geo: PageGeometry,
    opens: Sequence[bool],
    *,
    page_size: str,
    template: str,
    cover: str | None,
    build_date: str,
    toc_depth: int,
    two_sided: bool,
    per_chapter_notes: bool,
    contents_title: str = "Contents",
) -> BookPieces:
    """The book's Typst source in pieces (:meth:`BookPieces.whole` joins them into the main file)."""
    paper = f'paper: "{_PAPER[page_size]}"' if page_size in _PAPER else f"width: {geo.width}mm, height: {geo.height}mm"
    setup = (
        f"#show: pw-book.with(title: {string(doc.meta.title)}, lang: {string(doc.meta.language or 'en')}, {paper}, "
        f"top: {geo.top}mm, bottom: {geo.bottom}mm, inner: {geo.inner}mm, outer: {geo.outer}mm, "
        f"size: {geo.body_pt}pt, two-sided: {'true' if two_sided else 'false'})"
    )
    head = [f"#import {string(template)}: *", setup]
    front = _front(BookPage(doc, build_date), cover, toc_depth, contents_title, two_sided)
    writer = BlockWriter(ctx)
    parts = part_openings(doc)
    number = 0
    raw: list[tuple[str, Chapter, bool, set[str], int, int]] = []
    for ch, opens_page, part in zip(doc.chapters, opens, parts, strict=True):
        before, first_target, first_heading = set(ctx.labelled), len(ctx.targets), len(ctx.headings)
        lines = []
        if part:
            number += 1
            to_odd = "true" if two_sided else "false"
            lines.append(f"#pw-part({string(f'Part {number}')}, {string(part)}, to-odd: {to_odd})")
        lines.append(_chapter(writer, ch, opens_page, two_sided, per_chapter_notes))
        raw.append(("\n".join(lines), ch, opens_page, ctx.labelled - before, first_target, first_heading))
    pieces = BookPieces(head, [settle_links(line, ctx) for line in front])
    ends = [r[4] for r in raw[1:]] + [len(ctx.targets)]
    heading_ends = [r[5] for r in raw[1:]] + [len(ctx.headings)]
    for (text, ch, opens_page, defines, first, first_heading), end, heading_end in zip(
        raw, ends, heading_ends, strict=True
    ):
        settled = settle_links(text, ctx)
        refers = frozenset(a for a in ctx.targets[first:end] if a in ctx.labelled)
        page_refs = "#pw-on-page(" in settled and "\x03" in text
        headings = tuple(
            (level, settle_links(body, ctx), mark) for level, body, mark in ctx.headings[first_heading:heading_end]
        )
        pieces.chapters.append(ChapterPiece(settled, ch, opens_page, frozenset(defines), refers, page_refs, headings))
    return pieces
