"""Rewrite Markdown lines so Python-Markdown sees the block structure GitHub/CommonMark authors mean."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from presswork.core.diagnostics import too_deep
from presswork.core.tree import Pos
from presswork.reading.attrs import admonition_kind, parse_info

Warn = Callable[[str, int], None]
"""Report a warning at a 1-based source line."""

_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|(?P<num>\d{1,9})[.)])(?P<space>[ \t]+|$)(?P<rest>.*)$")
_HR = re.compile(r"^[ \t]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_MATH_OPEN = re.compile(r"^[ \t]*\$\$")
_QUOTE = re.compile(r"^[ \t]{0,3}>")
_QUOTE_PREFIX = re.compile(r"^[ \t]{0,3}> ?")
_QUOTE_DEPTH = re.compile(r"^(?:[ \t]*>)+")
_BLOCK_START = re.compile(r"^[ \t]*(#{1,6}([ \t]|$)|`{3}|~{3}|>|<|:::|\$\$|!!!|\?\?\?|\|)")
_TABLE_ROW = re.compile(r"^[ \t]*\|")
_CAPTION = re.compile(r"^[ \t]*Table:[ \t]")
_DIV_FENCE = re.compile(r"^ {0,3}(?P<colons>:{3,})[ \t]*(?P<info>[^:\s][^\n]*?)?[ \t]*:*[ \t]*$")
_DIV_ATTR = re.compile(
    r"""#(?P<id>[\w:.-]+)|\.(?P<cls>[\w-]+)|(?P<key>[\w-]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S+))"""
)
#: "#92 is fixed" starts no heading in CommonMark (hashes need a space after them); Python-Markdown
#: would make it one, so its first hash is escaped.
_NOT_A_HEADING = re.compile(r"^([ \t]{0,3})#(?=#{0,5}[^#\s])")
_SEPARATOR = "<!-- -->"  # keeps two adjacent lists of different kinds apart; dropped later


def _fence_closer(fence: str) -> Callable[[str], bool]:
    """Whether a line closes the code fence opened by ``fence``: the same character, at least as many, no info
    (so a four-backtick example may hold a three-backtick fence, as in CommonMark and superfences)."""

    def closes(line: str) -> bool:
        m = _FENCE.match(line)
        return bool(
            m
            and m.group("fence")[0] == fence[0]
            and len(m.group("fence")) >= len(fence)
            and not m.group("info").strip()
        )

    return closes


def _indent_width(line: str) -> int:
    """Width of the leading whitespace, tabs counting to the next multiple of 4."""
    stripped = line[: len(line) - len(line.lstrip(" \t"))]
    return len(stripped.expandtabs(4))


def _reindent(line: str, width: int) -> str:
    """``line`` with its leading whitespace replaced by ``width`` spaces."""
    return " " * max(width, 0) + line.lstrip(" \t")


def _shift(line: str, delta: int) -> str:
    """Shift a verbatim line by ``delta`` columns (never removing non-blank characters)."""
    if delta == 0 or not line.strip():
        return line
    width = _indent_width(line)
    return " " * max(width + delta, 0) + line.lstrip(" \t")


def check_nesting(lines: list[str], path: str, max_nesting: int) -> None:
    """Raise when block quotes are nested deeper than ``max_nesting`` on some line."""
    for number, (line, _, code) in enumerate(_fenced(lines), 1):
        if code:
            continue
        q = _QUOTE_DEPTH.match(line)
        if q and q.group(0).count(">") > max_nesting:
            raise too_deep(max_nesting, "block quotes", q.group(0).count(">"), Pos(path, number))


# --------------------------------------------------------------------------- fenced divs


def fenced_divs(lines: list[str], warn: Warn) -> list[str]:
    """Turn Pandoc fenced divs (``::: notes`` ... ``:::``) into ``<div class="notes" markdown="1">``, line for line."""
    out: list[str] = []
    opened: list[int] = []
    for number, (line, _, code) in enumerate(_fenced(lines), 1):
        if code:
            out.append(line)
            continue
        m = _DIV_FENCE.match(line)
        if m and m.group("info"):
            opened.append(number)
            out.append(_div_open(m.group("info")))
        elif m and opened:
            opened.pop()
            out.append("</div>")
        else:
            out.append(line)
    for number in reversed(opened):
        warn("fenced div ':::' is never closed (closed at the end of the file)", number)
        out.extend(["", "</div>"])
    return out


def _fenced(lines: list[str]) -> Iterator[tuple[str, re.Match[str] | None, bool]]:
    """Each line with its fence match when it opens a code fence, and whether it is code (inside a
    fence, or the fence's own lines): the one walk over fences that the rewrites below share."""
    closes: Callable[[str], bool] | None = None
    for line in lines:
        m = _FENCE.match(line)
        if closes is not None:
            if closes(line):
                closes = None
            yield line, None, True
        elif m:
            closes = _fence_closer(m.group("fence"))
            yield line, m, True
        else:
            yield line, None, False


def fence_infos(lines: list[str]) -> list[str]:
    """Rewrite mdBook info strings (```` ```rust,ignore ````), which superfences does not take for a fence,
    into attribute form (```` ```{.rust .ignore} ````); the same language and classes as the gfm reader."""
    out = []
    for line, opening, _ in _fenced(lines):
        info = opening.group("info").strip() if opening else ""
        if opening and info and not info.startswith("{") and ("," in info.split(" ")[0] or "=" in info or "{" in info):
            language, attr = parse_info(info)
            parts = [f".{c}" for c in (language, *attr.classes) if c] + ([f"#{attr.id}"] if attr.id else [])
            parts += [f'{k}="{v}"' for k, v in attr.kv]
            line = line[: opening.start("info")] + "{" + " ".join(parts) + "}"
        out.append(line)
    return out


_INLINE_DD = re.compile(r"\$\$(?=\S)(.+?)(?<=\S)\$\$")
_CODE_SPAN = re.compile(r"(`+).*?\1")


def _outside_code_spans(text: str, rewrite: Callable[[str], str]) -> str:
    """``text`` with ``rewrite`` applied to every part outside its code spans."""
    parts, last = [], 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(rewrite(text[last : span.start()]))
        parts.append(span.group(0))
        last = span.end()
    parts.append(rewrite(text[last:]))
    return "".join(parts)


def _inline_dd(text: str) -> str:
    """``$$x$$`` inside ``text`` as ``$x$``, code spans left alone."""
    return _outside_code_spans(text, lambda part: _INLINE_DD.sub(r"$\1$", part))


def inline_double_dollars(lines: list[str]) -> list[str]:
    """GitBook's inline ``$$x$$`` inside a line of text becomes ``$x$`` (arithmatex would leave stray dollars);
    a line holding only ``$$...$$`` stays display math. Code (fenced or in backticks) is left alone."""
    out = []
    for line, _, code in _fenced(lines):
        stripped = line.strip()
        alone = stripped.startswith("$$") and stripped.endswith("$$") and stripped.count("$$") == 2
        out.append(_inline_dd(line) if not code and "$$" in line and not alone else line)
    return out


#: An icon shortcode of Material for MkDocs (``:material-github:``, ``:octicons-heart-16:``,
#: ``:fontawesome-brands-python:``, ``:simple-x:``): a pictogram drawn from an SVG set, not a word.
_ICON = re.compile(r"(?<![\w:]):(?:material|octicons|fontawesome|simple)-[a-z0-9-]+:(?![\w:])")
#: ``[text][^1]``: a footnote called from text in brackets (the text, then the note, as MkDocs readers see it).
_BRACKETED_NOTE = re.compile(r"(?<![\]!\\])\[(?P<text>[^\[\]^][^\[\]]*)\](?=\[\^[^\]\s]+\](?!:))")


_REF_LABEL = re.compile(r"^[ \t]*\[(?P<label>[^\]^][^\]]*)\]:", re.M)


def _mkdocs_inline(text: str, labels: frozenset[str]) -> str:
    """Icon shortcodes dropped and ``[text][^1]`` turned into ``text[^1]`` unless ``text`` is a defined
    reference label (``labels``, lower-cased), which stays a link (outside code spans)."""

    def unbracket(m: re.Match[str]) -> str:
        return m.group(0) if m.group("text").strip().lower() in labels else m.group("text")

    def rewrite(part: str) -> str:
        part = _BRACKETED_NOTE.sub(unbracket, part)
        return _ICON.sub("", part) if ":" in part else part

    return _outside_code_spans(text, rewrite)


def mkdocs_inlines(lines: list[str]) -> list[str]:
    """Material for MkDocs' icon shortcodes dropped: print has no glyph for them and they carry no words
    (MkDocs itself draws them as SVG with no text); ``[text][^1]`` footnote calls read as ``text[^1]``
    (as a link and its note when ``[text]: url`` is defined, as in MkDocs). Code (fenced or in backticks)
    is left alone."""
    prose = [line for line, _, code in _fenced(lines) if not code]
    labels = frozenset(m.group("label").strip().lower() for line in prose for m in _REF_LABEL.finditer(line))
    return [
        _mkdocs_inline(line, labels) if not code and ("[^" in line or ":" in line) else line
        for line, _, code in _fenced(lines)
    ]


def _div_open(info: str) -> str:
    """The ``<div>`` tag for a fenced div's attributes (``notes`` or ``{#id .a .b key=v}``)."""
    info = info.strip()
    ident, classes, kv = "", [], []
    if info.startswith("{") and info.endswith("}"):
        for m in _DIV_ATTR.finditer(info[1:-1]):
            if m.group("id"):
                ident = m.group("id")
            elif m.group("cls"):
                classes.append(m.group("cls"))
            elif m.group("key"):
                value = next(v for v in (m.group("dq"), m.group("sq"), m.group("bare")) if v is not None)
                kv.append((m.group("key"), value))
    else:
        dm = re.match(r"^([\w-]+)\s*(?:\[([^\]]*)\])?\s*(.*)$", info)
        if dm and admonition_kind((dm.group(1),)) is not None:  # :::tip[Title] or :::tip Title (Docusaurus)
            classes = [dm.group(1)]
            title = (dm.group(2) or dm.group(3) or "").strip()
            if title:
                kv.append(("title", title))
        else:
            classes = info.split()
    attrs = []
    if ident:
        attrs.append(f'id="{html.escape(ident)}"')
    if classes:
        attrs.append(f'class="{html.escape(" ".join(classes))}"')
    attrs += [f'{html.escape(k)}="{html.escape(v)}"' for k, v in kv if k.lower() != "markdown"]
    return "<div " + " ".join(attrs + ['markdown="1"']) + ">"


# --------------------------------------------------------------------------- lists


@dataclass
class _Item:
    """An open list item: where its content starts in the source and its nesting depth."""

    content_col: int
    depth: int
    kind: str  # "-", "*", "+" or "." (ordered)


@dataclass
class _Verbatim:
    """An open fenced code or ``$$`` math block whose lines are shifted, never interpreted."""

    closes: Callable[[str], bool]
    delta: int


def _math_closes(line: str) -> bool:
    return line.rstrip().endswith("$$")


class ListNormaliser:
    """Re-indent lists to Python-Markdown's 4 spaces per level, following CommonMark's content-column rule.

    Also separates blocks that CommonMark lets interrupt a paragraph (lists, fences, ``$$``)
    with a blank line, keeps adjacent lists of different kinds apart, turns ``1)`` markers
    into ``1.``, and recurses into block quotes. Fenced code is shifted, never interpreted.
    """

    def __init__(self, path: str, max_nesting: int, first_line: int = 1) -> None:
        self.path = path
        self.max_nesting = max_nesting
        self.first_line = first_line

    def run(self, lines: list[str]) -> list[str]:
        """Return the rewritten lines (blank lines may be added, none removed)."""
        out: list[str] = []
        stack: list[_Item] = []
        verbatim: _Verbatim | None = None
        prev_blank, prev_text, prev_marker = True, False, False
        i = 0
        while i < len(lines):
            line = lines[i]
            if verbatim is not None:
                out.append(_shift(line, verbatim.delta))
                if verbatim.closes(line):
                    verbatim = None
                    if i + 1 < len(lines) and lines[i + 1].strip():
                        out.append("")
                i += 1
                continue
            if not line.strip():
                out.append(line)
                prev_blank, prev_text, prev_marker = True, False, False
                i += 1
                continue
            indent = _indent_width(line)
            if indent < 4 and _QUOTE.match(line) and not (stack and prev_text and not prev_blank):
                while stack and indent < stack[-1].content_col:
                    stack.pop()
            if not stack and indent < 4 and _QUOTE.match(line):
                j = i
                while j < len(lines) and lines[j].strip():
                    j += 1
                inner = [_QUOTE_PREFIX.sub("", x, count=1) for x in lines[i:j]]
                nested = ListNormaliser(self.path, self.max_nesting, self.first_line + i).run(inner)
                out.extend(("> " + x) if x.strip() else ">" for x in nested)
                prev_blank, prev_text, prev_marker = False, True, False
                i = j
                continue
            m = _MARKER.match(line)
            limit = (stack[-1].content_col + 4) if stack else 4
            lazy_possible = bool(stack) and prev_text and not prev_blank
            if (
                m
                and not _HR.match(line)
                and indent < limit
                and self._marker(m, line, stack, out, prev_blank, prev_marker, i)
            ):
                prev_blank, prev_text, prev_marker = False, True, True
                i += 1
                continue
            block_start = bool(_BLOCK_START.match(line)) or bool(_HR.match(line))
            if lazy_possible and not block_start and indent < stack[-1].content_col:
                out.append(_reindent(line, 4 * len(stack)))
                prev_blank, prev_text, prev_marker = False, True, False
                i += 1
                continue
            popped = False
            while stack and indent < stack[-1].content_col:
                stack.pop()
                popped = True
            fence = _FENCE.match(line)
            math = _MATH_OPEN.match(line) and not (len(line.strip()) > 4 and line.rstrip().endswith("$$"))
            needs_gap = (
                popped
                or fence
                or _MATH_OPEN.match(line)
                or (_TABLE_ROW.match(line) and _CAPTION.match(out[-1] if out else ""))
            )
            needs_gap = needs_gap or (_CAPTION.match(line) and _TABLE_ROW.match(out[-1] if out else ""))
            if needs_gap and not prev_blank:
                out.append("")
            new_line = _reindent(line, 4 * len(stack) + indent - stack[-1].content_col) if stack else line
            new_line = _NOT_A_HEADING.sub(r"\1\\#", new_line, count=1)
            out.append(new_line)
            delta = _indent_width(new_line) - indent
            if fence:
                verbatim = _Verbatim(_fence_closer(fence.group("fence")), delta)
            elif math:
                verbatim = _Verbatim(_math_closes, delta)
            elif _MATH_OPEN.match(line) and i + 1 < len(lines) and lines[i + 1].strip():
                out.append("")  # a one-line $$...$$ block
            prev_blank, prev_text, prev_marker = False, not block_start, False
            i += 1
        return out

    def _marker(
        self,
        m: re.Match[str],
        line: str,
        stack: list[_Item],
        out: list[str],
        prev_blank: bool,
        prev_marker: bool,
        index: int,
    ) -> bool:
        """Emit a list-item line; return False when the line is not a list item after all."""
        indent = _indent_width(line)
        num = m.group("num")
        kind = "." if num is not None else m.group("marker")
        rest = m.group("rest")
        marker = f"{int(num)}." if num is not None else kind
        popped: list[_Item] = []
        trial = list(stack)
        while trial and indent < trial[-1].content_col:
            popped.append(trial.pop())
        sibling = popped[-1] if popped and popped[-1].depth == len(trial) else None
        if sibling is None and not prev_blank:
            if (num is not None and int(num) != 1) or not rest.strip():
                return False  # CommonMark: only "1." or a bullet with text may interrupt a paragraph
        depth = len(trial)
        if depth + 1 > self.max_nesting:
            raise too_deep(self.max_nesting, "lists", depth + 1, Pos(self.path, self.first_line + index))
        stack[:] = trial
        if sibling is None and not prev_blank and depth == 0:
            out.append("")  # Python-Markdown needs a blank line before a list that follows a paragraph
        elif sibling is not None and sibling.kind != kind:
            if not prev_blank:
                out.append("")
            out.extend([" " * (4 * depth) + _SEPARATOR, ""])
        elif sibling is not None and not prev_blank and not prev_marker:
            out.append("")  # the previous item had more than one line: keep its body apart
        spaces = len(m.group("space").expandtabs(4))
        if 1 <= spaces <= 4 and rest:
            content_col = indent + len(m.group("marker")) + spaces
        else:
            content_col = indent + len(m.group("marker")) + 1
            rest = " " * max(spaces - 1, 0) + rest if rest else ""
        out.append((" " * (4 * depth) + marker + " " + rest).rstrip() if rest else " " * (4 * depth) + marker)
        stack.append(_Item(content_col, depth, kind))
        return True


def preprocess(text: str, path: str, max_nesting: int, warn: Warn) -> str:
    """All line rewrites, in order: nesting check, fenced divs, lists."""
    lines = text.split("\n")
    check_nesting(lines, path, max_nesting)
    lines = fenced_divs(lines, warn)
    lines = fence_infos(lines)
    lines = inline_double_dollars(lines)
    lines = mkdocs_inlines(lines)
    return "\n".join(ListNormaliser(path, max_nesting).run(lines))
