"""Every token colour of every code palette presswork uses by default reaches WCAG AA (4.5:1) on its background."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES

from presswork.exporters.common.highlight import pygments_css, token_style
from presswork.exporters.common.palettes import (
    AA_CONTRAST,
    DARK_CODE_BACKGROUNDS,
    LIGHT_CODE_BACKGROUNDS,
    contrast,
    hex_colour,
)
from presswork.exporters.epub.options import EpubOptions
from presswork.exporters.html.options import HtmlOptions
from presswork.exporters.pdf.options import PdfOptions
from presswork.exporters.pptx.options import PptxOptions
from presswork.exporters.pptx.output.shapes import CODE_FILL

THEME = Path(__file__).resolve().parents[3] / "themes" / "default"

# (where, palette the build uses by default, backgrounds it is shown on)
DEFAULT_PALETTES = [
    ("pdf", PdfOptions().code_style, [LIGHT_CODE_BACKGROUNDS["pdf"]]),
    ("epub light", EpubOptions().code_style, [LIGHT_CODE_BACKGROUNDS["epub"]]),
    ("epub dark", EpubOptions().code_style_dark, list(DARK_CODE_BACKGROUNDS.values())),
    ("html light", HtmlOptions().code_style, [LIGHT_CODE_BACKGROUNDS["html"]]),
    ("html dark", HtmlOptions().code_style_dark, [DARK_CODE_BACKGROUNDS["html"]]),
    ("slides", PptxOptions().code_style, [LIGHT_CODE_BACKGROUNDS["pptx"], LIGHT_CODE_BACKGROUNDS["html"]]),
]


def failures(style_name: str, backgrounds: list[str]) -> list[str]:
    """Token types whose colour is under AA on one of ``backgrounds``, with the ratio."""
    style = get_style_by_name(style_name)
    bad = []
    for ttype in STANDARD_TYPES:
        colour = token_style(style, ttype)["color"]
        if not colour:
            continue
        for bg in backgrounds:
            ratio = contrast(f"#{colour}", bg)
            if ratio < AA_CONTRAST:
                bad.append(f"{ttype} #{colour} on {bg}: {ratio:.2f}")
    return bad


@pytest.mark.parametrize(("where", "style_name", "backgrounds"), DEFAULT_PALETTES, ids=[p[0] for p in DEFAULT_PALETTES])
def test_every_token_colour_of_the_default_palettes_passes_aa(
    where: str, style_name: str, backgrounds: list[str]
) -> None:
    assert failures(style_name, backgrounds) == []


def test_pygments_default_style_is_what_the_palette_fixes() -> None:
    """The check has teeth: Pygments' own default style fails on the EPUB's code background (comments 4.3:1)."""
    bad = failures("default", [LIGHT_CODE_BACKGROUNDS["epub"]])
    assert any("Token.Comment" in line for line in bad)


def test_the_palettes_keep_their_hues() -> None:
    """Tuned, not flattened: keywords stay green, strings red, functions blue, dark comments grey-blue."""
    light = get_style_by_name("presswork")
    assert len({token_style(light, t)["color"] for t in STANDARD_TYPES} - {""}) >= 15
    dark = get_style_by_name("presswork-dark")
    assert len({token_style(dark, t)["color"] for t in STANDARD_TYPES} - {""}) >= 10


def test_the_wrap_marker_takes_a_colour_with_contrast() -> None:
    css = pygments_css("presswork", ".code")
    colour = re.search(r"\.code \.wrap-mark[^{]*\{ color: (#[0-9a-f]{6})", css)
    assert colour is not None
    assert contrast(colour.group(1), LIGHT_CODE_BACKGROUNDS["epub"]) >= AA_CONTRAST


def over(page: tuple[int, int, int], tint: tuple[int, int, int], alpha: float) -> str:
    """The colour of a translucent tint painted on an opaque page."""
    return hex_colour(*((alpha * t + (1 - alpha) * p) / 255 for p, t in zip(page, tint, strict=True)))


def test_the_backgrounds_checked_are_those_of_the_themes() -> None:
    """If a theme's code background changes, the palette check above must change with it."""
    pdf_css = (THEME / "pdf" / "book.css").read_text(encoding="utf-8")
    assert f"--tint: {LIGHT_CODE_BACKGROUNDS['pdf']};" in pdf_css
    epub_css = (THEME / "epub" / "book.css").read_text(encoding="utf-8")
    tint = re.search(r"pre\.code \{\s*background: rgba\((\d+), (\d+), (\d+), ([0-9.]+)\)", epub_css)
    assert tint is not None
    rgb_tint = (int(tint.group(1)), int(tint.group(2)), int(tint.group(3)))
    alpha = float(tint.group(4))
    assert over((255, 255, 255), rgb_tint, alpha) == LIGHT_CODE_BACKGROUNDS["epub"]
    assert over((0, 0, 0), rgb_tint, alpha) == DARK_CODE_BACKGROUNDS["epub-black"]
    assert over((0x2A, 0x2A, 0x2A), rgb_tint, alpha) == DARK_CODE_BACKGROUNDS["epub-grey"]
    site_css = (THEME / "html" / "site.css").read_text(encoding="utf-8")
    assert f"--surface: {LIGHT_CODE_BACKGROUNDS['html']};" in site_css
    assert f"--surface: {DARK_CODE_BACKGROUNDS['html']};" in site_css
    assert f"#{CODE_FILL.lower()}" == LIGHT_CODE_BACKGROUNDS["pptx"]
