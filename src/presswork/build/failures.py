"""Formats that could not be written: one format's failure named with where it happened, the build's failed formats together."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Block, Chapter, Pos


class FormatFailed(PressworkError):
    """One format that could not be written (an unexpected failure inside its exporter); the other
    formats are still written."""

    def __init__(self, name: str, reason: str, where: Pos | None = None) -> None:
        super().__init__(f"{name}: could not be written: {reason}" + (f" ({where})" if where else ""))
        self.name = name
        self.reason = reason
        self.where = where

    def __reduce__(self) -> tuple[type, tuple[str, str, Pos | None]]:  # type: ignore[override]
        """Pickle with the format and place (failures travel back from ``--jobs`` worker processes)."""
        return (type(self), (self.name, self.reason, self.where))


class FormatsFailed(PressworkError):
    """The formats of a build that could not be written, each a :class:`FormatFailed`; ``result`` holds what
    the build did write (a :class:`~presswork.build.result.BuildResult`)."""

    def __init__(self, failures: list[FormatFailed], written: list[str], result: Any = None) -> None:
        names = ", ".join(f.name for f in failures)
        others = f"; {', '.join(written)} {'was' if len(written) == 1 else 'were'} written" if written else ""
        super().__init__(f"{names} could not be written{others}")
        self.failures = failures
        self.written = written
        self.result = result


def where_it_failed(tb: TracebackType | None) -> Pos | None:
    """The source position of the block (else the chapter) an exporter was working on when it failed: the
    innermost frame of the traceback that holds one in a local variable; None when none does."""
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    chapter: Pos | None = None
    for frame in reversed(frames):
        for value in frame.f_locals.values():
            if isinstance(value, Block) and value.pos is not None and value.pos.line:
                return value.pos
            if chapter is None and isinstance(value, Chapter):
                chapter = Pos(value.source)
    return chapter
