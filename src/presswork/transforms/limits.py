"""Limits on the tree before anything recurses into it: nesting depth."""

from __future__ import annotations

from typing import Any

from presswork.core.diagnostics import too_deep
from presswork.core.tree import (
    Block,
    Chapter,
    DefinitionItem,
    Heading,
    ListItem,
    Node,
    Paragraph,
    Pos,
)
from presswork.core.walk import child_list

#: Nodes that hold others without adding a level a reader would count (an item of a list,
#: a paragraph's or heading's words).
_NOT_A_LEVEL = (ListItem, DefinitionItem, Paragraph, Heading)


def check_nesting(chapters: list[Chapter], max_nesting: int) -> None:
    """Refuse a tree nested deeper than ``max_nesting`` levels, counting lists, quotes,
    admonitions, divs, notes, tables and inline markup together.

    Runs iteratively (no recursion), before any transform or exporter that recurses.
    """
    for ch in chapters:
        if _deepest(ch) <= max_nesting:  # the usual case, found sooner; else the walk below names the place
            continue
        stack: list[tuple[Any, int, Pos | None]] = [(n, 0, ch.title_at()) for n in ch.title]
        stack += [(n, 0, Pos(ch.source)) for n in ch.blocks]
        first: Pos | None = None  # the first block found too deep; the error names the deepest level
        deepest = 0
        while stack:
            node, depth, pos = stack.pop()
            if not isinstance(node, Node):
                continue
            here = node.pos if isinstance(node, Block) and node.pos is not None else pos
            kids = child_list(node)
            level = depth + (1 if kids and not isinstance(node, _NOT_A_LEVEL) else 0)
            deepest = max(deepest, level)
            if level > max_nesting and first is None:
                first = here
            stack.extend((kid, level, here) for kid in kids)
        if first is not None:
            raise too_deep(max_nesting, "lists, quotes, notes and inline markup (counted together)", deepest, first)


def _deepest(chapter: Chapter) -> int:
    """The deepest level of ``chapter``, counted as :func:`check_nesting` counts it (without positions)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(n, 0) for n in chapter.title]
    stack += [(n, 0) for n in chapter.blocks]
    pop, extend = stack.pop, stack.extend
    while stack:
        node, depth = pop()
        if not isinstance(node, Node):
            continue
        kids = child_list(node)
        if kids:  # a node without children is as deep as the level it is in
            level = depth if isinstance(node, _NOT_A_LEVEL) else depth + 1
            if level > deepest:
                deepest = level
            extend([(kid, level) for kid in kids])
    return deepest
