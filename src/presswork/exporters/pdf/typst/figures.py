"""Images and figures as Typst markup: the file copied into the compile root, sized as the author asked, never wider than the text."""

from __future__ import annotations

import re

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Image
from presswork.exporters.pdf.typst.context import WriterContext
from presswork.exporters.pdf.typst.markup import string, text

__all__ = ["image_markup"]


def _size(node: Image) -> str:
    """Typst ``width:``/``height:`` arguments from the author's size in px or %."""
    args = []
    for key in ("width", "height"):
        value = (node.attr.get(key) or "").strip().lower()
        if m := re.fullmatch(r"(\d+(?:\.\d+)?)\s*(px|%)?", value):
            number = float(m.group(1))
            args.append(f"{key}: {min(number, 100):g}%" if m.group(2) == "%" else f"{key}: {number * 0.75:g}pt")
    return "".join(f", {a}" for a in args)


def image_markup(node: Image, ctx: WriterContext, inline: bool) -> str:
    """An image: a figure image fills at most the text width; an inline one sits in the line."""
    try:
        path = ctx.root.image(node.src, ctx.pos)
    except PressworkError as exc:
        ctx.reporter.warn(f"image not included: {exc.message}", exc.pos or ctx.pos, "asset")
        return text(f"[{node.alt or node.src}]")
    alt = f", alt: {string(node.alt)}" if node.alt else ""
    call = f"pw-image({string(path)}{_size(node)}{alt}, inline: {'true' if inline else 'false'})"
    return f"#{call};" if inline else call
