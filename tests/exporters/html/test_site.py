"""The HTML site exporter: pages, navigation, accessibility, images, themes and the atomic folder commit."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from presswork.build.pipeline import build
from tests.support import BOOKS, REPO


class Page(HTMLParser):
    """The facts of one page the tests look at: tags with their attributes, ids, and the text."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    @property
    def ids(self) -> set[str]:
        return {str(a["id"]) for _, a in self.tags if a.get("id")}


@pytest.fixture(scope="module")
def features_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build(BOOKS / "features", formats=["html"], out=out)
    return result.outputs["html"]


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("ch*.html"))


def test_one_page_per_chapter_an_index_and_a_stylesheet(features_site: Path) -> None:
    assert features_site.is_dir() and features_site.name.endswith("-site")
    assert (features_site / "index.html").is_file() and (features_site / "assets" / "site.css").is_file()
    assert len(_pages(features_site)) == 2
    assert not list(features_site.parent.glob(".*tmp")), "no temporary folder is left behind"


def test_previous_next_and_sidebar_link_every_page_in_reading_order(features_site: Path) -> None:
    pages = _pages(features_site)
    order = ["index.html", *(p.name for p in pages)]
    for i, path in enumerate(pages, 1):
        page = Page(path)
        rel = {a["rel"]: a["href"] for a in page.all("a") if a.get("rel")}
        assert rel["prev"] == order[i - 1]
        assert rel.get("next") == (order[i + 1] if i + 1 < len(order) else None)
        current = [a["href"] for a in page.all("a") if a.get("aria-current") == "page"]
        assert current == [path.name]
        sidebar = {str(a["href"]).partition("#")[0] for a in page.all("a")}
        assert set(order[1:]) <= sidebar


def test_pages_are_accessible_landmarks_skip_link_lang_alt_texts(features_site: Path) -> None:
    for path in [features_site / "index.html", *_pages(features_site)]:
        page = Page(path)
        (html,) = page.all("html")
        assert html["lang"] and html["dir"] in ("ltr", "rtl")
        first_link = page.all("a")[0]
        assert first_link["href"] == "#main" and first_link["class"] == "skip-link"
        assert len(page.all("main")) == 1 and page.all("main")[0]["id"] == "main"
        for tag in ("header", "nav", "footer"):
            assert page.all(tag), f"{path.name} lacks <{tag}>"
        assert all(n.get("aria-label") or n.get("aria-labelledby") for n in page.all("nav")), "every nav is labelled"
        assert all("alt" in img for img in page.all("img")), f"{path.name}: an <img> without alt"
        assert any(m.get("name") == "viewport" for m in page.all("meta"))
        text = path.read_text(encoding="utf-8")
        assert "epub:type" not in text and "xmlns:epub" not in text


def test_internal_links_and_images_resolve_inside_the_site(features_site: Path) -> None:
    ids = {p.name: Page(p).ids for p in [features_site / "index.html", *_pages(features_site)]}
    images = 0
    for path in _pages(features_site):
        page = Page(path)
        for a in page.all("a"):
            href = str(a.get("href") or "")
            if not href or re.match(r"^(https?|mailto):", href):
                continue
            file, _, frag = href.partition("#")
            file = file or path.name
            assert file in ids, f"{path.name}: link to a missing page {href}"
            assert not frag or frag in ids[file], f"{path.name}: link to a missing id {href}"
        for img in page.all("img"):
            images += 1
            assert (features_site / str(img["src"])).is_file(), img["src"]
    assert images >= 1


def test_theme_colours_dark_mode_and_responsive_rules_in_the_stylesheet(features_site: Path) -> None:
    css = (features_site / "assets" / "site.css").read_text(encoding="utf-8")
    assert "--accent: #1f4e79;" in css  # the default theme's accent
    assert "prefers-color-scheme: dark" in css and "@media (max-width:" in css and ":focus-visible" in css
    assert "&#34;" not in css, "font lists are not HTML-escaped in CSS"
    assert ".code .hl-" in css or ".code ." in css


def test_installed_but_not_built_by_default(tmp_path: Path) -> None:
    from presswork.exporters.registry import exporter_entry_points
    from presswork.project.load import load_project

    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.md").write_text("# One\n\nText.\n", encoding="utf-8")
    names = list(exporter_entry_points())
    assert "html" in names
    assert load_project(tmp_path / "book", format_names=names).config.formats == ("pdf", "epub", "pptx")


def test_a_rebuild_replaces_the_folder_whole_and_a_failed_one_keeps_it(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    chapter = book / "01-one.md"
    chapter.write_text("# One\n\nFirst text.\n", encoding="utf-8")
    out = tmp_path / "out"
    site = build(book, formats=["html"], out=out).outputs["html"]
    (site / "stale.html").write_text("old", encoding="utf-8")
    chapter.write_text("# One\n\nSecond text.\n", encoding="utf-8")
    build(book, formats=["html"], out=out)
    assert not (site / "stale.html").exists()
    assert "Second text." in (site / "ch01-one.html").read_text(encoding="utf-8")
    chapter.write_text("# One\n\n![](missing.png)\n", encoding="utf-8")  # a warning and a box, under --strict an error
    from presswork.core.diagnostics import PressworkError

    with pytest.raises(PressworkError):
        build(book, formats=["html"], out=out, strict=True)
    assert "Second text." in (site / "ch01-one.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == [site.name]


def test_the_handout_theme_colours_the_site(tmp_path: Path) -> None:
    site = build(REPO, formats=["html"], out=tmp_path, theme="handout").outputs["html"]
    assert "--accent: #8a3b12;" in (site / "assets" / "site.css").read_text(encoding="utf-8")


def test_math_is_mathml_and_code_is_highlighted(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "a.md").write_text(
        "# Maths\n\nInline $x^2$ and\n\n$$\\frac{a}{b}$$\n\n```python\nprint('hi')\n```\n", encoding="utf-8"
    )
    site = build(book, formats=["html"], out=tmp_path / "out").outputs["html"]
    (page,) = site.glob("ch01-*.html")
    text = page.read_text(encoding="utf-8")
    assert "<math" in text and 'class="code' in text
