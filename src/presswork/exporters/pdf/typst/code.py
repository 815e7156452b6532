"""Code listings as Typst markup: Pygments tokens coloured with the print palette, spaces kept, one item per line."""

from __future__ import annotations

from functools import lru_cache

from pygments.styles import get_style_by_name
from pygments.token import _TokenType

from presswork.exporters.common.highlight import TAB_SIZE, token_runs, token_style
from presswork.exporters.pdf.typst.markup import code_string

__all__ = ["highlighted", "inline_code"]


@lru_cache(maxsize=512)
def _colour(style_name: str, ttype: _TokenType) -> tuple[str, bool, bool]:
    """(hex colour or "", bold, italic) of a token type in Pygments style ``style_name``."""
    found = token_style(get_style_by_name(style_name), ttype)
    return (found.get("color") or ""), bool(found.get("bold")), bool(found.get("italic"))


def _run(text: str, style: tuple[str, bool, bool]) -> str:
    colour, bold, italic = style
    args = []
    if colour:
        args.append(f'fill: rgb("#{colour}")')
    if bold:
        args.append('weight: "bold"')
    if italic:
        args.append('style: "italic"')
    if not args:
        return f"#{code_string(text)};"
    return f"#text({', '.join(args)}, {code_string(text)});"


def highlighted(code: str, language: str, style_name: str) -> str:
    """The lines of ``code`` as a Typst array of content (one item per source line), highlighted."""
    lines: list[list[str]] = [[]]
    for ttype, value in token_runs(code.expandtabs(TAB_SIZE), language):
        style = _colour(style_name, ttype)
        parts = value.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append([])
            if part:
                lines[-1].append(_run(part, style))
    if len(lines) > 1 and not lines[-1]:
        lines.pop()
    return "(" + "".join(f"[{''.join(line)}]," for line in lines) + ")"


def inline_code(text: str) -> str:
    """Inline code: the text in the theme's code face."""
    return f"#pw-code-inline({code_string(text)});"
