"""Ace by DAISY finds no critical or serious violation in the EPUB of the sample, the features fixture and
code-heavy real books (their code colours, footnote links and wide tables were the violations it used to find)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.ace import available, run_ace, serious

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("PRESSWORK_CORPUS", "/work/corpus"))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not available(), reason="needs Ace by DAISY (npm @daisy/ace), node and Debian's chromium"),
]


def built_epub(root: Path, out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "presswork", "build", str(root), "--format", "epub", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    (epub,) = out.glob("*.epub")
    return epub


def test_the_sample_epub_passes_ace(tmp_path: Path) -> None:
    book = tmp_path / "sample"
    shutil.copytree(REPO / "content", book / "content")
    shutil.copy(REPO / "pyproject.toml", book / "pyproject.toml")
    assert serious(run_ace(built_epub(book, tmp_path / "out"))) == {}


def test_the_features_epub_passes_ace(features_book: Path, tmp_path: Path) -> None:
    """Code, display math, wide tables, footnotes, figures: every block kind the reader makes."""
    assert serious(run_ace(built_epub(features_book, tmp_path / "out"))) == {}


@pytest.mark.realbooks
@pytest.mark.parametrize("name", ["nomicon", "You-Dont-Know-JS/get-started"])
def test_code_heavy_real_books_pass_ace(name: str, tmp_path: Path) -> None:
    source = CORPUS / name
    if not source.is_dir():
        pytest.skip(f"{source} is absent (fetch it: docs/maintainers on real books)")
    book = tmp_path / "book"
    shutil.copytree(source, book, ignore=shutil.ignore_patterns("output", ".git"))
    if not any((book / f).exists() for f in ("book.toml", "presswork.toml")):
        (book / "presswork.toml").write_text('title = "Real book"\n', encoding="utf-8")
    with (book / "presswork.toml").open("a", encoding="utf-8") as config:
        config.write("\n[epub]\npage_list = false\n")  # the page list lays out the PDF: minutes, and no Ace rule
    assert serious(run_ace(built_epub(book, tmp_path / "out"))) == {}
