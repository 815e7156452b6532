"""Bracketed spans of the book apparatus in running text: ``[text]{.idx ...}``, ``{.idx ...}`` and ``[text]{.gls}``.

The readers leave ``[text]{.class key="value"}`` as literal text (neither CommonMark nor
Python-Markdown has bracketed spans), and their smart-quote pass may have curled the
quotes of the attribute values. This module finds such spans in the Text nodes of an
inline sequence, at one nesting level (``[*fast* GPUs]{.idx}`` keeps its emphasis), and
turns them into :class:`~presswork.core.tree.Span` nodes.

Only spans whose classes include one of the apparatus classes (``idx``, ``gls``) are
recognised; any other ``[x]{y}`` or ``{...}`` stays literal text, untouched. A bare
``{.idx term="..."}`` (no brackets before it) is an empty Span: an index mark without text.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from presswork.core.tree import Attr, Chapter, Inline, Span, Table, Text
from presswork.core.walk import field_names, types_with_fields, walk
from presswork.reading.attrs import parse_attr_braces

__all__ = ["APPARATUS_CLASSES", "parse_spans", "span_marks"]

#: Classes that make a ``{...}`` group an apparatus span (anything else is left as text).
APPARATUS_CLASSES = frozenset({"idx", "gls"})

#: ``{...}`` whose body names an apparatus class (``.idx`` / ``.gls`` as a class token).
_BRACES = re.compile(r"\{(?P<body>[^{}\n]*?(?<=[\s{])\.(?:idx|gls)(?=[\s}])[^{}\n]*)\}")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u2018": "'", "\u2019": "'"})


def _attr(body: str) -> Attr | None:
    """The Attr of a brace body (curled quotes straightened), or None when it names no apparatus class."""
    attr = parse_attr_braces(body.translate(_QUOTES))
    return attr if APPARATUS_CLASSES.intersection(attr.classes) else None


def parse_spans(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``inlines`` (one nesting level) with apparatus spans turned into Span nodes."""
    nodes: list[Inline] = list(inlines)
    out: list[Inline] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if not isinstance(node, Text):
            out.append(node)
            i += 1
            continue
        m = _BRACES.search(node.text)
        if m is None:
            out.append(node)
            i += 1
            continue
        attr = _attr(m.group("body"))
        before, after = node.text[: m.start()], node.text[m.end() :]
        if attr is None:  # pragma: no cover - the pattern only matches apparatus classes
            out.append(node)
            i += 1
            continue
        if before.endswith("]"):
            opened = _find_open(out, before[:-1])
            if opened is not None:
                k, head, inner_first = opened
                kids: list[Inline] = list(out[k + 1 :]) if k >= 0 else []
                if k >= 0:
                    del out[k:]
                    if head:
                        out.append(Text(head))
                    if inner_first:
                        kids.insert(0, Text(inner_first))
                    if before[:-1]:
                        kids.append(Text(before[:-1]))
                else:  # the bracket opened in this same Text node
                    if head:
                        out.append(Text(head))
                    kids = [Text(inner_first)] if inner_first else []
                out.append(Span(attr, tuple(kids)))
                nodes[i] = Text(after)
                if not after:
                    i += 1
                continue
        # A bare {.idx ...}: an empty mark here.
        if before:
            out.append(Text(before))
        out.append(Span(attr, ()))
        nodes[i] = Text(after)
        if not after:
            i += 1
    return tuple(_merge(out))


def _find_open(out: list[Inline], current: str) -> tuple[int, str, str] | None:
    """Where the ``[`` matching a ``]`` at the end of ``current`` opened: ``(-1, head, inner)`` inside
    ``current`` itself, or ``(k, head, inner)`` in Text node ``out[k]`` (text before / after the bracket).
    Brackets are balanced over the Text nodes in between; None when no ``[`` opens the span."""
    pos, depth = _open_bracket(current, 0)
    if pos is not None:
        return -1, current[:pos], current[pos + 1 :]
    for k in range(len(out) - 1, -1, -1):
        node = out[k]
        if isinstance(node, Text):
            pos, depth = _open_bracket(node.text, depth)
            if pos is not None:
                return k, node.text[:pos], node.text[pos + 1 :]
    return None


def _open_bracket(text: str, depth: int) -> tuple[int | None, int]:
    """Scanning ``text`` backwards with ``depth`` brackets still to close: the position of the ``[`` that
    opens the span (None if not in ``text``) and the depth left over for the text before it."""
    for pos in range(len(text) - 1, -1, -1):
        if text[pos] == "]":
            depth += 1
        elif text[pos] == "[":
            if depth == 0:
                return pos, depth
            depth -= 1
    return None, depth


def _merge(nodes: list[Inline]) -> list[Inline]:
    """Adjacent Text nodes joined, empty ones dropped."""
    out: list[Inline] = []
    for n in nodes:
        if isinstance(n, Text):
            if not n.text:
                continue
            if out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + n.text)
                continue
        out.append(n)
    return out


def _has_braces(inlines: tuple[Inline, ...]) -> bool:
    return any(isinstance(n, Text) and "{" in n.text for n in inlines)


def span_marks(root: Any) -> Any:
    """``root`` (chapter, blocks, ...) with apparatus spans parsed in every inline sequence."""

    def fix(node: Any) -> Any:
        changes: dict[str, Any] = {}
        for name in field_names(type(node)):
            value = getattr(node, name)
            if name in ("children", "term", "title", "caption") and isinstance(value, tuple) and value:
                if all(isinstance(v, Inline) for v in value) and _has_braces(value):
                    changes[name] = parse_spans(value)
            elif name in ("head", "body") and isinstance(node, Table):
                changes[name] = tuple(tuple(parse_spans(c) if _has_braces(c) else c for c in row) for row in value)
        return dataclasses.replace(node, **changes) if changes else node

    out = walk(root, fix, types_with_fields("children", "term", "title", "caption", "head", "body"))
    if isinstance(out, Chapter) and _has_braces(out.title):  # walk does not hand the title tuple to fix
        out = dataclasses.replace(out, title=parse_spans(out.title))
    return out
