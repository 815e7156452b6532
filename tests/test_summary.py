"""The end-of-build facts: PDF pages (also in compressed object streams), slides, folder sizes, sizes for humans;
and the source excerpt under a problem."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from presswork.commands.report import human_size, output_facts, pdf_pages
from presswork.core.excerpt import source_excerpt
from presswork.core.tree import Pos


def test_pdf_pages_agree_with_pypdf(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    from presswork.build.pipeline import build

    book = tmp_path / "book"
    book.mkdir()
    (book / "a.md").write_text("# A\n\n" + "Words and more words. " * 900 + "\n", encoding="utf-8")
    pdf = build(book, formats=["pdf"], out=tmp_path / "out").outputs["pdf"]
    expected = len(pypdf.PdfReader(str(pdf)).pages)
    assert expected > 2 and pdf_pages(pdf.read_bytes()) == expected
    assert output_facts("pdf", pdf).count == f"{expected} pages"


def test_slides_are_counted_and_a_folder_is_measured_whole(tmp_path: Path) -> None:
    deck = tmp_path / "d.pptx"
    with zipfile.ZipFile(deck, "w") as z:
        for name in ("ppt/slides/slide1.xml", "ppt/slides/slide2.xml", "ppt/slides/_rels/slide1.xml.rels"):
            z.writestr(name, "x")
    assert output_facts("pptx", deck).count == "2 slides"
    site = tmp_path / "s-site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("a" * 10)
    (site / "assets" / "site.css").write_text("b" * 5)
    facts = output_facts("html", site)
    assert facts.size == 15 and facts.count == "1 page"


def test_sizes_for_humans() -> None:
    assert [human_size(n) for n in (0, 999, 1000, 55_089, 1_700_000)] == ["0 B", "999 B", "1.0 KB", "55.1 KB", "1.7 MB"]


def test_the_excerpt_shows_the_line_and_a_caret_under_the_column(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("one\n\ttwo three\n", encoding="utf-8")
    assert source_excerpt(tmp_path, Pos("a.md", 1)) == ["   1 | one"]
    line, caret = source_excerpt(tmp_path, Pos("a.md", 2), column=6)
    assert line == "   2 |     two three"
    assert caret.index("^") == line.index("three"), "under column 6 of the line as written (a tab before it)"
    assert source_excerpt(tmp_path, Pos("a.md", 9)) == [] and source_excerpt(tmp_path, Pos("gone.md", 1)) == []


def test_the_caret_underlines_what_the_message_quotes(tmp_path: Path) -> None:
    """Without a column, the caret goes under the text the message quotes, when it is on the line."""
    (tmp_path / "a.md").write_text("See [end](#nowhere) now.\n<video src='x'>clip</video>\n", encoding="utf-8")
    line, caret = source_excerpt(tmp_path, Pos("a.md", 1), message="broken internal link '#nowhere': no anchor")
    assert caret[caret.index("^") :] == "^~~~~~~~" and caret.index("^") == line.index("#nowhere")
    line, caret = source_excerpt(tmp_path, Pos("a.md", 2), message="removed <video> element")
    assert caret.index("^") == line.index("<video") and caret.endswith("^~~~~~")
    assert len(source_excerpt(tmp_path, Pos("a.md", 1), message="a quote 'elsewhere' not on the line")) == 1
