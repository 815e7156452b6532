"""Lines a slide reader takes for subheadings: no line of a listing is set in bold (a lone ``[dependencies]``
or ``where`` read as a heading), found in the Rust book's and the nomicon's decks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from tests.support import REPO
from tests.support.decks import build_fixture_deck

BOOK = REPO / "tests" / "books" / "deck-marks"


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_deck(BOOK, tmp_path_factory.mktemp("marks"))[0]


def test_no_listing_line_is_set_in_bold(deck: Path) -> None:
    """Before, the TOML listing's ``[package]`` and ``[dependencies]`` lines were bold (the code style's
    keywords): a listing ending with ``[dependencies]`` ended its slide with what read as a subheading."""
    codes = [sh for s in Presentation(str(deck)).slides for sh in s.shapes if sh.name == "Code"]
    assert codes, "the listing is missing"
    lines = [p for sh in codes for p in sh.text_frame.paragraphs if p.text.strip()]
    assert [p.text for p in lines][-1] == "[dependencies]"
    bold = [p.text for p in lines if any(r.font.bold for r in p.runs)]
    assert not bold, f"bold code lines: {bold}"
    coloured = [p.text for p in lines if any(r.font.color.type is not None for r in p.runs)]
    assert "[dependencies]" in coloured, "the table header lost its highlighting colour"


def callouts(deck: Path) -> list[list[list[tuple[str, bool]]]]:
    """Each call-out's paragraphs as (text, bold) runs."""
    shapes = [sh for s in Presentation(str(deck)).slides for sh in s.shapes if sh.name.startswith("Callout")]
    return [[[(r.text, bool(r.font.bold)) for r in p.runs] for p in sh.text_frame.paragraphs] for sh in shapes]


def test_a_callouts_title_is_set_in_before_its_text(deck: Path) -> None:
    """Before, "Tip" stood on a line of its own in bold, read as a subheading of the slide; now it opens the
    call-out's first paragraph ("Tip: Run…"), a line shorter. Before a list, the title keeps its line."""
    tip, crates = callouts(deck)
    assert len(tip) == 1, f"the tip's title has a line of its own: {tip}"
    assert tip[0][0] == ("Tip", True) and tip[0][1] == (":", True)
    assert "".join(t for t, _ in tip[0][2:]).strip() == "Run cargo new --help to see the available options."
    assert not any(bold for _, bold in tip[0][2:]), "the tip's text is set in bold"
    assert crates[0] == [("Crates", True)] and len(crates) == 3
