"""Unique ids across the book, and the map from ids as written to book ids."""

from __future__ import annotations

import dataclasses
from typing import Any

from presswork.core.tree import (
    Attr,
    Chapter,
    Heading,
    Pos,
    plain_text,
)
from presswork.core.walk import types_with_fields, walk_with_positions
from presswork.reading.structure import slugify

#: The node types that can carry an id (the only ones :func:`unique_ids` changes).
_WITH_ATTR = types_with_fields("attr")


def unique_ids(chapters: list[Chapter]) -> tuple[list[Chapter], dict[tuple[str, str], str]]:
    """Make chapter and element ids unique across the book.

    Returns the chapters and a map (source file, id as written) -> book id, used to
    resolve links. Where one file has the same id twice, the first one wins the map.
    """
    used: set[str] = set()
    mapping: dict[tuple[str, str], str] = {}

    def claim(source: str, ident: str) -> str:
        base = ident or "section"
        new, n = base, 1
        while new in used:
            n += 1
            new = f"{base}-{n}"
        used.add(new)
        mapping.setdefault((source, ident), new)
        return new

    out = []
    for ch in chapters:
        ch_id = claim(ch.source, ch.id)

        def fix(node: Any, pos: Pos | None, source: str = ch.source) -> Any:
            attr = getattr(node, "attr", None)
            if isinstance(node, Heading) and not node.attr.id:
                attr = dataclasses.replace(node.attr, id=slugify(plain_text(node.children)))
            if isinstance(attr, Attr) and attr.id:
                return dataclasses.replace(node, attr=dataclasses.replace(attr, id=claim(source, attr.id)))
            return node

        out.append(dataclasses.replace(ch, id=ch_id, blocks=walk_with_positions(ch.blocks, fix, kinds=_WITH_ATTR)))
    return out, mapping
