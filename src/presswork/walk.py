"""Generic traversal of the document tree: iterate, query and rebuild nodes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from .tree import Block, Chapter, Document, Node, Pos

N = TypeVar("N")


def children(node: Any) -> Iterator[Any]:
    """The direct child nodes of ``node`` (nodes nested in tuple fields, in order)."""
    for f in dataclasses.fields(node):
        if f.name == "pos":
            continue
        yield from _nodes_in(getattr(node, f.name))


def _nodes_in(value: Any) -> Iterator[Any]:
    if isinstance(value, Node):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            yield from _nodes_in(v)


def iter_nodes(root: Any) -> Iterator[Any]:
    """Every node below ``root`` (a node, a tuple of nodes, a Chapter or a Document), depth first, in document order."""
    if isinstance(root, Document):
        for ch in root.chapters:
            yield from iter_nodes(ch)
        return
    if isinstance(root, Chapter):
        yield from iter_nodes(root.title)
        yield from iter_nodes(root.blocks)
        return
    if isinstance(root, tuple):
        for v in root:
            yield from iter_nodes(v)
        return
    if isinstance(root, Node):
        yield root
        for child in children(root):
            yield from iter_nodes(child)


def query(root: Any, kind: type[N]) -> list[N]:
    """All nodes of type ``kind`` below ``root``, in document order."""
    return [n for n in iter_nodes(root) if isinstance(n, kind)]


def walk(root: Any, fn: Callable[[Any], Any]) -> Any:
    """Rebuild ``root`` bottom-up, replacing each node by ``fn(node)`` (return the node to keep it).

    Works on nodes, tuples of nodes, Chapters and Documents; source positions are kept.
    """
    return walk_with_positions(root, lambda node, _pos: fn(node))


def walk_with_positions(root: Any, fn: Callable[[Any, Pos | None], Any], pos: Pos | None = None) -> Any:
    """Like :func:`walk`, but ``fn`` also gets the position of the nearest enclosing block
    (``pos`` outside any block, a Chapter's blocks start at their file)."""
    if isinstance(root, Document):
        return dataclasses.replace(root, chapters=tuple(walk_with_positions(c, fn, pos) for c in root.chapters))
    if isinstance(root, Chapter):
        here = pos or Pos(root.source)
        return dataclasses.replace(
            root, title=walk_with_positions(root.title, fn, here), blocks=walk_with_positions(root.blocks, fn, here)
        )
    if isinstance(root, tuple):
        return tuple(walk_with_positions(v, fn, pos) for v in root)
    if isinstance(root, Node) and dataclasses.is_dataclass(root):
        here = root.pos if isinstance(root, Block) and root.pos is not None else pos
        changes = {}
        for f in dataclasses.fields(root):
            if f.name == "pos":
                continue
            value = getattr(root, f.name)
            if isinstance(value, (Node, tuple)):
                new = walk_with_positions(value, fn, here)
                if new is not value and new != value:
                    changes[f.name] = new
        node = dataclasses.replace(root, **changes) if changes else root
        return fn(node, here)
    return root
