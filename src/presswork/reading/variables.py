"""Text preprocessing before a file is read: ``{{ name }}`` variables and plug-in directives (Quarto cells: :mod:`presswork.reading.cells`).

``{{ name }}`` (and ``{{ extra.name }}`` in MkDocs books) takes its value from ``[variables]`` of
the configuration (and MkDocs' ``extra``); never in code (fenced blocks and code spans) and never
between GitBook's ``{% raw %}`` and ``{% endraw %}``. When the book defines variables, an undefined
one is an error at its line; a book without any keeps the braces as written (they are often
template examples in prose). In GitBook/HonKit books the ``{% raw %}`` tags are removed and any
other template tag (``{% hint %}``, ``{% if %}``...) is kept as written with one warning per line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Pos

_VARIABLE = re.compile(r"(?<![{\\])\{\{\s*(?P<name>[A-Za-z_][\w.-]*)\s*\}\}(?!\})")
_FENCE = re.compile(r"^ {0,3}(?P<mark>`{3,}|~{3,})(?P<info>.*)$")
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_AUTODOC = re.compile(r"^:::\s+(?P<ref>[A-Za-z_][\w.]*)\s*$")
_TAG = re.compile(r"\{%-?\s*(?P<name>\w+)[^%]*?-?%\}")
_RAW_TAGS = frozenset({"raw", "endraw"})

#: Where line ``n`` of the text being processed came from.
Origin = Callable[[int], Pos]


def _lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """Each line of ``text`` with its number and whether it is code: a fence's own line or inside a fence."""
    fence = ""
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        found = _FENCE.match(line)
        if fence:
            closes = (
                found is not None
                and found.group("mark")[0] == fence[0]
                and len(found.group("mark")) >= len(fence)
                and not found.group("info").strip()
            )
            fence = "" if closes else fence
            yield number, line, True
        elif found:
            fence = found.group("mark")
            yield number, line, True
        else:
            yield number, line, False


def substitute(text: str, variables: dict[str, str], where: Origin, local: frozenset[str] = frozenset()) -> str:
    """Replace ``{{ name }}`` outside code by its value; an undefined name is an error when ``variables`` is not
    empty, unless the file defines it itself (``local``: a MyST front matter's ``substitutions``, replaced when
    the file is read, and ahead of the book's of the same name), which is kept as written for that."""
    if "{{" not in text or not variables:
        return text
    out: list[str] = []
    raw = False
    for number, line, code in _lines(text):
        if code:
            out.append(line)
            continue
        raw = _raw_state(line, raw)
        if "{{" not in line or raw:
            out.append(line)
            continue
        pieces: list[str] = []
        cursor = 0
        for span in _CODE_SPAN.finditer(line):
            pieces.append(_replace(line[cursor : span.start()], variables, where(number), local))
            pieces.append(span.group(0))
            cursor = span.end()
        pieces.append(_replace(line[cursor:], variables, where(number), local))
        out.append("".join(pieces))
    return "".join(out)


def _raw_state(line: str, raw: bool) -> bool:
    """Whether a ``{% raw %}`` region is open on ``line`` (or after it), given whether one was open before it."""
    if "{%" not in line:
        return raw
    for tag in _TAG.finditer(line):
        if tag.group("name") == "raw":
            raw = True
        elif tag.group("name") == "endraw":
            return raw  # the line that closes a region is still inside it
    return raw


def gitbook_tags(text: str, where: Origin, reporter: Reporter) -> str:
    """GitBook/HonKit template tags outside code: ``{% raw %}``/``{% endraw %}`` are removed (their
    content stays as written); every other tag is not run, and is kept with one warning per line."""
    if "{%" not in text:
        return text
    out: list[str] = []
    for number, line, code in _lines(text):
        if code:
            out.append(line)
            continue
        if "{%" in line:
            others = sorted({t.group("name") for t in _TAG.finditer(line)} - _RAW_TAGS)
            if others:
                tags = ", ".join(f"{{% {name} %}}" for name in others)
                reporter.warn(
                    f"GitBook template tag {tags} is not run; it is shown as written", where(number), "plugin"
                )
            stripped = _TAG.sub(lambda t: "" if t.group("name") in _RAW_TAGS else t.group(0), line)
            line = stripped if stripped.strip() or not line.strip() else "\n"
        out.append(line)
    return "".join(out)


def _replace(text: str, variables: dict[str, str], pos: Pos, local: frozenset[str] = frozenset()) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        if name in local:  # the page's own, ahead of the book's of the same name (as in MyST): for its own pass
            return match.group(0)
        if name not in variables:
            from presswork.core.config import suggest

            raise PressworkError(
                f"undefined variable {name!r}{suggest(name, variables)}; define it in [variables] of the configuration",
                pos,
            )
        return variables[name]

    return _VARIABLE.sub(value, text)


#: A directive's option line under it (mkautodoc's ``:docstring:``, mkdocstrings' indented YAML).
_AUTODOC_OPTION = re.compile(r"^[ \t]+\S")
#: What a reader sees for a directive: its reference in code, then a note on what stands there.
AUTODOC_NOTE = "*(reference generated by a plug-in: not included)*"


def autodoc_directives(text: str, where: Origin, reporter: Reporter) -> str:
    """MkDocs ``mkautodoc`` directives (``::: httpx.Client`` and the option lines indented under it,
    such as ``:docstring:``) are not run: each becomes a paragraph of its reference in code and a note
    that its documentation is generated from the code, with one warning naming the options left out."""
    if ":::" not in text:
        return text
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    k = 0
    while k < len(lines):
        found = _AUTODOC.match(lines[k].rstrip("\n"))
        if not found:
            out.append(lines[k])
            k += 1
            continue
        number, ref = k + 1, found.group("ref")
        k += 1
        options: list[str] = []
        while k < len(lines) and _AUTODOC_OPTION.match(lines[k]):
            options.append(lines[k].strip())
            k += 1
        left_out = f"; its options are left out: {' '.join(options)}" if options else ""
        reporter.warn(
            f"mkautodoc directive '::: {ref}' is not run (it documents Python code): its reference is shown "
            f"with a note{left_out}",
            where(number),
            "plugin",
        )
        out.append(f"`{ref}` {AUTODOC_NOTE}\n")
        if k < len(lines) and lines[k].strip():
            out.append("\n")  # the note stays a paragraph of its own
    return "".join(out)
