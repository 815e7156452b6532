"""The one font lookup: installed faces from fontconfig, by family and style, by file name, and coverage."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from presswork.exporters.common import fonts
from presswork.exporters.common.fonts import (
    Coverage,
    covers,
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


def test_of_two_versions_of_a_font_the_newer_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Liberation v1 and v2 side by side (Debian's fonts-liberation and fonts-liberation2): fontconfig
    prefers the higher font version, whatever the folder names sort as, and so do the lookups."""
    v1 = fonts.FontFace("/fonts/liberation/LiberationSerif-Regular.ttf", 0, ("Liberation Serif",), version=65536)
    v2 = fonts.FontFace("/fonts/liberation2/LiberationSerif-Regular.ttf", 0, ("Liberation Serif",), version=131072)
    monkeypatch.setattr(fonts, "installed_faces", lambda: (v1, v2))
    for cached in (fonts._by_family, fonts.face_file, fonts.file_named):
        cached.cache_clear()
    try:
        assert face_file("Liberation Serif") == v2.file
        assert file_named(("LiberationSerif-Regular.ttf",)) == v2.file
    finally:
        for cached in (fonts._by_family, fonts.face_file, fonts.file_named):
            cached.cache_clear()


def test_css_families_are_read_in_order_without_generics() -> None:
    css = 'body { font-family: "Noto Serif", serif; } code { font-family: var(--mono), DejaVu Sans Mono, monospace }'
    assert css_font_families(css) == ["Noto Serif", "DejaVu Sans Mono"]


def test_coverage_ranges_answer_membership_and_list_points() -> None:
    cov = Coverage.of([65, 66, 67, 0x25E6, 0x4E00, 0x4E01, 66])
    assert cov.bounds == (65, 68, 0x25E6, 0x25E7, 0x4E00, 0x4E02)
    assert all(cp in cov for cp in (65, 67, 0x25E6, 0x4E01)) and not any(cp in cov for cp in (64, 68, 0x4E02))
    assert list(cov.points()) == [65, 66, 67, 0x25E6, 0x4E00, 0x4E01]
    assert 0 not in Coverage(()) and "A" not in cov


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty coverage cache (in memory and on disk, under tmp_path) for this test only."""
    monkeypatch.setenv("PRESSWORK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(fonts, "COVERAGE", fonts._CoverageCache())
    return tmp_path / "cache"


@needs_fontconfig
def test_coverage_is_read_once_then_served_from_the_disk_cache(fresh_cache: Path, tmp_path: Path, monkeypatch) -> None:
    source = family_faces("DejaVu Sans Mono")[0]
    font = tmp_path / "copy.ttf"
    font.write_bytes(Path(source.file).read_bytes())
    first = fonts.COVERAGE.get(str(font), 0)
    assert fonts.COVERAGE.computed == 1 and ord("a") in first and 0x25E6 in first and 0x4E00 not in first
    assert (fresh_cache / "font-coverage-1.json").is_file()

    # A new process (a fresh in-memory cache) gets the same answer without opening the font with fontTools.
    monkeypatch.setattr(fonts, "COVERAGE", fonts._CoverageCache())
    monkeypatch.setattr(fonts, "_read_cmap", lambda *a: pytest.fail("the cached coverage was read again"))
    again = fonts.COVERAGE.get(str(font), 0)
    assert again.bounds == first.bounds and fonts.COVERAGE.computed == 0

    # A changed font file (other size and time) is read again.
    monkeypatch.setattr(fonts, "_read_cmap", lambda *a: [ord("x")])
    font.write_bytes(font.read_bytes() + b"\0")
    assert list(fonts.COVERAGE.get(str(font), 0).points()) == [ord("x")] and fonts.COVERAGE.computed == 1
    assert list(fonts.COVERAGE.get(str(tmp_path / "gone.ttf"), 0).points()) == []


@needs_fontconfig
def test_missing_glyphs_reads_only_the_fonts_it_needs(fresh_cache: Path) -> None:
    stack = ["DejaVu Sans", "Noto Serif CJK JP", "Noto Sans Symbols2"]
    assert missing_glyphs("plain text, \u201cquoted\u201d \u25e6", stack) == []
    read = {entry.rpartition("#")[0] for entry in fonts.COVERAGE.memory}
    assert read and all("DejaVuSans" in Path(f).name for f in read), read  # the CJK fonts stayed closed
    # What the first family lacks is looked up further down the stack, and what none has is reported.
    assert missing_glyphs("a\u2713\U0001d11e", ["Noto Sans Symbols2", "DejaVu Sans"]) == ["\U0001d11e"]
    assert covers(["No Such Family", "DejaVu Sans"], "\u25e6") and not covers(["No Such Family"], "a")
