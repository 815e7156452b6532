"""A listing's later part never starts inside a block: it repeats the lines it is inside, then an elision mark."""

from __future__ import annotations

import pytest

from tests.exporters.pptx.test_deck_craft import INSIDE_BLOCK, code_shapes
from tests.support import REPO
from tests.support.decks import build_fixture_deck

BOOK = REPO / "tests" / "books" / "deck-context"


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> list[list[str]]:
    """The lines of every code box of the fixture deck, reopened."""
    deck, _ = build_fixture_deck(BOOK, tmp_path_factory.mktemp("context"))
    return [lines for _, lines, _ in code_shapes(deck)]


def later_parts(parts: list[list[str]], word: str) -> list[list[str]]:
    """The parts after the first of the listing whose lines contain ``word``."""
    found = [lines for lines in parts if any(word in ln for ln in lines)]
    assert len(found) > 1, f"the listing with {word!r} should be cut over several slides, got {len(found)} part(s)"
    return found[1:]


def test_no_part_starts_inside_a_block(parts: list[list[str]]) -> None:
    starts = [lines[0] for lines in parts if INSIDE_BLOCK.match(lines[0])]
    assert starts == [], f"parts start inside a block: {starts}"


def test_a_rust_part_cut_inside_a_loop_repeats_the_function_and_the_loop(parts: list[list[str]]) -> None:
    for lines in later_parts(parts, "value_"):
        assert lines[:3] == ["fn main() {", "    for (i, word) in words.iter().enumerate() {", "        // …"], lines[
            :3
        ]


def test_a_python_part_cut_inside_a_loop_repeats_the_def_and_the_loop(parts: list[list[str]]) -> None:
    for lines in later_parts(parts, "total +="):
        assert lines[:3] == ["def tally(words):", "    for word in words:", "        # …"], lines[:3]


def test_a_console_part_cut_mid_way_repeats_the_command(parts: list[list[str]]) -> None:
    for lines in later_parts(parts, "Compiling crate_"):
        assert lines[:2] == ["$ cargo build", "…"], lines[:2]
        assert lines[2].lstrip().startswith("Compiling crate_"), lines[2]
