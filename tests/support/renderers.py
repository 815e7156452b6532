"""Counting the chapters a renderer really renders (the chapter caches' tests)."""

from __future__ import annotations

from typing import Any

import pytest

from presswork.core.tree import Chapter


def count_chapter_renders(monkeypatch: pytest.MonkeyPatch, renderer: type[Any]) -> list[str]:
    """The ids of the chapters ``renderer.chapter`` renders from now on (it still renders them)."""
    calls: list[str] = []
    original = renderer.chapter

    def counting(self: Any, chapter: Chapter, classes: str = "") -> str:
        calls.append(chapter.id)
        return str(original(self, chapter, classes))

    monkeypatch.setattr(renderer, "chapter", counting)
    return calls
