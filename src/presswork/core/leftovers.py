"""Large objects a build is done with, let go with its process rather than freed one by one on the critical path."""

from __future__ import annotations

#: What the builds of this process are done with: freed by the next build (:func:`let_go`), or never, when the
#: process leaves first (the command line leaves with ``os._exit``; a forked format worker ends the same way).
_done_with: list[object] = []


def keep_until_next_build(*objects: object) -> None:
    """Keep ``objects`` (a build no longer needs them) until the next build of this process starts. Freeing
    qpdf's objects of a 100-chapter book's merge one by one takes about 0.25 s, after its PDF is written."""
    _done_with.extend(objects)


def let_go() -> None:
    """Free what the previous builds of this process were done with (a build's first step: ``watch``, ``preview``
    and tests build many times in one process)."""
    _done_with.clear()
