"""MyST markup the word audit must not count as words: directive and role names, options, comments, toctrees."""

from __future__ import annotations

import re

from presswork.reading.myst.roles import ICON_ROLES

__all__ = ["clean_myst"]

_OPEN = re.compile(
    r"^(?P<lead>[ \t>]*)(?P<mark>`{3,}|~{3,}|:{3,})(?P<name>\{[A-Za-z][\w:.+-]*(?:\s[^}\n]*)?\})(?P<argument>.*)"
)
_OPTION = re.compile(r"^(?P<lead>[ \t>]*):(?P<key>[A-Za-z][\w-]*):(?P<value>.*)$")
_YAML_OPTION = re.compile(r"^(?P<lead>[ \t>]*)(?P<key>[A-Za-z][\w-]*):(?P<value>.*)$")
_ROLE = re.compile(r"\{[A-Za-z0-9_+:-]+\}(?=`)")
#: An icon role and its content (``{octicon}`book;1em```): a picture, not words.
_ICON = re.compile(r"\{(?:" + "|".join(sorted(ICON_ROLES)) + r")\}`[^`\n]*`")
_COMMENT = re.compile(r"^[ \t]*%.*$")
_BREAK = re.compile(r"^[ \t]*\+{3}.*$")
_INDEX_KIND = re.compile(r"\b(?:single|pair|triple|see|seealso):")

#: Options that say how something looks or behaves, not what it says: their values are not words of the book.
LOOK_OPTIONS = frozenset(
    "class width height align scale figwidth figclass linenos lineno-start emphasize-lines dedent force "
    "header-rows stub-columns widths tags sync selected open color icon gutter columns margin padding shadow "
    "class-container class-title class-body class-header class-footer class-card class-item link-type "
    "maxdepth hidden numbered enumerated nonumber titlesonly glob reversed name label number-lines language ref-type child-align "
    "child-direction outline text-align img-top img-bottom img-background shadow sync-group chip".split()
)
#: Directives whose argument is a code language or a file name, never shown as words of the book.
_MARKUP_ARGUMENT = frozenset("{code-cell} {code-block} {code} {sourcecode} {bibliography}".split())
#: Directives whose whole content is instructions (a table of contents, a bibliography), not text.
_INSTRUCTIONS = frozenset("{toctree} {contents} {tableofcontents} {bibliography} {toc}".split())


def clean_myst(text: str) -> str:
    """``text`` with MyST markup blanked (line breaks and line lengths kept)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _OPEN.match(line)
        if m is None:
            if _COMMENT.match(line) or _BREAK.match(line):
                lines[i] = ""
            i += 1
            continue
        name = m.group("name")
        lines[i] = line[: m.start("name")] + " " * len(name) + line[m.end("name") :]
        mark = m.group("mark")
        if name in ("{grid}", "{div}", "{container}") or name in _MARKUP_ARGUMENT:
            # a grid's column counts, a div's classes (layout); a listing's language, a bibliography's file
            lines[i] = lines[i][: m.start("argument")]
        if name == "{index}":  # the kinds of entries (single: pair: see:) are markup, the terms are marks
            k = i
            while k < len(lines) and (k == i or not _closes(lines[k], mark)):
                lines[k] = _INDEX_KIND.sub(lambda x: " " * len(x.group(0)), lines[k])
                k += 1
        i += 1
        if name in _INSTRUCTIONS:
            while i < len(lines) and not _closes(lines[i], mark):
                lines[i] = ""
                i += 1
            continue
        i = _blank_options(lines, i)
    cleaned = "\n".join(lines)
    cleaned = _ICON.sub(lambda x: " " * len(x.group(0)), cleaned)
    return _ROLE.sub(lambda x: " " * len(x.group(0)), cleaned)


def _closes(line: str, mark: str) -> bool:
    stripped = line.strip().lstrip(">").strip()
    return len(stripped) >= len(mark) and set(stripped) == {mark[0]}


def _blank_options(lines: list[str], i: int) -> int:
    """Blank the option names (and the values of :data:`LOOK_OPTIONS`) of a directive whose body starts at ``i``."""
    if i < len(lines) and lines[i].strip() == "---":
        end = next((k for k in range(i + 1, len(lines)) if lines[k].strip() == "---"), None)
        if end is None:
            return i
        for k in range(i, end + 1):
            o = _YAML_OPTION.match(lines[k])
            lines[k] = _option(o) if o else ("" if lines[k].strip() == "---" else lines[k])
        return end + 1
    while i < len(lines) and (o := _OPTION.match(lines[i])):
        lines[i] = _option(o)
        i += 1
    return i


def _option(o: re.Match[str]) -> str:
    key = o.group("key")
    value = "" if key.lower() in LOOK_OPTIONS else o.group("value")
    return o.group("lead") + " " * (len(key) + 2) + value
