"""Unique slide titles: a title repeated in the deck takes the title of the part it is in, or a number."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from presswork.exporters.pptx.model.deck import CalloutBox, Slide, TextBox

#: A continuation's counter at the end of a title: "(2/3)".
COUNTER = re.compile(r"\s*\(\d+/\d+\)\s*$")
#: Between the part's title and a repeated title, as in the deck's sub-section titles.
CRUMB = " › "
#: Title of a chapter named like the book (a title page) that opens with no subheading to name it.
ABOUT_TITLE = "About This Book"


def title_key(title: str) -> str:
    """A title as compared for repeats: spaces collapsed, case folded."""
    return " ".join(title.split()).casefold()


@dataclass(frozen=True)
class TitleLookups:
    """What making one run of slides' titles unique read of the titles before it (:meth:`TitleBook.add_recorded`):
    the state it started from, every title it asked about with the answer then, and the state it left. Another
    build whose titles before the run give the same answers makes the same titles (:meth:`TitleBook.replays`)."""

    cover: str
    #: The last divider before the run, when the run read it (None: it did not, so any divider before it will do).
    divider: str | None
    asked: tuple[tuple[str, bool], ...]
    cover_after: str
    #: The divider the run left, when it opened one of its own (None: the one before it stays the last).
    divider_after: str | None


class TitleBook:
    """The titles of the slides so far, to give each further slide a title no other slide has (screen readers
    list slides by title)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        #: The title slide's title: a chapter named like the book takes a title from its content.
        self.cover = ""
        #: The title of the last divider so far (a sub-chapter's repeated title takes it before its own).
        self.divider = ""
        #: While :meth:`add_recorded` runs: the titles seen before the run, and each one asked about; whether it
        #: read the divider before it, and whether it opened one of its own.
        self._before: frozenset[str] | None = None
        self._asked: dict[str, bool] = {}
        self._divider_read = False
        self._divider_own = False

    def add_recorded(self, slides: list[Slide], chapter: str = "") -> tuple[tuple[str, ...], TitleLookups]:
        """:meth:`add`, and what it read of the titles before ``slides``: a chapter kept between builds is
        used again when those answers are the same (a later chapter does not depend on every earlier title,
        only on the ones it could repeat)."""
        cover, divider = self.cover, self.divider
        self._before, self._asked = frozenset(self.seen), {}
        self._divider_read = self._divider_own = False
        try:
            titles = self.add(slides, chapter)
            asked = tuple(sorted(self._asked.items()))
            read, own = self._divider_read, self._divider_own
        finally:
            self._before, self._asked = None, {}
        return titles, TitleLookups(cover, divider if read else None, asked, self.cover, self.divider if own else None)

    def replays(self, lookups: TitleLookups) -> bool:
        """Whether a run recorded as ``lookups`` would make the same titles after the titles so far."""
        return (
            self.cover == lookups.cover
            and lookups.divider in (None, self.divider)
            and all((key in self.seen) == found for key, found in lookups.asked)
        )

    def replay(self, titles: tuple[str, ...], lookups: TitleLookups) -> None:
        """Note a kept run's ``titles`` (recorded as ``lookups``) as :meth:`add` would have."""
        self.seen.update(titles)
        self.cover = lookups.cover_after
        if lookups.divider_after is not None:
            self.divider = lookups.divider_after

    def _last_divider(self) -> str:
        """The title of the last divider so far; recorded as read when it came before the run."""
        self._divider_read = self._divider_read or not self._divider_own
        return self.divider

    def _seen(self, title: str) -> bool:
        """Whether a slide so far has ``title`` (by :func:`title_key`); recorded during :meth:`add_recorded`."""
        key = title_key(title)
        if self._before is not None:
            self._asked.setdefault(key, key in self._before)
        return key in self.seen

    def add(self, slides: list[Slide], chapter: str = "") -> tuple[str, ...]:
        """Make the titles of ``slides`` (consecutive slides, such as a chapter's) unique and note them: a
        repeated title is prefixed with the title of the divider it comes under, or of its ``chapter``
        before any divider ("Hello, Cargo! › Summary"), when that makes it unique, or else numbered
        ("Summary (2)"); a continuation keeps its count at the end ("Arc › Deref (1/2)"). The first slide
        of a title keeps it. Slides titled like the book take their part's title in front, or outside any
        part (a title page) their first subheading, else ABOUT_TITLE. Returns the titles the slides end up with."""
        context = chapter
        given = [s.title for s in slides]  # as the source names them, before any is made unique
        about = ""  # the title of this run's slides that repeat the book's title
        for i, slide in enumerate(slides):
            title = slide.title
            base = COUNTER.sub("", title)
            if slide.kind in ("content", "section") and self.cover and title_key(base) == self.cover:
                # Inside a part it is no title page: the part's title goes in front, as for any repeat.
                part = context if context and title_key(context) != title_key(base) else ""
                if not part and (divider := self._last_divider()) and title_key(divider) != title_key(base):
                    part = divider
                name = f"{part}{CRUMB}{base}" if part else heading_title(slide) or ABOUT_TITLE
                about = about or (self._unique(name, "") if self._seen(name) else name)
                slide.title = about + title[len(base) :]
            elif title.strip() and self._seen(title):
                own_divider = i > 0 and slides[i - 1].kind == "section" and title_key(given[i - 1]) == title_key(title)
                named = content_title(slide) if own_divider else ""
                slide.title = self._unique(title, "" if own_divider else context, named)
            elif slide.kind == "title":
                self.cover = title_key(title)
            self.seen.add(title_key(slide.title))
            if slide.kind == "section":
                context = self.divider = COUNTER.sub("", title)
                self._divider_own = True
        return tuple(title_key(s.title) for s in slides)

    def _unique(self, title: str, context: str, named: str = "") -> str:
        """``title`` made unique: after the title of its part, else ``named`` (taken from its content), else
        numbered."""
        base = COUNTER.sub("", title)
        count = title[len(base) :]
        for part in self._parts(context):
            if part and title_key(part) != title_key(base):
                crumb = f"{part}{CRUMB}{title}"
                if not self._seen(crumb):
                    return crumb
        if named and not self._seen(named):
            return named
        n = 2
        while self._seen(f"{base} ({n}){count}"):
            n += 1
        return f"{base} ({n}){count}"

    def _parts(self, context: str) -> Iterator[str]:
        """The parts a repeated title may be put after: its ``context``, then (when it has one) the last
        divider, read only when the context's crumb is taken."""
        yield context
        if context and (divider := self._last_divider()) != context:
            yield divider


#: Most words of a title taken from a slide's opening sentence.
CONTENT_TITLE_WORDS = 8


def content_title(slide: Slide) -> str:
    """A title for a content slide from what it shows: its first subheading, or the start of its first
    paragraph ("" for another kind of slide, a continuation, or one that opens with no text)."""
    if slide.kind != "content" or COUNTER.search(slide.title):
        return ""
    first = next((b for b in slide.boxes if isinstance(b, TextBox | CalloutBox) and b.paras), None)
    if first is None or slide.boxes.index(first) > 0:
        return ""
    para = first.paras[0]
    text = " ".join("".join(r.text for r in para.runs).split())
    if para.role == "subhead":
        return text
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].rstrip(".:")
    words = sentence.split()
    return sentence if len(words) <= CONTENT_TITLE_WORDS else " ".join(words[:CONTENT_TITLE_WORDS]).rstrip(",;") + "…"


def heading_title(slide: Slide) -> str:
    """The subheading a content slide opens with, as a title ("" when it opens otherwise)."""
    first = slide.boxes[0] if slide.boxes else None
    if not isinstance(first, TextBox | CalloutBox) or not first.paras or first.paras[0].role != "subhead":
        return ""
    return " ".join("".join(r.text for r in first.paras[0].runs).split())


def unique_titles(slides: list[Slide]) -> None:
    """Give every slide of a deck a title no other slide has (see :meth:`TitleBook.add`)."""
    TitleBook().add(slides)
