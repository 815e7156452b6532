"""Build diagnostics: errors that stop a build and warnings collected along the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .tree import Pos


class PressworkError(Exception):
    """A problem the user must fix; reported as ``path:line: message`` and exit status 1."""

    def __init__(self, message: str, pos: Pos | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = Pos(pos) if isinstance(pos, str) else pos

    def __str__(self) -> str:
        return f"{self.pos}: {self.message}" if self.pos else self.message

    def __reduce__(self) -> tuple[type, tuple[str, Pos | None]]:
        """Pickle with the position (errors travel back from ``--jobs`` worker processes)."""
        return (type(self), (self.message, self.pos))


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
