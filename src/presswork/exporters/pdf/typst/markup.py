"""Typst markup that can never run author text: strings, labels and content built only from escaped pieces.

Author text enters the Typst source either as a string literal (``"..."``, in code: arguments) or as
markup in which every ASCII punctuation character is escaped with a backslash (``\\#``, ``\\[``,
``\\/``...): Typst syntax is made of ASCII punctuation only, so no function call, label, reference,
comment, shorthand, list or heading marker can start. Straight quotes are the one exception: they are
left to Typst's smart quotes, which curl them for the language (a quote is text in every context).
Escaped markup is parsed several times faster than a string expression per run of text.
"""

from __future__ import annotations

import re

__all__ = ["code_string", "label", "string", "text"]

#: Every ASCII punctuation character but the quotes, escaped (whitespace of any kind becomes a space).
_MARKUP = str.maketrans(
    {c: "\\" + c for c in "!#$%&()*+,-./:;<=>?@[\\]^_`{|}~"}
    | {c: " " for c in "\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029"}
)
#: Characters a Typst string literal must escape, and how.
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPED = re.compile(r'[\\"\n\r\t]')


def string(value: str) -> str:
    """A Typst string literal holding ``value`` exactly (for code: arguments, dictionaries)."""
    return '"' + _ESCAPED.sub(lambda m: _STRING_ESCAPES[m.group()], value) + '"'


def text(value: str) -> str:
    """Markup that shows ``value`` as text: ASCII punctuation escaped, straight quotes left to smart quotes."""
    return value.translate(_MARKUP)


def code_string(value: str) -> str:
    """A string literal for code text: spaces kept (no-break spaces), so indentation survives."""
    return string(value.replace(" ", "\u00a0"))


def label(anchor: str) -> str:
    """A label for element id ``anchor`` (attached to the element before it in markup)."""
    return f"#label({string('pw:' + anchor)})"


def label_ref(anchor: str) -> str:
    """The label value for ``anchor`` in code (``link(...)``, ``locate(...)``)."""
    return f"label({string('pw:' + anchor)})"
