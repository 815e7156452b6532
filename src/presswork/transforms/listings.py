"""Mentions of numbered listings and figures in prose ("as Listing 2-1 shows", "like Figure 4-2") made
cross-references to them, as mdBook books refer to their ``<Listing number="2-1">`` and figures by text."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from presswork.core.tree import (
    Chapter,
    Code,
    CodeBlock,
    CrossRef,
    Figure,
    Heading,
    Inline,
    Link,
    Table,
    Text,
    plain_text,
)
from presswork.core.walk import iter_nodes, types_with_fields, walk

__all__ = ["link_listing_mentions"]

_MENTIONED = re.compile(r"(?:Listing|Figure|Table) ")
_MENTION = re.compile(r"\b(Listing|Figure|Table) ([0-9A-Z]+-\d+)\b")


def link_listing_mentions(chapters: list[Chapter]) -> list[Chapter]:
    """Every "Listing N-M", "Figure N-M" and "Table N-M" of the text (not in code, links or headings) made a CrossRef to
    the listing, figure or table the author numbered "N-M" (its final id), when the book has one; other text is
    left alone."""
    targets = {
        ("Listing" if isinstance(node, CodeBlock) else type(node).__name__, number): node.attr.id
        for node in iter_nodes(tuple(ch.blocks for ch in chapters), (CodeBlock, Figure, Table))
        if isinstance(node, (CodeBlock, Figure, Table)) and node.attr.id and (number := node.attr.get("number"))
    }
    if not targets:
        return chapters

    def split(text: str) -> list[Inline]:
        out: list[Inline] = []
        at = 0
        for m in _MENTION.finditer(text):
            target = targets.get((m.group(1), m.group(2)))
            if target is None:
                continue
            if m.start() > at:
                out.append(Text(text[at : m.start()]))
            out.append(CrossRef(target, (Text(m.group(0)),)))
            at = m.end()
        if at < len(text):
            out.append(Text(text[at:]))
        return out

    def fix(node: Any) -> Any:
        if isinstance(node, (Link, CrossRef, Code, Heading, CodeBlock)):
            return _unlinked(node) if isinstance(node, Link) else node
        children = getattr(node, "children", None)
        if not isinstance(children, tuple) or not any(
            isinstance(c, Text) and _MENTIONED.search(c.text) for c in children
        ):
            return node
        new: list[Inline] = []
        for child in children:
            new.extend(split(child.text) if isinstance(child, Text) and _MENTIONED.search(child.text) else [child])
        return dataclasses.replace(node, children=tuple(new))

    return [dataclasses.replace(ch, blocks=walk(ch.blocks, fix, types_with_fields("children"))) for ch in chapters]


def _unlinked(link: Link) -> Link:
    """A link without the cross-references made inside it (a link already leads somewhere)."""

    def plain(node: Any) -> Any:
        return Text(plain_text(node.children)) if isinstance(node, CrossRef) else node

    return walk(link, plain, (CrossRef,))  # type: ignore[no-any-return]
