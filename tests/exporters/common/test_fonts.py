"""The one font lookup: installed faces from fontconfig, by family and style, by file name, and coverage."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from presswork.exporters.common.fonts import (
    css_font_families,
    face_file,
    family_faces,
    file_named,
    installed_faces,
    missing_glyphs,
)

needs_fontconfig = pytest.mark.skipif(not shutil.which("fc-list"), reason="fontconfig is not installed")


@needs_fontconfig
@pytest.mark.parametrize("family", ["DejaVu Sans", "DejaVu Sans Mono", "Carlito", "Liberation Serif", "Noto Sans"])
@pytest.mark.parametrize(("bold", "italic"), [(False, False), (True, False), (False, True), (True, True)])
def test_face_lookup_agrees_with_fc_match(family: str, bold: bool, italic: bool) -> None:
    style = (":weight=bold" if bold else "") + (":slant=italic" if italic else "")
    expected = subprocess.run(
        ["fc-match", "-f", "%{file}", f"{family}{style}"], capture_output=True, text=True, check=True
    ).stdout
    assert face_file(family, bold, italic) == expected


@needs_fontconfig
def test_families_files_and_unknown_fonts() -> None:
    assert installed_faces() and all(Path(f.file).is_file() for f in installed_faces())
    assert {Path(f.file).name for f in family_faces("dejavu sans mono")} >= {"DejaVuSansMono.ttf"}
    assert face_file("No Such Family") is None and family_faces("No Such Family") == ()
    found = file_named(("NoSuchFont.ttf", "DejaVuSans.ttf"))
    assert found is not None and Path(found).name == "DejaVuSans.ttf"
    assert file_named(("NoSuchFont.ttf",)) is None


@needs_fontconfig
def test_missing_glyphs_are_those_no_named_family_covers() -> None:
    assert missing_glyphs("abc \u200d\n", ["DejaVu Sans"]) == []
    assert missing_glyphs("a\U0001d11e", ["No Such Family"]) == ["a", "\U0001d11e"]


def test_css_families_are_read_in_order_without_generics() -> None:
    css = 'body { font-family: "Noto Serif", serif; } code { font-family: var(--mono), DejaVu Sans Mono, monospace }'
    assert css_font_families(css) == ["Noto Serif", "DejaVu Sans Mono"]
