"""Links written for a book's web site resolve to its chapters (transforms.site_candidates / resolve_links)."""

from __future__ import annotations

import pytest

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Chapter, Link, Paragraph, Span, Text
from presswork.transforms.links import resolve_links, site_candidates

CHAPTERS = ["src/intro.md", "src/guide/install.md", "src/guide/index.md", "src/faq/README.md", "src/quarto.qmd"]


@pytest.mark.parametrize(
    ("source", "url", "expected"),
    [
        ("src/intro.md", "guide/install.html", "src/guide/install.md"),
        ("src/intro.md", "guide/install/", "src/guide/install.md"),
        ("src/intro.md", "guide/", "src/guide/index.md"),
        ("src/intro.md", "faq/index.html", "src/faq/README.md"),
        ("src/guide/install.md", "../intro.md", "src/intro.md"),
        ("src/guide/install.md", "/intro.html", "src/intro.md"),
        ("src/guide/install.md", "/docs/guide/install", "src/guide/install.md"),
        ("src/intro.md", "quarto.html", "src/quarto.qmd"),
    ],
)
def test_site_paths_name_their_chapter_file(source: str, url: str, expected: str) -> None:
    assert next(c for c in site_candidates(source, url, "src") if c in CHAPTERS) == expected


def _chapters(url: str) -> list[Chapter]:
    body = (Paragraph((Link((Text("x"),), url),)),)
    return [
        Chapter("intro", (Text("Intro"),), "src/intro.md", body),
        Chapter("install", (Text("Install"),), "src/guide/install.md", ()),
    ]


def _link(chapters: list[Chapter]) -> object:
    block = chapters[0].blocks[0]
    assert isinstance(block, Paragraph)
    return block.children[0]


def test_anchor_on_a_site_page_resolves() -> None:
    chapters = _chapters("guide/install.html")
    out = resolve_links(
        chapters,
        {("src/intro.md", "intro"): "intro", ("src/guide/install.md", "install"): "install"},
        Reporter(),
        "src",
    )
    assert _link(out) == Link((Text("x"),), "#install")


def test_page_not_in_the_book_goes_to_site_url_else_text_with_a_warning() -> None:
    ids = {("src/intro.md", "intro"): "intro"}
    out = resolve_links(_chapters("guide/other.html#part"), ids, Reporter(), "src", "https://ex.org/book/")
    assert _link(out) == Link((Text("x"),), "https://ex.org/book/guide/other.html#part")
    out = resolve_links(_chapters("other.md"), ids, Reporter(), "src", "https://ex.org/book/")
    assert _link(out) == Link((Text("x"),), "https://ex.org/book/other.html")
    reporter = Reporter()
    out = resolve_links(_chapters("guide/other.html"), ids, reporter, "src")
    assert isinstance(_link(out), Span) and len(reporter.warnings) == 1


def test_a_site_search_link_keeps_its_query_and_is_well_formed_in_the_epub() -> None:
    """mkdocs-material links to its own site search (``?q="extends+base"``, also written ``%22``): the query
    stays on the site address, and the EPUB's href percent-encodes the quotes (EPUBCheck RSC-020 otherwise)."""
    from presswork.core.urls import well_formed

    ids = {("src/intro.md", "intro"): "intro"}
    for written in ('?q="extends+base"', "?q=%22extends+base%22"):
        out = resolve_links(_chapters(written), ids, Reporter(), "src", "https://ex.org/book/")
        link = _link(out)
        assert isinstance(link, Link) and link.url == f"https://ex.org/book/{written}"
        assert well_formed(link.url) == "https://ex.org/book/?q=%22extends+base%22"
    out = resolve_links(_chapters("other.md?tab=1"), ids, Reporter(), "src", "https://ex.org/book/")
    assert _link(out) == Link((Text("x"),), "https://ex.org/book/other.html?tab=1")
