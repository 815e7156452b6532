"""Build diagnostics: errors that stop a build and warnings collected along the way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from presswork.core.tree import Pos


class PressworkError(Exception):
    """A problem the user must fix; reported as ``path:line: message`` and exit status 1."""

    def __init__(self, message: str, pos: Pos | str | None = None, column: int = 0) -> None:
        message = clip_message(message)
        super().__init__(message)
        self.message = message
        self.pos = Pos(pos) if isinstance(pos, str) else pos
        #: The 1-based column of the problem in its line (0 = not known): the caret goes there.
        self.column = column

    def __str__(self) -> str:
        return f"{self.pos}: {self.message}" if self.pos else self.message

    def __reduce__(self) -> tuple[type, tuple[str, Pos | None, int]]:
        """Pickle with the position (errors travel back from ``--jobs`` worker processes)."""
        return (type(self), (self.message, self.pos, self.column))


def too_deep(max_nesting: int, what: str, depth: int, pos: Pos | None, at_least: bool = False) -> PressworkError:
    """The error for ``what`` (``lists, quotes and divs``) nested ``depth`` levels deep (``at_least``:
    or deeper, when the parser stopped counting), past ``max_nesting``."""
    return PressworkError(
        f"nesting deeper than {max_nesting} levels: {what} nested {'at least ' if at_least else ''}{depth} "
        f"levels deep (max_nesting = {max_nesting}; raise it to allow this)",
        pos,
    )


class OutputFailed(PressworkError):
    """An exporter could not make its output from this book (e.g. a compiler it runs rejected the
    generated source): that format fails, the other formats are still written."""


class UsageError(PressworkError):
    """A wrong command-line choice (unknown format, theme, option); exit status 2."""


@dataclass(frozen=True)
class Warning_:
    """One warning: where, what, and a short category (``alt-text``, ``link``, ``glyph``, ``html``...)."""

    message: str
    pos: Pos | None = None
    category: str = "general"

    def __str__(self) -> str:
        return f"{self.pos}: warning: {self.message}" if self.pos else f"warning: {self.message}"


@dataclass
class Reporter:
    """Collects warnings during a build; ``strict`` makes the build fail on any of them."""

    strict: bool = False
    warnings: list[Warning_] = field(default_factory=list)
    #: Source lines (first, last) per file whose content was removed on purpose, each with a warning
    #: at its first line; the word audit (reading.audit) does not count their words as lost.
    removed: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    #: Word audits of the files read (reading.audit.Audit), for ``presswork check``.
    audits: list[Any] = field(default_factory=list)
    _seen: set[tuple[str, str]] = field(default_factory=set)

    def warn(self, message: str, pos: Pos | str | None = None, category: str = "general") -> None:
        """Record a warning once (the same message at the same place is kept only once)."""
        message = clip_message(message)
        p = Pos(pos) if isinstance(pos, str) else pos
        key = (str(p), message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.warnings.append(Warning_(message, p, category))

    def sorted(self) -> list[Warning_]:
        """The warnings by file and line (those without a place first), in order of report within a line."""
        return sorted(self.warnings, key=warning_order)


def warning_order(w: Warning_) -> tuple[str, int, int]:
    """Sort key of a warning: its file, then its notebook cell, then its line."""
    return (w.pos.file, w.pos.cell, w.pos.line) if w.pos else ("", 0, 0)


class StrictError(PressworkError):
    """Warnings that ``--strict`` turns into errors: all of them, not only the first."""

    def __init__(self, warnings: list[Warning_]) -> None:
        ordered = sorted(warnings, key=warning_order)
        first, more = ordered[0], len(ordered) - 1
        super().__init__(
            f"{first.message} (--strict turns warnings into errors{f'; {more} more' if more else ''})", first.pos
        )
        self.warnings = ordered

    def __reduce__(self) -> tuple[type, tuple[list[Warning_]]]:  # type: ignore[override]
        return (type(self), (self.warnings,))


#: Most characters of a source line a message or an excerpt shows.
EXCERPT_WIDTH = 200
#: Longest word or quoted text a message shows in full; a longer one (a ``data:`` URL) is cut to its
#: first :data:`QUOTE_SHOWN` characters.
QUOTE_WIDTH = 120
QUOTE_SHOWN = 100
#: Control characters (C0 but tab and newline, DEL, C1): never printed raw, shown as visible symbols.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LONG_QUOTED = re.compile(rf"'([^'\n]{{{QUOTE_WIDTH + 1},}})'|\"([^\"\n]{{{QUOTE_WIDTH + 1},}})\"")
_LONG_WORD = re.compile(rf"\S{{{QUOTE_WIDTH + 1},}}")


def visible(text: str) -> str:
    """``text`` with each control character replaced by one visible symbol (NUL by ␀, ESC by ␛,
    others by U+FFFD), so that no raw control character reaches a terminal."""
    return _CONTROLS.sub(lambda m: chr(0x2400 + ord(m.group())) if m.group() < " " else "\ufffd", text)


def clip_message(message: str) -> str:
    """``message`` with control characters made visible, and every quoted text or word longer than
    :data:`QUOTE_WIDTH` characters cut (``'data:image/png;base64,iVBOR…' (100,022 characters)``)."""
    message = visible(message)

    def quoted(match: re.Match[str]) -> str:
        text = match.group(1) if match.group(1) is not None else match.group(2)
        mark = "'" if match.group(1) is not None else '"'
        return f"{mark}{text[:QUOTE_SHOWN]}…{mark} ({len(text):,} characters)"

    def word(match: re.Match[str]) -> str:
        return f"{match.group()[:QUOTE_SHOWN]}… ({len(match.group()):,} characters)"

    if len(message) > QUOTE_WIDTH:
        message = _LONG_WORD.sub(word, _LONG_QUOTED.sub(quoted, message))
    return message
