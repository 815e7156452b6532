"""Images and figures as Typst markup: the file copied into the compile root, sized as the author asked, never wider than the text."""

from __future__ import annotations

import re

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Image
from presswork.exporters.pdf.typst.context import WriterContext
from presswork.exporters.pdf.typst.markup import string, text

__all__ = ["image_markup"]


def _size(node: Image, natural: tuple[float, float], measure: float, max_height: float, inline: bool) -> str:
    """Typst ``width:``/``height:`` arguments: the author's size in px or % of the text width, else the
    natural size; never wider than the text, a figure never taller than ``max_height`` (points)."""
    width, height = natural
    asked = {}
    for key in ("width", "height"):
        value = (node.attr.get(key) or "").strip().lower()
        if m := re.fullmatch(r"(\d+(?:\.\d+)?)\s*(px|%)?", value):
            number = float(m.group(1))
            asked[key] = min(number, 100) / 100 * measure if m.group(2) == "%" else number * 0.75
    if "width" in asked and "height" in asked:
        width, height = asked["width"], asked["height"]
    elif "width" in asked:
        width, height = asked["width"], (height * asked["width"] / width if width else 0)
    elif "height" in asked:
        width, height = (width * asked["height"] / height if height else 0), asked["height"]
    elif inline:
        return ""
    if not width or not height:
        return ", width: 100%" if not inline and not asked else ""
    scale = min(1.0, measure / width, (max_height / height) if not inline else 1.0)
    return f", width: {width * scale:.1f}pt"


def image_markup(node: Image, ctx: WriterContext, inline: bool) -> str:
    """An image: a figure image fills at most the text width; an inline one sits in the line."""
    try:
        path, natural = ctx.root.image(node.src, ctx.pos)
    except PressworkError as exc:
        ctx.reporter.warn(f"image not included: {exc.message}", exc.pos or ctx.pos, "asset")
        return text(f"[{node.alt or node.src}]")
    # every picture has a text alternative (PDF/UA requires one): the author's, else the title or file name
    described = (
        node.alt or node.title or ("image" if node.src.startswith("data:") else node.src.rsplit("/", 1)[-1][:80])
    )
    alt = f", alt: {string(described)}" if described else ""
    size = _size(node, natural, ctx.measure_pt, ctx.max_image_pt, inline)
    call = f"pw-image({string(path)}{size}{alt}, inline: {'true' if inline else 'false'})"
    return f"#{call};" if inline else call
