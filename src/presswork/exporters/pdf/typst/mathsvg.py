"""Math in the Typst engine: the formula SVG already made for print, placed on the baseline."""

from __future__ import annotations

import re

from presswork.exporters.common.mathrender import tex_to_svg
from presswork.exporters.pdf.typst.assets import RootFolder
from presswork.exporters.pdf.typst.markup import string

__all__ = ["math_image"]

_EM = re.compile(r'(width|height)="([\d.]+)em"')
_DROP = re.compile(r'\s(?:width|height|style)="[^"]*"')


def math_image(tex: str, display: bool, root: RootFolder) -> str:
    """Markup placing ``tex`` as an SVG sized in em (raises MathError on bad TeX)."""
    svg = tex_to_svg(tex, display)
    sizes = dict((k, float(v)) for k, v in _EM.findall(svg[: svg.index(">")]))
    descent = 0.0
    if m := re.search(r"vertical-align:\s*(-?[\d.]+)em", svg[: svg.index(">")]):
        descent = -float(m.group(1))
    head, rest = svg.split(">", 1)
    svg = _DROP.sub("", head) + ">" + rest
    if 'xmlns="' not in svg[: svg.index(">")]:
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    path = root.stored(svg.encode("utf-8"), "math", "svg")
    height = sizes.get("height", 1.0)
    alt = string(tex)
    image = f"image({string(path)}, height: {height:.3f}em, alt: {alt})"
    if display:
        return f"#pw-math-block({image});"
    return f"#box(baseline: {descent:.3f}em, {image});"
