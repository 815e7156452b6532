"""Real mdBook and GitBook books read as their tools show them: outline depth, no chapter lost, titles.

Marked ``realbooks`` (deselected by default); each book is skipped when /work/corpus (or
$PRESSWORK_CORPUS) does not hold it (see /work/corpus/MANIFEST.md for the commits).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from presswork.build.pipeline import read_project
from presswork.core.tree import plain_text
from presswork.project.kinds import detect

CORPUS = Path(os.environ.get("PRESSWORK_CORPUS", "/work/corpus"))

pytestmark = [pytest.mark.realbooks, pytest.mark.slow]


def _book(name: str) -> Path:
    root = CORPUS / name
    if not root.is_dir():
        pytest.skip(f"{root} not present (see /work/corpus/MANIFEST.md)")
    return root


def _list_levels(summary: Path) -> int:
    """How deep the SUMMARY.md nests its entries, read apart from the parser: by the indentation of its
    list items (a heading starts a new list)."""
    stack: list[int] = []
    deepest = 0
    for line in summary.read_text().splitlines():
        if line.startswith("#"):
            stack = []
            continue
        item = re.match(r"^(\s*)[-*+] \[[^\]]*\]\([^)]*\)", line)
        if item:
            indent = len(item.group(1).expandtabs(4))
            while stack and stack[-1] >= indent:
                stack.pop()
            stack.append(indent)
            deepest = max(deepest, len(stack))
    return deepest


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        ("book", "src/SUMMARY.md"),
        ("rust-by-example", "src/SUMMARY.md"),
        ("async-book", "src/SUMMARY.md"),
        ("nomicon", "src/SUMMARY.md"),
        ("api-guidelines", "src/SUMMARY.md"),
        ("docker_practice", "SUMMARY.md"),
        ("gitbook-javascript", "SUMMARY.md"),
        ("ml-interviews-book", "SUMMARY.md"),
    ],
)
def test_outline_depth_is_the_summary_depth(name: str, summary: str) -> None:
    root = _book(name)
    project = detect(root)
    assert project is not None
    assert max(e.depth for e in project.entries) == _list_levels(root / summary)


def test_rust_book_has_no_part_from_its_title_line() -> None:
    project = detect(_book("book"))
    assert project is not None and not any(e.part for e in project.entries)


def test_async_book_keeps_a_chapter_with_text_after_its_link() -> None:
    project = detect(_book("async-book"))
    assert project is not None
    assert "Cancellation and cancellation safety" in [e.title for e in project.entries]


def test_ml_interviews_book_gets_its_missing_chapter_and_its_readme_title() -> None:
    project = detect(_book("ml-interviews-book"))
    assert project is not None
    assert ("8.1.1 Overview: Basic algorithm", True) in [(e.title, e.missing) for e in project.entries]
    assert project.settings["title"] == "Introduction to Machine Learning Interviews Book"


def test_the_art_of_command_line_is_titled_by_its_heading_and_split_at_its_sections() -> None:
    doc = read_project(_book("the-art-of-command-line") / "README.md")
    assert doc.meta.title == "The Art of Command Line"
    assert [plain_text(ch.title) for ch in doc.chapters][1:4] == ["Meta", "Basics", "Everyday use"]
