"""Where lines and pages may break: chapter openings, and honest break points in URLs and identifiers.

Shared by the print and EPUB exporters so that both follow the same rules:

- a chapter opens a new page when it begins a source file or was a ``#`` section; the ``##``
  sections of a single-file guide and the sub-chapters of a book's outline (a SUMMARY.md entry
  nested in another) run on (``chapter_break = "auto"``);
- URLs and long identifiers may break after ``/ . _ - ? & =`` and nowhere else, and never
  with an added hyphen (a hyphen the reader would type).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from presswork.core.tree import Chapter

ChapterBreak = Literal["auto", "page", "none"]

#: Characters after which a URL or identifier may break.
BREAK_AFTER = "/._-?&="
#: Tokens shorter than this never get break points (they fit any line).
MIN_BREAKABLE = 12
#: A paragraph holding an unbreakable run of at least this many characters is set ragged:
#: justified, the words of its line would be spread far apart.
RAGGED_RUN = 28

_BREAK_RE = re.compile(r"([/._\-?&=])(?=[^/._\-?&=\s])")
_URLISH = re.compile(r"^[a-z][a-z0-9+.-]*://|^www\.|[/._]\w", re.IGNORECASE)


def chapter_breaks(chapters: Sequence[Chapter], mode: ChapterBreak) -> list[bool]:
    """For each chapter, whether it opens a new page.

    ``"page"``: every chapter does; ``"none"``: only the first; ``"auto"``: a chapter that
    begins its source file or came from a top-level (``#``) heading does, so the ``##``
    sections of a single-file guide run on under the book title; a sub-chapter of the book's
    outline (``depth`` 2 or more) runs on after its chapter, unless it opens a book part.
    """
    out: list[bool] = []
    previous, previous_part = "", ""
    for i, ch in enumerate(chapters):
        if mode == "page" or i == 0 or (ch.part and ch.part != previous_part):
            out.append(True)
        elif mode == "none":
            out.append(False)
        elif ch.depth > 1:
            out.append(False)
        else:
            out.append(ch.source != previous or ch.source_level <= 1)
        previous, previous_part = ch.source, ch.part
    return out


def is_breakable_token(text: str) -> bool:
    """True for a URL, path or identifier long enough to need break points."""
    return len(text) >= MIN_BREAKABLE and " " not in text.strip() and bool(_URLISH.search(text))


def break_points(text: str, mark: str = "\u200b") -> str:
    """``text`` with ``mark`` after each ``/ . _ - ? & =`` that is followed by more of the token.

    A run of separators (``://``, ``..``) is kept together; nothing is added to a short token.
    The mark is a zero-width break opportunity: no hyphen is drawn and copied text loses nothing visible.
    """
    if not is_breakable_token(text):
        return text
    return _BREAK_RE.sub(lambda m: m.group(1) + mark, text)


def longest_run(text: str) -> int:
    """Length of the longest run of characters without a space or an allowed break point."""
    runs = re.split(r"[\s/._\-?&=\u200b]+", text)
    return max((len(r) for r in runs), default=0)
