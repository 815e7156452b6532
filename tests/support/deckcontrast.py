"""Contrast of every text run of a written deck, its colours resolved from the theme as PowerPoint resolves them."""

from __future__ import annotations

import colorsys
from collections.abc import Iterator
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
#: Scheme colour names mapped to the theme's slots (the default colour map).
MAPPED = {"tx1": "dk1", "bg1": "lt1", "tx2": "dk2", "bg2": "lt2"}
#: python-pptx's default table style (Medium Style 2 - Accent 1): the darker band is accent 1 at a 40% tint.
BAND_TINT = 0.4


def wcag(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two "RRGGBB" colours."""

    def lum(h: str) -> float:
        c = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        c = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def theme_colours(prs: Any) -> dict[str, str]:
    """The theme's colour slots (dk1, lt1, accent1...) as "RRGGBB"."""
    theme = etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)
    out = {}
    for slot in theme.find(f".//{A}clrScheme"):
        colour = slot[0]
        out[etree.QName(slot).localname] = colour.get("val") if colour.tag == f"{A}srgbClr" else colour.get("lastClr")
    return out


def resolve(fill: Any, theme: dict[str, str]) -> str | None:
    """The colour of a ``solidFill`` (srgbClr, or schemeClr with lumMod/lumOff), or None."""
    if fill is None or not len(fill):
        return None
    clr = fill[0]
    base = clr.get("val") if clr.tag == f"{A}srgbClr" else theme[MAPPED.get(clr.get("val"), clr.get("val"))]
    mod = clr.find(f"{A}lumMod")
    off = clr.find(f"{A}lumOff")
    if mod is None and off is None:
        return base.upper()
    r, g, b = (int(base[i : i + 2], 16) / 255 for i in (0, 2, 4))
    h, light, s = colorsys.rgb_to_hls(r, g, b)
    light = light * (int(mod.get("val")) / 100000 if mod is not None else 1) + (
        int(off.get("val")) / 100000 if off is not None else 0
    )
    return "".join(f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(h, min(1, light), s))


def tint(colour: str, share: float) -> str:
    """``colour`` at ``share`` of its strength, the rest white (a table style's tint)."""
    return "".join(f"{round(int(colour[i : i + 2], 16) * share + 255 * (1 - share)):02X}" for i in (0, 2, 4))


def background(slide: Any, theme: dict[str, str]) -> str:
    """The colour of a slide's background: its own, its layout's or its master's (a picture counts as none)."""
    for part in (slide, slide.slide_layout, slide.slide_layout.slide_master):
        bg = part.element.find(f"{P}cSld/{P}bg")
        if bg is None:
            continue
        fill = bg.find(f"{P}bgPr/{A}solidFill")
        if fill is not None:
            return resolve(fill, theme) or theme["lt1"]
        ref = bg.find(f"{P}bgRef")
        if ref is not None and len(ref):
            return resolve(ref, theme) or theme["lt1"]
    return theme["lt1"]


def layout_colour(slide: Any, shape: Any, theme: dict[str, str]) -> str | None:
    """The text colour the slide layout's placeholder gives ``shape`` (None: not a placeholder, or none set)."""
    if not shape.is_placeholder:
        return None
    idx = shape.placeholder_format.idx
    for ph in slide.slide_layout.placeholders:
        if ph.placeholder_format.idx == idx:
            return resolve(ph.element.find(f".//{A}lstStyle/{A}lvl1pPr/{A}defRPr/{A}solidFill"), theme)
    return None


def run_contrasts(path: str) -> Iterator[tuple[int, str, str, str, float]]:
    """(slide number, text, foreground, background, contrast) of every text run on every slide."""
    prs = Presentation(path)
    theme = theme_colours(prs)
    master = prs.slide_master.element
    title_fill = master.find(f".//{P}titleStyle/{A}lvl1pPr/{A}defRPr/{A}solidFill")
    body_fill = master.find(f".//{P}bodyStyle/{A}lvl1pPr/{A}defRPr/{A}solidFill")
    for n, slide in enumerate(prs.slides, 1):
        page = background(slide, theme)
        for shape in slide.shapes:
            el = shape.element
            own = el.find(f"{P}spPr/{A}solidFill")
            back = resolve(own, theme) or page
            if shape.has_text_frame:
                if (
                    shape.is_placeholder
                    and shape.placeholder_format.type is not None
                    and "TITLE" in str(shape.placeholder_format.type)
                ):
                    default = resolve(title_fill, theme) or theme["dk1"]
                elif shape.is_placeholder:
                    default = resolve(body_fill, theme) or theme["dk1"]
                else:
                    default = theme["dk1"]
                default = layout_colour(slide, shape, theme) or default
                for r in el.iter(f"{A}r"):
                    text = (r.findtext(f"{A}t") or "").strip()
                    if text:
                        fg = resolve(r.find(f"{A}rPr/{A}solidFill"), theme) or default
                        yield n, text, fg, back, wcag(fg, back)
            if getattr(shape, "has_table", False) and shape.has_table:
                for k, tr in enumerate(el.iter(f"{A}tr")):
                    head = k == 0 and shape.table.first_row
                    bg = theme["accent1"] if head else tint(theme["accent1"], BAND_TINT)
                    for tc in tr.iter(f"{A}tc"):
                        bg_cell = resolve(tc.find(f"{A}tcPr/{A}solidFill"), theme) or bg
                        for r in tc.iter(f"{A}r"):
                            text = (r.findtext(f"{A}t") or "").strip()
                            if text:
                                default = theme["lt1"] if head else theme["dk1"]
                                fg = resolve(r.find(f"{A}rPr/{A}solidFill"), theme) or default
                                yield n, text, fg, bg_cell, wcag(fg, bg_cell)
