"""A MyST directive's parts: its name and argument (the fence's info) and its options and body (the content)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

__all__ = ["Directive", "directive_name", "split_directive"]

_INFO = re.compile(r"^\{(?P<name>[A-Za-z][\w:.+-]*)(?P<attrs>\s[^}]*)?\}\s*(?P<argument>.*)$")
_OPTION = re.compile(r"^\s*:(?P<key>[A-Za-z][\w-]*):(?:\s+(?P<value>.*?))?\s*$")


@dataclass(frozen=True)
class Directive:
    """One directive: ``line`` is the 1-based line of its fence, ``body_line`` that of its body's first line."""

    name: str
    argument: str
    options: dict[str, str]
    body: str
    line: int
    body_line: int

    @property
    def ident(self) -> str:
        """The id it gives its node: ``:name:`` (Sphinx) or ``:label:`` (mystmd), "" for none."""
        return self.options.get("name", "") or self.options.get("label", "")


def directive_name(info: str) -> str | None:
    """The directive a fence's info string calls (``{note} Title`` -> ``note``), else None (a language)."""
    m = _INFO.match(info.strip())
    return m.group("name") if m else None


def split_directive(info: str, content: str, line: int) -> Directive:
    """The parts of the directive of a fence opened on ``line`` with ``info`` holding ``content``.

    Options are ``:key: value`` lines at the start of the content, or a YAML block between two ``---``
    lines; the body is the rest (a blank line after the options is skipped)."""
    m = _INFO.match(info.strip())
    name, argument = (m.group("name"), m.group("argument").strip()) if m else (info.strip(), "")
    classes = [w[1:] for w in (m.group("attrs") or "").split() if w.startswith(".")] if m else []
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    options: dict[str, str] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            options = _yaml_options("\n".join(lines[1:end]))
            start = end + 1
    else:
        while start < len(lines) and (o := _OPTION.match(lines[start])):
            options[o.group("key")] = (o.group("value") or "").strip()
            start += 1
    if start < len(lines) and not lines[start].strip() and start > 0:
        start += 1
    body = "\n".join(lines[start:])
    if classes:  # mystmd's ``:::{note .dropdown}``: classes written in the braces
        options["class"] = " ".join([*options.get("class", "").split(), *classes])
    return Directive(name, argument, options, body, line, line + 1 + start)


def _yaml_options(text: str) -> dict[str, str]:
    """Options written as YAML (``---`` block); values as strings, a broken block gives no options."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): _as_text(v) for k, v in data.items()}


def _as_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None:
        return ""
    return str(value)
