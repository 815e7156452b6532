"""Glyph coverage: characters the deck's font lacks are drawn from a font that has them, and reported."""

from __future__ import annotations

import pytest

from presswork.exporters.common.fonts import installed_faces
from presswork.exporters.pptx.output.glyphs import GlyphChecker
from presswork.exporters.pptx.output.shapes import BULLETS

needs_fonts = pytest.mark.skipif(not installed_faces(), reason="fontconfig lists no fonts")


@needs_fonts
def test_plain_text_stays_in_the_run_font() -> None:
    warned: list[str] = []
    assert GlyphChecker(warned.append).pieces("Plain words, “quoted”.", "Calibri") == [("Plain words, “quoted”.", "")]
    assert warned == []


@needs_fonts
def test_a_character_the_font_lacks_is_drawn_from_another_and_reported_once() -> None:
    warned: list[str] = []
    checker = GlyphChecker(warned.append)
    pieces = checker.pieces("go ☐ now ☐", "Calibri")  # Carlito (Calibri's twin) has no ballot box
    assert "".join(t for t, _ in pieces) == "go ☐ now ☐"
    assert [f for t, f in pieces if "☐" in t] and all(f for t, f in pieces if "☐" in t)
    assert len(warned) == 1 and "U+2610" in warned[0]


def test_task_bullets_use_wingdings_which_office_and_libreoffice_both_draw() -> None:
    assert BULLETS["done"] == ("\u00fe", "Wingdings") and BULLETS["open"] == ("\u00a8", "Wingdings")
