"""The PDF handout (``handout = true``): slides with their notes via LibreOffice, or a clear warning without it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from presswork.exporters.pptx import handout
from tests.exporters.pptx.test_pptx import build, needs_soffice


def test_without_libreoffice_the_deck_is_written_and_the_handout_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handout.shutil, "which", lambda name: None)
    deck, ctx = build(tmp_path, handout=True)
    assert deck.is_file() and not handout.handout_path(deck).exists()
    messages = [str(w) for w in ctx.reporter.warnings]  # type: ignore[attr-defined]
    assert any("handout not written" in m and "LibreOffice" in m for m in messages)


def test_no_handout_unless_asked(tmp_path: Path) -> None:
    deck, _ = build(tmp_path)
    assert not handout.handout_path(deck).exists()


@needs_soffice
@pytest.mark.slow
def test_the_handout_has_a_notes_page_per_slide(tmp_path: Path) -> None:
    deck, ctx = build(tmp_path, handout=True)
    pdf = handout.handout_path(deck)
    assert pdf.is_file(), [str(w) for w in ctx.reporter.warnings]  # type: ignore[attr-defined]
    from pptx import Presentation

    slides = len(Presentation(str(deck)).slides)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {slides}" in info
    assert shutil.which("pdftotext")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    notes = [s.notes_slide.notes_text_frame.text for s in Presentation(str(deck)).slides if s.has_notes_slide]
    first_words = [n.split()[0] for n in notes if n.split()]
    assert first_words and all(w in text for w in first_words)  # the notes are printed under their slides
