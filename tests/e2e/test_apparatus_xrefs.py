"""End to end on tests/books/apparatus: cross-references and citations in PDF, EPUB and PPTX.

One build of the three formats serves every assertion: EPUBCheck, the deck's visible words after a
LibreOffice render, the labels and citations in each format, and the "on page N" of every print
cross-reference checked against the page where its target really is.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.support.outputs import epub_text, markdown_words, missing_words, pdf_text, pptx_text

pytestmark = pytest.mark.slow

#: The text that stands on the page of each target in the fixture book.
TARGET_TEXT = {
    "Figure 1.1": "The publishing pipeline from Markdown",
    "Figure 5.1": "How a build flows",  # a Graphviz diagram (chapters/05-diagrams.md)
    "Table 1.1": "Build costs per stage",
    "Listing 1.1": "Building the book",
    "Section 1.1": "1.1 Figures and tables",
    "Section 1.2": "1.2 Equations and listings",
    "Section 2.1": "2.1 Citing works",
    "Chapter 1": "CHAPTER 1",
    "Equation (1.1)": r"(?<!Equation )\(1\.1\)",
    "Equation (1.2)": r"(?<!Equation )\(1\.2\)",
}
CITATIONS = ["(Doe, 2020)", "(Doe, 2020, p. 33)", "(Roe & Poe, 2021, pp. 12–14)", "(2021)", "(Knuth, 1984, 1986)"]
NARRATIVE = ["Roe & Poe (2021)", "Knuth (1984)"]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path], Any]:
    from presswork.build.pipeline import build
    from tests.support import BOOKS

    root = tmp_path_factory.mktemp("apparatus") / "apparatus"
    shutil.copytree(BOOKS / "apparatus", root)
    result = build(root, formats=["pdf", "epub", "pptx"])
    return root, result.outputs, result


def _flat(text: str) -> str:
    """Text on one line; no space before closing punctuation (EPUB text is joined at element edges)."""
    text = " ".join(re.sub(r"(\w)[\u00ad\u2010-]\n(\w)", r"\1\2", text).split())
    return re.sub(r"\s+([.,;:)])", r"\1", text)


def test_builds_without_warnings_and_epubcheck_passes(book) -> None:
    from tests.support.epubcheck import problems, run_epubcheck

    _root, outputs, result = book
    assert [str(w) for w in result.reporter.warnings] == []
    assert [str(m) for m in problems(run_epubcheck(outputs["epub"]))] == []


def test_every_label_and_citation_is_in_every_format(book) -> None:
    _root, outputs, _ = book
    texts = {
        "pdf": _flat(pdf_text(outputs["pdf"])),
        "epub": _flat(epub_text(outputs["epub"])),
        "pptx": _flat(pptx_text(outputs["pptx"])),
    }
    for fmt, text in texts.items():
        for label in TARGET_TEXT:
            assert label in text, (fmt, label)
        for cite in CITATIONS + NARRATIVE:
            assert cite in text, (fmt, cite)
        assert "@fig-" not in text and "[@" not in text and "doe2020" not in text, fmt
        assert "@lst-build" in text and "editor@example.com" in text and "@someone" in text, fmt
        assert "Knuth, D. E. (1986). The TeXbook. Addison-Wesley." in text, fmt


@pytest.mark.parametrize("fmt", ["pdf", "epub", "pptx"])
def test_every_source_word_reaches_the_output(book, fmt: str) -> None:
    from tests.support.outputs import epub_text as epub
    from tests.support.outputs import pdf_text as pdf
    from tests.support.outputs import pptx_text as pptx

    root, outputs, _ = book
    read = {"pdf": pdf, "epub": epub, "pptx": pptx}[fmt]
    text = read(outputs[fmt])
    for source in sorted((root / "chapters").glob("0[12]-*.md")):
        expected = markdown_words(source.read_text(encoding="utf-8"))
        assert missing_words(expected, text) == [], source.name


def test_print_page_references_name_the_pages_of_their_targets(book) -> None:
    from pypdf import PdfReader

    _root, outputs, _ = book
    reader = PdfReader(outputs["pdf"])
    labels = reader.page_labels
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    text = _flat("\n".join(pages))
    refs = re.findall(
        r"((?:Figure|Table|Listing|Section|Chapter) \d+(?:\.\d+)*|Equation \([\d.]+\)) on page (\w+)", text
    )
    assert len(refs) >= 15, refs
    assert {label for label, _ in refs} == set(TARGET_TEXT)
    body = next(i for i, p in enumerate(pages) if "CHAPTER 1" in p)  # the contents list the headings too
    for label, page in refs:
        found = [i for i in range(body, len(pages)) if re.search(TARGET_TEXT[label], pages[i])]
        assert found, label
        assert labels[found[0]] == page, f"{label} is on page {labels[found[0]]}, the reference says {page}"
    # Some references stand on another page than their target (chapter 2 refers back to chapter 1).
    standing = {labels[i] for i, p in enumerate(pages) if "Section 1.1 on page" in p}
    assert standing and standing != {dict(refs)["Section 1.1"]}


def test_epub_cross_references_link_to_their_targets(book) -> None:
    _root, outputs, _ = book
    with zipfile.ZipFile(outputs["epub"]) as z:
        docs = {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}
    ids = {(Path(n).name, i) for n, root in docs.items() for i in root.xpath("//@id")}
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    links = [
        (Path(n).name, a)
        for n, root in docs.items()
        for a in root.xpath("//h:a[contains(@class,'xref')]", namespaces=ns)
    ]
    assert len(links) >= 15
    for name, a in links:
        file, _, ident = a.get("href").rpartition("#")
        assert (file or name, ident) in ids, a.get("href")
    assert any("#" in a.get("href") and a.get("href").split("#")[0] for _, a in links)  # across chapter files


def test_deck_shows_every_word_and_puts_citations_in_the_notes(book, tmp_path: Path) -> None:
    from pptx import Presentation

    from tests.support.decks import lost_words

    _root, outputs, _ = book
    total, lost, detail = lost_words(outputs["pptx"], tmp_path)
    assert total > 100 and lost == 0, detail
    slides = list(Presentation(str(outputs["pptx"])).slides)
    notes = [s.notes_slide.notes_text_frame.text if s.has_notes_slide else "" for s in slides]
    shown = [" ".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in slides]
    citing = next(i for i, t in enumerate(shown) if "(Doe, 2020)" in t)
    assert "Doe, J. (2020). Publishing books from markdown. Example Press." in notes[citing]
    refs = [t for t in shown if "Roe, R., & Poe, A. (2021)." in t]
    assert refs, "no references slide"
