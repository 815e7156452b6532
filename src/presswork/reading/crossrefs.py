"""Cross-reference and citation syntax, read from the tree the same way for every reader.

``@fig-id``, ``@tbl-id``, ``@sec-id``, ``@eq-id`` and ``@lst-id`` become CrossRef nodes; ``[@key]``,
``[@key, p. 33]``, ``[-@key]``, ``[@a; @b]`` and ``@key`` (a key of the bibliography) become Cite
nodes. Only Text nodes are scanned, so code, math, URLs and e-mail addresses are never touched; an
``@word`` that is neither a cross-reference nor a known key stays text. Targets get their ids here
too: ``$$ ... $$ {#eq-x}`` (the attribute after display math) and ``: caption {#tbl-x}`` under a
table or ``Table: caption {#tbl-x}`` (the id moves from the caption to the table).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from presswork.core.tree import (
    Attr,
    Block,
    Chapter,
    Cite,
    CrossRef,
    DefinitionList,
    Inline,
    Link,
    Math,
    MathBlock,
    Paragraph,
    Table,
    Text,
)
from presswork.core.walk import types_with_fields, walk
from presswork.reading.attrs import parse_attr_braces

__all__ = [
    "XREF_PREFIXES",
    "CiteItem",
    "is_xref",
    "mark_chapters",
    "parse_cite",
]

#: Id prefixes that make ``@prefix-name`` a cross-reference (Quarto's), and the kind of target each names.
XREF_PREFIXES: dict[str, str] = {"fig": "figure", "tbl": "table", "sec": "section", "eq": "equation", "lst": "listing"}

# A citation key (Pandoc's rule): starts with a letter, digit or _, may hold :.#$%&-+?<>~/ inside,
# ends with a letter, digit or _ (trailing punctuation is the sentence's).
_KEY = r"[\w](?:[\w:.#$%&+?<>~/-]*[\w])?"
# Brackets without brackets inside (linear: a run of ``[`` never rescans); a citation when one holds ``@``.
_BRACKET = re.compile(r"\[[^\[\]]*\]")
_BARE = re.compile(r"(?<![\w@.\\])(?P<key>@" + _KEY + r")")
_ITEM_START = re.compile(r"(?:^\[|[^\w])-?@\w")
_ITEM_KEY = re.compile(r"(?P<minus>-?)@(?P<key>" + _KEY + r")")
_ATTR_TEXT = re.compile(r"^\s*\{(?P<body>#[^{}]*)\}\s*$")
_MATH_TEXT = re.compile(r"\s*\$\$(?P<tex>.+?)\$\$\s*\{(?P<body>#eq-[^{}]*)\}\s*", re.S)
_TABLE_CAPTION = re.compile(r"^\s*:\s+(?P<text>.*)$", re.S)


def is_xref(key: str) -> bool:
    """Whether ``key`` (without ``@``) names a cross-reference target (``fig-x``, ``sec-y``...)."""
    prefix, dash, rest = key.partition("-")
    return bool(dash and rest) and prefix in XREF_PREFIXES


@dataclass(frozen=True)
class CiteItem:
    """One cited work of a citation: key, locator text ("p. 33"), prefix and suffix, and whether
    the author is left out (``-@key``) or the citation is narrative (``@key says``)."""

    key: str
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False
    narrative: bool = False


def parse_cite(source: str) -> tuple[CiteItem, ...]:
    """The items of a citation as written: ``[see @a, p. 33; -@b]`` or a bare ``@key``."""
    if not source.startswith("["):
        return (CiteItem(source.lstrip("@"), narrative=True),)
    items = []
    for part in source[1:-1].split(";"):
        m = _ITEM_KEY.search(part)
        if m is None:
            continue
        suffix = part[m.end() :].strip()
        suffix = suffix[1:].strip() if suffix.startswith(",") else suffix
        items.append(
            CiteItem(
                m.group("key"),
                prefix=part[: m.start()].strip(),
                suffix=suffix,
                suppress_author=bool(m.group("minus")),
            )
        )
    return tuple(items)


def _split_text(text: str, keys: Collection[str]) -> list[Inline]:
    """``text`` with its citations and cross-references as nodes (plain text kept as Text)."""
    out: list[Inline] = []
    pos = 0

    def plain(upto: int) -> None:
        if upto > pos:
            out.extend(_bare(text[pos:upto], keys))

    for m in _BRACKET.finditer(text):
        if not _ITEM_START.search(m.group(0)):
            continue
        items = parse_cite(m.group(0))
        if not items or any(not i.key for i in items):
            continue
        plain(m.start())
        if len(items) == 1 and is_xref(items[0].key) and not items[0].suffix:  # [@fig-x], [Fig. @fig-x], [-@fig-x]
            out.append(CrossRef(items[0].key, (Text(m.group(0)),)))
        else:
            out.append(Cite(m.group(0), tuple(i.key for i in items), (Text(m.group(0)),)))
        pos = m.end()
    plain(len(text))
    return out


def _bare(text: str, keys: Collection[str]) -> list[Inline]:
    """Bare ``@fig-x`` cross-references and ``@key`` citations of known keys in ``text``."""
    out: list[Inline] = []
    pos = 0
    for m in _BARE.finditer(text):
        key = m.group("key")[1:]
        if is_xref(key):
            node: Inline = CrossRef(key, (Text(m.group("key")),))
        elif key.lower() in keys:
            node = Cite(m.group("key"), (key,), (Text(m.group("key")),))
        else:
            continue
        if m.start() > pos:
            out.append(Text(text[pos : m.start()]))
        out.append(node)
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out


def _merge_texts(inlines: tuple[Inline, ...]) -> list[Inline]:
    """Neighbouring Text nodes joined (a reader may split ``[@key]`` at the brackets)."""
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return out


def _scan(inlines: tuple[Inline, ...], keys: Collection[str]) -> tuple[Inline, ...]:
    if not any(isinstance(n, Text) and "@" in n.text for n in inlines):
        return inlines
    out: list[Inline] = []
    for node in _merge_texts(inlines):
        out.extend(_split_text(node.text, keys) if isinstance(node, Text) and "@" in node.text else [node])
    return tuple(out)


_INLINE_FIELDS = ("children", "caption", "term", "title")


def _mark_node(node: Any, keys: Collection[str]) -> Any:
    """``node`` with the syntax in its own inline fields read (its children were done before)."""
    if isinstance(node, (Link, CrossRef, Cite)):
        return node
    changes: dict[str, Any] = {}
    for name in _INLINE_FIELDS:
        value = getattr(node, name, None)
        if isinstance(value, tuple) and value and all(isinstance(v, Inline) for v in value):
            new = _scan(value, keys)
            if new != value:
                changes[name] = new
    if isinstance(node, Table):
        for name in ("head", "body"):
            rows = getattr(node, name)
            new_rows = tuple(tuple(_scan(cell, keys) for cell in row) for row in rows)
            if new_rows != rows:
                changes[name] = new_rows
        caption, attr = _caption_attr(changes.get("caption", node.caption), node.attr)
        if attr != node.attr:
            changes["caption"], changes["attr"] = caption, attr
    blocks = getattr(node, "blocks", None)
    if isinstance(blocks, tuple) and blocks and all(isinstance(b, Block) for b in blocks):
        new_blocks = _targets(blocks)
        if new_blocks != blocks:
            changes["blocks"] = new_blocks
    return dataclasses.replace(node, **changes) if changes else node


def _caption_attr(caption: tuple[Inline, ...], attr: Attr) -> tuple[tuple[Inline, ...], Attr]:
    """A trailing ``{#tbl-x}`` of a table caption moved into the table's attributes."""
    last = caption[-1] if caption else None
    if isinstance(last, Text) and (m := re.search(r"\s*\{(#[^{}]*)\}\s*$", last.text)):
        found = parse_attr_braces(m.group(1))
        rest = last.text[: m.start()]
        kept = (*caption[:-1], Text(rest)) if rest else caption[:-1]
        return kept, Attr(found.id or attr.id, (*attr.classes, *found.classes), (*attr.kv, *found.kv))
    return caption, attr


def _targets(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Attach the ids written after display math and the ``: caption`` paragraphs under tables."""
    out: list[Block] = []
    for block in blocks:
        if out and isinstance(out[-1], Table) and not out[-1].caption and (caption := _caption_under(block)):
            caption, attr = _caption_attr(caption, out[-1].attr)
            out[-1] = dataclasses.replace(out[-1], caption=caption, attr=attr)
            continue
        if isinstance(block, Paragraph) and (math := _display_math_with_id(block)) is not None:
            out.append(math)
            continue
        if isinstance(block, Paragraph) and (math := _split_display_math(out, block)) is not None:
            del out[-2:]
            out.append(math)
            continue
        out.append(block)
    return tuple(out)


def _caption_under(block: Block) -> tuple[Inline, ...]:
    """The caption of a ``: caption`` paragraph under a table (Python-Markdown reads it as a definition
    without a term), else ()."""
    if isinstance(block, DefinitionList) and len(block.items) == 1 and not block.items[0].term:
        definitions = block.items[0].definitions
        if len(definitions) == 1 and len(definitions[0]) == 1 and isinstance(definitions[0][0], Paragraph):
            return definitions[0][0].children
    if isinstance(block, Paragraph) and block.children and isinstance(block.children[0], Text):
        if m := _TABLE_CAPTION.match(block.children[0].text):
            return (Text(m.group("text")), *block.children[1:])
    return ()


def _text_of(block: Block) -> str | None:
    """The text of a paragraph of one Text node, else None."""
    if isinstance(block, Paragraph) and len(block.children) == 1 and isinstance(block.children[0], Text):
        return block.children[0].text
    return None


def _split_display_math(before: list[Block], block: Paragraph) -> MathBlock | None:
    """``$$`` / tex / ``$$ {#eq-x}`` read as three paragraphs of text (Python-Markdown) as one MathBlock."""
    last = _text_of(block)
    m = re.fullmatch(r"\s*\$\$\s*\{(?P<body>#eq-[^{}]*)\}\s*", last or "")
    if m is None or len(before) < 2 or (_text_of(before[-2]) or "").strip() != "$$":
        return None
    tex = _text_of(before[-1])
    if tex is None:
        return None
    return MathBlock(tex.strip(), parse_attr_braces(m.group("body")), pos=before[-2].pos)


def _display_math_with_id(block: Paragraph) -> MathBlock | None:
    """``$$ tex $$ {#eq-x}`` (read as math followed by text) as a MathBlock with that id, else None."""
    kids = block.children
    text = _text_of(block)
    if text is not None and (m := _MATH_TEXT.fullmatch(text)):  # Python-Markdown leaves it as text
        return MathBlock(m.group("tex").strip(), parse_attr_braces(m.group("body")), pos=block.pos)
    if len(kids) == 2 and isinstance(kids[0], Math) and isinstance(kids[1], Text):
        m = _ATTR_TEXT.match(kids[1].text)
        if m:
            return MathBlock(kids[0].tex, parse_attr_braces(m.group("body")), pos=block.pos)
    return None


def mark_chapters(chapters: list[Chapter], keys: Collection[str]) -> list[Chapter]:
    """Read cross-reference and citation syntax in ``chapters`` (``keys``: the bibliography's keys)."""
    out = []
    for ch in chapters:
        blocks = walk(_targets(ch.blocks), lambda n: _mark_node(n, keys), types_with_fields(*_INLINE_FIELDS, "blocks"))
        out.append(dataclasses.replace(ch, blocks=blocks, title=_scan(ch.title, keys)))
    return out
