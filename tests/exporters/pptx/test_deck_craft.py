"""Slide craft on a real deck: listings cut between top-level items, legible compiler output."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.text import PP_ALIGN
from pptx.util import Pt

from presswork.commands.cli import main
from tests.support import REPO
from tests.support.deckcontrast import run_contrasts
from tests.support.decks import build_fixture_deck

#: Least contrast of slide text on its background (WCAG 2 AA).
AA = 4.5

BOOK = REPO / "tests" / "books" / "deck-craft"
#: A first line that starts inside a block: indented, or closing a bracket (as the shared deck_talk check reads it).
INSIDE_BLOCK = re.compile(r"^(\s{2,}\S|\s*[}\])](\s|;|,|$))")
MONO = re.compile(r"mono|consol|courier|code|menlo", re.I)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return build_fixture_deck(BOOK, tmp_path_factory.mktemp("craft"))


@pytest.fixture(scope="module")
def deck(built: tuple[Path, str]) -> Path:
    return built[0]


def code_shapes(path: Path) -> list[tuple[int, list[str], list[float]]]:
    """(slide number, lines, run sizes in pt) of every code box of the deck."""
    out = []
    for n, slide in enumerate(Presentation(str(path)).slides, 1):
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            runs = [r for p in shape.text_frame.paragraphs for r in p.runs if r.text.strip()]
            if runs and all(r.font.name and MONO.search(r.font.name) for r in runs):
                sizes = [r.font.size / Pt(1) for r in runs if r.font.size is not None]
                out.append((n, shape.text_frame.text.split("\n"), sizes))
    return out


def test_no_listing_part_starts_inside_a_block(deck: Path) -> None:
    parts = code_shapes(deck)
    assert len(parts) > 4  # the listings are too long for one slide each
    starts = [(n, lines[0]) for n, lines, _ in parts if INSIDE_BLOCK.match(lines[0])]
    assert starts == []


def test_a_part_cut_inside_a_function_repeats_its_opening_line_and_marks_the_elision(deck: Path) -> None:
    mains = [lines for _, lines, _ in code_shapes(deck) if lines[0] == "fn main() {"]
    assert any(len(lines) > 1 and lines[1].strip() == "// …" for lines in mains)


def test_functions_are_never_cut(deck: Path) -> None:
    for _, lines, _ in code_shapes(deck):
        text = "\n".join(lines)
        if "fn helper_" in text:
            assert text.count("{") == text.count("}"), text


def test_compiler_output_is_14_pt_or_more_and_each_part_starts_a_message(deck: Path) -> None:
    console = [(lines, sizes) for _, lines, sizes in code_shapes(deck) if any("error" in ln for ln in lines)]
    assert len(console) > 1  # the output is longer than a slide
    assert all(s >= 14 for _, sizes in console for s in sizes)
    for lines, _ in console:
        assert re.match(r"^(\$ |error|For more|…$)", lines[0]), lines[0]


@pytest.fixture(scope="module")
def features_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("features") / "book"
    shutil.copytree(REPO / "tests" / "books" / "features", root)
    assert main(["build", str(root), "--format", "pptx"]) == 0
    return next((root / "output").glob("*.pptx"))


def test_every_slide_text_has_aa_contrast_on_its_background(deck: Path, features_deck: Path) -> None:
    """Body, titles, tables, callouts, code and compiler output: 4.5:1 or more against the fill behind them,
    computed from the theme's colours."""
    low = [
        (path.name, n, text[:20], fg, bg, round(ratio, 2))
        for path in (deck, features_deck)
        for n, text, fg, bg, ratio in run_contrasts(str(path))
        if ratio < AA
    ]
    assert low == []


def decorative(shape: object) -> bool:
    return bool(shape.element.xpath(".//*[local-name()='decorative' and @val='1']"))  # type: ignore[attr-defined]


def test_every_slide_has_a_unique_title_read_first(deck: Path, features_deck: Path) -> None:
    """Screen readers and PowerPoint's accessibility checker list slides by title and read a slide in
    shape-tree order: each title is unique (two chapters' "Summary" sections too) and comes first."""
    for path in (deck, features_deck):
        titles, late = [], []
        for n, slide in enumerate(Presentation(str(path)).slides, 1):
            title = slide.shapes.title
            assert title is not None and title.text_frame.text.strip(), (path.name, n)
            titles.append(" ".join(title.text_frame.text.split()).casefold())
            read = [sh for sh in slide.shapes if not decorative(sh)]
            if read[0].shape_id != title.shape_id:
                late.append(n)
        assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
        assert late == [], (path.name, late)


def test_pictures_carry_alt_text_and_a_missing_one_is_reported(built: tuple[Path, str], features_deck: Path) -> None:
    path, err = built
    descr = {}
    for path_ in (path, features_deck):
        for slide in Presentation(str(path_)).slides:
            for shape in slide.shapes:
                if shape.shape_type == 13 and not decorative(shape):
                    descr.setdefault(path_.name, []).append(shape.element.xpath("./p:nvPicPr/p:cNvPr/@descr")[0])
    assert "A bar chart of build times per format" in descr["craft.pptx"]
    assert all(descr[features_deck.name])  # every picture of the feature book has its alt text or caption
    assert re.search(r"02-pictures\.md:13.*no alt text", err), err


def test_a_slide_of_one_sentence_is_a_large_centred_statement(deck: Path) -> None:
    """Not one line at the top of an 80% empty slide: set large, centred across and down the content area."""
    prs = Presentation(str(deck))
    found = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.startswith("Every chapter has a summary"):
                found.append(shape)
    (shape,) = found
    paragraph = shape.text_frame.paragraphs[0]
    assert paragraph.alignment == PP_ALIGN.CENTER
    assert all(r.font.size is not None and r.font.size >= Pt(28) for r in paragraph.runs)
    middle = shape.top + shape.height / 2
    assert 0.35 * prs.slide_height < middle < 0.65 * prs.slide_height
