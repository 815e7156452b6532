"""mdBook's ``<Listing number="2-1" file-name="src/main.rs" caption="...">`` (the Rust book's listings) read
as one captioned, numbered code listing: the code block it wraps, with its number, file name and caption."""

from __future__ import annotations

import dataclasses
import re

from presswork.core.tree import Attr, Block, CodeBlock, Inlines

__all__ = ["LISTING_ELEMENT", "listing_id", "make_listing"]

#: The component's name as mdBook books write it (PascalCase; ``<listing>`` is an obsolete HTML element).
LISTING_ELEMENT = "Listing"

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")


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
