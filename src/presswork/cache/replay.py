"""What a cached computation told the reporter, recorded once and told again on every later hit.

A rebuild that takes a value from a cache must report exactly what a clean build reports. Every cache
keeps the same record, :class:`Told`, beside its value, and :func:`replay` gives it to the build's
reporter on a hit. A computation is recorded against a fresh reporter (:func:`recorded`), so the
deduplication of the build's own reporter never hides a warning from the record; reading a file is
recorded on the build's reporter from a :class:`Mark` instead, because the word audit of a file counts
the warnings already given at its lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from presswork.core.diagnostics import Reporter, Warning_
from presswork.core.tree import Pos

T = TypeVar("T")


@dataclass(frozen=True)
class Told:
    """The warnings (in order), the lines removed on purpose (path, first, last) and the word audits that a
    computation gave its reporter."""

    warnings: tuple[Warning_, ...] = ()
    removed: tuple[tuple[str, int, int], ...] = ()
    audits: tuple[Any, ...] = ()

    @classmethod
    def of(cls, reporter: Reporter) -> Told:
        """Everything ``reporter`` (a fresh one, used for one computation) was told."""
        removed = tuple((path, first, last) for path, spans in reporter.removed.items() for first, last in spans)
        return cls(tuple(reporter.warnings), removed, tuple(reporter.audits))

    def to_json(self) -> list[list[Any]]:
        """The warnings as JSON values (for caches kept as JSON; removed lines and audits belong to reading)."""
        return [[w.message, asdict(w.pos) if w.pos else None, w.category] for w in self.warnings]

    @classmethod
    def from_json(cls, data: list[list[Any]]) -> Told:
        """The record :meth:`to_json` wrote."""
        return cls(tuple(Warning_(m, Pos(**p) if p else None, c) for m, p, c in data))


class Mark:
    """A point in a reporter's record: :meth:`told` gives what it was told since."""

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        self.warned, self.audited = len(reporter.warnings), len(reporter.audits)
        self.removed = {path: len(spans) for path, spans in reporter.removed.items()}

    def told(self) -> Told:
        """The warnings, removed lines and audits given to the reporter since the mark."""
        r = self.reporter
        removed = tuple(
            (path, first, last)
            for path, spans in r.removed.items()
            for first, last in spans[self.removed.get(path, 0) :]
        )
        return Told(tuple(r.warnings[self.warned :]), removed, tuple(r.audits[self.audited :]))


def recorded(compute: Callable[[Reporter], T]) -> tuple[T, Told]:
    """``compute``'s value, run against a fresh reporter, and what it told that reporter."""
    capture = Reporter()
    value = compute(capture)
    return value, Told.of(capture)


def replay(told: Told, reporter: Reporter) -> None:
    """Tell ``reporter`` everything in ``told``, as the computation did."""
    for w in told.warnings:
        reporter.warn(w.message, w.pos, w.category)
    for path, first, last in told.removed:
        reporter.removed.setdefault(path, []).append((first, last))
    reporter.audits.extend(told.audits)
