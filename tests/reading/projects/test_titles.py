"""A book's title as its own tool shows it: a one-file guide's first heading, a GitBook's README heading."""

from __future__ import annotations

from pathlib import Path

from presswork.build.pipeline import read_project
from presswork.core.tree import plain_text


def test_a_guide_with_a_language_bar_above_its_title_is_titled_by_it_and_split_at_its_sections(
    tmp_path: Path,
) -> None:
    (tmp_path / "guide").mkdir()
    readme = tmp_path / "guide" / "README.md"
    readme.write_text(
        "🌍\n*[Čeština](README-cs.md) ∙ [English](README.md)*\n\n\n# The Art of Command Line\n\n"
        "Fluency on the command line.\n\n## Meta\n\nScope.\n\n## Basics\n\nLearn bash.\n"
    )
    doc = read_project(readme)
    assert doc.meta.title == "The Art of Command Line"
    assert [plain_text(ch.title) for ch in doc.chapters] == ["The Art of Command Line", "Meta", "Basics"]
    first = " ".join(plain_text(getattr(b, "children", ())) for b in doc.chapters[0].blocks)
    assert "English" in first and "Fluency" in first  # the language bar and the introduction are kept


def test_a_gitbook_without_a_title_is_titled_by_its_readme_heading(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (4, 4)).save(tmp_path / "cover.png")
    (tmp_path / "book.json").write_text('{"root": "./"}')
    (tmp_path / "README.md").write_text(
        '<p align="center">\n  <img src="cover.png" alt="cover"/>\n</p>\n\n## Introduction to the Book\n\nHello.\n'
    )
    (tmp_path / "SUMMARY.md").write_text("# Summary\n\n* [Introduction](README.md)\n* [One](one.md)\n")
    (tmp_path / "one.md").write_text("# One\n\nText.\n")
    assert read_project(tmp_path).meta.title == "Introduction to the Book"
