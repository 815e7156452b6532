"""MyST substitutions: ``{{ name }}`` replaced by the value a file's front matter gives under ``substitutions:``.

The book-wide ones (``[variables]`` in presswork.toml, which a Jupyter Book project fills from
``myst_substitutions``) are replaced before any reader runs (:mod:`presswork.reading.variables`);
these are a file's own. A name neither defines stays as written. Code is never touched.
"""

from __future__ import annotations

import re
from typing import Any

from presswork.reading.myst.directives import directive_name

_FENCE = re.compile(r"^[ \t>]*(?P<mark>`{3,}|~{3,})(?P<info>.*)$")
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
#: Directives whose content is code, not Markdown.
_VERBATIM = frozenset("code-block code code-cell sourcecode math eval-rst raw mermaid literalinclude".split())

__all__ = ["front_matter_substitutions", "substitute_known"]

_NAME = re.compile(r"(?<![{\\])\{\{\s*(?P<name>[A-Za-z_][\w.-]*)\s*\}\}(?!\})")


def front_matter_substitutions(front_matter: dict[str, Any]) -> dict[str, str]:
    """The ``substitutions:`` mapping of a front matter (also MyST's ``myst: substitutions:``), values as text."""
    found = front_matter.get("substitutions")
    myst = front_matter.get("myst")
    if not isinstance(found, dict) and isinstance(myst, dict):
        found = myst.get("substitutions")
    if not isinstance(found, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in found.items()}


def substitute_known(text: str, values: dict[str, str]) -> str:
    """``text`` with each ``{{ name }}`` of ``values`` replaced, outside code blocks and code spans."""
    if not values or "{{" not in text:
        return text
    for _ in range(5):  # substitutions may use each other ({{ key1 }} inside key2); a cycle stops here
        values = {k: _replace(v, values) for k, v in values.items()}
    out: list[str] = []
    for line, code in _lines(text):
        if code or "{{" not in line:
            out.append(line)
            continue
        pieces: list[str] = []
        cursor = 0
        for span in _CODE_SPAN.finditer(line):
            pieces.append(_replace(line[cursor : span.start()], values))
            pieces.append(span.group(0))
            cursor = span.end()
        pieces.append(_replace(line[cursor:], values))
        out.append("".join(pieces))
    return "".join(out)


def _replace(text: str, values: dict[str, str]) -> str:
    return _NAME.sub(lambda m: values.get(m.group("name"), m.group(0)), text)


def _lines(text: str) -> list[tuple[str, bool]]:
    """Each line with whether it is code: inside a code fence or a verbatim directive (a directive
    that holds Markdown, ```` ```{note} ````, is not code)."""
    out: list[tuple[str, bool]] = []
    stack: list[tuple[str, bool]] = []  # open fences: (marks, verbatim)
    for line in text.splitlines(keepends=True):
        found = _FENCE.match(line)
        verbatim = any(v for _, v in stack)
        if found and stack and not found.group("info").strip():
            mark = found.group("mark")
            if mark[0] == stack[-1][0][0] and len(mark) >= len(stack[-1][0]):
                stack.pop()
                out.append((line, True))
                continue
        if found and not verbatim:
            name = directive_name(found.group("info"))
            stack.append((found.group("mark"), name is None or name.lower() in _VERBATIM))
            out.append((line, True))
            continue
        out.append((line, verbatim))
    return out
