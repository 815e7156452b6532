"""Typst markup that can never run author text: strings, labels and content built only from escaped pieces.

Author text always enters the Typst source as a string literal (``#"..."``, ended by ``;`` so
nothing after it continues the expression), which Typst shows as text and never evaluates.
Straight quotes between the pieces are left to Typst's smart quotes, which curl them for the language.
"""

from __future__ import annotations

import re

__all__ = ["code_string", "label", "string", "text"]

_QUOTES = re.compile(r"(['\"])")
#: Characters a Typst string literal must escape, and how.
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPED = re.compile(r'[\\"\n\r\t]')


def string(value: str) -> str:
    """A Typst string literal holding ``value`` exactly (for code: arguments, dictionaries)."""
    return '"' + _ESCAPED.sub(lambda m: _STRING_ESCAPES[m.group()], value) + '"'


def text(value: str, smart_quotes: bool = True) -> str:
    """Markup that shows ``value`` as text; straight quotes become Typst smart quotes when ``smart_quotes``."""
    if not value:
        return ""
    value = value.replace("\n", " ").replace("\r", " ")
    if not smart_quotes:
        return f"#{string(value)};"
    out: list[str] = []
    for piece in _QUOTES.split(value):
        if piece in ("'", '"'):
            out.append(piece)  # a markup quote: Typst's smartquote, never code
        elif piece:
            out.append(f"#{string(piece)};")
    return "".join(out)


def code_string(value: str) -> str:
    """A string literal for code text: spaces kept (no-break spaces), so indentation survives."""
    return string(value.replace(" ", "\u00a0"))


def label(anchor: str) -> str:
    """A label for element id ``anchor`` (attached to the element before it in markup)."""
    return f"#label({string('pw:' + anchor)})"


def label_ref(anchor: str) -> str:
    """The label value for ``anchor`` in code (``link(...)``, ``locate(...)``)."""
    return f"label({string('pw:' + anchor)})"
