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
import re
from collections.abc import Iterator, Sequence

from presswork.core.tree import Attr, Block, Chapter, Div, Document, Heading, Pos, plain_text
from presswork.exporters.common.contents import book_contents, part_id, part_openings
from presswork.exporters.common.highlight import find_lexer, token_runs, token_style
from presswork.exporters.pptx.model.deck import (
    Deck,
    DeckOptions,
    Frame,
    Para,
    PictureSizer,
    Run,
    Slide,
    TextBox,
    Token,
    Warn,
)
from presswork.exporters.pptx.model.flow import (
    VISIBLE_ITEMS,
    Anchor,
    CodeStyler,
    FallbackLead,
    FlowBuilder,
    FlowItem,
    SpeakerNote,
)
from presswork.exporters.pptx.model.layouts import (
    beside_page,
    comparison_page,
    forced_layout,
    picture_page,
    statement_page,
    thin_statement,
    two_content_page,
)
from presswork.exporters.pptx.model.measure import text_height
from presswork.exporters.pptx.model.pagememo import PageMemo
from presswork.exporters.pptx.model.paginate import Page, introduces
from presswork.exporters.pptx.model.talk import (
    NO_BUDGET,
    TALK_STEPS,
    Budget,
    Point,
    chapter_budgets,
    dropped_notes,
    structure,
    talk_notes,
)
from presswork.exporters.pptx.model.text import tex_to_text
from presswork.exporters.pptx.model.titles import TitleBook


def auto_slide_level(doc: Document) -> int:
    """The slide level: the highest heading level (2..6) directly followed by content somewhere; 2 if none."""
    levels = []
    for ch in doc.chapters:
        blocks = ch.blocks
        for i, b in enumerate(blocks):
            if isinstance(b, Heading) and i + 1 < len(blocks) and not isinstance(blocks[i + 1], Heading):
                levels.append(b.level)
    return min(levels) if levels else 2


def build_deck(
    doc: Document,
    frame: Frame,
    opts: DeckOptions,
    sizer: PictureSizer,
    warn: Warn,
    style_code: CodeStyler | None = None,
    slides_budget: int = 0,
) -> Deck:
    """Derive the deck model of ``doc``: title, agenda, a divider per chapter and measured content slides."""
    style_code = style_code or plain_code
    slides = front_slides(doc, frame, opts)
    level = opts.slide_level or auto_slide_level(doc)
    counter = [0]
    shares = budgets(doc, opts, len(slides), slides_budget)
    titles = TitleBook()
    titles.add(slides)
    for item in book_order(doc):
        if isinstance(item, Slide):
            titles.add([item])
            slides.append(item)
        else:
            own = chapter_slides(item, level, frame, opts, sizer, warn, counter, style_code, shares[item.id])
            titles.add(own, plain_text(item.title, math=tex_to_text))
            slides.extend(own)
    return Deck(slides, doc.meta.title)


def budgets(doc: Document, opts: DeckOptions, front: int, total: int) -> dict[str, Budget]:
    """Each chapter's share of a talk deck's ``total`` slides (after ``front`` slides) and whether it opens
    sub-chapters; a full deck has no budget."""
    if opts.deck == "talk" and total:
        return chapter_budgets(doc, total, front)
    return structure(doc)


def front_slides(doc: Document, frame: Frame, opts: DeckOptions) -> list[Slide]:
    """The slides before the chapters: the title slide and the agenda (when asked for and there are chapters)."""
    slides: list[Slide] = [_title_slide(doc)]
    if opts.agenda and len(doc.chapters) > 1:
        slides.extend(_agenda(doc, frame))
    if opts.deck == "talk":
        for slide in slides[1:]:
            talk_notes(slide)
    return slides


def book_order(doc: Document) -> Iterator[Slide | Chapter]:
    """The chapters of ``doc`` in order, each book part opened by its divider slide."""
    parts = 0
    for ch, opens in zip(doc.chapters, part_openings(doc), strict=True):
        if opens:
            parts += 1
            yield Slide("section", opens, subtitle=[Para((Run(f"Part {parts}"),))], anchors=[part_id(parts)])
        yield ch


#: One slide group turned into flow items: (title, items, anchors, is_divider).
Group = tuple[str, list[FlowItem], list[str], bool]


def chapter_slides(
    ch: Chapter,
    level: int,
    frame: Frame,
    opts: DeckOptions,
    sizer: PictureSizer,
    warn: Warn,
    counter: list[int],
    style_code: CodeStyler,
    budget: Budget = NO_BUDGET,
) -> list[Slide]:
    """A chapter's slides. In a talk deck, condensed step by step (:data:`TALK_STEPS`) until they meet the
    chapter's share of the budget; every talk slide's notes give the points to say, then the full text."""
    memo = PageMemo()  # the trials below (and a chapter's layouts with and without its divider) share it
    flows: Flows = {}  # the trials that differ only in their cap build the same flows
    if opts.deck != "talk":
        return _chapter_slides(ch, level, frame, opts, sizer, warn, counter, style_code, budget.parent, memo)
    start = counter[0]
    slides: list[Slide] = []
    for k, (step, cap, merge) in enumerate(TALK_STEPS):
        last = k == len(TALK_STEPS) - 1
        if merge and level <= 1:  # no deeper sections to merge
            continue
        counter[0] = start
        told: list[tuple[str, Pos | None]] = []
        trial = dataclasses.replace(opts, step=step, cap=cap)
        at = level - 1 if merge else level
        slides = _chapter_slides(
            ch, at, frame, trial, sizer, _teller(told), counter, style_code, budget.parent, memo, flows
        )
        if last or not budget.slides or len(slides) <= budget.slides:
            break
    for message, pos in told:  # the warnings of the trial kept, once
        warn(message, pos)
    for slide in slides:
        talk_notes(slide)
    return slides


def _teller(told: list[tuple[str, Pos | None]]) -> Warn:
    """A warn function that keeps the warnings in ``told`` (those of one trial)."""

    def keep(message: str, pos: Pos | None) -> None:
        told.append((message, pos))

    return keep


def _chapter_slides(
    ch: Chapter,
    level: int,
    frame: Frame,
    opts: DeckOptions,
    sizer: PictureSizer,
    warn: Warn,
    counter: list[int],
    style_code: CodeStyler,
    parent: bool,
    memo: PageMemo | None = None,
    flows: Flows | None = None,
) -> list[Slide]:
    """A chapter's slides: a section divider for a chapter that opens sub-chapters or has at least two
    content slides under more than its own title (a short opening sits on the divider), never for a
    sub-chapter; else the content slides alone, the first holding the chapter's id."""
    title = plain_text(ch.title, math=tex_to_text)
    groups = _flows(ch, level, title, frame, opts, warn, counter, style_code, {} if flows is None else flows)
    section = Slide("section", title, anchors=[ch.id])
    if ch.number:
        section.subtitle = [Para((Run(f"{'Appendix' if ch.appendix else 'Chapter'} {ch.number}"),))]
    problems: dict[str, None] = {}  # both trials below meet the same ones: reported once
    memo = memo or PageMemo()
    if ch.depth == 1:
        with_divider = _group_slides(groups, title, section, frame, sizer, problems, opts.cap, memo)
        content = [s for s in with_divider if s.kind == "content"]
        own = all(_base_title(s.title) == title for s in with_divider[1:])  # nothing but the chapter's title
        if parent or (len(content) >= 2 and not own):
            for message in problems:
                warn(message, Pos(ch.source) if ch.source else None)
            return _no_repeated_title(with_divider)
    alone = _group_slides(_no_dividers(groups), title, None, frame, sizer, problems, opts.cap, memo)
    for message in problems:
        warn(message, Pos(ch.source) if ch.source else None)
    if not alone:
        return [section]
    alone[0].anchors.insert(0, ch.id)
    return alone


#: A chapter's groups as flows, by (slide level, options but the cap, counter at the start): the groups, the
#: counter after them and the warnings building them gave.
Flows = dict[tuple[int, DeckOptions, int], tuple[list[Group], int, list[tuple[str, Pos | None]]]]


def _flows(
    ch: Chapter,
    level: int,
    title: str,
    frame: Frame,
    opts: DeckOptions,
    warn: Warn,
    counter: list[int],
    style_code: CodeStyler,
    flows: Flows,
) -> list[Group]:
    """The chapter's slide groups as flows of items (the caller's own lists): built, or the flows an earlier
    trial built with the same options but the cap (which acts on laid-out slides only), their warnings given
    again and the counter set as building them set it."""
    key = (level, dataclasses.replace(opts, cap=0), counter[0])
    kept = flows.get(key)
    if kept is None:
        told: list[tuple[str, Pos | None]] = []

        def tell(message: str, pos: Pos | None) -> None:
            told.append((message, pos))
            warn(message, pos)

        groups: list[Group] = []
        for gtitle, blocks, anchors, is_divider in _groups(ch, level, title):
            flow = FlowBuilder(frame, opts, tell, counter, style_code)
            flow.blocks(blocks)
            shown = any(isinstance(it, VISIBLE_ITEMS) for it in flow.items)
            items = [it for it in flow.items if not (shown and isinstance(it, FallbackLead))]
            items = [Para(it.runs, role="lead") if isinstance(it, FallbackLead) else it for it in items]
            groups.append((gtitle, items, anchors, is_divider))
        kept = flows[key] = (groups, counter[0], told)
    else:
        for message, pos in kept[2]:
            warn(message, pos)
        counter[0] = kept[1]
    return [(gtitle, list(items), list(anchors), divider) for gtitle, items, anchors, divider in kept[0]]


#: The title a chapter's opening slides take when a divider of the chapter's title comes before them.
OPENING_TITLE = "Overview"


def _base_title(title: str) -> str:
    """A slide title without its "(k/n)" count."""
    return re.sub(r"\s*\(\d+/\d+\)$", "", title)


def _no_repeated_title(slides: list[Slide]) -> list[Slide]:
    """Slides in which no divider is followed by a slide of its own title: such opening slides are
    titled :data:`OPENING_TITLE` (their count kept)."""
    for k, slide in enumerate(slides[:-1]):
        if slide.kind != "section":
            continue
        j = k + 1
        while j < len(slides) and slides[j].kind == "content" and _base_title(slides[j].title) == slide.title:
            slides[j].title = OPENING_TITLE + slides[j].title[len(slide.title) :]
            j += 1
    return slides


def _no_dividers(groups: list[Group]) -> list[Group]:
    """The groups of a chapter without a divider: a section that would have been a divider (it holds only
    sub-sections) titles the slides of its first sub-section instead ("Section › Sub")."""
    out: list[Group] = []
    for k, (gtitle, items, anchors, divider) in enumerate(groups):
        if divider and k + 1 < len(groups) and not groups[k + 1][3]:
            nxt = groups[k + 1]
            groups[k + 1] = (_sub_title(gtitle, [nxt[0]]), [*(Anchor(a) for a in anchors), *nxt[1]], nxt[2], False)
            continue
        out.append((gtitle, items, anchors, False) if divider else (gtitle, items, anchors, divider))
    return out


def _group_slides(
    groups: list[Group],
    title: str,
    section: Slide | None,
    frame: Frame,
    sizer: PictureSizer,
    problems: dict[str, None],
    cap: int = 0,
    memo: PageMemo | None = None,
) -> list[Slide]:
    """The slides of a chapter's groups, after its divider ``section`` (None: no divider); ``cap`` > 0: at
    most that many slides per group (what is left over goes to the notes of its last one)."""
    slides: list[Slide] = []
    pending_notes: list[str] = []
    pending_ids: list[str] = []
    if section is not None:
        section = dataclasses.replace(section, subtitle=list(section.subtitle), notes=[], anchors=list(section.anchors))
        slides.append(section)
    groups = _carry_leadins(groups)
    for k, (gtitle, items, anchors, is_divider) in enumerate(groups):
        forced, items = forced_layout(items)
        if is_divider:
            slides.append(Slide("section", gtitle, anchors=list(anchors)))
            continue
        visible = [it for it in items if isinstance(it, VISIBLE_ITEMS)]
        if forced == "section" and (not visible or _fits_divider(visible, [], frame)):
            section_slide = Slide("section", gtitle, anchors=pending_ids + list(anchors), notes=pending_notes)
            section_slide.subtitle = [
                dataclasses.replace(p, size=frame.sizes[0]) for p in visible if isinstance(p, Para)
            ]
            section_slide.notes = section_slide.notes + [it.text for it in items if isinstance(it, SpeakerNote)]
            section_slide.anchors += [it.id for it in items if isinstance(it, Anchor)]
            slides.append(section_slide)
            pending_notes, pending_ids = [], []
            continue
        special = _special_page(items, forced, frame, sizer) if visible else None
        if special is not None:
            name, (boxes, notes, ids) = special
            slides.append(
                Slide(
                    "content",
                    gtitle,
                    boxes,
                    notes=pending_notes + notes,
                    anchors=pending_ids + list(anchors) + ids,
                    layout=name,
                )
            )
            pending_notes, pending_ids = [], []
            continue
        if forced and forced != "title-only":
            problems[f"slide layout {forced!r} does not suit what {gtitle!r} holds: laid out as usual"] = None
        host = slides[-1] if slides and slides[-1].kind == "section" else None
        if host is not None and (
            not visible or (k == 0 and gtitle == title and _fits_divider(visible, host.subtitle, frame))
        ):
            host.subtitle += [dataclasses.replace(p, size=frame.sizes[0]) for p in visible if isinstance(p, Para)]
            host.notes.extend(it.text for it in items if isinstance(it, SpeakerNote))
            host.anchors.extend(anchors + [it.id for it in items if isinstance(it, Anchor)])
            continue
        if not visible:  # nothing to show: its notes and ids go to the next slide
            pending_notes.extend(it.text for it in items if isinstance(it, SpeakerNote))
            pending_ids.extend(anchors + [it.id for it in items if isinstance(it, Anchor)])
            continue
        statement = None if forced else statement_page(items, frame)
        titled = [(gtitle, statement)] if statement else layout_group(items, gtitle, frame, sizer, cap, memo)
        for i, (t, page) in enumerate(titled):
            first = i == 0
            thin = thin_statement(page, frame) if len(titled) > 1 and not forced else None
            boxes, notes, ids = thin or page
            slides.append(
                Slide(
                    "content",
                    t,
                    boxes,
                    notes=(pending_notes if first else []) + notes,
                    anchors=(pending_ids + list(anchors) if first else []) + ids,
                    layout="statement" if statement or thin else "title-only" if forced == "title-only" else "",
                )
            )
            if first:
                pending_notes, pending_ids = [], []
    if slides:
        slides[-1].notes.extend(pending_notes)
        slides[-1].anchors.extend(pending_ids)
    return slides


def _special_page(items: list[FlowItem], forced: str, frame: Frame, sizer: PictureSizer) -> tuple[str, Page] | None:
    """The one slide of a group on a layout chosen by its content (Comparison for two headed parallel lists,
    Picture with Caption for a lone captioned figure, Two Content for text beside a picture or a short code
    block) or forced by the author; None: laid out as usual."""
    page: Page | None = None
    if forced in ("", "comparison"):
        page = comparison_page(items, frame, force=forced == "comparison")
        if page is not None:
            return "comparison", page
    if forced in ("", "picture-caption"):
        page = picture_page(items, frame, sizer, force=forced == "picture-caption")
        if page is not None:
            return "picture-caption", page
    if forced in ("", "two-content"):
        page = beside_page(items, frame, sizer, force=forced == "two-content")
        if page is not None:
            return "two-content", page
    if forced == "two-content":
        page = two_content_page(items, frame)
        if page is not None:
            return "two-content", page
    return None


def _carry_leadins(groups: list[Group]) -> list[Group]:
    """A group that ends with a lead-in ("...:") introducing the next group: the lead-in opens the next group;
    when the lead-in is all its group shows, the next group joins it instead, under its title as a subheading."""
    out = list(groups)
    k = 0
    while k < len(out) - 1:
        title, items, anchors, divider = out[k]
        shown = [i for i, it in enumerate(items) if isinstance(it, VISIBLE_ITEMS)]
        nxt = out[k + 1]
        last = items[shown[-1]] if shown else None
        if divider or nxt[3] or not (isinstance(last, Para) and introduces(last)):
            k += 1
            continue
        if len(shown) >= 2:
            out[k] = (title, items[: shown[-1]] + items[shown[-1] + 1 :], anchors, divider)
            out[k + 1] = (nxt[0], [last, *nxt[1]], nxt[2], nxt[3])
            k += 1
            continue
        joined: list[FlowItem] = [*items, *(Anchor(a) for a in nxt[2]), Para((Run(nxt[0]),), role="subhead"), *nxt[1]]
        out[k : k + 2] = [(title, joined, anchors, divider)]
    return out


def _segments(items: list[FlowItem]) -> list[list[FlowItem]]:
    """The items cut before each subheading (with the anchors and notes just before it); a subheading
    with nothing under it stays with the next one."""
    segs: list[list[FlowItem]] = [[]]
    for it in items:
        if isinstance(it, Para) and it.role == "subhead":
            cur = segs[-1]
            k = len(cur)
            while k and isinstance(cur[k - 1], (Anchor, SpeakerNote)):
                k -= 1
            lead, moved = cur[:k], cur[k:]
            if any(isinstance(x, VISIBLE_ITEMS) and not _is_subhead(x) for x in lead):
                segs[-1] = lead
                segs.append(moved)
        segs[-1].append(it)
    return [s for s in segs if s]


def _is_subhead(item: FlowItem) -> bool:
    return isinstance(item, Para) and item.role == "subhead"


def _heading_of(seg: list[FlowItem]) -> Para | None:
    """The subheading a segment starts with (after its anchors and notes), or None."""
    for it in seg:
        if isinstance(it, VISIBLE_ITEMS):
            return it if _is_subhead(it) else None  # type: ignore[return-value]
    return None


#: Longest slide title made of a group's and its sub-sections' titles; longer ones are shortened.
MAX_TITLE = 72


def _sub_title(title: str, heads: list[str]) -> str:
    """The title of a slide holding whole sub-sections: "Group › Sub" (or "Group › Sub, Sub")."""
    names = ", ".join(heads)
    for t in (f"{title} › {names}", names, f"{title} › {heads[0]}"):
        if len(t) <= MAX_TITLE:
            return t
    return title


def _minor_parents(items: list[FlowItem]) -> dict[str, str]:
    """Name of each minor subheading (an author's bold line) -> the name of the subheading it comes under
    (the last one before it that is not minor), when there is one and only one (the pager lays out
    copies of the paragraphs, so they are known by name)."""
    found: dict[str, set[str]] = {}
    parent = ""
    for it in items:
        if isinstance(it, Para) and it.role == "subhead":
            name = "".join(r.text for r in it.runs).strip()
            if not it.minor:
                parent = name
            else:
                found.setdefault(name, set()).add(parent)
    return {name: next(iter(ps)) for name, ps in found.items() if len(ps) == 1 and "" not in ps}


def _ends_with_leadin(seg: list[FlowItem]) -> bool:
    shown = [it for it in seg if isinstance(it, VISIBLE_ITEMS)]
    return bool(shown) and isinstance(shown[-1], Para) and introduces(shown[-1])


def layout_group(
    items: list[FlowItem], title: str, frame: Frame, sizer: PictureSizer, cap: int = 0, memo: PageMemo | None = None
) -> list[tuple[str, Page]]:
    """Lay a slide group out: sub-sections that fit together share a slide; a slide that starts with a
    sub-section is titled by it ("Group › Sub"); "(k/n)" counts the slides of one title. ``cap`` > 0: at
    most that many slides, the boxes of the others going to the notes of the last. The search below lays the
    same runs of segments out again and again: ``memo`` (the chapter's) lays each out once."""
    paged = memo or PageMemo()

    def fits_one(part: list[FlowItem]) -> bool:
        return paged.fits_one(part, frame, sizer)

    out: list[tuple[str, Page]] = []
    parents = _minor_parents(items)

    def head_name(head: Para) -> str:
        """A subheading's name in a title: a minor one after the subheading it comes under ("A › x")."""
        name = "".join(r.text for r in head.runs).strip()
        parent = parents.get(name, "") if head.minor else ""
        return f"{parent} › {name}" if parent else name

    def flush(segs: list[list[FlowItem]]) -> None:
        if not segs:
            return
        part = [it for seg in segs for it in seg]
        heads = [h for h in map(_heading_of, segs) if h is not None]
        t = title
        if heads and _heading_of(segs[0]) is not None:
            t = _sub_title(title, [head_name(h) for h in heads])
            if len(segs) == 1:  # the title says it: no subheading repeats it
                part = [it for it in part if it is not heads[0]]
        pages = paged.paginate(part, frame, sizer)
        if len(pages) == 1:
            out.append((t, pages[0]))
            return
        current = t if len(segs) == 1 else ""
        for page in pages:  # sub-sections over several slides: each slide titled by the one it shows
            boxes = page[0]
            first = boxes[0] if boxes else None
            if isinstance(first, TextBox) and not first.split and first.paras and first.paras[0].role == "subhead":
                current = _sub_title(title, [head_name(first.paras[0])])
                if len(first.paras) > 1 or len(boxes) > 1:  # the title says it
                    del first.paras[0]
                    if not first.paras:
                        del boxes[0]
                    else:
                        first.height = text_height(first.paras, frame, frame.width)
            out.append((current or title, page))
            for box in boxes:
                if isinstance(box, TextBox):
                    for para in box.paras:
                        if para.role == "subhead":
                            current = _sub_title(title, [head_name(para)])

    segments: list[list[FlowItem]] = []
    for seg in _segments(items):  # a sub-section introduced by a lead-in ("...:") stays with it
        if segments and _ends_with_leadin(segments[-1]):
            segments[-1] = segments[-1] + seg
        else:
            segments.append(seg)

    def thin_count(segs: list[list[FlowItem]]) -> int:
        """Thin slides among the slides of ``segs`` laid out together."""
        return paged.thin_count([it for s in segs for it in s], frame, sizer)

    def joins(cur: list[list[FlowItem]], seg: list[FlowItem]) -> bool:
        """True when ``seg`` shares the slides of ``cur``: they fit one slide, or ``cur`` runs over several
        and ends thin, and laying them out together leaves fewer thin slides."""
        if fits_one([it for s in [*cur, seg] for it in s]):
            return True
        if fits_one([it for s in cur for it in s]):
            return False
        alone = thin_count(cur)
        return alone > 0 and thin_count([*cur, seg]) < alone + thin_count([seg])

    cur: list[list[FlowItem]] = []
    for k, seg in enumerate(segments):
        if cur and joins(cur, seg):
            cur.append(seg)
            continue
        flush(cur)
        cur = [seg]
        if not fits_one(seg) and not (k + 1 < len(segments) and joins(cur, segments[k + 1])):
            flush(cur)
            cur = []
    flush(cur)
    if cap and len(out) > cap:
        out = _capped(out, cap)
    numbered: list[tuple[str, Page]] = []
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and out[j][0] == out[i][0]:
            j += 1
        n = j - i
        numbered.extend((t if n == 1 else f"{t} ({k + 1}/{n})", page) for k, (t, page) in enumerate(out[i:j]))
        i = j
    return numbered


def _capped(pages: list[tuple[str, Page]], cap: int) -> list[tuple[str, Page]]:
    """The ``cap`` fullest pages, in order; the boxes, notes and ids of each other page join the notes and ids
    of the kept page before it (of the first kept page for those before it)."""

    def fill(page: tuple[str, Page]) -> float:
        return sum(box.height for box in page[1][0])

    keep = sorted(sorted(range(len(pages)), key=lambda k: -fill(pages[k]))[:cap])
    out: list[tuple[str, Page]] = []
    for k in keep:
        title, (boxes, notes, ids) = pages[k]
        out.append((title, (boxes, list(notes), list(ids))))
    for k, (more_title, (more, more_notes, more_ids)) in enumerate(pages):
        if k in keep:
            continue
        host = max((i for i, kk in enumerate(keep) if kk < k), default=0)
        title, (boxes, notes, ids) = out[host]
        moved: list[str] = [Point(more_title)] if more_title != title else []  # a sub-section's title
        moved += dropped_notes(more) + more_notes
        if keep[host] > k:  # before the kept page: its notes come first
            notes[:0], ids[:0] = moved, list(more_ids)
        else:
            notes += moved
            ids += more_ids
    return out


def _fits_divider(visible: Sequence[FlowItem], already: list[Para], frame: Frame) -> bool:
    """True for a chapter opening short enough to sit on its section slide (one or two short plain paragraphs)."""
    paras = [p for p in visible if isinstance(p, Para) and not p.bullet and p.role in ("body", "lead")]
    if not (
        len(visible) <= 2
        and len(paras) == len(visible)
        and sum(len("".join(r.text for r in p.runs).split()) for p in paras) <= 40
    ):
        return False
    paras = already + [dataclasses.replace(p, size=frame.sizes[0]) for p in paras]
    return text_height(paras, frame, frame.divider_width) <= frame.divider_height


def _title_slide(doc: Document) -> Slide:
    meta = doc.meta
    sub: list[Para] = []
    if meta.subtitle or meta.description:
        sub.append(Para((Run(meta.subtitle or meta.description),), role="lead"))
    people = ", ".join(a.name for a in meta.authors)
    info = " · ".join(x for x in (people, meta.date) if x)
    if info:
        sub.append(Para((Run(info),), size=20.0))
    slide = Slide("title", meta.title or "Untitled", subtitle=sub)
    if meta.subtitle and meta.description:
        slide.notes.append(meta.description)
    return slide


def _agenda(doc: Document, frame: Frame) -> list[Slide]:
    # the chapters, each with its sub-chapters one level in (deeper ones are not listed)
    chapters = [
        (0 if ch.depth == 1 else 1, ch) for top in book_contents(doc, 1, "slides") for ch in (top, *top.subchapters)
    ]

    def entries(size: float) -> list[Para]:
        return [
            Para(
                (Run(ch.title, url="#" + ch.id),),
                level=level,
                bullet="number" if ch.number.isdigit() else "bullet",
                number=int(ch.number) if ch.number.isdigit() else 0,
                size=size * (0.85 if level else 1.0),
                space=size * 0.3,
            )
            for level, ch in chapters
        ]

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
    pages = [paras[i : i + per] for i in range(0, len(paras), per)]
    n = len(pages)
    return [
        Slide("agenda", f"Agenda ({i + 1}/{n})", [TextBox(pg, text_height(pg, frame, frame.width))])
        for i, pg in enumerate(pages)
    ]


def _groups(ch: Chapter, level: int, chapter_title: str) -> list[tuple[str, tuple[Block, ...], list[str], bool]]:
    """Split a chapter's blocks at headings of ``level`` or above: (title, blocks, anchors, is_divider)."""
    groups: list[tuple[str, list[Block], list[str], bool]] = [(chapter_title, [], [], False)]
    for b in ch.blocks:
        if isinstance(b, Heading) and b.level <= level:
            title = (b.number + " " if b.number else "") + plain_text(b.children, math=tex_to_text)
            groups.append((title, [], [b.attr.id] if b.attr.id else [], b.level < level))
            forced = tuple(c for c in b.attr.classes if c.startswith("layout-"))
            if forced:  # a layout class on the heading: the group's blocks carry it
                groups[-1][1].append(Div(Attr(classes=forced), (), pos=b.pos))
        else:
            groups[-1][1].append(b)
    out = []
    for i, (title, blocks, anchors, divider) in enumerate(groups):
        if divider and any(not (isinstance(b, Div) and not b.blocks) for b in blocks):
            divider = False
        if i == 0 and not blocks:
            continue
        out.append((title, tuple(blocks), anchors, divider))
    return out


def plain_code(code: str, language: str) -> list[tuple[Token, ...]]:
    """Code lines without highlighting."""
    return [(Token(line),) if line else () for line in code.expandtabs(4).split("\n")]


def highlight(code: str, language: str, style: str = "friendly") -> list[tuple[Token, ...]]:
    """Code lines as Pygments-coloured tokens (colours and italics of ``style``, never bold: on a slide a
    line of one bold keyword, such as ``[dependencies]`` or ``where``, reads as a subheading, and the
    colour already marks it)."""
    from pygments.styles import get_style_by_name

    if find_lexer(language) is None:
        return plain_code(code, language)
    st = get_style_by_name(style)
    lines: list[list[Token]] = [[]]
    for ttype, value in token_runs(code.expandtabs(4), language):  # joins to exactly the code
        s = token_style(st, ttype)
        for k, part in enumerate(value.split("\n")):
            if k:
                lines.append([])
            if part:
                lines[-1].append(Token(part, s["color"] or "", italic=bool(s["italic"])))
    return [tuple(line) for line in lines]
