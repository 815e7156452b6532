"""Edges of a full deck's listings: a snippet that opens with a blank line (an mdBook include between
anchors, found in the async book) no longer shows an empty code box as its first part."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from presswork.commands.cli import main
from tests.exporters.pptx.test_deck_thin import slides
from tests.support import REPO

BOOK = REPO / "tests" / "books" / "deck-edges"


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("edges") / "book"
    shutil.copytree(BOOK, root)
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(["build", str(root), "--format", "pptx"]) == 0
    return root / "output" / "edges.pptx"


def test_no_code_box_opens_or_ends_with_a_blank_line(deck: Path) -> None:
    """Before, the listing's first part opened with its blank line (in the async book, a part of that line
    alone: an empty box below the lead-in)."""
    for title, _, code in slides(deck):
        if code:
            assert code.strip() and code == code.strip("\n"), f"{title!r}: a listing part {code[:30]!r}"


def test_a_snippet_opening_with_a_blank_line_starts_with_its_first_line(deck: Path) -> None:
    [(title, body, code)] = [s for s in slides(deck) if "implements the Future trait:" in s[1]]
    assert code.startswith("// `foo()` returns a type"), f"{title!r} opens its listing with {code[:40]!r}"
