"""Finding the project of a SOURCE (as git and ruff find theirs), where outputs go, and usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from presswork.core.config import discover_config
from presswork.project.load import load_project

REPO = Path(__file__).resolve().parents[1]

PROJECT = {
    "presswork.toml": 'title = "The Project"\ncontent = "content"\noutput_name = "the-book"\n'
    'chapters = ["02-b.md", "01-a.md"]\n[epub]\ntoc_title = "Inhalt"\n',
    "content/01-a.md": "# Alpha\n\nFirst.\n",
    "content/02-b.md": "# Beta\n\nSecond.\n",
}


def tree(presswork, source: Path) -> dict:
    result = presswork("tree", source)
    assert result.status == 0, result.err
    return json.loads(result.out)["document"]


def test_the_content_folder_builds_as_the_project(presswork, make_book, tmp_path: Path, monkeypatch) -> None:
    book = make_book(PROJECT)
    whole = tree(presswork, book)
    monkeypatch.chdir(tmp_path)
    result = presswork("tree", book / "content")
    assert result.status == 0, result.err
    assert json.loads(result.out)["document"] == whole  # same title, same configured chapter order
    assert [c["id"] for c in whole["chapters"]] == ["beta", "alpha"] and whole["meta"]["title"] == "The Project"
    assert "using the project settings in book/presswork.toml" in result.err  # relative to the current folder
    assert "using the project" not in presswork("tree", book).err  # no note at the project's own folder


def test_a_chapter_file_builds_with_the_project_settings_into_its_output(
    presswork, make_book, tmp_path: Path, monkeypatch
) -> None:
    book = make_book(PROJECT)
    monkeypatch.chdir(tmp_path)
    result = presswork("build", book / "content" / "01-a.md", "--format", "epub")
    assert result.status == 0, result.err
    assert "using the project settings in" in result.err
    assert (book / "output" / "01-a.epub").is_file()  # the project's output folder, named after the chapter
    assert not (book / "output" / "the-book.epub").exists()  # never the whole book's name
    assert not (tmp_path / "output").exists() and not (book / "content" / "output").exists()
    project = load_project(book / "content" / "01-a.md")
    assert project.root == book.resolve() and project.files == [(book / "content" / "01-a.md").resolve()]
    assert project.config.title == "The Project" and project.config.format_options == {"epub": {"toc_title": "Inhalt"}}


def test_pyproject_without_a_presswork_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "presswork.toml").write_text('title = "Outer"\n')
    inner = tmp_path / "pkg" / "docs"
    inner.mkdir(parents=True)
    (tmp_path / "pkg" / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    (inner / "a.md").write_text("# A\n")
    assert discover_config(inner) == (tmp_path / "presswork.toml", {"title": "Outer"})
    (tmp_path / "pkg" / "pyproject.toml").write_text('[project]\nname = "pkg"\n[tool.presswork]\ntitle = "Inner"\n')
    assert discover_config(inner) == (tmp_path / "pkg" / "pyproject.toml", {"title": "Inner"})
    project = load_project(inner)
    assert project.root == (tmp_path / "pkg").resolve() and project.files == [(inner / "a.md").resolve()]


def test_the_sample_builds_the_same_from_its_root_and_its_content_folder() -> None:
    whole, content = load_project(REPO), load_project(REPO / "content")
    assert (whole.root, whole.files, whole.config, whole.out_dir) == (
        content.root,
        content.files,
        content.config,
        content.out_dir,
    )
    assert whole.out_dir == REPO / "output" and whole.note == ""
    assert content.note == f"using the project settings in {REPO / 'pyproject.toml'}"


def test_a_plain_folder_builds_into_output_of_the_current_folder(
    presswork, make_book, tmp_path: Path, monkeypatch
) -> None:
    book = make_book({"a.md": "# Notes\n\ntext\n"})
    here = tmp_path / "elsewhere"
    here.mkdir()
    monkeypatch.chdir(here)
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err
    assert (here / "output" / "notes.epub").is_file()
    assert not (book / "output").exists()  # never inside the sources
    assert "using the project" not in result.err
    result = presswork("build", book / "a.md", "--format", "epub")
    assert result.status == 0, result.err
    assert not (book / "output").exists()


def test_a_plain_folder_reads_its_subfolders_in_order_each_opened_by_its_index(make_book) -> None:
    """A docs set kept in folders (tokio's ``topics/`` and ``tutorial/``) is read whole: each subfolder where
    its name falls, its index first; the repository's README, hidden and ``_`` folders, ``output/``,
    ``node_modules/`` and a virtual environment are not chapters."""
    book = make_book(
        {
            "README.md": "# The repository\n",
            "index.md": "# Home\n",
            "glossary.md": "# Glossary\n",
            "tutorial/10-streams.md": "# Streams\n",
            "tutorial/2-spawning.md": "# Spawning\n",
            "tutorial/index.md": "# Tutorial\n",
            "topics/README.md": "# Topics\n",
            "topics/testing.md": "# Testing\n",
            "topics/deep/er/one.md": "# Deeper\n",
            ".github/issue.md": "# Not a chapter\n",
            "_drafts/x.md": "# Not a chapter\n",
            "output/old.md": "# Not a chapter\n",
            "node_modules/pkg/README.md": "# Not a chapter\n",
            "venv/pyvenv.cfg": "home = /usr/bin\n",
            "venv/lib/python3.11/site-packages/pkg-1.0.dist-info/LICENSE.md": "# Not a chapter\n",
            "notes.txt": "x",
        }
    )
    project = load_project(book)
    assert [p.relative_to(book).as_posix() for p in project.files] == [
        "index.md",
        "glossary.md",
        "topics/README.md",
        "topics/deep/er/one.md",
        "topics/testing.md",
        "tutorial/index.md",
        "tutorial/2-spawning.md",
        "tutorial/10-streams.md",
    ]


def test_a_folder_without_markdown_files_is_an_error(presswork, make_book) -> None:
    book = make_book({"notes.txt": "x", "empty/also.txt": "y"})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert "no Markdown files (*.md) in '.'" in result.err


def test_out_naming_an_existing_file_is_a_usage_error_found_first(presswork, make_book) -> None:
    book = make_book({"a.md": "---\ntitle: [broken\n---\n# A\n", "taken": "not a folder"})
    result = presswork("build", book, "--out", book / "taken")
    assert result.status == 2
    assert "--out: " in result.err and "taken' is a file, not a folder" in result.err
    assert "a.md" not in result.err and "internal error" not in result.err  # refused before reading
    result = presswork("build", book, "--out", book / "taken" / "sub")
    assert result.status == 2 and "is a file" in result.err


def test_configured_out_naming_a_file_names_the_project_file(presswork, make_book) -> None:
    book = make_book({"presswork.toml": 'out = "taken"\n', "a.md": "# A\n\ntext\n", "taken": "x"})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert "presswork.toml: out: " in result.err and "is a file, not a folder" in result.err


@pytest.mark.parametrize("jobs", ["0", "-3", "two"])
def test_jobs_must_be_one_or_more(presswork, make_book, jobs: str) -> None:
    book = make_book({"a.md": "# A\n\ntext\n"})
    with pytest.raises(SystemExit) as exit_:
        presswork("build", book, "--jobs", jobs)
    assert exit_.value.code == 2
    assert not (book / "output").exists()


def test_mdx_files_of_a_plain_folder_are_named_in_a_warning_not_dropped_silently(presswork, make_book) -> None:
    """A docs folder mixing Markdown and MDX (Docusaurus, Astro): the MDX pages are not read, and each gets a
    warning naming it; a folder of MDX only says why it has no chapters."""
    book = make_book({"intro.md": "# Intro\n\nWords.\n", "guide/setup.mdx": "# Setup\n\n<Tabs>x</Tabs>\n"})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err
    assert "guide/setup.mdx: warning: MDX (Markdown with JSX) is not read" in result.err
    only = make_book({"a.mdx": "# A\n", "b/c.mdx": "# C\n"}, name="mdx-only")
    result = presswork("build", only, "--format", "epub")
    assert result.status == 1
    assert "no Markdown files (*.md) in '.' (2 MDX file(s), such as a.mdx: MDX is not read)" in result.err
