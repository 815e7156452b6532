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


def substitute(text: str, variables: dict[str, str], where: Origin) -> str:
    """Replace ``{{ name }}`` outside code by its value; an undefined name is an error when ``variables`` is not empty."""
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
            pieces.append(_replace(line[cursor : span.start()], variables, where(number)))
            pieces.append(span.group(0))
            cursor = span.end()
        pieces.append(_replace(line[cursor:], variables, where(number)))
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


def _replace(text: str, variables: dict[str, str], pos: Pos) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in variables:
            from presswork.core.config import suggest

            raise PressworkError(
                f"undefined variable {name!r}{suggest(name, variables)}; define it in [variables] of the configuration",
                pos,
            )
        return variables[name]

    return _VARIABLE.sub(value, text)


def autodoc_directives(text: str, where: Origin, reporter: Reporter) -> str:
    """MkDocs ``mkautodoc`` directives (``::: httpx.Client``) are not run: each becomes its reference
    in code, with one warning."""
    if ":::" not in text:
        return text
    out: list[str] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        found = _AUTODOC.match(line.rstrip("\n"))
        if found:
            ref = found.group("ref")
            reporter.warn(
                f"mkautodoc directive '::: {ref}' is not run (it documents Python code); its reference is shown",
                where(number),
                "plugin",
            )
            line = f"`{ref}`\n"
        out.append(line)
    return "".join(out)
