"""The Typst engine's page numbers asked of its own layout: the index in one compile, the EPUB's page list, read back."""

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

from presswork.commands.cli import main
from presswork.compat import typst as typst_compat
from presswork.exporters.epub import EpubExporter
from presswork.exporters.pdf import PdfExporter
from tests.exporters.epub.test_pagelist import NS, compact, long_document
from tests.support.epubcheck import available, problems, run_epubcheck
from tests.support.trees import make_context, write_images

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

FILLER = (
    "Every paragraph here is filler that takes room on the page, so that the marks below land on "
    "pages far apart and the index has ranges, single pages and repeated pages to print. "
) * 3


def index_book(folder: Path) -> Path:
    """A book whose index term "quokka" is marked on pages far apart, twice on one page, on neighbours."""
    folder.mkdir()
    paragraphs = []
    for n in range(1, 90):
        mark = ' [Quokkamark]{.idx term="quokka"}' if n in (1, 2, 30, 34, 38, 80) else ""
        other = ' [Wombatmark]{.idx term="wombat"}' if n == 45 else ""
        paragraphs.append(f"Paragraph {n}.{mark}{other} {FILLER}")
    (folder / "one.md").write_text("# One\n\n" + "\n\n".join(paragraphs[:50]) + "\n", encoding="utf-8")
    (folder / "two.md").write_text("# Two\n\n" + "\n\n".join(paragraphs[50:]) + "\n", encoding="utf-8")
    (folder / "presswork.toml").write_text(
        'title = "Index"\nlanguage = "en"\n[pdf]\nengine = "typst"\n', encoding="utf-8"
    )
    return folder


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def folio(page: str) -> str:
    lines = [line.strip() for line in page.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def ranges(numbers: list[int]) -> str:
    """How a book index prints pages: each once, in order, neighbours as one range."""
    out: list[str] = []
    run: list[int] = []
    for n in sorted(set(numbers)):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(str(run[0]) if len(run) == 1 else f"{run[0]}\u2013{run[-1]}")
        run = [n]
    out.append(str(run[0]) if len(run) == 1 else f"{run[0]}\u2013{run[-1]}")
    return ", ".join(out)


def typst_context(root: Path, exporter_cls: type, **options: object):
    """A build context whose book sets ``[pdf] engine = "typst"`` (the EPUB reads it for its page list)."""
    ctx = make_context(root, exporter_cls, **options)
    config = dataclasses.replace(ctx.config, format_options={"pdf": {"engine": "typst"}})
    return dataclasses.replace(ctx, config=config)


@pytest.fixture(scope="module")
def typst_editions(tmp_path_factory: pytest.TempPathFactory):
    """The long page-list book as a Typst PDF, then as an EPUB (which must lay nothing out again)."""
    root = tmp_path_factory.mktemp("typst-pagelist") / "proj"
    write_images(root)
    doc = long_document()
    pdf = root / "book.pdf"
    PdfExporter().export(doc, typst_context(root, PdfExporter, engine="typst"), pdf)
    from presswork.exporters.pdf import document

    def no_layout(*args: object, **kwargs: object) -> None:
        raise AssertionError("the EPUB laid the print edition out again")

    original = (document.render, typst_compat.TypstBook.__init__)
    document.render, typst_compat.TypstBook.__init__ = no_layout, no_layout  # type: ignore[method-assign,assignment]
    try:
        epub = root / "book.epub"
        EpubExporter().export(doc, typst_context(root, EpubExporter), epub)
    finally:
        document.render, typst_compat.TypstBook.__init__ = original  # type: ignore[method-assign]
    return pdf, epub


def page_list(epub: Path) -> list[tuple[str, str, str]]:
    """(label, marker id, the text after the marker) of each entry of the EPUB's page list."""
    out = []
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        for a in nav.iterfind(".//h:nav[@epub:type='page-list']//h:a", NS):
            name, _, anchor = a.get("href").partition("#")
            doc = etree.fromstring(z.read(f"EPUB/{name}"))
            marker = doc.find(f".//*[@id='{anchor}']")
            assert marker is not None and marker.get(f"{{{NS['epub']}}}type") == "pagebreak"
            following = compact(
                "".join(
                    marker.xpath(
                        "following::text()[not(ancestor::h:math) and not(ancestor::*[contains(@class, 'math')])]",
                        namespaces=NS,
                    )
                )
            )
            out.append((a.text, anchor, following))
    return out


def test_epub_page_list_comes_from_the_typst_layout(typst_editions) -> None:
    pdf, epub = typst_editions
    labels = PdfReader(pdf).page_labels
    entries = page_list(epub)
    assert [label for label, _, _ in entries] == [label for label in labels if label.isdigit()]
    texts = [compact(p) for p in page_texts(pdf)]
    exact = counted = 0
    report = []
    for label, _anchor, following in entries:
        index = labels.index(label)
        words = following[:16]
        if words not in "".join(texts):
            continue  # what follows is not printed as text (math is a picture in print)
        # the marker sits before text of its page; a page of floated figures alone, or a page break
        # guessed inside a paragraph, may put it on a neighbouring page's text
        near = texts[index - 1][-300:] + texts[index] + texts[index + 1][:300]
        assert words in near, (label, words, texts[index][:200])
        exact += words in texts[index][:300]
        counted += 1
        report.append((label, texts[index].find(words), texts[index - 1][-300:].find(words)))
    assert exact >= counted * 0.8, (exact, counted, report)


def test_an_epub_alone_takes_its_page_list_from_typst_never_weasyprint(tmp_path: Path) -> None:
    from presswork.exporters.pdf import document

    write_images(tmp_path)

    def no_layout(*args: object, **kwargs: object) -> None:
        raise AssertionError("WeasyPrint laid the book out for an EPUB whose PDF engine is Typst")

    original, document.render = document.render, no_layout
    try:
        epub = tmp_path / "alone.epub"
        EpubExporter().export(long_document(), typst_context(tmp_path, EpubExporter), epub)
    finally:
        document.render = original
    entries = page_list(epub)
    assert len(entries) >= 8 and entries[0][0] == "1"


@pytest.mark.slow  # EPUBCheck on a whole book
@pytest.mark.skipif(not available(), reason="EPUBCheck not available")
def test_epub_with_the_typst_page_list_passes_epubcheck(typst_editions) -> None:
    bad = problems(run_epubcheck(typst_editions[1]))
    assert not bad, "\n".join(map(str, bad))


def test_index_prints_the_pages_where_its_marks_land_after_one_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = index_book(tmp_path / "book")
    compiles = []
    original = typst_compat.TypstBook.pdf

    def counted(self: typst_compat.TypstBook, *args: object, **kwargs: object) -> bytes:
        compiles.append(1)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(typst_compat.TypstBook, "pdf", counted)
    assert main(["build", str(book), "--format", "pdf", "--quiet"]) == 0
    assert len(compiles) == 1  # the index's numbers come from the same layout, not a second compile
    pages = page_texts(next((book / "output").glob("*.pdf")))
    index_at = next(i for i, p in enumerate(pages) if re.search(r"^\s*Index\s*$", p, re.M) and "quokka," in p)
    for word, term in (("Quokkamark", "quokka"), ("Wombatmark", "wombat")):
        landed = [int(folio(p)) for p in pages[:index_at] if word in p]
        assert len(landed) >= 1
        printed = re.search(rf"{term}, ([\d\u2013, ]+)", pages[index_at])
        assert printed, pages[index_at]
        assert printed.group(1).strip().rstrip(",") == ranges(landed)
    assert "\u2013" in pages[index_at]  # the book has neighbouring pages: one range at least
