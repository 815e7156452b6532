"""The entries of MyST ``{toctree}`` directives: the reading order a Sphinx/Jupyter Book project gives its pages.

The reader drops a toctree from the text (presswork makes its own contents); a project kind that
orders a book by its toctrees calls :func:`toctree_entries` on a page's text and follows the entries
(``glob`` patterns are returned as written, with ``glob`` set, for the kind to expand).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presswork.reading.myst.directives import split_directive
from presswork.reading.myst.roles import split_title

__all__ = ["TocEntry", "Toctree", "toctree_entries"]

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|:{3,})\{toctree\}(?P<argument>.*)$")


@dataclass(frozen=True)
class TocEntry:
    """One entry: a page path as written (no suffix, relative to the page), a title when given, and its line."""

    target: str
    title: str
    line: int


@dataclass(frozen=True)
class Toctree:
    """One toctree: its caption, whether its entries are glob patterns or hidden, and its entries."""

    caption: str
    glob: bool
    hidden: bool
    entries: tuple[TocEntry, ...]


def toctree_entries(text: str) -> list[Toctree]:
    """Every ``{toctree}`` of a MyST page's text, in order (``self`` entries and URLs included as written)."""
    lines = text.split("\n")
    found: list[Toctree] = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if m is None:
            i += 1
            continue
        mark = m.group("mark")
        start = i
        i += 1
        body: list[str] = []
        while i < len(lines):
            stripped = lines[i].strip()
            if len(stripped) >= len(mark) and set(stripped) == {mark[0]}:
                break
            body.append(lines[i])
            i += 1
        d = split_directive("{toctree}" + m.group("argument"), "\n".join(body), start + 1)
        entries = []
        for offset, line in enumerate(d.body.split("\n")):
            if not line.strip():
                continue
            title, target = split_title(line.strip())
            entries.append(TocEntry(target, title, d.body_line + offset))
        found.append(Toctree(d.options.get("caption", ""), "glob" in d.options, "hidden" in d.options, tuple(entries)))
        i += 1
    return found
