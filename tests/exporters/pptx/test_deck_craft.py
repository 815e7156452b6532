"""Slide craft on a real deck: listings cut between top-level items, legible compiler output."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Pt

from presswork.commands.cli import main
from tests.support import REPO
from tests.support.deckcontrast import run_contrasts

#: Least contrast of slide text on its background (WCAG 2 AA).
AA = 4.5

BOOK = REPO / "tests" / "books" / "deck-craft"
#: A first line that starts inside a block: indented, or closing a bracket (as the shared deck_talk check reads it).
INSIDE_BLOCK = re.compile(r"^(\s{2,}\S|\s*[}\])](\s|;|,|$))")
MONO = re.compile(r"mono|consol|courier|code|menlo", re.I)


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("craft") / "book"
    shutil.copytree(BOOK, root)
    assert main(["build", str(root), "--format", "pptx"]) == 0
    return root / "output" / "craft.pptx"


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
