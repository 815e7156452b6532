"""Build diagnostics: errors that stop a build and warnings collected along the way."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .tree import Pos


class PressworkError(Exception):
    """A problem the user must fix; reported as ``path:line: message`` and exit status 1."""

    def __init__(self, message: str, pos: Pos | str | None = None, column: int = 0) -> None:
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
        p = Pos(pos) if isinstance(pos, str) else pos
        key = (str(p), message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.warnings.append(Warning_(message, p, category))

    def sorted(self) -> list[Warning_]:
        """The warnings by file and line (those without a place first), in order of report within a line."""
        return sorted(self.warnings, key=warning_order)


def warning_order(w: Warning_) -> tuple[str, int]:
    """Sort key of a warning: its file, then its line."""
    return (w.pos.file, w.pos.line) if w.pos else ("", 0)


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


def source_excerpt(root: Path, pos: Pos | None, column: int = 0, message: str = "") -> list[str]:
    """The source line at ``pos`` as a compiler shows it (``  12 | text``) and a caret under the
    problem: at the 1-based ``column`` when known, else under the first thing ``message`` quotes
    (``'#nowhere'``, ``<video>``) that stands on the line; no lines when the file or line cannot be read."""
    if pos is None or pos.line < 1:
        return []
    from . import files  # the file gate: never a line of a file that a link leads to outside the project

    path = Path(pos.file) if Path(pos.file).is_absolute() else root / pos.file
    roots = [files.real_root(path.parent) if path.is_absolute() and not path.is_relative_to(root) else root.resolve()]
    try:
        with files.open_read(path, roots) as binary, io.TextIOWrapper(binary, encoding="utf-8", errors="replace") as fh:
            text = next((line for number, line in enumerate(fh, 1) if number == pos.line), None)
    except (OSError, PressworkError):
        return []
    if text is None:
        return []
    raw = text.rstrip("\r\n")
    gutter = f"{pos.line:>4} | "
    lines = [f"{gutter}{raw.expandtabs(4)}"]
    width = 1
    if column <= 0 and message:
        column, width = _quoted_on_line(message, raw)
    if column > 0:  # the column counts characters of the line as written: tabs before it are expanded too
        offset = len(raw[: min(column, len(raw) + 1) - 1].expandtabs(4))
        lines.append(" " * (len(gutter) - 2) + "| " + " " * offset + "^" + "~" * (width - 1))
    return lines


_QUOTED = re.compile(r"'([^'\n]{2,})'|\"([^\"\n]{2,})\"|`([^`\n]+)`|(<[A-Za-z][\w-]*>)")


def _quoted_on_line(message: str, line: str) -> tuple[int, int]:
    """(1-based column, width) of the first text ``message`` quotes that occurs in ``line``; (0, 1) if none."""
    for match in _QUOTED.finditer(message):
        quoted = next(g for g in match.groups() if g)
        found = line.find(quoted[:-1] if quoted.startswith("<") else quoted)
        if found >= 0:
            return found + 1, len(quoted) - (1 if quoted.startswith("<") else 0)
    return 0, 1
