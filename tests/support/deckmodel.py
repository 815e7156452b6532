"""Builders for deck-model tests: a paragraph of one run, and numbered filler words."""

from __future__ import annotations

from presswork.exporters.pptx.model.deck import Para, Run


def para(text: str, **kw: object) -> Para:
    """A paragraph of one run of ``text`` (``kw``: Para's other fields)."""
    return Para((Run(text),), **kw)  # type: ignore[arg-type]


def words(n: int, start: int = 0) -> str:
    """``n`` distinct words, ``word<start>`` onwards (so a test can tell which ones a slide shows)."""
    return " ".join(f"word{i}" for i in range(start, start + n))
