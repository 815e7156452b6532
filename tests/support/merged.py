"""The check both PDF engines' merged-book caches pass: nothing changed, nothing merged; an edit, a clean build's bytes."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Sized
from pathlib import Path

import pytest


def check_the_merged_book_is_kept(
    folder: Path,
    target: Path,
    build: Callable[[], object],
    merges: Sized,
    caplog: pytest.LogCaptureFixture,
    logger: str,
    edit: str,
) -> int:
    """``folder``'s book is built in ``target``, and ``merges`` records each merge step the test spies on. Built
    again with nothing changed and its output damaged by hand: nothing is merged, the log says so, and the bytes
    are the first build's. Then a sentence appended to ``edit``: the book merges again, and equals a clean build.
    Returns the number of merge steps the edited build took."""
    first = target.read_bytes()
    target.write_bytes(b"damaged by hand")
    before = len(merges)
    with caplog.at_level(logging.INFO, logger=logger):
        build()
    assert len(merges) == before, "the book was merged again with nothing changed"
    assert "merged book taken from the cache" in caplog.text
    assert target.read_bytes() == first, "the kept book differs from the one merged"
    with (folder / edit).open("a", encoding="utf-8") as f:
        f.write("\nA sentence added after the first build.\n")
    build()
    steps, edited = len(merges) - before, target.read_bytes()
    shutil.rmtree(folder / ".presswork-cache")
    build()
    assert target.read_bytes() == edited, "the rebuilt book differs from a clean build of the edited book"
    return steps
