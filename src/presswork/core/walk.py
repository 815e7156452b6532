"""Generic traversal of the document tree: iterate, query and rebuild nodes."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from presswork.core.tree import Attr, Block, Chapter, Document, Node, Pos

N = TypeVar("N")


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    """The fields of node class ``cls`` whose declared type can hold a node (so not ``pos``, text,
    numbers or attributes), worked out once per class."""
    names = _CHILD_FIELDS.get(cls)
    if names is None:
        try:
            hints = typing.get_type_hints(cls)
        except Exception:  # noqa: BLE001 - an unresolvable annotation: look into every field
            hints = {}
        names = _CHILD_FIELDS[cls] = tuple(
            f.name for f in dataclasses.fields(cls) if f.name != "pos" and _may_hold_nodes(hints.get(f.name, Any))
        )
    return names


def _may_hold_nodes(hint: Any) -> bool:
    """Whether a value of type ``hint`` can be or contain a tree node."""
    if hint is Any:
        return True
    if isinstance(hint, type) and not typing.get_args(hint):
        return issubclass(hint, Node)
    return any(_may_hold_nodes(arg) for arg in typing.get_args(hint) if arg is not Ellipsis)


def children(node: Any) -> Iterator[Any]:
    """The direct child nodes of ``node`` (nodes nested in tuple fields, in order)."""
    for name in _child_fields(type(node)):
        yield from _nodes_in(getattr(node, name))


def _nodes_in(value: Any) -> Iterator[Any]:
    if isinstance(value, Node):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            yield from _nodes_in(v)


def iter_nodes(root: Any) -> Iterator[Any]:
    """Every node below ``root`` (a node, a tuple of nodes, a Chapter or a Document), depth first, in document order."""
    stack = [root]  # popped from the end: what comes first in the document is pushed last
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        if isinstance(item, Node):
            yield item
            for name in reversed(_child_fields(type(item))):
                value = getattr(item, name)
                if isinstance(value, (Node, tuple)):
                    push(value)
        elif isinstance(item, tuple):
            stack.extend(reversed(item))
        elif isinstance(item, Chapter):
            push(item.blocks)
            push(item.title)
        elif isinstance(item, Document):
            stack.extend(reversed(item.chapters))


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
    (``pos`` outside any block, a Chapter's blocks start at their file).

    A tuple or node none of whose children changed is kept as it is (the same object), so an
    unchanged subtree costs no copy.
    """
    if isinstance(root, Node):
        here = root.pos if isinstance(root, Block) and root.pos is not None else pos
        changes = None
        for name in _child_fields(type(root)):
            value = getattr(root, name)
            if isinstance(value, (Node, tuple)):
                new = walk_with_positions(value, fn, here)
                if new is not value:
                    if changes is None:
                        changes = {}
                    changes[name] = new
        node = dataclasses.replace(root, **changes) if changes else root  # type: ignore[type-var]
        return fn(node, here)
    if isinstance(root, tuple):
        items = tuple([walk_with_positions(v, fn, pos) for v in root])
        for old, new in zip(root, items, strict=True):
            if old is not new:
                return items
        return root
    if isinstance(root, Chapter):
        here = pos or Pos(root.source)
        return dataclasses.replace(
            root,
            title=walk_with_positions(root.title, fn, root.title_pos or here),
            blocks=walk_with_positions(root.blocks, fn, here),
        )
    if isinstance(root, Document):
        return dataclasses.replace(root, chapters=tuple(walk_with_positions(c, fn, pos) for c in root.chapters))
    return root


#: What ``collect_strings`` does with a value of each type: "str", "tuple", or the names of the fields to visit.
_KINDS: dict[type, str | tuple[str, ...]] = {str: "str", tuple: "tuple"}


def _kind(value: Any) -> str | tuple[str, ...]:
    if isinstance(value, str):
        return "str"
    if isinstance(value, tuple):
        return "tuple"
    if isinstance(value, (Node, Attr)) or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
        return tuple(f.name for f in dataclasses.fields(type(value)) if f.name != "pos")  # type: ignore[arg-type]
    return ()


def collect_strings(value: Any, out: list[str]) -> None:
    """Append to ``out`` every string held by a node (text, code, URLs, attributes), recursively."""
    kind = _KINDS.get(type(value))
    if kind is None:
        kind = _KINDS[type(value)] = _kind(value)
    if kind == "str":
        out.append(value)
    elif kind == "tuple":
        for v in value:
            collect_strings(v, out)
    else:
        for name in kind:
            collect_strings(getattr(value, name), out)
