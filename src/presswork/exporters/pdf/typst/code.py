"""Code listings as Typst markup: Pygments tokens coloured with the print palette, spaces kept, one item per line."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from pygments.styles import get_style_by_name
from pygments.token import _TokenType

from presswork.exporters.common.highlight import TAB_SIZE, WRAP_MARK, token_runs, token_style, wrap_points
from presswork.exporters.pdf.typst.markup import code_string, string

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


def highlighted(code: str, language: str, style_name: str, wrap: int = 0) -> str:
    """The lines of ``code`` as a Typst array of content (one item per printed line), highlighted; with
    ``wrap`` > 0 a line longer than that many columns goes on in the next item after a wrap mark
    (as the WeasyPrint engine pre-wraps code: spaces in code never break, so nothing runs off the page)."""
    code = code.expandtabs(TAB_SIZE)
    breaks = wrap_points(code, wrap) if wrap > 0 else []
    lines: list[list[str]] = [[]]
    offset, b = 0, 0
    for ttype, value in token_runs(code, language):
        style = _colour(style_name, ttype)
        end = offset + len(value)
        cuts = [0]
        while b < len(breaks) and breaks[b] < end:
            cuts.append(breaks[b] - offset)
            b += 1
        cuts.append(len(value))
        for k, (start, stop) in enumerate(itertools.pairwise(cuts)):
            if k:
                lines.append([f'#text(fill: rgb("#8a96a3"), {code_string(WRAP_MARK + " ")});'])
            parts = value[start:stop].split("\n")
            for n, part in enumerate(parts):
                if n:
                    lines.append([])
                if part:
                    lines[-1].append(_run(part, style))
        offset = end
    if len(lines) > 1 and not lines[-1]:
        lines.pop()
    return "(" + "".join(f"[{''.join(line)}]," for line in lines) + ")"


#: Two spaces or more in inline code: the first may break a line, the others keep the run's width.
_SPACE_RUN = re.compile(r" {2,}")
_NBSP = "\u00a0"


def inline_code(text: str) -> str:
    """Inline code: the text in the theme's code face (never hyphenated; no zero-width spaces either:
    Typst writes them into the text layer, where they would break copying and searching). A line may break
    at a space of it, as in the WeasyPrint engine: a long span (``declare module JSX { interface ... }``)
    would run off the page, or stretch its line's other spaces; a run of spaces keeps its width."""
    return f"#pw-code-inline({string(_SPACE_RUN.sub(lambda m: ' ' + _NBSP * (len(m.group()) - 1), text))});"
