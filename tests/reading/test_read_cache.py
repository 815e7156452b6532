"""A rebuild takes unchanged files' trees, warnings and audits from the read cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from presswork.cache import store as buildcache
from presswork.cache.store import StageCache
from presswork.core.diagnostics import Reporter
from presswork.reading import cache as read_cache

TEXT = """# Chapter

A paragraph with *emphasis* and a "quote".

<script>alert(1)</script>

<blink>unknown element</blink>

[^unused]: A footnote nobody calls.
"""


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWORK_CACHE_DIR", str(tmp_path / "user"))
    monkeypatch.setattr(buildcache, "_MEMORY", {})


def _read(root: Path, text: str = TEXT, **kw: Any) -> tuple[Any, Reporter]:
    reporter = Reporter()
    source = read_cache.read_cached(StageCache(root, "read"), text, "ch.md", reporter, **kw)
    return source, reporter


def _calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = read_cache.read_markdown

    def counting(text: str, path: str, *args: Any) -> Any:
        calls.append(path)
        return real(text, path, *args)

    monkeypatch.setattr(read_cache, "read_markdown", counting)
    return calls


def test_a_cached_reading_reports_what_a_fresh_one_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _calls(monkeypatch)
    fresh, first = _read(tmp_path)
    assert first.warnings, "the fixture must warn (removed <script>, unknown <blink>, unused footnote)"
    buildcache._MEMORY.clear()  # a new process: the value comes from disk
    cached, second = _read(tmp_path)
    assert calls == ["ch.md"]  # parsed once
    assert cached == fresh
    assert second.warnings == first.warnings
    assert second.removed == first.removed and first.removed
    assert [a.lost for a in second.audits] == [a.lost for a in first.audits] and second.audits


@pytest.mark.parametrize(
    ("change", "kw"),
    [
        ("text", {"text": TEXT + "\nOne more word.\n"}),
        ("nesting", {"max_nesting": 12}),
        ("reader", {"markdown": "python-markdown"}),
    ],
)
def test_each_input_of_the_reading_is_in_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, kw: dict[str, Any]
) -> None:
    calls = _calls(monkeypatch)
    _read(tmp_path)
    _read(tmp_path, **kw)
    assert len(calls) == 2, f"a changed {change} must be read again"


def test_the_reader_code_is_in_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _calls(monkeypatch)
    _read(tmp_path)
    read_cache.reader_fingerprint.cache_clear()
    monkeypatch.setattr(read_cache, "code_fingerprint", lambda *modules: "presswork edited since")
    _read(tmp_path)
    read_cache.reader_fingerprint.cache_clear()
    assert len(calls) == 2
