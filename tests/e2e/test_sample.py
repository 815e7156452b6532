"""End to end: the sample book builds in all three formats and nothing of it is lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO
from tests.support.outputs import epub_text, markdown_words, missing_words, pdf_text, pptx_text

pytestmark = pytest.mark.slow

SAMPLE = REPO / "content" / "ai-engineering-guide.md"


@pytest.fixture(scope="module")
def sample_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("sample-out")
    proc = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--out", str(out)], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    return {p.suffix[1:]: p for p in out.iterdir()}


def test_sample_builds_all_three_formats(sample_outputs: dict[str, Path]) -> None:
    assert sorted(sample_outputs) == ["epub", "pdf", "pptx"]
    assert all(p.stem == "ai-engineering" and p.stat().st_size > 10_000 for p in sample_outputs.values())


def test_sample_epub_passes_epubcheck(sample_outputs: dict[str, Path]) -> None:
    from tests.support.epubcheck import problems, run_epubcheck

    assert [str(m) for m in problems(run_epubcheck(sample_outputs["epub"]))] == []


@pytest.mark.parametrize("fmt, read", [("pdf", pdf_text), ("epub", epub_text), ("pptx", pptx_text)])
def test_every_prose_word_of_the_sample_is_in_the_output(sample_outputs: dict[str, Path], fmt: str, read) -> None:
    expected = markdown_words(SAMPLE.read_text(encoding="utf-8"))
    assert len(expected) > 300
    assert missing_words(expected, read(sample_outputs[fmt])) == []


def test_sample_metadata_comes_from_front_matter_and_config(sample_outputs: dict[str, Path]) -> None:
    from pypdf import PdfReader

    info = PdfReader(sample_outputs["pdf"]).metadata
    assert info.title == "AI Engineering"
    assert "AI Engineering" in (info.subject or "") or "comprehensive guide" in (info.subject or "")


def test_sample_pdf_embeds_no_cjk_font(sample_outputs: dict[str, Path]) -> None:
    """The nested-list bullet U+25E6, which Noto Serif lacks, comes from a small symbol font, not a CJK one."""
    out = subprocess.run(["pdffonts", str(sample_outputs["pdf"])], capture_output=True, text=True, check=True).stdout
    names = [row.split()[0] for row in out.splitlines()[2:]]
    assert any("Noto-Serif" in n for n in names), out
    assert not [n for n in names if "CJK" in n], out
    assert any("Symbols" in n for n in names), out  # where the nested-list bullet now comes from


def test_the_sample_deck_is_a_talk_with_notes_on_every_content_slide(sample_outputs: dict[str, Path]) -> None:
    import re

    from pptx import Presentation

    slides = list(Presentation(str(sample_outputs["pptx"])).slides)
    assert len(slides) <= 20  # was 23: a talk, not the book cut into slides
    titles = [s.shapes.title.text_frame.text if s.shapes.title is not None else "" for s in slides]
    layouts = [s.slide_layout.name for s in slides]
    for k in range(1, len(slides) - 1):
        if layouts[k] == "Section Header":  # no divider followed by a slide of its own title
            assert re.sub(r" \(\d+/\d+\)$", "", titles[k + 1]) != titles[k]
    for slide, layout in zip(slides, layouts, strict=True):
        if layout in ("Title Slide", "Section Header"):
            continue
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        assert "Full text" in notes.split("\n"), slide.shapes.title.text_frame.text
