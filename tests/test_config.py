"""Configuration loading, validation and metadata merging."""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.core.config import load_config
from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Author, Pos
from presswork.project.metadata import build_meta, parse_date

ROOT = Path(__file__).resolve().parents[1]


def test_sample_config_comes_from_pyproject() -> None:
    config = load_config(ROOT)
    assert config.config_file == ROOT / "pyproject.toml"
    assert config.title == "AI Engineering"
    assert config.content == "content"


def test_presswork_toml_wins_and_format_tables_are_kept(tmp_path: Path) -> None:
    (tmp_path / "presswork.toml").write_text('title = "Book"\nauthors = ["A", "B (edt)"]\n[pdf]\npage_size = "A5"\n')
    config = load_config(tmp_path)
    assert config.title == "Book"
    assert config.authors == ("A", "B (edt)")
    assert config.format_options == {"pdf": {"page_size": "A5"}}


def test_unknown_key_names_it_and_suggests(tmp_path: Path) -> None:
    (tmp_path / "presswork.toml").write_text('titel = "Book"\n')
    with pytest.raises(PressworkError) as err:
        load_config(tmp_path)
    assert "'titel'" in str(err.value) and "did you mean 'title'" in str(err.value)
    assert str(err.value).startswith("presswork.toml")


def test_unknown_format_section_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "presswork.toml").write_text('[pfd]\npage_size = "A5"\n')
    with pytest.raises(PressworkError, match="did you mean 'pdf'"):
        load_config(tmp_path)


def test_wrong_type_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "presswork.toml").write_text('toc_depth = "two"\n')
    with pytest.raises(PressworkError, match="toc_depth"):
        load_config(tmp_path)


def test_broken_toml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "presswork.toml").write_text('title = "ok"\nauthors = [\n')
    with pytest.raises(PressworkError) as err:
        load_config(tmp_path)
    assert err.value.pos is not None and err.value.pos.file == "presswork.toml" and err.value.pos.line >= 2


@pytest.mark.parametrize(
    "text, iso",
    [
        ("04 Mar 2025", "2025-03-04"),
        ("2025-03-04", "2025-03-04"),
        ("March 4, 2025", "2025-03-04"),
        ("4 March 2025", "2025-03-04"),
    ],
)
def test_dates(text: str, iso: str) -> None:
    assert parse_date(text, "publishDate", Pos("a.md", 3)) == iso


def test_unknown_date_format_names_file_and_field() -> None:
    with pytest.raises(PressworkError) as err:
        parse_date("the fourth of March", "publishDate", Pos("content/a.md", 4))
    assert str(err.value).startswith("content/a.md:4: publishDate")


def test_front_matter_maps_to_metadata_and_config_wins(tmp_path: Path) -> None:
    front = {
        "title": "FM title",
        "description": "Blurb",
        "tags": ["ai", "career"],
        "publishDate": "04 Mar 2025",
        "updatedDate": "05 Mar 2025",
        "draft": False,
        "heroImage": None,
    }
    meta = build_meta(load_config(tmp_path), front, Pos("a.md", 1))
    assert (meta.title, meta.description, meta.subjects) == ("FM title", "Blurb", ("ai", "career"))
    assert (meta.date, meta.modified, meta.language) == ("2025-03-04", "2025-03-05", "en")
    (tmp_path / "presswork.toml").write_text('title = "Config title"\nauthors = ["Ada (edt)"]\ndate = "2024-01-02"\n')
    meta = build_meta(load_config(tmp_path), front, Pos("a.md", 1))
    assert meta.title == "Config title" and meta.date == "2024-01-02"
    assert meta.authors == (Author("Ada", "edt"),)


def test_metadata_shown_to_readers_gets_the_text_s_typographic_punctuation(tmp_path: Path) -> None:
    front = {"title": 'The "Real" Guide', "subtitle": "It's easy -- really...", "description": "A 'short' blurb"}
    meta = build_meta(load_config(tmp_path), front, Pos("a.md", 1))
    assert meta.title == "The \u201cReal\u201d Guide"
    assert meta.subtitle == "It\u2019s easy \u2013 really\u2026"
    assert meta.description == "A \u2018short\u2019 blurb"
