"""Long listings split across pages: a small "continued" mark, and no blank line at the top of a page.

WeasyPrint splits a ``<pre>`` wherever the page ends, and CSS has no way to put a mark on the
second fragment of a box only. So, after a layout, :func:`listing_splits` finds each top-level
long listing (``pre.listing-long``, more than 12 lines) that runs over a page, and the line
that opens the next page; :func:`split_listing` then cuts the listing's HTML into one
``<pre>`` per page (highlighting spans that cross the cut are closed and reopened), and the
book is laid out again. Each continuation is ``pre.continued`` (the stylesheet prints a
small "continued" mark in its top padding, taking no line of its own) and carries
``data-line``, the source line it opens with. Blank lines at a cut are dropped: a page
break already separates what they separated.

Each piece keeps the listing's ``data-block``, so the EPUB page list still finds the page
starts inside the listing (whitespace is not counted there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PRE = r'<pre\b[^>]*\bclass="listing-long[^"]*"[^>]*\bdata-block="{index}"[^>]*>'
_TOKEN = re.compile(r"(<[^>]+>)")


def split_listing(block: str, index: int, cuts: Iterable[int]) -> str:
    """``block`` (HTML holding top-level listing ``index``) with the listing cut before each source line in ``cuts``."""
    match = re.search(_PRE.format(index=index), block)
    if not match:
        return block
    start = match.end()
    if not block.startswith("<code", start):
        return block
    code_open_end = block.index(">", start) + 1
    end = block.find("</code></pre>", code_open_end)
    if end < 0:
        return block
    pre_open, code_open = match.group(0), block[start:code_open_end]
    inner = block[code_open_end:end]
    wanted = sorted({c for c in cuts if c > 0})
    if not wanted:
        return block
    pieces = _cut(inner, wanted)
    out = [pieces[0][1]]
    for n, (first_line, html) in enumerate(pieces[1:], start=2):
        kind = "listing-long continued continues" if n < len(pieces) else "listing-long continued"
        opened = pre_open.replace('class="listing-long', f'class="{kind}', 1)
        opened = opened[:-1] + f' data-line="{first_line}">'
        out.append(f"</code></pre>\n{opened}{code_open}{html}")
    head = block[: match.start()] + pre_open.replace('class="listing-long', 'class="listing-long continues', 1)
    return head + code_open + "".join(out) + block[end:]


def _cut(inner: str, cuts: list[int]) -> list[tuple[int, str]]:
    """``inner`` (escaped code with spans) cut before each source line in ``cuts`` (0-based),
    as (first source line, HTML) pieces; blank lines at the top of a piece are dropped."""
    pieces: list[tuple[int, str]] = []
    stack: list[str] = []
    current: list[str] = []
    line = first = 0
    remaining = list(cuts)
    for token in _TOKEN.split(inner):
        if not token:
            continue
        if token.startswith("<"):
            if token.startswith("</"):
                if stack:
                    stack.pop()
            elif not token.endswith("/>"):
                stack.append(token)
            current.append(token)
            continue
        for ch in token:
            current.append(ch)
            if ch != "\n":
                continue
            line += 1
            while remaining and remaining[0] < line:
                remaining.pop(0)
            if remaining and remaining[0] == line:
                remaining.pop(0)
                closing = "".join(f"</{_name(t)}>" for t in reversed(stack))
                pieces.append((first, "".join(current) + closing))
                current, first = list(stack), line
    pieces.append((first, "".join(current)))
    out = [pieces[0]]
    for first, html in pieces[1:]:
        while (m := _BLANK.match(html)) and html[m.end() :].strip():
            html, first = m.group(1) + html[m.end() :], first + 1
        out.append((first, html))
    return out


_BLANK = re.compile(r"((?:<[^>]+>)*)[ \t]*\n")


def _name(tag: str) -> str:
    m = re.match(r"<([a-zA-Z][a-zA-Z0-9]*)", tag)
    return m.group(1) if m else "span"
