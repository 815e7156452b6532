"""Chapter breaks, honest line breaks in URLs and code, and page labels that match the printed folios."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from presswork.core.tree import Chapter, Code, CodeBlock, Document, Link, Meta, Paragraph, Text
from presswork.exporters.common.breaking import break_points, chapter_breaks, is_breakable_token
from presswork.exporters.pdf import PdfExporter
from presswork.exporters.pdf.labels import Folio, fill_folios, label_ranges, parse_folio, roman_value
from presswork.exporters.pdf.render import PrintRenderer, breaking_html
from tests.support.trees import make_context

URL = "https://example.org/stations/northern-line/timetable_2025.html?day=monday&dir=south"


def para(text: str) -> Paragraph:
    return Paragraph((Text(text),))


def guide(sections: int = 6, source_level: int = 2) -> Document:
    """A one-file guide whose ``##`` sections became chapters, each a few lines long."""
    chapters = tuple(
        Chapter(
            f"s{i}",
            (Text(f"Section {i}"),),
            "guide.md",
            (para(f"Short section {i} that says very little. " * 3),),
            source_level=1 if i == 0 else source_level,
        )
        for i in range(sections)
    )
    return Document(Meta(title="A Guide", language="en"), chapters)


# --------------------------------------------------------------------------- rules


def test_chapter_breaks_follow_the_book() -> None:
    one_file = guide().chapters
    assert chapter_breaks(one_file, "auto") == [True] + [False] * 5
    assert chapter_breaks(one_file, "page") == [True] * 6
    assert chapter_breaks(one_file, "none") == [True] + [False] * 5
    files = tuple(Chapter(f"c{i}", (Text("C"),), f"{i}.md", (), source_level=2) for i in range(3))
    assert chapter_breaks(files, "auto") == [True, True, True], "every file opens a page"
    hashes = tuple(Chapter(f"h{i}", (Text("H"),), "book.md", (), source_level=1) for i in range(3))
    assert chapter_breaks(hashes, "auto") == [True, True, True], "every # section opens a page"
    assert chapter_breaks(files, "none") == [True, False, False]


def test_break_points_only_after_separators() -> None:
    marked = break_points(URL, "|")
    assert marked.replace("|", "") == URL
    assert "https:|//" not in marked and "https://|" in marked, "a run of separators stays together"
    assert "stations/|northern-|line/|timetable_|2025.|html?|day=|monday&|dir=|south" in marked
    assert break_points("Object.prototype.hasOwnProperty", "|") == "Object.|prototype.|hasOwnProperty"
    assert break_points("we're fine", "|") == "we're fine", "prose is left alone"
    assert not is_breakable_token("e.g.") and not is_breakable_token("co-operate")


def test_print_html_marks_tokens_and_ragged_paragraphs() -> None:
    html = breaking_html(f"see {URL} & more")
    assert "\u200b" in html and "<wbr" not in html and '<span class="token">' in html and "&amp; more" in html
    assert re.sub(r"<[^>]+>", "", html).replace("&amp;", "&").replace("\u200b", "") == f"see {URL} & more"
    r = PrintRenderer()
    assert r.render(Paragraph((Text("plain words only"),))).startswith("<p>")
    tight = Paragraph((Text("call "), Code("averyveryverylongidentifierwithoutanybreaks"), Text(" now")))
    assert r.render(tight).startswith('<p class="ragged">')
    assert "listing-short" in r.render(CodeBlock("a\n" * 11 + "b", "python"))
    assert "listing-long" in r.render(CodeBlock("a\n" * 12 + "b", "python"))
    ch = Chapter("x", (Text("X"),), "x.md", ())
    assert 'class="chapter run-on"' in PrintRenderer(breaks={"x": False}).chapter(ch)
    assert 'class="chapter"' in PrintRenderer(breaks={"x": True}).chapter(ch)


def test_folios_and_label_ranges() -> None:
    assert roman_value("xiv") == 14 and roman_value("iii") == 3
    assert parse_folio("xii") == Folio("r", 12) and parse_folio("7 / 40") == Folio("D", 7)
    assert parse_folio("Chapter") is None and parse_folio("") is None
    printed = [None, None, None, Folio("r", 3), Folio("D", 1), None, Folio("D", 3)]
    names = ["cover", "titlepage", "copyright", "front", "main", "main", "main"]
    filled = fill_folios(printed, names)
    assert filled == [
        Folio("", 0, "Cover"),
        Folio("r", 1),
        Folio("r", 2),
        Folio("r", 3),
        Folio("D", 1),
        Folio("D", 2),
        Folio("D", 3),
    ]
    assert [i for i, _ in label_ranges(filled)] == [0, 1, 4]


# --------------------------------------------------------------------------- whole PDFs


def _export(tmp: Path, doc: Document, name: str, **options: object) -> Path:
    ctx = make_context(tmp / "proj", PdfExporter, **options)
    target = tmp / name
    PdfExporter().export(doc, ctx, target)
    return target


def _folios(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("\f")[:-1]
    folios = []
    for page in pages:
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        last = lines[-1].split()[-1] if lines else ""
        folios.append(last if re.fullmatch(r"\d+|[ivxlc]+", last) else "")
    return folios


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("two_sided", [False, True])
def test_guide_sections_run_on_and_labels_match_folios(tmp_path: Path, two_sided: bool) -> None:
    auto = _export(tmp_path, guide(), "auto.pdf", print=two_sided)
    paged = _export(tmp_path, guide(), "page.pdf", print=two_sided, chapter_break="page")
    auto_pages, paged_pages = len(PdfReader(auto).pages), len(PdfReader(paged).pages)
    assert paged_pages - auto_pages >= 4, (auto_pages, paged_pages)
    for pdf in (auto, paged):
        reader = PdfReader(pdf)
        assert "/PageLabels" in reader.trailer["/Root"]
        labels = reader.page_labels
        for label, folio in zip(labels, _folios(pdf), strict=True):
            if folio:
                assert label == folio, (labels, _folios(pdf))
        assert labels[-1] != str(len(labels)), "body pages count from the first chapter, not the cover"
        assert not two_sided or "Cover" not in labels, "a print interior has no cover"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_urls_and_code_never_get_a_hyphen(tmp_path: Path) -> None:
    url = "https://example.org/documentation/internationalization/configuration/stations/timetables.html"
    body = tuple(
        Paragraph(
            (
                Text("word " * i),
                Link((Text(url),), url),
                Text(" and "),
                Code("Object.prototype.hasOwnProperty.internationalization"),
                Text(" then more words follow."),
            )
        )
        for i in range(1, 25)
    )
    doc = Document(Meta(title="Breaks", language="en"), (Chapter("c", (Text("Breaks"),), "c.md", body),))
    pdf = _export(tmp_path, doc, "breaks.pdf", page_size="A5")
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "\u200b" not in raw, "break points draw no glyph: copied text has no zero-width space"
    joined = re.sub(r"(?<=[/._\-?&=])\n", "", raw)
    assert joined.count(url) == 24, "URLs break only after / . _ - ? & = and copy out whole"
    assert joined.count("Object.prototype.hasOwnProperty.internationalization") == 24
    assert raw.count(url) < 24, "some URLs do break across lines"
    broken = [
        m.group(0)
        for m in re.finditer(r"(\S+)[-\u2010\u00ad]\n(\S+)", raw)
        if re.search(r"[/.]", m.group(1) + m.group(2))
    ]
    assert not broken, broken
    assert " ".join(raw.split()).count("then more words follow") == 24


def test_a_paragraph_never_ends_on_a_hyphenated_stub(tmp_path: Path) -> None:
    word = "internationalization"
    body = tuple(
        Paragraph((Text(f"{'Set ' * i}{word} in the middle, and {'then ' * (i % 4)}at the very end {word}."),))
        for i in range(1, 31)
    )
    doc = Document(Meta(title="Stubs", language="en"), (Chapter("c", (Text("Stubs"),), "c.md", body),))
    pdf = _export(tmp_path, doc, "stubs.pdf", page_size="A5")
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in raw.splitlines()]
    broken = [(a, b) for a, b in zip(lines, lines[1:], strict=False) if a.endswith(("-", "\u2010", "\u00ad")) and b]
    assert any("in the middle" in b for _a, b in broken), "hyphenation is on mid-paragraph"
    stubs = [b for _a, b in broken if " " not in b and b.endswith(".")]
    assert not stubs, f"a paragraph ends on the stub of a hyphenated word: {stubs}"


@pytest.mark.slow  # among the slowest of the fast tier: builds the PDF and the EPUB of a book
def test_one_cover_design_for_pdf_and_epub(tmp_path: Path) -> None:
    import io
    import zipfile

    from presswork.exporters.common.cover import CoverText, cover_for_page, render_cover, svg_for_page
    from presswork.exporters.epub import EpubExporter

    doc = guide(2)
    pdf = _export(tmp_path, doc, "cover.pdf")
    page = PdfReader(pdf).pages[0]
    assert not list(page.images), "the PDF's generated cover is vector, not a raster image"
    assert page.extract_text().split() == ["A", "Guide"], "its display text is real text, never hyphenated"
    text = CoverText("A Guide")
    svg = svg_for_page(text, {}, 210, 297).decode()
    assert 'width="210mm" height="297mm"' in svg and ">A Guide</text>" in svg
    assert len(svg) < len(cover_for_page(text, {}, 210, 297)) / 10
    ctx = make_context(tmp_path / "proj", EpubExporter)
    EpubExporter().export(doc, ctx, tmp_path / "book.epub")
    with zipfile.ZipFile(tmp_path / "book.epub") as z:
        epub_cover = Image.open(io.BytesIO(z.read("EPUB/images/cover.png")))
    same = Image.open(io.BytesIO(render_cover(text, {}, epub_cover.size)))
    assert _sampled(epub_cover) == _sampled(same)
    typographic = _export(tmp_path, doc, "typo.pdf", cover="typographic")
    assert not list(PdfReader(typographic).pages[0].images)


def test_data_urls_are_decoded_without_a_request() -> None:
    from presswork.exporters.pdf.fetcher import data_response

    png = data_response("data:image/png;base64,iVBORw0KGgo=")
    assert png.read() == b"\x89PNG\r\n\x1a\n" and png.headers["Content-Type"] == "image/png"
    text = data_response("data:,a%20b")
    assert text.read() == b"a b" and text.headers["Content-Type"] == "text/plain"
    with pytest.raises(ValueError):
        data_response("data:image/png;base64")


def _sampled(image: Image.Image) -> list[bytes]:
    """Every 997th pixel of ``image`` in RGB (Pillow's ``getdata`` is going away)."""
    data = image.convert("RGB").tobytes()
    return [data[i : i + 3] for i in range(0, len(data), 3 * 997)]
