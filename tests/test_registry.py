"""Exporters are plug-ins: an installed third-party exporter is discovered and run unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = '''
"""A tiny third-party exporter: counts the words of the book."""
from pathlib import Path
from dataclasses import dataclass

from presswork.exporters.base import Exporter
from presswork.core.tree import Text
from presswork.core.walk import query


class WordCount(Exporter):
    name = "wordcount"
    extension = "txt"
    description = "number of words (test plug-in)"

    @dataclass(frozen=True)
    class Options:
        label: str = "words"

    def export(self, doc, ctx, target: Path) -> None:
        words = sum(len(t.text.split()) for t in query(doc, Text))
        target.write_text(f"{ctx.options.label}={words} chapters={len(doc.chapters)}\\n")
'''


def install_plugin(site: Path) -> None:
    """Install a plug-in distribution the way pip would: a module plus .dist-info with entry points."""
    (site / "wordcount_plugin.py").write_text(PLUGIN)
    info = site / "wordcount_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: wordcount-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[presswork.exporters]\nwordcount = wordcount_plugin:WordCount\n")


def run(args: list[str], site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-m", "presswork", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder on PYTHONPATH holding the installed plug-in distribution."""
    folder = tmp_path / "site"
    folder.mkdir()
    install_plugin(folder)
    return folder


def test_installed_exporter_is_listed_and_built(site: Path, make_book) -> None:
    book = make_book(
        {
            "presswork.toml": 'title = "Plug"\n[wordcount]\nlabel = "count"\n',
            "a.md": "# One\n\nthree little words\n\n# Two\n\nfour more words here\n",
        }
    )
    listed = run(["formats"], site, book)
    assert listed.returncode == 0, listed.stderr
    assert "wordcount" in listed.stdout and "pdf" in listed.stdout

    built = run(["build", str(book), "--format", "wordcount"], site, book)
    assert built.returncode == 0, built.stderr
    assert (book / "output" / "plug.txt").read_text() == "count=9 chapters=2\n"


def test_plugin_options_are_validated(site: Path, make_book) -> None:
    book = make_book({"presswork.toml": '[wordcount]\nlabell = "x"\n', "a.md": "# One\n\ntext\n"})
    built = run(["build", str(book), "--format", "wordcount"], site, book)
    assert built.returncode == 2
    assert "unknown configuration key [wordcount] 'labell' (did you mean 'label'?)" in built.stderr
    assert "Traceback" not in built.stderr
