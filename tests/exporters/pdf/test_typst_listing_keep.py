"""A long listing split by the Typst engine keeps at least three of its lines on each page: never its first two
alone at a page's foot, never its last two alone under "(continued)"."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from presswork.commands.cli import main

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

FILLER = "This paragraph is filler that takes room on the page so the listing lands at the foot. " * 6
CODE = "fn main() {\n    {\n" + "\n".join(f"    let value_{i} = compute({i});" for i in range(30)) + "\n    }\n}"


def listing_lines_per_page(folder: Path, words: int) -> list[int]:
    """Build a chapter whose listing starts lower as ``words`` grows; the listing's lines on each page it spans."""
    extra = " ".join(["More words to push the listing down a little."] * words)
    parts = ["# Chapter\n", FILLER, FILLER, extra, f"```rust\n{CODE}\n```\n", FILLER]
    (folder / "a.md").write_text("\n\n".join(p for p in parts if p), encoding="utf-8")
    assert main(["build", str(folder), "-f", "pdf", "-q", "-j1"]) == 0
    pdf = next((folder / "output").glob("*.pdf"))
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    code = {line.strip() for line in CODE.splitlines()}
    counts = [sum(1 for line in page.splitlines() if line.strip() in code) for page in pages.split("\f")]
    return [n for n in counts if n]


@pytest.mark.parametrize("words", [0, 1, 2, 34, 35, 36])
def test_a_split_listing_keeps_three_lines_on_each_page(tmp_path: Path, words: int) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "presswork.toml").write_text('title = "L"\n[pdf]\nengine = "typst"\n', encoding="utf-8")
    counts = listing_lines_per_page(folder, words)
    assert sum(counts) == len(CODE.splitlines()), f"listing lines missing: {counts}"
    assert all(n >= 3 for n in counts), f"a page holds one or two lines of the listing alone: {counts}"
