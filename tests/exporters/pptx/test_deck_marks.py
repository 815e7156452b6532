"""Lines a slide reader takes for subheadings: no line of a listing is set in bold (a lone ``[dependencies]``
or ``where`` read as a heading), found in the Rust book's and the nomicon's decks."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest
from pptx import Presentation

from presswork.commands.cli import main
from tests.support import REPO

BOOK = REPO / "tests" / "books" / "deck-marks"


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("marks") / "book"
    shutil.copytree(BOOK, root)
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(["build", str(root), "--format", "pptx"]) == 0
    return root / "output" / "marks.pptx"


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
