"""Constructs that silently change what a text means: an unclosed code fence, MyST roles and directives."""

from __future__ import annotations

import re

#: MyST directives (Sphinx's, MyST's own, and sphinx-design's) written as a fence: ```{note}.
MYST_DIRECTIVES: frozenset[str] = frozenset(
    "admonition attention caution danger error hint important note seealso tip warning "
    "code-cell literalinclude include toctree figure image math list-table csv-table table "
    "glossary eval-rst margin sidebar topic rubric epigraph pull-quote highlights dropdown tab-set tab-item card "
    "grid grid-item grid-item-card button-link button-ref contents only raw versionadded versionchanged "
    "deprecated bibliography embed glue:figure glue:math tabbed panels div iframe".split()
)
_MYST_FENCE = re.compile(r"\{(?P<name>[A-Za-z][\w:.-]*)\}(?:\s.*)?")
_MYST_ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:.+-]*)\}$")
_CONTAINER = re.compile(r"^(?:\s*>)*\s*")


def fence_closed(lines: list[str], line_range: tuple[int, int], markup: str) -> bool:
    """Whether the fence opened with ``markup`` on ``lines[start]`` is closed by the last line of its
    range (0-based, end exclusive, as markdown-it maps it): a run of at least as many of the same marks."""
    start, end = line_range
    if end - 1 <= start or end > len(lines) or not markup:
        return False
    last = _CONTAINER.sub("", lines[end - 1], count=1).rstrip()
    return len(last) >= len(markup) and set(last) == {markup[0]}


def myst_directive(info: str) -> str | None:
    """The name of the MyST directive a fence's info string calls (``{note}`` -> ``note``), else None
    (``{python}`` of Quarto and R Markdown is a language, not a directive)."""
    m = _MYST_FENCE.fullmatch(info.strip())
    if m is None:
        return None
    name = m.group("name")
    return name if name.lower() in MYST_DIRECTIVES else None


def myst_role(text_before_code: str) -> str | None:
    """The MyST role a text ends with right before a code span (``see {term}`` -> ``term``), else None."""
    m = _MYST_ROLE.search(text_before_code)
    return m.group("name") if m else None
