"""Unique slide titles: a title repeated in the deck takes the title of the part it is in, or a number."""

from __future__ import annotations

import hashlib
import re

from presswork.exporters.pptx.model.deck import Slide

#: A continuation's counter at the end of a title: "(2/3)".
COUNTER = re.compile(r"\s*\(\d+/\d+\)\s*$")
#: Between the part's title and a repeated title, as in the deck's sub-section titles.
CRUMB = " › "


def title_key(title: str) -> str:
    """A title as compared for repeats: spaces collapsed, case folded."""
    return " ".join(title.split()).casefold()


class TitleBook:
    """The titles of the slides so far, to give each further slide a title no other slide has (screen readers
    list slides by title)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def digest(self) -> str:
        """A digest of the titles so far, continuation counters aside (a chapter's kept slides depend on them;
        an earlier chapter that only grows or loses a continuation slide leaves it unchanged)."""
        bases = sorted({COUNTER.sub("", t) for t in self.seen})
        return hashlib.sha256("\n".join(bases).encode()).hexdigest()

    def add(self, slides: list[Slide]) -> tuple[str, ...]:
        """Make the titles of ``slides`` (consecutive slides, such as a chapter's) unique and note them: a
        repeated title is prefixed with the title of the divider it comes under ("Hello, Cargo! › Summary")
        when that makes it unique, or else numbered ("Summary (2)"). The first slide of a title keeps it;
        continuations "(k/n)" are already unique. Returns the titles the slides end up with."""
        context = ""
        given = [s.title for s in slides]  # as the source names them, before any is made unique
        for i, slide in enumerate(slides):
            title = slide.title
            if title.strip() and title_key(title) in self.seen:
                own_divider = i > 0 and slides[i - 1].kind == "section" and title_key(given[i - 1]) == title_key(title)
                slide.title = self._unique(title, "" if own_divider else context)
            self.seen.add(title_key(slide.title))
            if slide.kind == "section":
                context = COUNTER.sub("", title)
        return tuple(title_key(s.title) for s in slides)

    def _unique(self, title: str, context: str) -> str:
        if context and title_key(context) != title_key(COUNTER.sub("", title)):
            crumb = f"{context}{CRUMB}{title}"
            if title_key(crumb) not in self.seen:
                return crumb
        n = 2
        while title_key(f"{title} ({n})") in self.seen:
            n += 1
        return f"{title} ({n})"


def unique_titles(slides: list[Slide]) -> None:
    """Give every slide of a deck a title no other slide has (see :meth:`TitleBook.add`)."""
    TitleBook().add(slides)
