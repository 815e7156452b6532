"""Page geometry: sizes, margins and type size per page size, the generated page stylesheet, code columns."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class PageGeometry:
    """A page size and the margins and type size that suit it (lengths in mm, sizes in pt)."""

    css_size: str
    width: float
    height: float
    top: float
    bottom: float
    inner: float
    outer: float
    body_pt: float

    @property
    def measure(self) -> float:
        """Width of the text block in mm."""
        return self.width - self.inner - self.outer

    @property
    def text_height(self) -> float:
        """Height of the text block in mm."""
        return self.height - self.top - self.bottom


#: Page geometries: a measure of roughly 65-80 characters and generous foot margins for folios.
PAGE_GEOMETRY: dict[str, PageGeometry] = {
    "A4": PageGeometry("A4", 210, 297, 25, 30, 27, 33, 11),
    "Letter": PageGeometry("letter", 215.9, 279.4, 24, 28, 27, 33, 11),
    "A5": PageGeometry("A5", 148, 210, 17, 22, 18, 16, 9.5),
    "6x9in": PageGeometry("6in 9in", 152.4, 228.6, 18, 22, 19, 16, 10),
}
#: Code is set at this fraction of the body size; DejaVu Sans Mono advances 0.602 em per character.
CODE_SCALE = 0.84
MONO_ADVANCE = 0.6021
#: Horizontal padding of a code block in em of the code size (matches ``pre.code`` in book.css).
CODE_PADDING_EM = 0.9
PT_MM = 25.4 / 72


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_css(geo: PageGeometry, two_sided: bool, book_title: str, footnotes: str) -> str:
    """The generated part of the print stylesheet: page size, margins, type size, the running book title."""
    if two_sided:
        margins = (
            f"@page :left {{ margin: {geo.top}mm {geo.inner}mm {geo.bottom}mm {geo.outer}mm; }}\n"
            f"@page :right {{ margin: {geo.top}mm {geo.outer}mm {geo.bottom}mm {geo.inner}mm; }}\n"
        )
    else:
        side = (geo.inner + geo.outer) / 2
        margins = f"@page {{ margin: {geo.top}mm {side}mm {geo.bottom}mm {side}mm; }}\n"
    reset = "section.chapter { counter-reset: footnote; }\n" if footnotes == "chapter" else ""
    return (
        f"@page {{ size: {geo.css_size}; }}\n{margins}"
        f":root {{ font-size: {geo.body_pt}pt; }}\n"
        f"figure img, img.figure-image {{ max-height: {geo.text_height * 0.62:.0f}mm; }}\n"
        f".cover, .cover-image {{ width: {geo.width}mm; height: {geo.height}mm; }}\n"
        f".colophon {{ margin-top: {geo.text_height * 0.45:.0f}mm; }}\n"
        f"h1.chapter-title {{ string-set: book {_css_string(book_title)}; }}\n{reset}"
    )


def code_columns(geo: PageGeometry, two_sided: bool) -> int:
    """Columns of monospace text that fit a code block on the text measure."""
    measure = geo.measure if two_sided else geo.width - (geo.inner + geo.outer)
    char = geo.body_pt * CODE_SCALE * MONO_ADVANCE * PT_MM
    return max(20, math.floor(measure / char - 2 * CODE_PADDING_EM / MONO_ADVANCE) - 1)
