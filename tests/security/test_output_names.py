"""Hostile output names: ``output_name`` becomes one safe file name inside ``--out``, or a usage error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from presswork.build.staging import safe_stem

CHAPTER = "# A\n\nSome text.\n"


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("../../x", "x"),
        ("../../victim/stuff", "victim-stuff"),
        ("..\\..\\x", "x"),
        ("sub/dir/book", "sub-dir-book"),
        (".hidden", "hidden"),
        ("tab\there\nand line", "tabhereand line"),
    ],
)
def test_output_name_is_one_safe_segment_inside_out(presswork, make_book, name: str, stem: str) -> None:
    """Nothing is written or replaced outside the output folder; a folder output (the HTML site) of the
    same name outside it keeps its files."""
    book = make_book({"presswork.toml": f"output_name = {json.dumps(name)}\n", "01-a.md": CHAPTER})
    outside = book.parent / "x-site"
    outside.mkdir()
    (outside / "important.txt").write_text("keep me")
    around = listing(book.parent.parent)
    result = presswork("build", book, "--format", "html,epub")
    assert result.status == 0, result.err
    assert sorted(p.name for p in (book / "output").iterdir()) == [f"{stem}-site", f"{stem}.epub"]
    assert f"output_name {name!r} is not a plain file name; the outputs are named {stem!r}" in result.err
    new = [p for p in listing(book.parent.parent) if p not in around]
    assert all(p.startswith(f"{book.parent.name}/book/") for p in new), new
    assert (outside / "important.txt").read_text() == "keep me"


@pytest.mark.parametrize("name", ["..", "../..", "./.", "./.."])
def test_output_name_with_nothing_safe_in_it_is_a_usage_error(presswork, make_book, name: str) -> None:
    book = make_book({"presswork.toml": f"output_name = {json.dumps(name)}\n", "a.md": CHAPTER})
    around = listing(book.parent.parent)
    result = presswork("build", book, "--format", "epub,html")
    assert result.status == 2, result.err
    assert "presswork.toml: output_name " in result.err and "nothing that can be used as a file name" in result.err
    new = [p for p in listing(book.parent.parent) if p not in around]
    assert all(p.startswith(f"{book.parent.name}/book/.presswork-cache") for p in new), new  # the read cache only


def test_an_output_name_with_a_nul_is_refused_at_load(presswork, make_book) -> None:
    book = make_book({"presswork.toml": 'output_name = "\\u0000"\n', "a.md": CHAPTER})
    result = presswork("build", book, "--format", "epub,html")
    assert result.status == 1, result.err
    assert "presswork.toml:1: key 'output_name' holds the control character U+0000" in result.err
    assert not (book / "output").exists()


def test_an_absolute_output_name_stays_inside_out(presswork, make_book) -> None:
    book = make_book({"01-a.md": CHAPTER})
    target = book.parent / "elsewhere" / "book"
    (book / "presswork.toml").write_text(f"output_name = {json.dumps(str(target))}\n")
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err
    stem = "-".join(target.parts[1:])
    assert [p.name for p in (book / "output").iterdir()] == [f"{stem}.epub"]
    assert not target.parent.exists()


def test_safe_stem_keeps_ordinary_names() -> None:
    for name in ("book", "My Book 2e", "livre-été", "本", "a.b", "v1.2"):
        assert safe_stem(name) == name
    assert len(safe_stem("x" * 400).encode()) <= 150
