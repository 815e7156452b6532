"""Generic traversal of the document tree: iterate, query and rebuild nodes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from .tree import Chapter, Document, Node

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
    if isinstance(root, Document):
        return dataclasses.replace(root, chapters=tuple(walk(c, fn) for c in root.chapters))
    if isinstance(root, Chapter):
        return dataclasses.replace(root, title=walk(root.title, fn), blocks=walk(root.blocks, fn))
    if isinstance(root, tuple):
        return tuple(walk(v, fn) for v in root)
    if isinstance(root, Node):
        changes = {}
        for f in dataclasses.fields(root):
            if f.name == "pos":
                continue
            value = getattr(root, f.name)
            if isinstance(value, (Node, tuple)):
                new = walk(value, fn)
                if new is not value and new != value:
                    changes[f.name] = new
        node = dataclasses.replace(root, **changes) if changes else root
        return fn(node)
    return root

