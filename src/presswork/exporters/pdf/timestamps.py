"""Subset fonts stamped with the build's time, so that two builds of a dated book give the same bytes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import datetime


@contextlib.contextmanager
def font_timestamps(when: datetime | None) -> Iterator[None]:
    """Stamp subset fonts with ``when`` instead of the current time.

    Without HarfBuzz's subsetter (Debian's ``libharfbuzz-subset0``), WeasyPrint subsets
    fonts with fontTools, which writes the current time into each font's ``head.modified``
    unless ``SOURCE_DATE_EPOCH`` is set: two builds of a dated book would then differ.
    ``None`` (a build that is not reproducible) leaves the environment alone.
    """
    if when is None or "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
