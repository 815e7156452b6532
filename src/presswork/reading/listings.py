"""mdBook's ``<Listing number="2-1" file-name="src/main.rs" caption="...">`` (the Rust book's listings) read
as one captioned, numbered code listing: the code block it wraps, with its number, file name and caption;
and figures whose caption the author opened with their number ("Figure 4-1: ...") numbered so."""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

from presswork.core.tree import Attr, Block, CodeBlock, Figure, Inlines, Table, Text

__all__ = ["LISTING_ELEMENT", "author_numbered", "listing_id", "make_listing"]

N = TypeVar("N", bound=Figure | Table | CodeBlock)

#: The component's name as mdBook books write it (PascalCase; ``<listing>`` is an obsolete HTML element).
LISTING_ELEMENT = "Listing"

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")
#: The label an author wrote at the start of a caption ("Figure 4-1: ", "Table B-2: ", "示例 4-1：").
_AUTHOR_NUMBER = re.compile(r"^\s*(?P<word>[^\W\d_]{1,12})\s*(?P<number>(?:\d{1,3}|[A-Z])[-.]\d{1,3})\s*[:：.]\s*")
#: The English names of numbered things: a caption that names one of them numbers only that kind.
_KINDS = frozenset({"Figure", "Table", "Listing"})


def listing_id(number: str) -> str:
    """The id mdBook's listing preprocessor gives listing ``number`` ("2-1" -> ``listing-2-1``)."""
    return "listing-" + _UNSAFE_ID.sub("-", number.strip()).strip("-")


def make_listing(attrs: dict[str, str], blocks: list[Block], caption: Inlines) -> list[Block] | None:
    """``blocks`` (the content of one ``<Listing>``) with its first code block made the listing: id
    ``listing-<number>``, the ``number`` and ``file-name`` attributes and ``caption``; None when the
    listing holds no code block (the caller then keeps its content and caption as they are)."""
    at = next((i for i, b in enumerate(blocks) if isinstance(b, CodeBlock)), None)
    if at is None:
        return None
    code = blocks[at]
    assert isinstance(code, CodeBlock)
    number = (attrs.get("number") or "").strip()
    file_name = (attrs.get("file-name") or "").strip()
    kv = [(k, v) for k, v in code.attr.kv if k not in ("number", "file-name")]
    if number:
        kv.append(("number", number))
    if file_name:
        kv.append(("file-name", file_name))
    ident = code.attr.id or (listing_id(number) if number else "")
    attr = Attr(ident, code.attr.classes, tuple(kv))
    out = list(blocks)
    out[at] = dataclasses.replace(code, attr=attr, caption=caption or code.caption)
    return out


def author_numbered(node: N) -> N:
    """A figure, table or code block numbered as its caption says ("Figure 4-1: The stack" -> number "4-1",
    label "Figure 4-1", id ``figure-4-1``, caption "The stack"; translations too: "示例 4-1：", "リスト2-1：");
    a caption naming another kind ("Table" under a figure) or without a number leaves it as it is."""
    first = node.caption[0] if node.caption else None
    m = _AUTHOR_NUMBER.match(first.text) if isinstance(first, Text) else None
    kind = "Listing" if isinstance(node, CodeBlock) else type(node).__name__
    if m is None or node.attr.get("number") or (m.group("word") in _KINDS and m.group("word") != kind):
        return node
    assert isinstance(first, Text)
    rest = first.text[m.end() :]
    caption = ((Text(rest),) if rest else ()) + node.caption[1:]
    number = m.group("number")
    ident = node.attr.id or (f"{kind.lower()}-" + _UNSAFE_ID.sub("-", number))
    label = m.group(0).strip().rstrip(":：.").strip()
    attr = Attr(ident, node.attr.classes, (*node.attr.kv, ("number", number), ("label", label)))
    return dataclasses.replace(node, caption=caption or node.caption, attr=attr)
