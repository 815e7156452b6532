"""The book's one generated cover design: title, subtitle and authors typeset with Pillow on the theme's colours.

The PDF cover page, the EPUB cover image and the deck's title slide all draw it, at their own
sizes: :func:`render_cover` paints it as a PNG (the EPUB's cover image for stores, the deck),
:func:`cover_svg` / :func:`svg_for_page` as SVG with real text (the PDF's cover: vector, sharp
at any zoom, a fraction of the PNG's size). Both paint one layout (:func:`_design`).
Display text is wrapped at spaces only, never hyphenated.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image, ImageColor, ImageDraw, ImageFont

from presswork.cache.usercache import DiskCache
from presswork.exporters.common.cjk import cjk_region
from presswork.exporters.common.fonts import file_named

#: Cover size in pixels (the 1.6 ratio retailers recommend; 1600x2560 is the usual minimum).
COVER_SIZE = (1600, 2560)
_SERIF_BOLD = ("NotoSerif-Bold.ttf", "DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf", "Caladea-Bold.ttf")
_SANS = ("NotoSans-Regular.ttf", "DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Carlito-Regular.ttf")
_SANS_BOLD = ("NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Carlito-Bold.ttf")
_CJK_BOLD = ("NotoSerifCJK-Bold.ttc", "NotoSansCJK-Bold.ttc")
_CJK = ("NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc")


@dataclass(frozen=True)
class CoverText:
    """What the cover shows."""

    title: str
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    publisher: str = ""
    language: str = ""  #: The book's language: Han characters are drawn in its CJK face (SC, TC, JP, KR).


def _needs_cjk(text: str) -> bool:
    return any(ord(c) >= 0x2E80 for c in text)


def _font(text: str, names: tuple[str, ...], cjk: tuple[str, ...], size: int, region: str = "") -> Any:
    needs_cjk = _needs_cjk(text)
    path = file_named(cjk if needs_cjk else names) or file_named(names)
    if path is None:
        return ImageFont.load_default(size=size)
    index = _face_index(path, region) if needs_cjk and region else 0
    return ImageFont.truetype(path, size=size, index=index)


@functools.lru_cache(maxsize=32)
def _face_index(path: str, region: str) -> int:
    """The face of a Noto CJK collection for ``region`` ("Noto Serif CJK SC" for "SC"); 0 when it has none."""
    for index in range(16):
        try:
            family = ImageFont.truetype(path, size=12, index=index).getname()[0] or ""
        except OSError:
            return 0
        if family.endswith(f" {region}"):
            return index
    return 0


def _wrap(text: str, font: Any, width: float) -> list[str]:
    """Greedy word wrap by measured width (characters are the units for text without spaces)."""
    units = text.split() if " " in text.strip() else list(text.strip())
    joiner = " " if " " in text.strip() else ""
    lines: list[str] = []
    current = ""
    for unit in units:
        trial = f"{current}{joiner}{unit}" if current else unit
        if current and font.getlength(trial) > width:
            lines.append(current)
            current = unit
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _fit(
    text: str,
    names: tuple[str, ...],
    cjk: tuple[str, ...],
    width: float,
    start: int,
    smallest: int,
    max_lines: int,
    region: str = "",
) -> tuple[Any, list[str], int]:
    """The largest font size (from ``start`` down) at which ``text`` wraps into ``max_lines`` lines."""
    size = start
    while True:
        font = _font(text, names, cjk, size, region)
        lines = _wrap(text, font, width)
        widest = max((font.getlength(line) for line in lines), default=0)
        if (len(lines) <= max_lines and widest <= width) or size <= smallest:
            return font, lines, size
        size -= 6


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _rgb(value: Any, default: str) -> tuple[int, int, int]:
    try:
        r, g, b = ImageColor.getrgb(str(value))[:3]
    except ValueError:
        r, g, b = ImageColor.getrgb(default)[:3]
    return r, g, b


@dataclass(frozen=True)
class _Line:
    """A line of display text: top-left corner (as Pillow places text), the string, its font and colour."""

    x: float
    y: float
    text: str
    font: Any
    fill: tuple[int, int, int]


@dataclass
class _Design:
    """The cover laid out once, in pixels, for both painters (PNG and SVG)."""

    size: tuple[int, int]
    top: tuple[int, int, int]
    bottom: tuple[int, int, int]
    circles: list[tuple[float, float, float, int]]  #: centre x, centre y, radius, white alpha
    rects: list[tuple[tuple[float, float, float, float], tuple[int, int, int], int]]  #: box, colour, alpha
    lines: list[_Line]
    stroke: int


def _design(text: CoverText, options: dict[str, Any], size: tuple[int, int]) -> _Design:
    """Where everything goes on a cover of ``size`` pixels."""
    width, height = size
    base = _rgb(options.get("cover_background", options.get("accent", "#1f4e79")), "#1f4e79")
    light = _rgb(options.get("cover_highlight", "#e8b04b"), "#e8b04b")
    white = (255, 255, 255)
    design = _Design(size, _mix(base, white, 0.06), _mix(base, (0, 0, 0), 0.45), [], [], [], 3)

    # Quiet geometric motif in the lower right: concentric arcs.
    cx, cy = width * 1.02, height * 0.80
    for i in range(14):
        design.circles.append((cx, cy, 180 + i * 70, 22 if i % 3 else 40))

    margin = round(width * 0.1)
    text_width = width - 2 * margin
    scale = min(width / 1600, height / 2560)  # landscape sizes (a title slide) scale by height
    region = cjk_region(text.language)

    title_font, title_lines, title_size = _fit(
        text.title or "Untitled", _SERIF_BOLD, _CJK_BOLD, text_width, round(200 * scale), round(70 * scale), 5, region
    )
    leading = round(title_size * 1.12)
    subtitle = text.subtitle.strip()
    sub_font, sub_lines, sub_size = (
        _fit(subtitle, _SANS, _CJK, text_width, round(76 * scale), round(40 * scale), 4, region)
        if subtitle
        else (None, [], 0)
    )
    gap = round(90 * scale)
    rule_gap = round(130 * scale)
    block = rule_gap + leading * len(title_lines) + (gap + round(sub_size * 1.3) * len(sub_lines) if sub_lines else 0)
    # The title block sits a little above the optical centre, never higher than 14% from the top.
    y = max(round(height * 0.14), round(height * 0.40) - block // 2)
    design.rects.append(((margin, y, margin + round(220 * scale), y + round(14 * scale)), light, 255))
    y += rule_gap
    for line in title_lines:
        design.lines.append(_Line(margin, y, line, title_font, white))
        y += leading
    if sub_lines:
        y += gap
        for line in sub_lines:
            design.lines.append(_Line(margin, y, line, sub_font, _mix(base, white, 0.82)))
            y += round(sub_size * 1.3)

    names = [n for n in text.authors if n.strip()]
    if names:
        author_text = ", ".join(names)
        font, lines, author_size = _fit(
            author_text, _SANS_BOLD, _CJK_BOLD, text_width, round(70 * scale), round(36 * scale), 3, region
        )
        block = len(lines) * round(author_size * 1.3)
        ay = height - round(height * 0.12) - block
        design.rects.append(((margin, ay - round(70 * scale), margin + text_width, ay - round(67 * scale)), white, 120))
        for line in lines:
            design.lines.append(_Line(margin, ay, line, font, white))
            ay += round(author_size * 1.3)

    if text.publisher.strip():
        pub_font = _font(text.publisher, _SANS, _CJK, round(40 * scale), region)
        design.lines.append(
            _Line(
                margin, height - round(height * 0.06), text.publisher.strip().upper(), pub_font, _mix(base, white, 0.7)
            )
        )
    return design


#: Covers kept in the cache folder (the least recently written go first).
_CACHE = DiskCache("covers", ".png", keep=48)


def _cache_key(text: CoverText, options: dict[str, Any], size: tuple[int, int]) -> str:
    """Everything the cover's bytes depend on: this module's code, Pillow, the text, colours, size and fonts."""
    import PIL

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"|{PIL.__version__}|{text!r}|{size!r}|".encode())
    digest.update(repr([str(options.get(k, "")) for k in ("cover_background", "accent", "cover_highlight")]).encode())
    for names in (_SERIF_BOLD, _SANS, _SANS_BOLD, _CJK_BOLD, _CJK):
        path = file_named(names)
        try:
            st = os.stat(path) if path else None
        except OSError:
            st = None
        digest.update(f"|{path}|{st.st_size if st else 0}|{st.st_mtime_ns if st else 0}".encode())
    return digest.hexdigest()[:32]


def render_cover(text: CoverText, options: dict[str, Any], size: tuple[int, int] = COVER_SIZE) -> bytes:
    """A PNG cover (deterministic bytes) using theme options ``cover_background`` / ``accent`` and ``cover_highlight``.

    Drawing and compressing a cover costs about half a second, and a build of all three formats needs
    three: the PNG is kept in memory (``watch``) and in the user cache folder (``covers/`` of :func:`presswork.cache.store.user_cache_dir`),
    keyed by everything its bytes depend on; an unreadable or unwritable cache only costs time.
    """
    key = _cache_key(text, options, size)
    data = _CACHE.get(key)
    if data is None:
        data = _draw_cover(text, options, size)
        _CACHE.put(key, data)
    return data


def _draw_cover(text: CoverText, options: dict[str, Any], size: tuple[int, int]) -> bytes:
    """The cover of ``text`` at ``size``, painted and compressed (see :func:`render_cover`)."""
    d = _design(text, options, size)
    white = (255, 255, 255)
    gradient = Image.linear_gradient("L").resize(size)
    img = Image.composite(Image.new("RGB", size, d.bottom), Image.new("RGB", size, d.top), gradient)
    draw = ImageDraw.Draw(img, "RGBA")
    for cx, cy, r, alpha in d.circles:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(*white, alpha), width=d.stroke)
    for box, colour, alpha in d.rects:
        draw.rectangle(box, fill=(*colour, alpha))
    for line in d.lines:
        draw.text((line.x, line.y), line.text, font=line.font, fill=line.fill)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def cover_svg(text: CoverText, options: dict[str, Any], size: tuple[int, int] = COVER_SIZE) -> str:
    """The same cover as SVG (vector shapes, real text in the same fonts): sharp at any size, and small.

    Text is placed where :func:`render_cover` puts it: Pillow measures and wraps it (at spaces
    only), and each line becomes one ``<text>`` on its baseline, in the family and style of the
    font file Pillow measured with.
    """
    d = _design(text, options, size)
    width, height = size
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f'<defs><linearGradient id="bg" gradientUnits="userSpaceOnUse" x1="0" y1="0" x2="0" y2="{height}">'
        f'<stop offset="0" stop-color="{_hex(d.top)}"/><stop offset="1" stop-color="{_hex(d.bottom)}"/>'
        "</linearGradient></defs>",
        f'<rect width="{width}" height="{height}" fill="url(#bg)"/>',
    ]
    for cx, cy, r, alpha in d.circles:
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r - d.stroke / 2:.1f}" fill="none" stroke="#ffffff" '
            f'stroke-opacity="{alpha / 255:.3f}" stroke-width="{d.stroke}"/>'
        )
    for (x0, y0, x1, y1), colour, alpha in d.rects:
        opacity = f' fill-opacity="{alpha / 255:.3f}"' if alpha < 255 else ""
        parts.append(
            f'<rect x="{x0}" y="{y0}" width="{x1 - x0 + 1}" height="{y1 - y0 + 1}" fill="{_hex(colour)}"{opacity}/>'
        )
    for line in d.lines:
        family, style = _family(line.font)
        weight = "700" if "bold" in style.lower() else "400"
        ascent = line.font.getmetrics()[0] if hasattr(line.font, "getmetrics") else line.font.size
        parts.append(
            f'<text x="{line.x}" y="{line.y + ascent}" font-family="{escape(family)}" font-weight="{weight}" '
            f'font-size="{line.font.size}" fill="{_hex(line.fill)}">{escape(line.text)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _family(font: Any) -> tuple[str, str]:
    """(family, style) of a Pillow font ("sans-serif" for Pillow's built-in font)."""
    try:
        family, style = font.getname()
    except (AttributeError, OSError):
        return "sans-serif", ""
    return str(family or "sans-serif"), str(style or "")


def cover_for_page(
    text: CoverText, options: dict[str, Any], width_mm: float, height_mm: float, dpi: int = 200
) -> bytes:
    """The cover as a PNG for a page of ``width_mm`` x ``height_mm`` at ``dpi`` (the PDF's full-bleed cover)."""
    size = (round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi))
    return render_cover(text, options, size)


def data_uri(data: bytes, media_type: str = "image/png") -> str:
    """A ``data:`` URI of image bytes (how the PDF layout receives a generated cover)."""
    return f"data:{media_type};base64," + base64.b64encode(data).decode("ascii")


def svg_for_page(text: CoverText, options: dict[str, Any], width_mm: float, height_mm: float) -> bytes:
    """The cover as SVG for a page of ``width_mm`` x ``height_mm`` (the PDF's vector cover), laid out as the
    200 dpi PNG of :func:`cover_for_page` would be."""
    size = (round(width_mm / 25.4 * 200), round(height_mm / 25.4 * 200))
    svg = cover_svg(text, options, size)
    return svg.replace(
        f'width="{size[0]}" height="{size[1]}"', f'width="{width_mm}mm" height="{height_mm}mm"', 1
    ).encode()
