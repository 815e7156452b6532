"""Code colour palettes that pass WCAG AA: Pygments styles whose every token colour has 4.5:1 on its code background."""

from __future__ import annotations

import colorsys

from pygments.style import Style
from pygments.styles import get_style_by_name

#: WCAG 2.x AA contrast for normal text.
AA_CONTRAST = 4.5
#: The contrast the palettes are tuned to: a little above AA, so that a reading system's slightly darker
#: (or, at night, lighter) page still passes.
TUNED_CONTRAST = 4.6

#: Every code background a light palette is shown on (opaque colours; translucent tints composited on white).
LIGHT_CODE_BACKGROUNDS: dict[str, str] = {
    "pdf": "#f3f6f9",  # themes/default/pdf/book.css --tint
    "epub": "#f0f1f4",  # themes/default/epub/book.css rgba(127, 140, 160, 0.12) over a white page
    "html": "#f6f8fa",  # themes/default/html/site.css --surface
    "pptx": "#f4f6f9",  # exporters/pptx/output/shapes.py CODE_FILL
}
#: Every code background a dark palette is shown on (the EPUB tint over the darkest and the lightest night
#: pages of common reading systems).
DARK_CODE_BACKGROUNDS: dict[str, str] = {
    "html": "#1f232a",  # themes/default/html/site.css --surface (dark)
    "epub-black": "#0f1113",  # rgba(127, 140, 160, 0.12) over #000000
    "epub-grey": "#343638",  # rgba(127, 140, 160, 0.12) over #2a2a2a
}


def rgb(colour: str) -> tuple[float, float, float]:
    """Red, green and blue (0..1) of ``#rgb`` or ``#rrggbb``."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) != 6:
        raise ValueError(f"not a colour: {colour!r}")
    return (int(digits[0:2], 16) / 255, int(digits[2:4], 16) / 255, int(digits[4:6], 16) / 255)


def hex_colour(red: float, green: float, blue: float) -> str:
    """``#rrggbb`` of red, green and blue (0..1)."""
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02x}" for c in (red, green, blue))


def luminance(colour: str) -> float:
    """WCAG relative luminance of a colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two colours (1..21)."""
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def with_contrast(colour: str, background: str, minimum: float = TUNED_CONTRAST) -> str:
    """``colour`` with its hue and saturation kept and its lightness moved (darker on a light background,
    lighter on a dark one) just far enough to reach ``minimum`` contrast on ``background``."""
    if contrast(colour, background) >= minimum:
        return colour
    hue, light, sat = colorsys.rgb_to_hls(*rgb(colour))
    darker = _is_light(background)
    near, far = light, (0.0 if darker else 1.0)  # near fails, far passes
    for _ in range(30):
        mid = (near + far) / 2
        if contrast(hex_colour(*colorsys.hls_to_rgb(hue, mid, sat)), background) >= minimum:
            far = mid
        else:
            near = mid
    return hex_colour(*colorsys.hls_to_rgb(hue, far, sat))


def accessible_style(base: str, name: str, backgrounds: dict[str, str]) -> type[Style]:
    """A Pygments style with the token styles of style ``base``, each colour tuned to pass on every one of
    ``backgrounds``; token background colours are dropped (the theme owns the code block's background)."""
    source = get_style_by_name(base)
    # The darkest of light backgrounds (the lightest of dark ones) is where a colour has least contrast.
    light = all(_is_light(bg) for bg in backgrounds.values())
    worst = (min if light else max)(backgrounds.values(), key=luminance)
    styles: dict[object, str] = {}
    for ttype, definition in source.styles.items():
        words = [w for w in definition.split() if not w.startswith("bg:")]
        styles[ttype] = " ".join(with_contrast(w, worst) if w.startswith("#") else w for w in words)
    attributes = {
        "name": name,
        "background_color": worst,
        "styles": styles,
        "__doc__": f"Pygments' {base!r} with every colour tuned to WCAG AA on presswork's code backgrounds.",
        "__module__": __name__,
    }
    made: type[Style] = type(name.title().replace("-", ""), (Style,), attributes)
    return made


def _is_light(colour: str) -> bool:
    """Whether dark text belongs on ``colour``."""
    return luminance(colour) > 0.18


#: The light palette (print, EPUB, HTML, slides): Pygments' "default" hues, darkened where needed.
PressworkStyle = accessible_style("default", "presswork", LIGHT_CODE_BACKGROUNDS)
#: The night palette (EPUB and HTML in dark mode): GitHub's dark hues, lightened where needed.
PressworkDarkStyle = accessible_style("github-dark", "presswork-dark", DARK_CODE_BACKGROUNDS)
