"""benchmarks/watch_edit.py edits a word differently every time and configures each engine row as named."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

from tests.support import REPO


def load_script():
    spec = importlib.util.spec_from_file_location("presswork_watch_edit", REPO / "benchmarks" / "watch_edit.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_edit_is_a_text_not_seen_before(tmp_path: Path) -> None:
    bench = load_script()
    project = bench.sample_project(tmp_path, "typst-no-page-list")
    source = project / "content" / "ai-engineering-guide.md"
    original = source.read_text(encoding="utf-8")
    versions = list(bench.edits(source, 30))
    assert len(set(versions)) == 30 and original not in versions
    config = tomllib.loads((project / "presswork.toml").read_text(encoding="utf-8"))
    assert config["pdf"]["engine"] == "typst" and config["epub"]["page_list"] is False
    assert config["title"] == "AI Engineering"
