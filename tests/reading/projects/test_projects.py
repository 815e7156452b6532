"""Book projects of other tools: detection, metadata, chapter order, titles, parts and site links."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from presswork.build.pipeline import read_project
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Link, plain_text
from presswork.core.walk import iter_nodes, query
from presswork.project.kinds import detect
from presswork.project.kinds.summary import parse_summary
from presswork.project.load import load_project
from presswork.project.sources import read_sources

BOOKS = Path(__file__).resolve().parents[2] / "books"


@pytest.fixture
def book(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A copy of the fixture book named by the test's parameter (builds never write into tests/)."""
    target = tmp_path / request.param
    shutil.copytree(BOOKS / request.param, target)
    return target


def outline(folder: Path) -> list[tuple[str, str, str, bool]]:
    doc = read_project(folder)
    return [(ch.source, plain_text(ch.title), ch.part, ch.appendix) for ch in doc.chapters]


@pytest.mark.parametrize(
    ("book", "kind", "title", "authors"),
    [
        ("mdbook-mini", "mdbook", "The Mini Book", ("Ferris Crab",)),
        ("honkit-mini", "honkit", "HonKit Mini Guide", ("Ada Writer",)),
        ("mkdocs-mini", "mkdocs", "Mini Docs", ("Grace Docs",)),
        ("quarto-mini", "quarto", "Quarto Mini", ("Hadley Reviewer",)),
    ],
    indirect=["book"],
)
def test_detects_each_kind_with_its_title_and_authors(
    book: Path, kind: str, title: str, authors: tuple[str, ...]
) -> None:
    found = detect(book)
    assert found is not None and found.kind == kind
    doc = read_project(book)
    assert doc.meta.title == title
    assert tuple(a.name for a in doc.meta.authors) == authors


@pytest.mark.parametrize("book", ["mdbook-mini"], indirect=True)
def test_mdbook_order_parts_titles_and_appendix(book: Path) -> None:
    assert outline(book) == [
        ("src/foreword.md", "Foreword", "", False),  # prefix chapter, no heading: titled by SUMMARY
        ("src/install.md", "Installation", "Getting started", False),
        ("src/guide/hello-cargo.md", "Hello, Cargo!", "Getting started", False),  # opens with ##
        ("src/guide/ownership.md", "Ownership", "Going further", False),
        ("src/appendix-keywords.md", "Keywords", "", True),  # suffix chapter after ---
    ]


@pytest.mark.parametrize("book", ["honkit-mini"], indirect=True)
def test_honkit_summary_order_and_repeated_file_links(book: Path) -> None:
    assert [row[:2] for row in outline(book)] == [
        ("README.md", "Introduction"),
        ("docs/setup.md", "Setup"),
        ("docs/usage.md", "Usage"),
    ]


@pytest.mark.parametrize("book", ["mkdocs-mini"], indirect=True)
def test_mkdocs_nav_sections_become_parts_and_python_markdown_reads(book: Path) -> None:
    project = load_project(book)
    assert project.config.markdown == "python-markdown"
    assert project.config.site_url == "https://docs.example.com/"
    assert outline(book) == [
        ("docs/index.md", "Mini Docs", "", False),
        ("docs/advanced/clients.md", "Clients", "Advanced", False),
        ("docs/advanced/timeouts.md", "Timeouts", "Advanced", False),
    ]


@pytest.mark.parametrize("book", ["quarto-mini"], indirect=True)
def test_quarto_chapters_parts_and_appendices(book: Path) -> None:
    assert outline(book) == [
        ("index.qmd", "Welcome", "", False),
        ("chapters/purpose.qmd", "The purpose of review", "Reviewing", False),  # front matter title
        ("chapters/comments.md", "Writing comments", "Reviewing", False),
        ("chapters/glossary.qmd", "Glossary", "", True),
    ]


@pytest.mark.parametrize("book", ["mdbook-mini"], indirect=True)
def test_presswork_config_overrides_the_project_file(book: Path) -> None:
    (book / "presswork.toml").write_text('title = "Our Edition"\nchapters = ["install.md", "foreword.md"]\n')
    doc = read_project(book)
    assert doc.meta.title == "Our Edition"
    assert [ch.source for ch in doc.chapters] == ["src/install.md", "src/foreword.md"]


@pytest.mark.parametrize("book", ["mdbook-mini"], indirect=True)
def test_building_the_chapter_folder_finds_the_book_above(book: Path) -> None:
    project = load_project(book / "src")
    assert project.root == book.resolve() and project.config.title == "The Mini Book"


@pytest.mark.parametrize("book", ["mdbook-mini"], indirect=True)
def test_site_links_resolve_to_chapters_and_others_to_the_site(book: Path) -> None:
    doc = read_project(book)
    urls = {plain_text(link.children): link.url for ch in doc.chapters for link in query(ch.blocks, Link)}
    ids = {ch.source: ch.id for ch in doc.chapters}
    assert urls["Hello, Cargo!"] == "#" + ids["src/guide/hello-cargo.md"]  # page.html
    assert urls["ownership"] == "#moves"  # page.md#anchor
    assert urls["installation"] == "#" + ids["src/install.md"]  # ../page.html
    assert urls["foreword"] == "#" + ids["src/foreword.md"]  # /page.html from the site root
    assert urls["glossary"] == "https://example.org/mini/glossary.html"  # not in the book: site_url


@pytest.mark.parametrize("book", ["mdbook-mini"], indirect=True)
def test_site_link_without_site_url_is_text_with_a_warning(book: Path) -> None:
    toml = book / "book.toml"
    toml.write_text(toml.read_text().replace('site-url = "https://example.org/mini/"', ""))
    from presswork.build.pipeline import read_document
    from presswork.project.gate import make_gate
    from presswork.project.theme import load_theme

    project = load_project(book)
    reporter = Reporter()
    read_document(project, make_gate(project.config, load_theme("default", book), reporter), reporter)
    assert any("glossary.html" in w.message and str(w.pos) == "src/install.md:3" for w in reporter.warnings)


@pytest.mark.parametrize("book", ["mdbook-mini"], indirect=True)
def test_draft_chapter_is_left_out_with_a_note(book: Path) -> None:
    found = detect(book)
    assert found is not None
    assert ("src/SUMMARY.md", 9, "draft chapter 'Draft chapter' (no file) left out") in found.notes


def test_summary_listing_a_missing_file_is_an_empty_chapter_with_a_note_on_its_line(tmp_path: Path) -> None:
    (tmp_path / "SUMMARY.md").write_text("# Summary\n\n* [One](one.md)\n* [Two](two.md)\n")
    (tmp_path / "one.md").write_text("# One\n")
    summary = parse_summary(tmp_path / "SUMMARY.md", tmp_path, "SUMMARY.md")
    assert [(e.title, e.missing) for e in summary.entries] == [("One", False), ("Two", True)]
    assert [(f, line) for f, line, message in summary.notes if "two.md" in message] == [("SUMMARY.md", 4)]


def test_broken_mkdocs_yaml_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: X\nnav:\n  - a: [\n")
    with pytest.raises(PressworkError) as err:
        detect(tmp_path)
    assert err.value.pos is not None and err.value.pos.file == "mkdocs.yml" and err.value.pos.line >= 3


def test_mkdocs_without_nav_reads_every_page_index_first(tmp_path: Path) -> None:
    (tmp_path / "docs" / "guide").mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: Plain\n")
    for name in ("docs/b.md", "docs/index.md", "docs/a.md", "docs/guide/x.md"):
        (tmp_path / name).write_text(f"# {name}\n")
    found = detect(tmp_path)
    assert found is not None
    assert [e.path.relative_to(tmp_path.resolve()).as_posix() for e in found.entries] == [
        "docs/index.md",
        "docs/a.md",
        "docs/b.md",
        "docs/guide/x.md",
    ]


def test_plain_folder_is_not_a_book_project(tmp_path: Path) -> None:
    (tmp_path / "01-a.md").write_text("# A\n")
    assert detect(tmp_path) is None


def test_quarto_part_given_as_a_file_is_titled_by_it(tmp_path: Path) -> None:
    (tmp_path / "_quarto.yml").write_text(
        "book:\n  title: Q\n  chapters:\n    - index.md\n    - part: part1.qmd\n      chapters: [a.md]\n"
    )
    (tmp_path / "index.md").write_text("# Home\n")
    (tmp_path / "part1.qmd").write_text("# Basics {.unnumbered}\n\nIntro to the part.\n")
    (tmp_path / "a.md").write_text("# A\n")
    found = detect(tmp_path)
    assert found is not None
    assert [(e.path.name, e.part) for e in found.entries] == [
        ("index.md", ""),
        ("part1.qmd", "Basics"),
        ("a.md", "Basics"),
    ]


def test_gitbook_template_tags_raw_is_removed_others_warn(tmp_path: Path) -> None:
    """``{% raw %}`` shows its content as written (no variable substitution); ``{% hint %}`` is not run and warns."""
    (tmp_path / "book.json").write_text('{"title": "Tags", "variables": {"version": "2.1"}}')
    (tmp_path / "SUMMARY.md").write_text("# Summary\n\n* [One](one.md)\n")
    (tmp_path / "one.md").write_text(
        "# One\n\nVersion {{ book.version }} or {{ version }}.\n\n"
        "{% raw %}\nTemplates write {{ name }} literally.\n{% endraw %}\n\n"
        "{% hint style='info' %}\nA hint body.\n{% endhint %}\n\n"
        "```jinja\n{% if x %}{{ y }}{% endif %}\n```\n"
    )
    reporter = Reporter()
    (source,) = read_sources(load_project(tmp_path), reporter)
    text = "\n".join(getattr(n, "text", "") or getattr(n, "code", "") for n in iter_nodes(source.blocks))
    assert "Version 2.1 or 2.1." in text
    assert "Templates write {{ name }} literally." in text and "raw" not in text
    assert "{% if x %}{{ y }}{% endif %}" in text  # code is never touched
    assert "{% hint style=" in text and "A hint body." in text
    warned = [(str(w.pos), w.message) for w in reporter.warnings if w.category == "plugin"]
    assert [pos for pos, _ in warned] == ["one.md:9", "one.md:11"], warned
    assert "{% hint %}" in warned[0][1] and "{% endhint %}" in warned[1][1]
