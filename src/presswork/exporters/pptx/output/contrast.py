"""Text colours that keep WCAG AA contrast (4.5:1) on the fill behind them."""

from __future__ import annotations

import colorsys
import functools

#: Least contrast of text against its background (WCAG 2 AA for normal text).
AA = 4.5


def luminance(hex_colour: str) -> float:
    """Relative luminance of an "RRGGBB" colour (WCAG 2)."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """Contrast ratio of two "RRGGBB" colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@functools.lru_cache(maxsize=1024)
def legible(colour: str, background: str, least: float = AA) -> str:
    """``colour``, darkened (lightened on a dark background) in its own hue just enough to reach ``least``
    contrast on ``background``: a highlighter's pale grey for program output becomes a readable grey."""
    if contrast(colour, background) >= least:
        return colour.upper()
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    dark_bg = luminance(background) < 0.18
    for step in range(1, 101):
        level = light + (1 - light) * step / 100 if dark_bg else light * (1 - step / 100)
        out = "".join(f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(hue, level, sat))
        if contrast(out, background) >= least:
            return out
    return "FFFFFF" if dark_bg else "000000"


def shade(colour: str, brightness: float) -> str:
    """``colour`` with PowerPoint's brightness applied (HSL lightness scaled down, or moved towards white)."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    light = light * (1 + brightness) if brightness < 0 else light * (1 - brightness) + brightness
    return "".join(f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(hue, light, sat))


#: Brightness steps a text in an accent colour is darkened by until it reads on the accent's tint.
DARKER = (-0.25, -0.4, -0.5, -0.6, -0.75, -0.9)


def legible_brightness(accent: str, tint: float) -> float:
    """The least darkening of ``accent`` (from DARKER) at which text in it keeps AA contrast on the accent at
    brightness ``tint`` (a callout's fill)."""
    back = shade(accent, tint)
    return next((b for b in DARKER if contrast(shade(accent, b), back) >= AA), DARKER[-1])
