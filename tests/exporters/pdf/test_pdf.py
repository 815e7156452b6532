"""End-to-end tests of the PDF exporter: export hand-built trees and read the PDFs back."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from presswork.core.tree import (
    Chapter,
    Code,
    CodeBlock,
    Document,
    Link,
    Note,
    Paragraph,
    Pos,
    Table,
    Text,
)
from presswork.core.walk import iter_nodes
from presswork.exporters.pdf import PdfExporter
from presswork.exporters.pdf.layout import PAGE_GEOMETRY, code_columns
from tests.support.outputs import assert_same_files
from tests.support.trees import feature_document, make_context, write_images

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

LONG_URL = "https://example.com/" + "/".join(f"segment{i:02d}averyveryverylongpathcomponent" for i in range(8))
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt" * 2
CODE_LINE = "result = compute(" + ", ".join(f"argument_{i:03d}" for i in range(40)) + ")"


def stress_chapter() -> Chapter:
    """A chapter of things that try to leave the page: long words, URLs, code lines, wide tables."""
    pos = Pos("03-stress.md", 1)
    wide = Table(
        (Text("A wide table"),),
        ("left",) * 9,
        head=(tuple((Text(f"Column{i}"),) for i in range(9)),),
        body=tuple(tuple((Text(f"cell{r}{c}-{LONG_WORD[:30]}"),) for c in range(9)) for r in range(3)),
        label="Table 3.1",
    )
    return Chapter(
        "stress",
        (Text("Stress"),),
        "03-stress.md",
        (
            Paragraph(
                (
                    Text(f"A long word {LONG_WORD} and a long URL "),
                    Link((Text(LONG_URL),), LONG_URL),
                    Text(" and more."),
                    Note((Paragraph((Text("Stress footnote text."),)),)),
                ),
                pos=pos,
            ),
            CodeBlock(CODE_LINE + "\n" + "x" * 600 + "\nshort_line()", "python", pos=pos),
            wide,
            *(
                Paragraph(
                    (Text(f"Filler paragraph {i} with ordinary words to run the chapter over several pages. " * 6),),
                    pos=pos,
                )
                for i in range(12)
            ),
        ),
        number="3",
    )


def stress_document() -> Document:
    doc = feature_document()
    return dataclasses.replace(doc, chapters=(*doc.chapters, stress_chapter()))


def export(tmp: Path, doc: Document | None = None, name: str = "book.pdf", theme: str = "default", **options: object):
    write_images(tmp / "proj")
    ctx = make_context(tmp / "proj", PdfExporter, theme=theme, **options)
    target = tmp / name
    PdfExporter().export(doc or stress_document(), ctx, target)
    return target, ctx


def pages_text(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("pdf")
    return export(tmp)


@pytest.mark.slow
def test_structure_metadata_and_bookmarks(book) -> None:
    pdf, ctx = book
    reader = PdfReader(pdf)
    assert 8 <= len(reader.pages) <= 16
    info = reader.metadata
    assert info.title == "The Feature Book" and info.author == "Ada Writer"
    assert info.subject == "A book that uses every feature." and "testing" in info["/Keywords"]
    titles = [item.title if not isinstance(item, list) else None for item in reader.outline]
    assert [t for t in titles if t][:1] == ["Contents"]
    chapters = [t for t in titles if t and t != "Contents"]
    assert chapters == ["1 Getting Started", "2 Reference", "3 Stress"]
    nested = [i for i in reader.outline if isinstance(i, list)]
    assert any("Installing" in x.title for x in nested[0]) and any("Options" in x.title for x in nested[1])
    assert ctx.reporter.warnings == []


@pytest.mark.slow
def test_fonts_embedded(book) -> None:
    pdf, _ = book
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), out
    assert any("Serif" in r for r in rows) and any("Mono" in r for r in rows)


@pytest.mark.slow
def test_contents_numbers_match_chapter_pages_and_running_heads(book) -> None:
    pdf, _ = book
    pages = pages_text(pdf)
    toc = next(p for p in pages if "Contents" in p and "...." in p)
    listed = {m[1]: int(m[2]) for m in re.finditer(r"(Getting Started|Reference|Stress)\s*\.{3,}\s*(\d+)", toc)}
    assert set(listed) == {"Getting Started", "Reference", "Stress"}
    starts = {
        name: next(i for i, p in enumerate(pages) if f"CHAPTER {n}" in p)
        for n, name in ((1, "Getting Started"), (2, "Reference"), (3, "Stress"))
    }
    first = starts["Getting Started"]
    assert {k: v - first + 1 for k, v in starts.items()} == listed
    # folios: arabic from chapter 1 (1, 2, ...), the book title on left pages, chapter titles on right pages
    folios = [p.strip().splitlines()[-1].strip() for p in pages[first:]]
    assert folios[:2] == ["1", "2"]
    assert any(p.lstrip().startswith("THE FEATURE BOOK") for p in pages[first:])
    assert any(p.strip().splitlines()[0].strip().endswith("STRESS") for p in pages[first + 1 :])
    assert re.search(r"^\s*iii\s*$", toc, re.M)  # lower-roman folio, counted from the title page


@pytest.mark.slow
def test_footnotes_on_the_page_of_their_call(book) -> None:
    pages = pages_text(book[0])
    on = [i for i, p in enumerate(pages) if "A footnote with a link." in " ".join(p.split())]
    assert len(on) == 1 and "Welcome to the" in pages[on[0]]


@pytest.mark.slow
def words_of(doc: Document) -> set[str]:
    """Words of the running text (tables left out: their cells interleave in extracted text)."""
    text = []
    for n in iter_nodes(tuple(b for ch in doc.chapters for b in ch.blocks if not isinstance(b, Table))):
        if isinstance(n, (Text, Code)):
            text.append(n.text)
    text += [t.text for ch in doc.chapters for t in ch.title if isinstance(t, Text)]
    hidden = "Speaker notes only."
    return {w.lower() for w in re.findall(r"\w+", " ".join(text).replace(hidden, "")) if len(w) < 40}


@pytest.mark.slow
def test_every_word_of_the_tree_is_printed(book) -> None:
    raw = subprocess.run(["pdftotext", str(book[0]), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"[-\u2010]\n|\u200b", "", raw)  # words hyphenated at line ends, break points in URLs
    printed = flat.lower()
    joined = printed.replace("\n", "")  # URLs and identifiers break at line ends without a hyphen
    missing = {w for w in words_of(stress_document()) if w not in printed and w not in joined}
    assert not missing, sorted(missing)
    assert "speaker" not in printed  # speaker notes are not printed


@pytest.mark.slow
def test_nothing_outside_the_page(book) -> None:
    html = subprocess.run(["pdftotext", "-bbox", str(book[0]), "-"], capture_output=True, text=True, check=True).stdout
    checked = 0
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        width, height = float(page[1]), float(page[2])
        for w in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)', page[3]):
            x0, y0, x1, y1 = map(float, w.groups()[:4])
            checked += 1
            assert 0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height, (w[5], x1, width)
            assert x1 <= width - 20, f"word {w[5]!r} runs into the page edge"
    assert checked > 300
    text = "".join(pages_text(book[0]))
    assert "\u21aa" in text  # the 600-character line is wrapped with continuation marks
    assert text.count("x" * 40) >= 7


def test_code_columns_fit_the_measure() -> None:
    assert 70 <= code_columns(PAGE_GEOMETRY["A4"], False) <= 100
    assert code_columns(PAGE_GEOMETRY["A5"], True) < code_columns(PAGE_GEOMETRY["A4"], True)


@pytest.mark.slow
def test_reproducible_bytes(tmp_path: Path) -> None:
    doc = feature_document()
    a, _ = export(tmp_path, doc, "a.pdf")
    b, _ = export(tmp_path, doc, "b.pdf")
    assert_same_files(a, b)


@pytest.mark.slow
def test_reproducible_bytes_with_the_fonttools_subsetter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Debian's libharfbuzz-subset0 WeasyPrint subsets with fontTools, which stamps fonts with
    the current time unless SOURCE_DATE_EPOCH is set: a dated book must still give identical bytes."""
    import time

    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    # A short chapter in the body and code fonts: fontTools subsets large fonts slowly.
    pos = Pos("01-one.md", 1)
    chapter = Chapter(
        "one",
        (Text("One"),),
        "01-one.md",
        (
            Paragraph((Text("A paragraph and "), Code("code()"), Text(".")), pos=pos),
            CodeBlock("x = 1\n", "python", pos=pos),
        ),
        number="1",
    )
    doc = dataclasses.replace(feature_document(), chapters=(chapter,))
    assert doc.meta.date  # the book's date makes the build reproducible
    a, _ = export(tmp_path, doc, "a.pdf")
    time.sleep(1.1)  # fontTools' time stamps have a resolution of one second
    b, _ = export(tmp_path, doc, "b.pdf")
    assert_same_files(a, b)
    assert "SOURCE_DATE_EPOCH" not in __import__("os").environ  # the exporter restores the environment


@pytest.mark.slow
def test_handout_theme_and_page_sizes(tmp_path: Path, book) -> None:
    doc = feature_document()
    handout, ctx = export(tmp_path, doc, "handout.pdf", theme="handout")
    reader = PdfReader(handout)
    assert len(reader.pages) < len(PdfReader(book[0]).pages)
    first = pages_text(handout)[0]
    assert "CONTENTS" in first and "Getting Started" in first  # no cover: title and contents open page 1
    assert ctx.reporter.warnings == []
    a5, _ = export(tmp_path, doc, "a5.pdf", page_size="A5", print=True)
    box = PdfReader(a5).pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (148, 210)


@pytest.mark.slow
def test_gate_refuses_files_outside_the_project_and_warns_on_glyphs(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes((tmp_path.parent / "x").as_posix().encode())  # any file outside the project
    from presswork.core.tree import Figure, Image

    fig = Figure(Image(str(secret), "secret"), (Text("outside"),), pos=Pos("01.md", 4))
    odd = Paragraph((Text("Glyph \U000e0100\u0fff test"),), pos=Pos("01.md", 5))
    doc = feature_document()
    ch = dataclasses.replace(doc.chapters[0], blocks=(fig, odd))
    target, ctx = export(tmp_path, dataclasses.replace(doc, chapters=(ch,)), "gate.pdf")
    messages = [str(w) for w in ctx.reporter.warnings]
    assert any("outside the project" in m for m in messages), messages
    assert any(
        w.category == "glyph" and "U+0FFF" in w.message and str(w.pos) == "01-start.md" for w in ctx.reporter.warnings
    ), messages
    assert target.is_file()


def test_ordered_lists_print_their_start_numbers(tmp_path: Path) -> None:
    from presswork.core.tree import ListItem, OrderedList, Paragraph, Text

    items = tuple(ListItem((Paragraph((Text(f"item {w}"),)),)) for w in ("alpha", "beta"))
    chapter = Chapter("c", (Text("Lists"),), "c.md", (OrderedList(items, start=7), OrderedList(items)))
    pdf, _ = export(tmp_path, Document(feature_document().meta, (chapter,)), name="lists.pdf")
    text = " ".join(pages_text(pdf))
    assert re.search(r"7\.\s+item alpha\s+8\.\s+item beta\s+1\.\s+item alpha\s+2\.\s+item beta", text), text


@pytest.mark.slow  # among the slowest of the fast tier: lays out a table of many pages
def test_long_table_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    from presswork.core.tree import Paragraph, Table, Text

    body = tuple(((Text(f"row{i:03d}"),), (Text(f"value {i}"),)) for i in range(150))
    table = Table((Text("Long table"),), ("left", "right"), (((Text("HeadKey"),), (Text("HeadValue"),)),), body)
    chapter = Chapter("t", (Text("Tables"),), "t.md", (Paragraph((Text("Before."),)), table))
    pdf, _ = export(tmp_path, Document(feature_document().meta, (chapter,)), name="table.pdf")
    pages = [p for p in pages_text(pdf) if re.search(r"row\d{3}", p)]
    assert len(pages) >= 3
    assert all("HeadKey" in p and "HeadValue" in p for p in pages)
    assert all(f"row{i:03d}" in " ".join(pages) for i in range(150))


@pytest.mark.slow  # among the slowest of the fast tier: builds a book with a project theme
def test_a_project_theme_extends_default_and_overrides_one_template_and_css(tmp_path: Path) -> None:
    theme = tmp_path / "proj" / "themes" / "press"
    (theme / "templates" / "pdf").mkdir(parents=True)
    (theme / "pdf").mkdir()
    (theme / "theme.toml").write_text('name = "press"\nextends = "default"\n')
    (theme / "templates" / "pdf" / "copyright.html").write_text(
        '<section class="copyright"><p>Printed by Example Press for {{ meta.title }}.</p></section>\n'
    )
    (theme / "pdf" / "book.css").write_text("@page { size: 150mm 150mm; }\n")
    pdf, ctx = export(tmp_path, name="press.pdf", theme="press")
    text = " ".join(pages_text(pdf))
    assert "Printed by Example Press for The Feature Book." in text
    assert "Contents" in text and "Getting Started" in text  # everything else still from default
    box = PdfReader(pdf).pages[-1].mediabox
    assert round(float(box.width) / 72 * 25.4) == 150 and round(float(box.height) / 72 * 25.4) == 150


@pytest.mark.slow
@pytest.mark.parametrize("variant, marker", [("pdf/ua-1", b"/StructTreeRoot"), ("pdf/a-3u", b"pdfaid:part")])
def test_pdf_variants(tmp_path: Path, variant: str, marker: bytes) -> None:
    pdf, _ = export(tmp_path, feature_document(), name="variant.pdf", pdf_variant=variant)
    data = pdf.read_bytes()
    assert marker in data or marker in _inflate_all(data)
    assert PdfReader(pdf).metadata.title == "The Feature Book"


def _inflate_all(data: bytes) -> bytes:
    """Every Flate stream of a PDF, decompressed (object streams hide the catalog's keys)."""
    import zlib

    out = []
    for m in re.finditer(rb"stream\r?\n", data):
        try:
            out.append(zlib.decompressobj().decompress(data[m.end() : m.end() + 2_000_000]))
        except zlib.error:
            continue
    return b"\n".join(out)


def test_configured_cover_image_is_on_the_first_page(tmp_path: Path) -> None:
    doc = feature_document()
    doc = dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, cover="images/photo.jpg"))
    pdf, _ = export(tmp_path, doc, name="cover.pdf")
    first = PdfReader(pdf).pages[0]
    assert (600, 900) in [im.image.size for im in first.images]
