"""The EPUB's page list comes from the print edition: entry N sits where PDF page N begins."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from presswork.core.tree import Chapter, CodeBlock, Paragraph, Text
from presswork.exporters.epub import EpubExporter
from presswork.exporters.pdf import PdfExporter
from tests.support.epubcheck import available, problems, run_epubcheck
from tests.support.trees import feature_document, make_context, write_images

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
WORDS = "amber basalt cobalt dune ember fjord garnet harbor indigo jasper kelp lichen".split()


def long_document():
    """The feature book and two long chapters of distinct sentences, lists and code."""

    def sentence(c: int, i: int) -> str:
        return f"Sentence {c}.{i} about {WORDS[i % 12]} and {WORDS[(i * 5 + c) % 12]} goes on for a while. "

    chapters = []
    for c in (1, 2):
        blocks = []
        for i in range(24):
            blocks.append(Paragraph((Text("".join(sentence(c, i * 20 + k) for k in range(4 + i % 7 * 2))),)))
            if i % 9 == 4:
                blocks.append(CodeBlock("\n".join(f"step_{c}_{i}_{n} = run({n})" for n in range(8)), "python"))
        chapters.append(Chapter(f"long-{c}", (Text(f"Long chapter {c}"),), f"long-{c}.md", tuple(blocks)))
    doc = feature_document()
    return dataclasses.replace(doc, chapters=(*doc.chapters, *chapters))


def compact(text: str) -> str:
    return re.sub(r"[\s\u200b\u00ad\u2010\u21aa]+", "", text)


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("pagelist") / "proj"
    write_images(root)
    doc = long_document()
    pdf = root / "book.pdf"
    PdfExporter().export(doc, make_context(root, PdfExporter), pdf)
    from presswork.exporters.pdf import document

    def no_layout(*args: object, **kwargs: object) -> None:
        raise AssertionError("the EPUB laid the print edition out again instead of using the PDF's layout")

    original, document.render = document.render, no_layout
    try:
        epub = root / "book.epub"
        EpubExporter().export(doc, make_context(root, EpubExporter), epub)
    finally:
        document.render = original
    return pdf, epub


def test_page_list_entry_n_sits_where_pdf_page_n_begins(editions) -> None:
    pdf, epub = editions
    labels = PdfReader(pdf).page_labels
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        entries = [(a.text, a.get("href")) for a in nav.iterfind(".//h:nav[@epub:type='page-list']//h:a", NS)]
        body_pages = [label for label in labels if label.isdigit()]
        assert [label for label, _ in entries] == body_pages, "one entry per body page, same folios"
        checked = 0
        for label, href in entries:
            name, _, anchor = href.partition("#")
            doc = etree.fromstring(z.read(f"EPUB/{name}"))
            marker = doc.find(f".//*[@id='{anchor}']")
            assert marker is not None and marker.get(f"{{{NS['epub']}}}type") == "pagebreak"
            assert marker.get("role") == "doc-pagebreak" and marker.get("aria-label") == label
            following = compact("".join(marker.xpath("following::text()[not(ancestor::h:math)]", namespaces=NS)))
            index = labels.index(label)
            page = subprocess.run(
                ["pdftotext", "-f", str(index + 1), "-l", str(index + 1), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            head = compact(page)[:160]
            assert following[:20] in head, (label, following[:40], head)  # 20: past the sentence numbers
            checked += 1
        assert checked >= 8


def test_package_declares_page_navigation_and_its_source(editions) -> None:
    _pdf, epub = editions
    with zipfile.ZipFile(epub) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    features = [m.text for m in opf.iterfind(".//opf:meta[@property='schema:accessibilityFeature']", NS)]
    assert "pageBreakMarkers" in features and "pageNavigation" in features
    source = opf.find(".//dc:source", NS)
    assert source is not None and "print edition" in source.text
    refine = opf.find(f".//opf:meta[@refines='#{source.get('id')}']", NS)
    assert refine is not None and refine.get("property") == "source-of" and refine.text == "pagination"


@pytest.mark.slow  # among the slowest of the fast tier: EPUBCheck on a whole book
@pytest.mark.skipif(not available(), reason="EPUBCheck not available")
def test_epub_with_page_list_passes_epubcheck(editions) -> None:
    bad = problems(run_epubcheck(editions[1]))
    assert not bad, "\n".join(map(str, bad))


def test_page_list_can_be_turned_off(tmp_path: Path) -> None:
    write_images(tmp_path)
    target = tmp_path / "plain.epub"
    EpubExporter().export(feature_document(), make_context(tmp_path, EpubExporter, page_list=False), target)
    with zipfile.ZipFile(target) as z:
        assert b"page-list" not in z.read("EPUB/nav.xhtml")
        assert not any(b"doc-pagebreak" in z.read(n) for n in z.namelist() if n.endswith(".xhtml"))
    # No print layout was made: the cache holds the EPUB's rendered chapters only.
    assert {p.name for p in (tmp_path / ".presswork-cache").iterdir()} == {"epub-chapters"}
