"""Edges of a full deck: a snippet that opens with a blank line (an mdBook include between anchors, found in
the async book) no longer shows an empty code box as its first part; a closing remark after a listing that
fills its slide is a statement, not two lines atop an empty slide (the nomicon's Destructors); listings are
measured as tall as LibreOffice draws them, no taller, and never overflow their box."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.text import PP_ALIGN

from tests.exporters.pptx.test_deck_thin import slides
from tests.support import REPO
from tests.support.decks import build_fixture_deck

BOOK = REPO / "tests" / "books" / "deck-edges"
EMU_PER_PT = 12700


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_deck(BOOK, tmp_path_factory.mktemp("edges"))[0]


def test_no_code_box_opens_or_ends_with_a_blank_line(deck: Path) -> None:
    """Before, the listing's first part opened with its blank line (in the async book, a part of that line
    alone: an empty box below the lead-in)."""
    for title, _, code in slides(deck):
        if code:
            assert code.strip() and code == code.strip("\n"), f"{title!r}: a listing part {code[:30]!r}"


def test_a_snippet_opening_with_a_blank_line_starts_with_its_first_line(deck: Path) -> None:
    [(title, body, code)] = [s for s in slides(deck) if "implements the Future trait:" in s[1]]
    assert code.startswith("// `foo()` returns a type"), f"{title!r} opens its listing with {code[:40]!r}"


def test_a_closing_remark_after_a_full_listing_is_a_statement(deck: Path) -> None:
    """Before, "However…" and "On balance…" sat atop an empty slide after the listing (under a third full)."""
    for slide in Presentation(str(deck)).slides:
        shapes = [sh for sh in slide.shapes if sh.has_text_frame and "On balance" in sh.text_frame.text]
        if shapes:
            break
    else:
        raise AssertionError("the closing remark is on no slide")
    [shape] = shapes
    assert shape.name == "Statement", f"{slide.shapes.title.text!r}: the remark is in {shape.name!r}"
    paras = [p for p in shape.text_frame.paragraphs if p.text.strip()]
    assert len(paras) == 2 and all(p.alignment == PP_ALIGN.CENTER for p in paras)
    sizes = {r.font.size.pt for p in paras for r in p.runs if r.font.size is not None}
    assert sizes and min(sizes) >= 28, sizes
    assert slide.shapes.title.text.endswith("(2/2)")


@pytest.mark.slow  # renders the deck with LibreOffice
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None, reason="LibreOffice")
def test_listings_end_inside_their_box_when_rendered(deck: Path, tmp_path: Path) -> None:
    """The fit engine measures a code line without the text's safety margin (LibreOffice draws it 1.20 of the
    size tall, the engine counts 1.22): the last line of each listing still ends inside its box."""
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    bbox = tmp_path / "b.html"
    subprocess.run(["pdftotext", "-bbox", str(tmp_path / "edges.pdf"), str(bbox)], check=True)
    pages = re.findall(r"<page [^>]*>(.*?)</page>", bbox.read_text(), re.S)
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')
    checked = 0
    for n, (slide, page) in enumerate(zip(Presentation(str(deck)).slides, pages, strict=True), start=1):
        for shape in slide.shapes:
            if shape.name != "Code":
                continue
            top, bottom = shape.top / EMU_PER_PT, (shape.top + shape.height) / EMU_PER_PT
            left, right = shape.left / EMU_PER_PT, (shape.left + shape.width) / EMU_PER_PT
            last = shape.text_frame.text.rstrip().split("\n")[-1].split()[-1]
            ends = [
                float(y1)
                for x0, y0, y1, text in word.findall(page)
                if text == last and left <= float(x0) <= right and float(y0) >= top
            ]
            assert ends, f"slide {n}: the listing's last word {last!r} is not drawn inside its box"
            assert min(ends) <= bottom, f"slide {n}: the listing ends {min(ends) - bottom:.1f} pt below its box"
            checked += 1
    assert checked >= 3, checked
