"""End to end: the index and the glossary (tests/books/apparatus, files 03, 04 and glossary.md) in all three formats."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.support.outputs import epub_text, markdown_words, missing_words, pdf_text, pptx_text

pytestmark = pytest.mark.slow

MINE = ("03-index-glossary.md", "04-more-marks.md", "glossary.md")
#: Index term (or "term/sub") -> the text its marks stand on, to look for on each listed page.
MARKED = {
    "index": "index",
    "graphics processor": "graphics processor",
    "Ärger": "Ärger",
    "apple": "apple",
    "zebra": "zebra",
    "matrix": "matrix",
    "matrix/products": "matrix products",
    "matrix/fast": "fast matrices",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path], object]:
    from presswork.build.pipeline import build
    from tests.support import BOOKS

    book = tmp_path_factory.mktemp("apparatus") / "book"
    book.mkdir()
    for name in MINE:
        shutil.copy(BOOKS / "apparatus" / "chapters" / name, book / name)
    (book / "presswork.toml").write_text(
        'title = "Apparatus"\nlanguage = "en"\nglossary_first = "mark"\ndate = "2025-03-04"\n', encoding="utf-8"
    )
    result = build(book)
    return book, result.outputs, result


def _page_texts(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    out = []
    for i in range(len(reader.pages)):
        text = subprocess.run(
            ["pdftotext", "-f", str(i + 1), "-l", str(i + 1), "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        out.append(" ".join(re.sub(r"(\w)[-\u00ad\u2010]\n(\w)", r"\1\2", text).split()))
    return out


def test_builds_without_warnings_and_with_expected_chapters(built) -> None:
    _, outputs, result = built
    assert sorted(outputs) == ["epub", "pdf", "pptx"]
    assert [str(w) for w in result.reporter.warnings] == []


def test_pdf_index_page_numbers_are_the_pages_of_the_marks(built) -> None:
    from pypdf import PdfReader

    pdf = built[1]["pdf"]
    pages = _page_texts(pdf)
    labels = list(PdfReader(pdf).page_labels)
    index_page = max(i for i, t in enumerate(pages) if t.startswith("Index"))
    entries: dict[str, list[str]] = {}
    parent = ""
    raw = subprocess.run(
        ["pdftotext", "-f", str(index_page + 1), "-l", str(len(pages)), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in raw.splitlines():
        m = re.match(r"^(?P<term>[^,\d][^,]*?), (?P<locs>[\d–, ]+?)(?:\. See also .*)?$", line.strip())
        if not m:
            continue
        term = m.group("term")
        key = term if term in MARKED or not parent else f"{parent}/{term}"
        if term in MARKED:
            parent = term
        entries[key] = [x.strip() for x in m.group("locs").split(",") if x.strip()]
    assert set(entries) == set(MARKED), entries
    ranges = 0
    for key, locs in entries.items():
        for loc in locs:
            first, _, last = loc.partition("–")
            ranges += bool(last)
            for folio in {first, last or first}:
                page = labels.index(folio)
                assert MARKED[key].casefold() in pages[page].casefold(), (key, folio)
    # three marks of "graphics processor" on consecutive pages print as one range
    assert ranges >= 1 and any("–" in loc for loc in entries["graphics processor"])
    assert "CPU" not in raw and re.search(r"GPU, see graphics processor", raw)


def test_epub_index_uses_the_indexes_vocabulary_and_links_every_mark(built) -> None:
    from tests.support.epubcheck import problems, run_epubcheck

    epub = built[1]["epub"]
    assert [str(m) for m in problems(run_epubcheck(epub))] == []
    with zipfile.ZipFile(epub) as z:
        docs = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
    index = next(t for t in docs.values() if 'epub:type="index"' in t)
    for kind in (
        "index-group",
        "index-entry-list",
        "index-entry",
        "index-term",
        "index-locator",
        "index-xref-preferred",
        "index-xref-related",
    ):
        assert f'epub:type="{kind}"' in index, kind
    locators = re.findall(r'<a href="([^"#]*)#(idx-\d+)"[^>]*epub:type="index-locator"', index)
    marks = {m for t in docs.values() for m in re.findall(r'id="(idx-\d+)"', t)}
    assert len(marks) == 13 and len(marks - {a for _, a in locators}) == 1  # the "see" mark has no locator
    for file, anchor in locators:
        assert f'id="{anchor}"' in docs["EPUB/text/" + file]


def test_glossary_chapter_links_and_literal_braces(built) -> None:
    _, outputs, _ = built
    text = " ".join(pdf_text(outputs["pdf"]).split())
    assert re.search(r"Glossary Words this book uses.*Matrix .*Tensor .*Tokenizer", text)
    assert "config {Tensor}" in text and "{name}" in text and "{Tensor}" not in text.replace("config {Tensor}", "")
    with zipfile.ZipFile(outputs["epub"]) as z:
        chapter = next(z.read(n).decode() for n in z.namelist() if "index-and-glossary" in n)
    assert chapter.count('class="gls gls-first"') == 2  # Tensor, tokenizer: first use in the chapter
    assert re.search(r'href="ch\d\d-glossary\.xhtml#gls-tokenizer"[^>]*>tokenizers</a>', chapter)


@pytest.mark.parametrize("fmt", ["pdf", "epub", "pptx"])
def test_every_source_word_reaches_every_output(built, fmt: str) -> None:
    book, outputs, _ = built
    source = "\n".join((book / n).read_text(encoding="utf-8") for n in MINE)
    source = re.sub(r"\{\.(?:idx|gls)[^}]*\}", " ", source)  # apparatus attributes are not prose
    text = {"pdf": pdf_text, "epub": epub_text, "pptx": pptx_text}[fmt](outputs[fmt])
    assert missing_words(markdown_words(source), text) == []


def test_deck_has_glossary_but_no_index_and_loses_no_word(built, tmp_path: Path) -> None:
    from pptx import Presentation

    from tests.support.decks import lost_words

    deck = built[1]["pptx"]
    titles = [s.shapes.title.text for s in Presentation(str(deck)).slides if s.shapes.title is not None]
    assert any(t.startswith("Glossary") for t in titles) and "Index" not in titles
    total, lost, detail = lost_words(deck, tmp_path)
    assert total > 100 and lost == 0, detail
