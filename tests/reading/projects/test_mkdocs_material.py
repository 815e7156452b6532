"""A Material for MkDocs site (tests/books/mkdocs-material-mini) printed as MkDocs shows it: snippets and
``auto_append`` files, a long fence holding a short one, content tabs, keys, emoji, icons, ``[text][^1]``."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from presswork.build.pipeline import build, read_project
from presswork.core.diagnostics import Reporter
from presswork.core.tree import Code, CodeBlock, Image, Link, Paragraph, plain_text
from presswork.core.walk import query
from presswork.project.load import load_project
from presswork.project.sources import read_sources

BOOK = Path(__file__).resolve().parents[2] / "books" / "mkdocs-material-mini"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(BOOK, target)
    return target


def test_auto_append_files_define_the_reference_links_of_every_page(book: Path) -> None:
    doc = read_project(book)
    links = {plain_text(link.children): link.url for link in query(doc, Link)}
    assert links["Pygments"] == "https://pygments.org"
    assert links["schema file"] == "https://example.com/schema.json"


def test_snippets_are_included_from_the_base_paths_with_sections_and_positions(book: Path) -> None:
    reporter = Reporter()
    sources = read_sources(load_project(book), reporter)
    index, code = sources
    shared = next(b for b in query(index.blocks, Paragraph) if "flamingo" in plain_text(b.children))
    assert shared.pos is not None and shared.pos.file == "snippets/note.md"
    embedded = [b for b in query(code.blocks, CodeBlock) if "greet" in b.code]
    assert [b.code for b in embedded] == ['def greet(name):\n    return f"hello {name}"']
    assert not [w for w in reporter.warnings if "snippet" in w.message]


def test_a_missing_snippet_is_a_warning_naming_file_and_line(book: Path) -> None:
    page = book / "docs" / "index.md"
    page.write_text(page.read_text() + '\n--8<-- "nowhere.md"\n')
    reporter = Reporter()
    read_sources(load_project(book), reporter)
    assert [(w.pos.file, w.pos.line) for w in reporter.warnings if "nowhere.md" in w.message and w.pos] == [
        ("docs/index.md", 9)
    ]


@pytest.mark.slow
def test_the_pdf_and_epub_hold_every_word_as_mkdocs_shows_it(book: Path, tmp_path: Path) -> None:
    result = build(book, formats=["pdf", "epub"], out=tmp_path / "out")
    lost = [f"{a.path}:{line}: {word}" for a in result.reporter.audits for word, line in a.lost]
    assert not lost
    pdf = subprocess.run(["pdftotext", str(result.outputs["pdf"]), "-"], capture_output=True, text=True).stdout
    with zipfile.ZipFile(result.outputs["epub"]) as z:
        chapter = z.read("EPUB/text/ch02-code-blocks.xhtml").decode()
    epub = re.sub(r"<[^>]+>", " ", chapter)
    for text in (pdf, epub):
        words = " ".join(text.split())
        assert "walrus and pelican" in words  # after the four-backtick example
        assert "answer = 42" in words and "```" not in words.split("walrus", 1)[1]
        assert "penguin systems" in words and "apple systems" in words
        assert "===" not in words and "++" not in words and ":smile:" not in words and "octicons" not in words
        assert "😄" in words and "[schema.json]" not in words and "schema.json" in words
    assert "Pygments" in pdf and "flamingo" in pdf  # the first page: an auto_append link and a snippet
    assert re.search(r"<kbd[^>]*>Ctrl</kbd>.*<kbd[^>]*>Alt</kbd>.*<kbd[^>]*>Del</kbd>", chapter, re.S)
    assert re.search(r'<span class="tab-title"><strong>Linux</strong></span>', chapter)
    assert chapter.index("Linux") < chapter.index("penguin") < chapter.index("macOS") < chapter.index("apple")


def _side_mkdocs() -> str:
    """An interpreter with mkdocs and mkdocs-material, kept apart from presswork's (``PRESSWORK_MKDOCS_PYTHON``)."""
    python = os.environ.get("PRESSWORK_MKDOCS_PYTHON", "")
    if not python or not Path(python).is_file():
        pytest.skip("set PRESSWORK_MKDOCS_PYTHON to a Python with mkdocs and mkdocs-material installed")
    return python


@pytest.mark.slow
def test_every_page_has_the_words_and_headings_mkdocs_shows(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "mkdocs_compare", BOOK.parents[2] / "benchmarks" / "mkdocs_compare.py"
    )
    assert spec is not None and spec.loader is not None
    compare_module = importlib.util.module_from_spec(spec)
    sys.modules["mkdocs_compare"] = compare_module
    spec.loader.exec_module(compare_module)
    book = tmp_path / "book"  # a copy: the build's cache folder never lands in the repository's fixture
    shutil.copytree(BOOK, book)
    results = compare_module.compare(book, _side_mkdocs(), tmp_path / "work")
    assert len(results) == 2
    assert [r.missing_headings for r in results] == [[], []]
    assert [r.missing_words for r in results] == [[], []]  # code titles included: they are printed


def test_images_written_as_the_site_serves_them_are_found(book: Path) -> None:
    """``/assets/dot.png`` from the site's root (the docs folder) and a raw ``<img src="../assets/dot.png">``
    relative to the page's URL (``code.md`` is served at ``code/``)."""
    doc = read_project(book)
    assert [image.src for image in query(doc, Image)] == ["docs/assets/dot.png", "docs/assets/dot.png"]


@pytest.mark.parametrize(
    "plugins",
    ["  - search\n  - mkdocstrings:\n      handlers: {}\n", "  search: {}\n  mkdocstrings:\n    handlers: {}\n"],
)
def test_mkdocstrings_directives_show_their_reference_with_a_warning(tmp_path: Path, plugins: str) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: Api\nplugins:\n" + plugins)
    (tmp_path / "docs" / "index.md").write_text(
        "# API\n\n::: pkg.module.Builder\n    options:\n      show_source: false\n"
    )
    reporter = Reporter()
    (source,) = read_sources(load_project(tmp_path), reporter)
    assert "pkg.module.Builder" in [c.text for c in query(source.blocks, Code)]
    assert [(w.pos.file, w.pos.line) for w in reporter.warnings if "pkg.module.Builder" in w.message and w.pos] == [
        ("docs/index.md", 3)
    ]
    assert not [w for w in reporter.warnings if "never closed" in w.message]
