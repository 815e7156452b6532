"""EPUB accessibility: focusable scrolling tables, code lines that wrap with a marker, figures on phones and at
night, underlined links, and accessibility metadata that says what the book has (and claims conformance only
when presswork's own checks find nothing)."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

from presswork.core.tree import (
    Attr,
    Chapter,
    CodeBlock,
    Document,
    Figure,
    Image,
    Note,
    Paragraph,
    Pos,
    Table,
    Text,
)
from tests.exporters.epub.test_epub import NS, Book, build
from tests.support.trees import feature_document

CSV = "id,name,email,city,country,signup_date,plan,monthly_spend_eur,referrer,notes_on_this_customer_record"
H = "{http://www.w3.org/1999/xhtml}"


def a11y_document() -> Document:
    """One chapter with a half-width figure, a long CSV line, a captioned table and a footnote."""
    meta = feature_document().meta
    blocks = (
        Paragraph((Text("A claim"), Note((Paragraph((Text("The source."),)),))), pos=Pos("ch.md", 1)),
        Figure(
            Image("images/diagram.svg", "A diagram", attr=Attr(kv=(("width", "50%"),))),
            (Text("Half width"),),
            pos=Pos("ch.md", 3),
        ),
        CodeBlock(
            f"{CSV}\n1,Ada,ada@example.com,London,UK,2024-01-02,pro,42,search,\n\nlast", "text", pos=Pos("ch.md", 5)
        ),
        Table(
            (Text("Plans and prices"),),
            ("", ""),
            ((((Text("Plan"),), (Text("Price"),))),),
            ((((Text("pro"),), (Text("42"),))),),
            label="Table 1.1",
            pos=Pos("ch.md", 12),
        ),
    )
    return Document(meta, (Chapter(id="one", title=(Text("One"),), source="ch.md", blocks=blocks),))


@pytest.fixture(scope="module")
def a11y_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = build(tmp_path_factory.mktemp("a11y"), a11y_document(), page_list=False)
    return path


def test_wide_tables_scroll_in_a_region_a_keyboard_reaches_and_a_screen_reader_names(a11y_epub: Path) -> None:
    book = Book(a11y_epub)
    wraps = book.xml(book.chapter_files()[0]).findall(".//h:div[@class='table-wrap']", NS)
    assert len(wraps) == 1
    assert wraps[0].get("tabindex") == "0" and wraps[0].get("role") == "region"
    assert wraps[0].get("aria-label") == "Table 1.1 Plans and prices"


def test_display_math_that_may_scroll_is_reachable_by_keyboard(tmp_path: Path) -> None:
    path, _ = build(tmp_path, page_list=False)  # the feature document has display math
    book = Book(path)
    maths = [
        div
        for name in book.chapter_files()
        for div in book.xml(name).iter(f"{H}div")
        if "math" in (div.get("class") or "").split() and "display" in (div.get("class") or "").split()
    ]
    assert maths and all(div.get("tabindex") == "0" for div in maths)


def test_code_comes_line_by_line_for_the_stylesheet_to_wrap_and_mark(a11y_epub: Path) -> None:
    book = Book(a11y_epub)
    pre = book.xml(book.chapter_files()[0]).find(".//h:pre[@class='code']", NS)
    lines = pre.findall(".//h:span[@class='line']", NS)
    assert ["".join(line.itertext()) for line in lines] == [
        f"{CSV}\n",
        "1,Ada,ada@example.com,London,UK,2024-01-02,pro,42,search,\n",
        "\n",
        "last",
    ]
    assert "".join(pre.itertext()) == f"{CSV}\n1,Ada,ada@example.com,London,UK,2024-01-02,pro,42,search,\n\nlast"


def stylesheet(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("EPUB/styles/book.css").decode("utf-8")


def test_links_in_running_text_are_underlined_footnote_links_too(a11y_epub: Path) -> None:
    css = stylesheet(a11y_epub)
    assert "a { color:" in css and "text-decoration: underline" in css
    for rule in css.splitlines():
        if rule.startswith(("a.noteref", 'a[role="doc-backlink"]', ".glossary-ref a")):
            assert "text-decoration: none" not in rule, rule


# ----------------------------------------------------------------------------- rendered at phone width


def _chromium() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path("/usr/bin/chromium").is_file()


@pytest.mark.slow
@pytest.mark.skipif(not _chromium(), reason="playwright or Debian's chromium not available")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_at_390_px_code_wraps_with_a_hanging_indent_and_figures_stay_legible(
    a11y_epub: Path, tmp_path: Path, scheme: str
) -> None:
    from playwright.sync_api import sync_playwright

    with zipfile.ZipFile(a11y_epub) as z:
        z.extractall(tmp_path)
    chapter = tmp_path / "EPUB" / Book(a11y_epub).chapter_files()[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)  # type: ignore[arg-type]
        page.goto(chapter.as_uri())
        found = page.evaluate(
            """() => {
              const line = document.querySelector('pre.code .line');
              const style = getComputedStyle(line);
              const after = getComputedStyle(line, '::after');
              const img = document.querySelector('figure img');
              const body = document.body.getBoundingClientRect();
              return {rows: line.getBoundingClientRect().height / parseFloat(style.lineHeight),
                      indent: parseFloat(style.paddingLeft) + parseFloat(style.textIndent),
                      hanging: parseFloat(style.paddingLeft),
                      marker: after.backgroundImage,
                      markerTop: parseFloat(after.top) / parseFloat(style.lineHeight),
                      img: img.getBoundingClientRect().width, column: body.width,
                      backing: getComputedStyle(img).backgroundColor};
            }"""
        )
        browser.close()
    assert found["rows"] >= 2  # the CSV record wraps instead of scrolling away
    assert found["indent"] == 0 and found["hanging"] > 0  # first row flush, continuation rows indented
    assert found["marker"].startswith('url("data:image/svg+xml') and round(found["markerTop"], 2) == 1.0
    assert found["img"] >= 0.8 * found["column"]  # "width: 50%" is not a 170 px thumbnail on a phone
    assert found["backing"] == ("rgb(255, 255, 255)" if scheme == "dark" else "rgba(0, 0, 0, 0)")


# ----------------------------------------------------------------------------- metadata


def test_summary_says_what_the_book_has_and_claims_conformance(a11y_epub: Path) -> None:
    book = Book(a11y_epub)
    summary = book.metas("schema:accessibilitySummary")[0]
    assert "All images have text alternatives." in summary and "Tables have header rows." in summary
    assert "MathML" not in summary and "page list" not in summary  # this book has neither
    assert book.metas("schema:accessModeSufficient") == ["textual", "textual,visual"]
    assert book.metas("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]


def test_summary_and_features_name_the_page_list_when_there_is_one(tmp_path: Path) -> None:
    path, _ = build(tmp_path, a11y_document())
    book = Book(path)
    assert "page list" in book.metas("schema:accessibilitySummary")[0]
    assert {"pageBreakMarkers", "pageNavigation"} <= set(book.metas("schema:accessibilityFeature"))


def test_a_table_without_header_row_warns_and_drops_the_conformance_claim(tmp_path: Path) -> None:
    doc = a11y_document()
    ch = doc.chapters[0]
    headless = Table((), ("", ""), (), ((((Text("a"),), (Text("b"),))),), pos=Pos("ch.md", 20))
    doc = dataclasses.replace(doc, chapters=(dataclasses.replace(ch, blocks=(*ch.blocks, headless)),))
    path, ctx = build(tmp_path, doc, page_list=False)
    warned = [w for w in ctx.reporter.warnings if w.category == "table"]
    assert len(warned) == 1 and str(warned[0].pos) == "ch.md:20" and "header row" in warned[0].message
    book = Book(path)
    assert book.metas("dcterms:conformsTo") == []
    assert "Some tables lack header rows." in book.metas("schema:accessibilitySummary")[0]


def test_an_image_without_alt_drops_the_claim_and_textual_sufficiency(tmp_path: Path) -> None:
    doc = a11y_document()
    ch = doc.chapters[0]
    bare = Figure(Image("images/chart.png", ""), (), pos=Pos("ch.md", 30))
    doc = dataclasses.replace(doc, chapters=(dataclasses.replace(ch, blocks=(*ch.blocks, bare)),))
    path, _ = build(tmp_path, doc, page_list=False)
    book = Book(path)
    assert book.metas("dcterms:conformsTo") == []
    assert book.metas("schema:accessModeSufficient") == ["textual,visual"]
    assert "Some images lack text alternatives." in book.metas("schema:accessibilitySummary")[0]
