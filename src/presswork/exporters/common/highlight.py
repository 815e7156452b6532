"""Pygments helpers: highlight code to HTML with CSS classes (optionally pre-wrapped), and the matching stylesheet."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.style import Style
from pygments.token import STANDARD_TYPES, Comment, Text, _TokenType
from pygments.util import ClassNotFound

if TYPE_CHECKING:
    from pygments.style import _StyleDict  # in the type stubs only

#: CSS class prefix of highlighted tokens (``<span class="hl-k">``).
CLASS_PREFIX = "hl-"
#: Columns a tab advances to.
TAB_SIZE = 4
#: Marker that starts a continuation line when a long line is wrapped.
WRAP_MARK = "\u21aa"


@lru_cache(maxsize=64)
def find_lexer(language: str) -> Lexer | None:
    """The Pygments lexer for ``language``, or None when the language is empty or unknown."""
    if language:
        try:
            return get_lexer_by_name(language.lower(), stripnl=False, ensurenl=True)
        except ClassNotFound:
            pass
    return None


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer:
    """The Pygments lexer for ``language`` (plain text when unknown or empty)."""
    found = find_lexer(language)
    return TextLexer(stripnl=False, ensurenl=True) if found is None else found


def css_class(ttype: _TokenType) -> str:
    """The CSS class of a token type: that of its nearest ancestor Pygments names (``hl-s`` for
    ``Token.Literal.Scalar.Plain``), or "" for plain text."""
    found: _TokenType | None = ttype
    while found is not None and found not in STANDARD_TYPES:
        found = found.parent
    short = STANDARD_TYPES.get(found, "") if found is not None else ""
    return f"{CLASS_PREFIX}{short}" if short else ""


def token_style(style: type[Style], ttype: _TokenType) -> _StyleDict:
    """The colour and weight ``style`` gives a token type: that of its nearest ancestor the style
    knows (lexers emit subtypes no style lists, such as YAML's ``Token.Literal.Scalar.Plain``)."""
    found = ttype
    while not style.styles_token(found) and found.parent is not None:
        found = found.parent
    return style.style_for_token(found)


def char_width(ch: str) -> int:
    """Columns a character takes in a monospace font (2 for East Asian wide characters)."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else (0 if unicodedata.combining(ch) else 1)


def wrap_points(code: str, width: int, indent: int = 2) -> list[int]:
    """Offsets in ``code`` where lines longer than ``width`` columns are broken, in order.

    A break goes after the last space of the visual line when that space is past its
    middle, else at the column limit; continuation lines are ``indent`` columns
    narrower (room for the marker).
    """
    points: list[int] = []
    if width <= indent + 4:
        return points
    start = 0
    for line in code.split("\n"):
        seg, limit, col, last_space = 0, width, 0, -1
        for i, ch in enumerate(line):
            w = char_width(ch)
            if col + w > limit:
                use_space = last_space >= seg and last_space + 1 - seg > limit // 2
                cut = last_space + 1 if use_space else i
                points.append(start + cut)
                seg, limit, last_space = cut, width - indent, -1
                col = sum(char_width(c) for c in line[cut:i])
            if ch == " ":
                last_space = i
            col += w
        start += len(line) + 1
    return points


def token_runs(code: str, language: str) -> list[tuple[_TokenType, str]]:
    """(Pygments token type, text) runs of ``code``; they always join to exactly ``code``.

    Lexers see the code with a final newline (session lexers such as ``console`` drop a
    last line without one), which is taken off again; a lexer that still changes the text
    (some normalise tabs or carriage returns) gives way to plain text rather than print
    something the author did not write.
    """
    runs = [(ttype, value) for ttype, value in _lexer(language).get_tokens(code) if value]
    if not code.endswith("\n") and runs and runs[-1][1].endswith("\n"):
        ttype, value = runs.pop()
        if value[:-1]:
            runs.append((ttype, value[:-1]))
    if "".join(value for _, value in runs) != code:
        return [(Text, code)] if code else []
    return runs


def _tokens(code: str, language: str) -> list[tuple[str, str]]:
    """(css class, text) runs of highlighted code, adjacent runs of one class merged."""
    runs: list[tuple[str, str]] = []
    for ttype, value in token_runs(code, language):
        cls = css_class(ttype)
        if cls == f"{CLASS_PREFIX}w":
            cls = ""
        if runs and runs[-1][0] == cls:
            runs[-1] = (cls, runs[-1][1] + value)
        else:
            runs.append((cls, value))
    return runs


def highlight_html(code: str, language: str, wrap: int = 0) -> str:
    """The code as escaped HTML with ``<span class="hl-...">`` tokens (no wrapping ``<pre>``).

    An unknown or empty language gives plain escaped text. With ``wrap`` > 0, lines
    longer than ``wrap`` columns are broken and each continuation line starts with
    ``<span class="wrap-mark" aria-hidden="true">↪ </span>``.
    """
    code = code.expandtabs(TAB_SIZE)
    breaks = wrap_points(code, wrap) if wrap > 0 else []
    mark = f'\n<span class="wrap-mark" aria-hidden="true">{WRAP_MARK} </span>'
    out: list[str] = []
    offset, b = 0, 0
    for cls, value in _tokens(code, language):
        end = offset + len(value)
        pieces: list[str | None] = []  # None = a wrap marker
        prev = 0
        while b < len(breaks) and breaks[b] < end:
            cut = breaks[b] - offset
            pieces.append(value[prev:cut])
            pieces.append(None)
            prev = cut
            b += 1
        pieces.append(value[prev:])
        for piece in pieces:
            if piece is None:
                out.append(mark)
                continue
            if not piece:
                continue
            text = escape(piece, quote=False)
            out.append(f'<span class="{cls}">{text}</span>' if cls else text)
        offset = end
    return "".join(out)


def highlight_lines_html(code: str, language: str) -> str:
    """The code as escaped HTML, each source line in a ``<span class="line">`` that ends with its newline.

    For screens of unknown width: a stylesheet wraps long lines with a hanging indent and marks the
    continuation rows (``.line::after``), so one record never reads as two lines. Tokens that span
    lines (docstrings, block comments) are closed at each line's end and opened again on the next.
    """
    lines: list[list[str]] = [[]]
    for cls, value in _tokens(code.expandtabs(TAB_SIZE), language):
        for k, part in enumerate(value.split("\n")):
            if k:
                lines.append([])
            if part:
                text = escape(part, quote=False)
                lines[-1].append(f'<span class="{cls}">{text}</span>' if cls else text)
    ends = ["\n"] * (len(lines) - 1) + [""]
    return "".join(f'<span class="line">{"".join(parts)}{end}</span>' for parts, end in zip(lines, ends, strict=True))


def pygments_css(style: str = "default", scope: str = ".code") -> str:
    """Stylesheet rules for the token classes of Pygments style ``style``, scoped to ``scope``."""
    formatter = HtmlFormatter(style=style, classprefix=CLASS_PREFIX)
    rules: str = formatter.get_style_defs(scope)  # type: ignore[no-untyped-call]
    # Keep token colours only: the theme owns the block's background and line height.
    kept = [line for line in rules.splitlines() if line.startswith(f"{scope} .{CLASS_PREFIX}")]
    # The wrap marker takes the comments' colour, which the palette gives enough contrast.
    comment = token_style(formatter.style, Comment)["color"]
    if comment:
        kept.append(f"{scope} .wrap-mark, {scope} .line::after {{ color: #{comment}; opacity: 1 }}")
    return "\n".join(kept)
