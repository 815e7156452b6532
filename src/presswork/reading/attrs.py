"""Attribute syntaxes shared by both readers: fence info strings, ``{#id .class key=value}`` and admonition kinds."""

from __future__ import annotations

import re

from presswork.core.tree import Attr

__all__ = ["ADMONITION_KINDS", "admonition_kind", "parse_attr_braces", "parse_info", "split_heading_attrs"]

_ATTR = re.compile(
    r"""#(?P<id>[^\s}#.]+)|\.(?P<cls>[^\s}#.=]+)|(?P<key>[\w:.-]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s}]+))"""
    r"""|(?P<word>[^\s{}=]+)"""
)
#: A fence info string that is one name in braces, maybe followed by words: ``{python}``, ``{note} Title``.
_BRACED_NAME = re.compile(r"\{([A-Za-z][\w:.+-]*)\}(?:\s.*)?")
#: MyST directives whose argument is the language of the code: ```{code-block} python.
_CODE_DIRECTIVES = frozenset(("code-block", "sourcecode", "code", "code-cell"))
_HEADING_ATTRS = re.compile(r"\s*\{(?P<body>[^{}]*)\}\s*$")

#: Call-out kinds understood in every spelling (``!!! note``, ``:::tip``, ``::: {.callout-warning}``, ``> [!NOTE]``).
ADMONITION_KINDS: frozenset[str] = frozenset(
    "note tip hint info important warning caution danger error attention abstract summary tldr todo success "
    "check done question help faq failure fail missing bug example quote cite seealso".split()
)


def parse_attr_braces(body: str) -> Attr:
    """``#id .class key="value" word`` (the inside of ``{...}``) as an Attr; bare words become classes."""
    ident, classes, kv = "", [], []
    body = body.strip().removeprefix(":")  # Python-Markdown's {: ...}
    for m in _ATTR.finditer(body):
        if m.group("id"):
            ident = m.group("id")
        elif m.group("cls"):
            classes.append(m.group("cls"))
        elif m.group("key"):
            value = next(v for v in (m.group("dq"), m.group("sq"), m.group("bare")) if v is not None)
            kv.append((m.group("key"), value))
        elif m.group("word"):
            classes.append(m.group("word"))
    return Attr(ident, tuple(classes), tuple(kv))


def parse_info(info: str) -> tuple[str, Attr]:
    """A fence's info string as (language, attributes).

    Understood: ``python``, ``rust,ignore`` (mdBook: the words after the comma become classes),
    ``python title="x.py" linenums="1"`` (MkDocs), ``{.python .numberLines}`` (Pandoc: the first class
    is the language), ``python {.cls #id}`` and ``{python}`` (Quarto/R Markdown).
    """
    info = info.strip()
    if not info:
        return "", Attr()
    named = _BRACED_NAME.fullmatch(info)
    if named:  # {python} (Quarto), {note} Title or {code-block} python (MyST directives)
        words = info[named.end(1) + 1 :].split()
        return (words[0] if words and named.group(1) in _CODE_DIRECTIVES else named.group(1)), Attr()
    if info.startswith("{") and info.endswith("}"):
        attr = parse_attr_braces(info[1:-1])
        language = attr.classes[0] if attr.classes else ""
        return language, Attr(attr.id, attr.classes[1:], attr.kv)
    head, _, rest = info.partition(" ")
    if "{" in head:
        head, brace, tail = head.partition("{")
        rest = brace + tail + (" " + rest if rest else "")
    language, *extra = [w for w in head.split(",") if w] or [""]
    rest = rest.strip()
    if rest.startswith("{") and rest.endswith("}"):
        rest = rest[1:-1]
    attr = parse_attr_braces(rest) if rest else Attr()
    return language, Attr(attr.id, (*extra, *attr.classes), attr.kv)


def split_heading_attrs(text: str) -> tuple[str, Attr | None]:
    """``Title {#id .class}`` -> ("Title", Attr); text without a trailing brace group -> (text, None)."""
    m = _HEADING_ATTRS.search(text)
    if not m or not re.search(r"[#.]|=|(?:^|\s)-(?:\s|$)", m.group("body")):  # {-}: Pandoc's short {.unnumbered}
        return text, None
    return text[: m.start()], parse_attr_braces(m.group("body"))


def admonition_kind(classes: tuple[str, ...]) -> str | None:
    """The call-out kind named by fenced-div classes (``note``, ``callout-note``), else None."""
    if not classes:
        return None
    first = classes[0].lower()
    if first.startswith("callout-"):
        return first[len("callout-") :] or "note"
    if first == "callout":
        return "note"
    return first if first in ADMONITION_KINDS else None
