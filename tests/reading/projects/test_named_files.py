"""Files the configuration names are part of the book, and one chapter built alone never replaces the book."""

from __future__ import annotations

import zipfile
from pathlib import Path

from presswork.build.pipeline import build


def project(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "presswork.toml").write_text(
        'title = "Gloss"\ncontent = "content"\nglossary = "glossary.md"\nchapters = ["01.md", "02.md"]\n'
    )
    (tmp_path / "content" / "01.md").write_text("# One\n\nAn API is here.\n")
    (tmp_path / "content" / "02.md").write_text("# Two\n\nMore words.\n")
    (tmp_path / "content" / "glossary.md").write_text("# Glossary\n\nAPI\n: Application programming interface.\n")
    return tmp_path


def epub_words(epub: Path) -> str:
    with zipfile.ZipFile(epub) as z:
        return " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))


def test_a_configured_glossary_is_part_of_a_book_with_explicit_chapters(tmp_path: Path) -> None:
    book = project(tmp_path)
    result = build(book, ["epub"], out=book / "output")
    assert "Application programming interface" in epub_words(result.outputs["epub"])


def test_one_chapter_file_is_written_under_its_own_name(tmp_path: Path) -> None:
    book = project(tmp_path)
    whole = build(book, ["epub"], out=book / "output").outputs["epub"]
    before = whole.read_bytes()
    one = build(book / "content" / "02.md", ["epub"], out=book / "output").outputs["epub"]
    assert one.name == "02.epub" and whole.name == "gloss.epub"
    assert whole.read_bytes() == before  # the book's output is left alone
    assert "More words" in epub_words(one) and "An API is here" not in epub_words(one)
