"""Document tree -> deck model: title, agenda, a divider per chapter and measured content slides.

The entry point is :func:`build_deck`. Chapters are cut into slide groups at headings
(:func:`auto_slide_level`); each group's blocks become a flow of items (:mod:`deck_flow`)
laid out on as many slides as they need (:mod:`deck_paginate`), continued on slides
titled "Title (2/3)". Prose condensed away (long paragraphs shown as their first
sentence), footnotes, ``notes`` divs and ``no-slides`` divs go to the speaker notes, so
every prose word is on a slide or in its notes. Pure: no python-pptx.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from presswork.exporters.common.contents import book_contents, part_id, part_openings
from presswork.exporters.common.highlight import find_lexer
from presswork.tree import Block, Chapter, Document, Heading, plain_text

from .deck import Deck, DeckOptions, Frame, Para, PictureSizer, Run, Slide, TextBox, Token, Warn
from .flow import VISIBLE_ITEMS, Anchor, CodeStyler, FallbackLead, FlowBuilder, FlowItem, SpeakerNote
from .measure import text_height
from .paginate import paginate
from .text import smart_quotes


def auto_slide_level(doc: Document) -> int:
    """The slide level: the highest heading level (2..6) directly followed by content somewhere; 2 if none."""
    levels = []
    for ch in doc.chapters:
        blocks = ch.blocks
        for i, b in enumerate(blocks):
            if isinstance(b, Heading) and i + 1 < len(blocks) and not isinstance(blocks[i + 1], Heading):
                levels.append(b.level)
    return min(levels) if levels else 2


def build_deck(doc: Document, frame: Frame, opts: DeckOptions, sizer: PictureSizer, warn: Warn,
               style_code: CodeStyler | None = None) -> Deck:
    """Derive the deck model of ``doc``: title, agenda, a divider per chapter and measured content slides."""
    style_code = style_code or plain_code
    meta = doc.meta
    slides: list[Slide] = [_title_slide(doc)]
    if opts.agenda and len(doc.chapters) > 1:
        slides.extend(_agenda(doc, frame))
    level = opts.slide_level or auto_slide_level(doc)
    counter = [0]
    parts = 0
    for ch, opens in zip(doc.chapters, part_openings(doc), strict=True):
        if opens:  # a divider slide opens each book part
            parts += 1
            slides.append(Slide("section", opens, subtitle=[Para((Run(f"Part {parts}"),))], anchors=[part_id(parts)]))
        title = plain_text(ch.title)
        section = Slide("section", title, anchors=[ch.id])
        if ch.number:
            section.subtitle = [Para((Run(f"{'Appendix' if ch.appendix else 'Chapter'} {ch.number}"),))]
        slides.append(section)
        for k, (gtitle, blocks, anchors, is_divider) in enumerate(_groups(ch, level, title)):
            if is_divider:
                slides.append(Slide("section", gtitle, anchors=anchors))
                continue
            flow = FlowBuilder(frame, opts, warn, counter, style_code)
            flow.blocks(blocks)
            shown = any(isinstance(it, VISIBLE_ITEMS) for it in flow.items)
            items = [it for it in flow.items if not (shown and isinstance(it, FallbackLead))]
            items = [Para(it.runs, role="lead") if isinstance(it, FallbackLead) else it for it in items]
            visible = [it for it in items if isinstance(it, VISIBLE_ITEMS)]
            if not visible or (k == 0 and gtitle == title and _fits_divider(visible, slides[-1].subtitle, frame)):
                section_like = slides[-1]
                section_like.subtitle += [dataclasses.replace(p, size=frame.sizes[0]) for p in visible if isinstance(p, Para)]
                section_like.notes.extend(it.text for it in items if isinstance(it, SpeakerNote))
                section_like.anchors.extend(anchors + [it.id for it in items if isinstance(it, Anchor)])
                continue
            pages = paginate(items, frame, sizer)
            n = len(pages)
            for i, (boxes, notes, ids) in enumerate(pages):
                t = gtitle if n == 1 else f"{gtitle} ({i + 1}/{n})"
                slides.append(Slide("content", t, boxes, notes=notes, anchors=(anchors if i == 0 else []) + ids))
    return Deck(slides, meta.title)


def _fits_divider(visible: Sequence[FlowItem], already: list[Para], frame: Frame) -> bool:
    """True for a chapter opening short enough to sit on its section slide (one or two short plain paragraphs)."""
    paras = [p for p in visible if isinstance(p, Para) and not p.bullet and p.role in ("body", "lead")]
    if not (len(visible) <= 2 and len(paras) == len(visible)
            and sum(len("".join(r.text for r in p.runs).split()) for p in paras) <= 40):
        return False
    paras = already + [dataclasses.replace(p, size=frame.sizes[0]) for p in paras]
    return text_height(paras, frame, frame.divider_width) <= frame.divider_height


def _title_slide(doc: Document) -> Slide:
    meta = doc.meta
    sub: list[Para] = []
    if meta.subtitle or meta.description:
        sub.append(Para((Run(smart_quotes(meta.subtitle or meta.description)),), role="lead"))
    people = ", ".join(a.name for a in meta.authors)
    info = " · ".join(x for x in (people, meta.date) if x)
    if info:
        sub.append(Para((Run(info),), size=20.0))
    slide = Slide("title", meta.title or "Untitled", subtitle=sub)
    if meta.subtitle and meta.description:
        slide.notes.append(meta.description)
    return slide


def _agenda(doc: Document, frame: Frame) -> list[Slide]:
    chapters = book_contents(doc, 1, "slides")

    def entries(size: float) -> list[Para]:
        return [Para((Run(ch.title, url="#" + ch.id),), bullet="number" if ch.number.isdigit() else "bullet",
                     number=int(ch.number) if ch.number.isdigit() else 0, size=size, space=size * 0.3)
                for ch in chapters]

    for size in (frame.agenda_size, frame.sizes[0], frame.sizes[1]):  # one slide if the type may shrink a little
        paras = entries(size)
        if text_height(paras, frame, frame.width) <= frame.height:
            return [Slide("agenda", "Agenda", [TextBox(paras, text_height(paras, frame, frame.width))])]
    pages: list[list[Para]] = [[]]
    for p in paras:
        if pages[-1] and text_height(pages[-1] + [p], frame, frame.width) > frame.height:
            pages.append([])
        pages[-1].append(p)
    per = math.ceil(len(paras) / len(pages))  # balance: the same number of entries on each slide
    pages = [paras[i:i + per] for i in range(0, len(paras), per)]
    n = len(pages)
    return [Slide("agenda", f"Agenda ({i + 1}/{n})", [TextBox(pg, text_height(pg, frame, frame.width))])
            for i, pg in enumerate(pages)]


def _groups(ch: Chapter, level: int, chapter_title: str) -> list[tuple[str, tuple[Block, ...], list[str], bool]]:
    """Split a chapter's blocks at headings of ``level`` or above: (title, blocks, anchors, is_divider)."""
    groups: list[tuple[str, list[Block], list[str], bool]] = [(chapter_title, [], [], False)]
    for b in ch.blocks:
        if isinstance(b, Heading) and b.level <= level:
            title = (b.number + " " if b.number else "") + plain_text(b.children)
            groups.append((title, [], [b.attr.id] if b.attr.id else [], b.level < level))
        else:
            groups[-1][1].append(b)
    out = []
    for i, (title, blocks, anchors, divider) in enumerate(groups):
        if divider and blocks:
            divider = False
        if i == 0 and not blocks:
            continue
        out.append((title, tuple(blocks), anchors, divider))
    return out


def plain_code(code: str, language: str) -> list[tuple[Token, ...]]:
    """Code lines without highlighting."""
    return [(Token(line),) if line else () for line in code.expandtabs(4).split("\n")]


def highlight(code: str, language: str, style: str = "friendly") -> list[tuple[Token, ...]]:
    """Code lines as Pygments-coloured tokens (colours of ``style``)."""
    from pygments.styles import get_style_by_name

    lexer = find_lexer(language)
    if lexer is None:
        return plain_code(code, language)
    st = get_style_by_name(style)
    lines: list[list[Token]] = [[]]
    for ttype, value in lexer.get_tokens(code.expandtabs(4)):
        s = st.style_for_token(ttype)
        for k, part in enumerate(value.split("\n")):
            if k:
                lines.append([])
            if part:
                lines[-1].append(Token(part, s["color"] or "", bool(s["bold"]), bool(s["italic"])))
    return [tuple(line) for line in lines]
