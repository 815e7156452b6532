"""SUMMARY.md as mdBook reads it: cases taken from the tests of mdBook's parser (``summary.rs``), nesting,
numbers, trailing text and missing files."""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.build.pipeline import build, read_project
from presswork.core.diagnostics import PressworkError
from presswork.core.tree import plain_text
from presswork.project.kinds.summary import Summary, parse_summary


def summary(tmp_path: Path, text: str, kind: str = "mdbook", missing: tuple[str, ...] = ()) -> Summary:
    """``text`` parsed as the SUMMARY.md of a folder in which every file it links to exists (but ``missing``)."""
    import re

    (tmp_path / "SUMMARY.md").write_text(text)
    for target in re.findall(r"\]\(<?([^)>#]+)", text):
        path = tmp_path / target.replace("%20", " ")
        if target not in missing:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"# {path.stem}\n\nText of {path.stem}.\n")
    return parse_summary(tmp_path / "SUMMARY.md", tmp_path, "SUMMARY.md", kind=kind)


def rows(found: Summary) -> list[tuple[str, str, int, str]]:
    return [(e.title, e.part, e.depth, e.number) for e in found.entries]


def test_initial_title_is_the_title_not_a_part(tmp_path: Path) -> None:  # parse_initial_title
    found = summary(tmp_path, "# My **Awesome** Summary\n\n- [First](first.md)\n")
    assert found.title == "My Awesome Summary"
    assert rows(found) == [("First", "", 1, "1")]


def test_prefix_items_and_separator(tmp_path: Path) -> None:  # parse_prefix_items_with_a_separator
    found = summary(tmp_path, "[First](./first.md)\n\n---\n\n[Second](./second.md)\n")
    assert rows(found) == [("First", "", 1, ""), ("Second", "", 1, "")]


def test_nested_numbered_chapters(tmp_path: Path) -> None:  # parse_nested_numbered_chapters
    found = summary(tmp_path, "- [First](./first.md)\n  - [Nested](./nested.md)\n- [Second](./second.md)")
    assert rows(found) == [("First", "", 1, "1"), ("Nested", "", 2, "1.1"), ("Second", "", 1, "2")]


def test_numbered_chapters_separated_by_comment(tmp_path: Path) -> None:
    found = summary(tmp_path, "- [First](./first.md)\n<!-- this is a comment -->\n- [Second](./second.md)")
    assert rows(found) == [("First", "", 1, "1"), ("Second", "", 1, "2")]


def test_titled_parts_continue_the_numbers(tmp_path: Path) -> None:  # parse_titled_parts
    found = summary(
        tmp_path,
        "- [First](./first.md)\n- [Second](./second.md)\n# Title 2\n- [Third](./third.md)\n\t- [Fourth](./fourth.md)",
    )
    assert rows(found) == [
        ("First", "", 1, "1"),
        ("Second", "", 1, "2"),
        ("Third", "Title 2", 1, "3"),
        ("Fourth", "Title 2", 2, "3.1"),
    ]


def test_a_subheading_between_items_is_no_part_in_mdbook(tmp_path: Path) -> None:
    # can_have_a_subheader_between_nested_items
    found = summary(tmp_path, "- [First](./first.md)\n\n## Subheading\n\n- [Second](./second.md)\n")
    assert rows(found) == [("First", "", 1, "1"), ("Second", "", 1, "2")]


def test_any_heading_is_a_part_in_honkit(tmp_path: Path) -> None:
    found = summary(tmp_path, "# Summary\n\n* [First](first.md)\n\n### Part Two\n\n* [Second](second.md)\n", "honkit")
    assert rows(found) == [("First", "", 1, "1"), ("Second", "Part Two", 1, "2")]


def test_a_draft_keeps_its_number(tmp_path: Path) -> None:  # an_empty_link_location_is_a_draft_chapter
    found = summary(tmp_path, "- [Empty]()\n- [Full](full.md)\n")
    assert rows(found) == [("Full", "", 1, "2")]
    assert ("SUMMARY.md", 1, "draft chapter 'Empty' (no file) left out") in found.notes


def test_links_with_spaces(tmp_path: Path) -> None:  # keep_spaces
    found = summary(tmp_path, "- [test1](./test%20link1.md)\n- [test2](<./test link2.md>)")
    assert [e.path.name for e in found.entries] == ["test link1.md", "test link2.md"]


def test_html_comments_are_skipped(tmp_path: Path) -> None:  # skip_html_comments
    found = summary(
        tmp_path,
        "<!--\n# Title - En\n-->\n# Title - Local\n\n<!--\n[Prefix 00-01 - En](ch00-01.md)\n-->\n"
        "[Prefix 00-01 - Local](ch00-01.md)\n",
    )
    assert found.title == "Title - Local"
    assert rows(found) == [("Prefix 00-01 - Local", "", 1, "")]


def test_text_after_the_link_keeps_the_chapter(tmp_path: Path) -> None:
    found = summary(tmp_path, "- [Cancellation](part-reference/cancellation.md) (cancellation safety)\n")
    assert rows(found) == [("Cancellation", "", 1, "1")]
    assert any(line == 1 and "not part of the outline" in message for _, line, message in found.notes)


def test_deep_nesting_and_code_in_titles(tmp_path: Path) -> None:
    found = summary(
        tmp_path,
        "# Summary\n\n- [A](a.md)\n    - [B `b`](b.md)\n        - [C](c.md)\n    - [D](d.md)\n- [E](e.md)\n",
    )
    assert rows(found) == [
        ("A", "", 1, "1"),
        ("B b", "", 2, "1.1"),
        ("C", "", 3, "1.1.1"),
        ("D", "", 2, "1.2"),
        ("E", "", 1, "2"),
    ]


def mdbook(tmp_path: Path, summary_text: str, files: dict[str, str]) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "book.toml").write_text('[book]\ntitle = "Fixture"\n')
    (tmp_path / "src" / "SUMMARY.md").write_text(summary_text)
    for name, text in files.items():
        (tmp_path / "src" / name).write_text(text)
    return tmp_path


def test_a_missing_file_is_an_empty_chapter_and_an_error_under_strict(tmp_path: Path) -> None:
    book = mdbook(
        tmp_path,
        "# Summary\n\n- [One](one.md)\n- [Overview: basic algorithm](8.1.1-overview:-basic-algorithm.md)\n",
        {"one.md": "# One\n\nWords.\n"},
    )
    doc = read_project(book)
    assert [plain_text(ch.title) for ch in doc.chapters] == ["One", "Overview: basic algorithm"]
    with pytest.raises(PressworkError) as err:
        build(book, ["epub"], strict=True)
    assert "SUMMARY.md:4" in str(err.value) and "does not exist" in str(err.value)


def test_nesting_reaches_the_tree_numbers_and_print_breaks(tmp_path: Path) -> None:
    book = mdbook(
        tmp_path,
        "# The Book\n\n- [Getting Started](ch01.md)\n  - [Installation](ch01-01.md)\n- [Guessing](ch02.md)\n",
        {
            "ch01.md": "# Getting Started\n\nIntro.\n",
            "ch01-01.md": "# Installation\n\nInstall.\n",
            "ch02.md": "# Guessing\n\nGuess.\n",
        },
    )
    (book / "presswork.toml").write_text("number_sections = true\n")
    doc = read_project(book)
    assert [(plain_text(ch.title), ch.depth, ch.number, ch.part) for ch in doc.chapters] == [
        ("Getting Started", 1, "1", ""),
        ("Installation", 2, "1.1", ""),
        ("Guessing", 1, "2", ""),
    ]
    from presswork.exporters.common.breaking import chapter_breaks
    from presswork.exporters.common.contents import book_contents

    assert chapter_breaks(doc.chapters, "auto") == [True, False, True]
    toc = book_contents(doc, 1, "epub", parts=True)
    assert [(e.title, [c.title for c in e.subchapters]) for e in toc] == [
        ("Getting Started", ["Installation"]),
        ("Guessing", []),
    ]


def test_parts_never_restart_the_page_numbers(tmp_path: Path) -> None:
    """A book that opens with a part: folios, page labels and contents numbers run on through every chapter."""
    import re
    import subprocess

    from pypdf import PdfReader

    words = " ".join(f"word{i}" for i in range(500))
    chapters = {f"ch{n}.md": f"# Chapter {n}\n\n{words}\n\n{words}\n" for n in range(1, 5)}
    book = mdbook(
        tmp_path,
        "# Summary\n\n# First part\n\n- [Chapter 1](ch1.md)\n- [Chapter 2](ch2.md)\n\n"
        "# Second part\n\n- [Chapter 3](ch3.md)\n- [Chapter 4](ch4.md)\n",
        chapters,
    )
    pdf = build(book, ["pdf"]).outputs["pdf"]
    labels = [PdfReader(pdf).page_labels[i] for i in range(len(PdfReader(pdf).pages))]
    arabic = [int(label) for label in labels if label.isdigit()]
    assert arabic == list(range(1, len(arabic) + 1))  # one sequence from the first part to the end
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    contents = text.split("\f")[next(i for i, page in enumerate(text.split("\f")) if "Contents" in page)]
    numbers = [int(n) for n in re.findall(r"Chapter \d\s*\.+\s*(\d+)", contents)]
    assert len(numbers) == 4 and numbers == sorted(set(numbers)) and numbers[0] > 1


def test_the_deck_agenda_nests_sub_chapters(tmp_path: Path) -> None:
    from pptx import Presentation

    book = mdbook(
        tmp_path,
        "# The Book\n\n- [Getting Started](ch01.md)\n  - [Installation](ch01-01.md)\n- [Guessing](ch02.md)\n",
        {
            "ch01.md": "# Getting Started\n\nIntro.\n",
            "ch01-01.md": "# Installation\n\nInstall.\n",
            "ch02.md": "# Guessing\n\nGuess.\n",
        },
    )
    deck = Presentation(str(build(book, ["pptx"]).outputs["pptx"]))
    agenda = next(s for s in deck.slides if s.shapes.title is not None and s.shapes.title.text == "Agenda")
    paragraphs = [
        (p.text, p.level) for shape in agenda.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs
    ]
    assert [p for p in paragraphs if p[0] in {"Getting Started", "Installation", "Guessing"}] == [
        ("Getting Started", 0),
        ("Installation", 1),
        ("Guessing", 0),
    ]


def test_the_pdf_outline_nests_sub_chapters_as_the_contents_do(tmp_path: Path) -> None:
    """A viewer's bookmarks show "Installation" under "Getting Started", not beside it."""
    from pypdf import PdfReader

    book = mdbook(
        tmp_path,
        "# The Book\n\n- [Getting Started](ch01.md)\n  - [Installation](ch01-01.md)\n    - [Linux](ch01-01-01.md)\n"
        "- [Guessing](ch02.md)\n",
        {
            "ch01.md": "# Getting Started\n\nIntro.\n",
            "ch01-01.md": "# Installation\n\nInstall.\n\n## Checking\n\nCheck.\n",
            "ch01-01-01.md": "# Linux\n\nApt.\n",
            "ch02.md": "# Guessing\n\nGuess.\n",
        },
    )
    outline = PdfReader(build(book, ["pdf"]).outputs["pdf"]).outline

    def titles(items: list[object]) -> list[object]:
        return [titles(item) if isinstance(item, list) else item.title for item in items]  # type: ignore[attr-defined]

    assert titles(outline)[-3:] == ["Getting Started", ["Installation", ["Checking", "Linux"]], "Guessing"]
