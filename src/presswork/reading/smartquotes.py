"""Smart punctuation in the tree: curly quotes, en and em dashes and ellipses in prose, never in code,
math or URLs (shared by both readers)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from presswork.core.tree import (
    Admonition,
    Block,
    BlockQuote,
    Blocks,
    BulletList,
    Code,
    CodeBlock,
    DefinitionItem,
    DefinitionList,
    Div,
    Figure,
    Heading,
    Image,
    Inline,
    Inlines,
    Kbd,
    LineBreak,
    Link,
    ListItem,
    Math,
    MathBlock,
    Note,
    OrderedList,
    Paragraph,
    RawBlock,
    RawInline,
    Span,
    Table,
    Text,
)

__all__ = ["smarten", "smarten_inlines", "smarten_text"]

#: What smart punctuation replaces, longest first (``---`` before ``--``), as the text is scanned left to right.
_MARKS = re.compile(r'---|--|\.\.\.|["\']')

_OPENERS = frozenset(" \t\n\u00a0([{\u2014\u2013-/\u201c\u2018<")


class _State:
    """The character before the current position, across inline nodes of one block."""

    def __init__(self) -> None:
        self.prev = ""


def smarten_text(text: str, state: _State | None = None) -> str:
    """``text`` with typographic quotes, dashes and ellipses; ``state`` carries the preceding character."""
    state = state or _State()
    out: list[str] = []
    done = 0  # text[:done] is in out
    # only the marks change; the text between them is copied in one piece, not character by character
    for m in _MARKS.finditer(text):
        i = m.start()
        if i > done:
            out.append(text[done:i])
        mark = m.group()
        prev = out[-1][-1] if out else state.prev
        if mark == "---":
            out.append("\u2014")
        elif mark == "--":
            out.append("\u2013")
        elif mark == "...":
            out.append("\u2026")
        else:
            nxt = text[i + 1 : i + 2]
            if mark == '"':
                out.append("\u201c" if (not prev or prev in _OPENERS) and nxt not in ("", " ") else "\u201d")
            elif prev and prev.isalnum():
                out.append("\u2019")  # apostrophe or closing quote: don't, the students'
            elif (not prev or prev in _OPENERS) and nxt.isdigit():
                out.append("\u2019")  # elided digits: '90s
            elif (not prev or prev in _OPENERS) and nxt and not nxt.isspace():
                out.append("\u2018")
            else:
                out.append("\u2019")
        done = m.end()
    if not out:
        if text:
            state.prev = text[-1]
        return text
    out.append(text[done:])
    result = "".join(out)
    if result:
        state.prev = result[-1]
    return result


def smarten_inlines(inlines: Inlines, state: _State | None = None) -> Inlines:
    """Inlines with smart punctuation in their text (code, math, keys and URLs untouched).

    Nodes without a change are kept as they are (and ``inlines`` itself when nothing changed).
    """
    state = state or _State()
    out: list[Inline] = []
    changed = False
    for node in inlines:
        new: Inline = node
        if isinstance(node, Text):
            text = smarten_text(node.text, state)
            if text != node.text:
                new = Text(text)
        elif isinstance(node, (Code, Kbd, Math, RawInline)):
            text = node.tex if isinstance(node, Math) else node.text
            state.prev = text[-1:] or state.prev
        elif isinstance(node, LineBreak):
            state.prev = " "
        elif isinstance(node, Image):
            state.prev = "x"
        elif isinstance(node, Note):
            blocks = smarten(node.blocks)
            if blocks is not node.blocks:
                new = Note(blocks)
        elif isinstance(node, (Link, Span)) or hasattr(node, "children"):
            children = smarten_inlines(node.children, state)
            if children is not node.children:
                new = dataclasses.replace(node, children=children)  # type: ignore[call-arg]
        changed = changed or new is not node
        out.append(new)
    return inlines if not changed and type(inlines) is tuple else tuple(out)


def smarten(blocks: Blocks) -> Blocks:
    """Blocks with smart punctuation in every text of prose (``blocks`` itself when nothing changed)."""
    out = tuple(_block(b) for b in blocks)
    return blocks if type(blocks) is tuple and all(a is b for a, b in zip(out, blocks, strict=True)) else out


def _block(block: Block) -> Block:
    if isinstance(block, (CodeBlock, MathBlock, RawBlock)):
        return block
    changes: dict[str, Any] = {}
    if isinstance(block, (Paragraph, Heading)):
        changes["children"] = smarten_inlines(block.children)
    elif isinstance(block, (BlockQuote, Div, ListItem)):
        changes["blocks"] = smarten(block.blocks)
    elif isinstance(block, Admonition):
        changes["title"] = smarten_inlines(block.title)
        changes["blocks"] = smarten(block.blocks)
    elif isinstance(block, (BulletList, OrderedList)):
        changes["items"] = tuple(_block(i) for i in block.items)
    elif isinstance(block, DefinitionList):
        changes["items"] = tuple(_block(i) for i in block.items)
    elif isinstance(block, DefinitionItem):
        changes["term"] = smarten_inlines(block.term)
        changes["definitions"] = tuple(smarten(d) for d in block.definitions)
    elif isinstance(block, Table):
        changes["caption"] = smarten_inlines(block.caption)
        changes["head"] = tuple(tuple(smarten_inlines(c) for c in row) for row in block.head)
        changes["body"] = tuple(tuple(smarten_inlines(c) for c in row) for row in block.body)
    elif isinstance(block, Figure):
        changes["caption"] = smarten_inlines(block.caption)
    if all(_same(value, getattr(block, name)) for name, value in changes.items()):
        return block
    new = dataclasses.replace(block, **changes)
    object.__setattr__(new, "pos", block.pos)
    return new


def _same(a: object, b: object) -> bool:
    """Whether ``a`` is ``b``, or both are tuples of the same objects (identity, never deep equality)."""
    if a is b:
        return True
    if type(a) is tuple and type(b) is tuple and len(a) == len(b):
        return all(_same(x, y) for x, y in zip(a, b, strict=True))
    return False
