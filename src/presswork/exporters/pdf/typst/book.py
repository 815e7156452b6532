"""The whole book as one Typst source: the theme template imported, cover, title and copyright pages, contents, parts and chapters."""

from __future__ import annotations

from collections.abc import Sequence

from presswork.core.tree import Chapter, Document, plain_text
from presswork.exporters.common.contents import part_openings
from presswork.exporters.pdf.layout import PageGeometry
from presswork.exporters.pdf.typst.blocks import BlockWriter
from presswork.exporters.pdf.typst.context import WriterContext, settle_links
from presswork.exporters.pdf.typst.markup import string

__all__ = ["BookPage", "book_source"]

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
    word = "Appendix" if ch.appendix else "Chapter"
    args = (
        f"{title}, {string(plain_text(ch.title))}, number: {_none_or(ch.number)}, word: {string(word)}, "
        f"opens: {'true' if opens else 'false'}, to-odd: {'true' if to_odd else 'false'}, "
        f"level: {min(6, ch.depth)}, footnotes-reset: {'true' if per_chapter_notes else 'false'}, id: {string(ch.id)}"
    )
    head = f"#pw-chapter({args}){writer.labelled(ch.id)}\n\n"
    return head + writer.chapter_blocks(ch.blocks)


def book_source(
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
) -> str:
    """The main Typst file of the book (``template`` is the theme template's path under the root)."""
    paper = f'paper: "{_PAPER[page_size]}"' if page_size in _PAPER else f"width: {geo.width}mm, height: {geo.height}mm"
    setup = (
        f"#show: pw-book.with(title: {string(doc.meta.title)}, lang: {string(doc.meta.language or 'en')}, {paper}, "
        f"top: {geo.top}mm, bottom: {geo.bottom}mm, inner: {geo.inner}mm, outer: {geo.outer}mm, "
        f"size: {geo.body_pt}pt, two-sided: {'true' if two_sided else 'false'})"
    )
    out = [f"#import {string(template)}: *", setup]
    out += _front(BookPage(doc, build_date), cover, toc_depth, contents_title, two_sided)
    writer = BlockWriter(ctx)
    parts = part_openings(doc)
    number = 0
    for ch, opens_page, part in zip(doc.chapters, opens, parts, strict=True):
        if part:
            number += 1
            to_odd = "true" if two_sided else "false"
            out.append(f"#pw-part({string(f'Part {number}')}, {string(part)}, to-odd: {to_odd})")
        out.append(_chapter(writer, ch, opens_page, two_sided, per_chapter_notes))
    return settle_links("\n".join(out) + "\n", ctx)
