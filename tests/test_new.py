"""``presswork new DIR``: a book that builds at once, cleanly, in every format."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from presswork.core.config import Config
from presswork.exporters.registry import discover_exporters
from tests.support import epubcheck as epubcheck_support

#: Commented keys whose value is an example to fill in, not the default.
EXAMPLES = {"rights", "date", "subjects", "cover", "chapters"}


def test_new_writes_config_chapters_image_and_gitignore(presswork, tmp_path: Path) -> None:
    result = presswork("new", tmp_path / "my-first_book")
    assert result.status == 0, result.err
    book = tmp_path / "my-first_book"
    names = sorted(p.relative_to(book).as_posix() for p in book.rglob("*") if p.is_file())
    assert names == [
        ".gitignore",
        "content/01-getting-started.md",
        "content/02-writing.md",
        "content/images/pipeline.svg",
        "presswork.toml",
    ]
    assert (book / ".gitignore").read_text().split("\n")[1:3] == ["output/", ".presswork-cache/"]
    config = tomllib.loads((book / "presswork.toml").read_text())
    assert config["title"] == "My First Book" and config["content"] == "content"
    chapters = "\n".join((book / "content" / name).read_text() for name in ("01-getting-started.md", "02-writing.md"))
    for construct in (
        "\n## ",
        "\n- ",
        "\n1. ",
        "```python",
        "\nTable: ",
        "![",
        "[^notes]:",
        "!!! tip",
        "$$",
        "::: notes",
        "\n---\n",
        "::: only-slides",
        "::: no-slides",
    ):
        assert construct in chapters, construct


def test_the_config_lists_every_key_with_its_default(presswork, tmp_path: Path) -> None:
    """Uncommenting a key changes nothing (except the examples), and no key is missing."""
    presswork("new", tmp_path / "b", "--title", 'A "Quoted" Title')
    text = (tmp_path / "b" / "presswork.toml").read_text()
    assert tomllib.loads(text)["title"] == 'A "Quoted" Title'
    section, seen = "", {}
    for line in text.splitlines():
        if header := re.fullmatch(r"\[(\w+)\]", line):
            section = header.group(1)
        elif found := re.match(r"#? ?(\w+) = (.*?)(\s+#.*)?$", line):
            key, value = found.group(1), tomllib.loads(f"v = {found.group(2)}")["v"]
            seen[(section, key)] = value
    internal = {"format_options", "root", "config_file", "variables", "profiles"}  # tables: shown as examples
    defaults = {
        ("", f.name): list(f.default) if isinstance(f.default, tuple) else f.default
        for f in dataclasses.fields(Config)
        if f.name not in internal
    }
    for name, cls in discover_exporters().items():
        defaults |= {(name, f.name): f.default for f in dataclasses.fields(cls.Options)}
    assert set(seen) == set(defaults)
    for (section, key), value in seen.items():
        if key not in EXAMPLES | {"title", "authors", "language", "content"}:
            assert value == defaults[(section, key)], (section, key)


@pytest.mark.parametrize("existing", ["file", "non-empty folder"])
def test_new_refuses_an_existing_file_or_non_empty_folder(presswork, tmp_path: Path, existing: str) -> None:
    target = tmp_path / "taken"
    if existing == "file":
        target.write_text("x")
    else:
        target.mkdir()
        (target / "notes.md").write_text("# Mine\n")
    result = presswork("new", target)
    assert result.status == 2
    assert "presswork: error:" in result.err and str(target) in result.err
    assert (
        (target.read_text() == "x") if existing == "file" else sorted(p.name for p in target.iterdir()) == ["notes.md"]
    )


def test_new_accepts_an_empty_folder(presswork, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert presswork("new", tmp_path / "empty").status == 0
    assert (tmp_path / "empty" / "presswork.toml").is_file()


@pytest.mark.slow
def test_a_new_book_builds_in_every_format_without_warnings(presswork, tmp_path: Path) -> None:
    from pptx import Presentation

    assert presswork("new", tmp_path / "book").status == 0
    result = presswork("build", tmp_path / "book")
    assert result.status == 0, result.err
    assert ": warning:" not in result.err and result.err.rstrip().endswith(", 0 warnings"), result.err
    out = tmp_path / "book" / "output"
    assert sorted(p.name for p in out.iterdir()) == ["book.epub", "book.pdf", "book.pptx"]
    deck = Presentation(str(out / "book.pptx"))
    notes = " ".join(s.notes_slide.notes_text_frame.text for s in deck.slides if s.has_notes_slide)
    shown = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    assert "Speaker notes: shown to the presenter only" in notes and "appears on the slides only" in shown
    if not epubcheck_support.available():
        pytest.skip("EPUBCheck needs Java and the epubcheck package")
    problems = [
        str(m)
        for m in epubcheck_support.run_epubcheck(out / "book.epub")
        if m.severity in ("FATAL", "ERROR", "WARNING")
    ]
    assert problems == []
