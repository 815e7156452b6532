"""Generic traversal of the document tree: iterate, query and rebuild nodes."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import typing
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from presswork.core.tree import NODE_TYPES, Attr, Block, Chapter, Document, Node, Pos

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
    return iter(child_list(node))


def child_list(node: Any) -> list[Any]:
    """:func:`children` as a list."""
    out: list[Any] = []
    for name in (_SHAPES.get(type(node)) or _shape(type(node)))[0]:
        value = getattr(node, name)
        if isinstance(value, Node):
            out.append(value)
        elif isinstance(value, tuple) and value:
            _nodes_in(value, out)
    return out


def _nodes_in(items: tuple[Any, ...], out: list[Any]) -> None:
    """Append the nodes of ``items`` (and of the tuples in it) to ``out``, in order."""
    for v in items:
        if isinstance(v, Node):
            out.append(v)
        elif isinstance(v, tuple):
            _nodes_in(v, out)


def iter_nodes(root: Any, kinds: tuple[type, ...] | None = None) -> Iterator[Any]:
    """Every node below ``root`` (a node, a tuple of nodes, a Chapter or a Document), depth first, in
    document order; with ``kinds``, only the nodes of those types (in :func:`shared_walks`, a subtree
    without any is not entered)."""
    if kinds is not None:
        yield from _iter_kinds(root, kinds)
        return
    stack = [root]  # popped from the end: what comes first in the document is pushed last
    pop, push = stack.pop, stack.append
    shapes = _SHAPES
    while stack:
        item = pop()
        if isinstance(item, Node):
            yield item
            for name in (shapes.get(type(item)) or _shape(type(item)))[2]:
                value = getattr(item, name)
                if isinstance(value, Node) or (isinstance(value, tuple) and value):  # an empty tuple holds nothing
                    push(value)
        elif isinstance(item, tuple):
            stack.extend(reversed(item))
        elif isinstance(item, Chapter):
            push(item.blocks)
            push(item.title)
        elif isinstance(item, Document):
            stack.extend(reversed(item.chapters))


def _iter_kinds(root: Any, kinds: tuple[type, ...]) -> Iterator[Any]:
    """:func:`iter_nodes` with ``kinds``."""
    want = _wanted(kinds) if _MASKS is not None else None
    for node in iter_nodes(root) if want is None else _iter_wanted(root, want):
        if isinstance(node, kinds):
            yield node


def _iter_wanted(root: Any, want: int) -> Iterator[Any]:
    """The nodes below ``root`` in document order, leaving out the subtrees none of whose node types is in ``want``."""
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        if isinstance(item, Node):
            yield item
            for name in (_SHAPES.get(type(item)) or _shape(type(item)))[2]:
                value = getattr(item, name)
                if (isinstance(value, Node) or (isinstance(value, tuple) and value)) and _mask(value) & want:
                    push(value)
        elif isinstance(item, tuple):
            stack.extend(v for v in reversed(item) if not isinstance(v, (Node, tuple)) or _mask(v) & want)
        elif isinstance(item, Chapter):
            push(item.blocks)
            push(item.title)
        elif isinstance(item, Document):
            stack.extend(reversed(item.chapters))


def query(root: Any, kind: type[N]) -> list[N]:
    """All nodes of type ``kind`` below ``root``, in document order."""
    return list(iter_nodes(root, (kind,)))


def walk(root: Any, fn: Callable[[Any], Any], kinds: tuple[type, ...] | None = None) -> Any:
    """Rebuild ``root`` bottom-up, replacing each node by ``fn(node)`` (return the node to keep it).

    Works on nodes, tuples of nodes, Chapters and Documents; source positions are kept. With
    ``kinds``, ``fn`` sees only the nodes of those types (see :func:`walk_with_positions`).
    """
    return walk_with_positions(root, lambda node, _pos: fn(node), kinds=kinds)


def walk_with_positions(
    root: Any, fn: Callable[[Any, Pos | None], Any], pos: Pos | None = None, kinds: tuple[type, ...] | None = None
) -> Any:
    """Like :func:`walk`, but ``fn`` also gets the position of the nearest enclosing block
    (``pos`` outside any block, a Chapter's blocks start at their file).

    A tuple or node none of whose children changed is kept as it is (the same object), so an
    unchanged subtree costs no copy. With ``kinds``, ``fn`` is called only for nodes of those
    types (every other node is kept as it is, and a node with no children of other types is not
    even entered): for a ``fn`` that returns every other node unchanged, the same result, sooner.
    """
    want = _wanted(kinds) if kinds is not None and _MASKS is not None else None
    if isinstance(root, Node):
        return root if want is not None and not _mask(root) & want else _walk_node(root, fn, pos, kinds, want)
    if isinstance(root, tuple):
        return root if want is not None and not _mask(root) & want else _walk_tuple(root, fn, pos, kinds, want)
    if isinstance(root, Chapter):
        here = pos or Pos(root.source)
        return dataclasses.replace(
            root,
            title=walk_with_positions(root.title, fn, root.title_pos or here, kinds),
            blocks=walk_with_positions(root.blocks, fn, here, kinds),
        )
    if isinstance(root, Document):
        return dataclasses.replace(root, chapters=tuple(walk_with_positions(c, fn, pos, kinds) for c in root.chapters))
    return root


@functools.cache
def types_with_fields(*names: str) -> tuple[type, ...]:
    """Every node type with a field of one of ``names``: the ``kinds`` of a walk whose function
    looks only at those fields."""
    return tuple(cls for cls in NODE_TYPES.values() if any(f.name in names for f in dataclasses.fields(cls)))


#: Per node class: the fields that can hold nodes (see :func:`_child_fields`), whether it is a
#: Block, and those fields in reverse order.
_SHAPES: dict[type, tuple[tuple[str, ...], bool, tuple[str, ...]]] = {}


def _shape(cls: type) -> tuple[tuple[str, ...], bool, tuple[str, ...]]:
    fields = _child_fields(cls)
    shape = _SHAPES[cls] = (fields, issubclass(cls, Block), fields[::-1])
    return shape


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """The names of the fields of the dataclass ``cls``, in order (``dataclasses.fields``, looked up once)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


#: While :func:`shared_walks` is on: id -> (node or tuple, the bits of the node types in it). The
#: value is kept too, so that its id is not given to another object meanwhile.
_MASKS: dict[int, tuple[Any, int]] | None = None
_BITS: dict[type, int] = {cls: 1 << i for i, cls in enumerate(NODE_TYPES.values())}
_OTHER = 1 << len(_BITS)  # any other node class (none in the closed set); never skipped
_ALL = -1  # a Chapter or Document inside a tuple: never skipped
_WANTED: dict[tuple[type, ...], int] = {}


@contextlib.contextmanager
def shared_walks() -> Iterator[None]:
    """Within this context, walks with ``kinds`` remember which node types each subtree holds and
    skip those that hold none of theirs: the transforms walk the same trees again and again, and
    most subtrees come out of one transform unchanged (the same objects) into the next."""
    global _MASKS
    outer = _MASKS
    if outer is None:
        _MASKS = {}
    try:
        yield
    finally:
        if outer is None:
            _MASKS = None


def _wanted(kinds: tuple[type, ...]) -> int:
    """The bits of the node types a walk with ``kinds`` calls its function for."""
    want = _WANTED.get(kinds)
    if want is None:
        want = _WANTED[kinds] = _OTHER | sum(bit for cls, bit in _BITS.items() if issubclass(cls, kinds))
    return want


def _mask(value: Any) -> int:
    """The bits of the node types in ``value`` (a node or tuple, itself included), remembered in ``_MASKS``."""
    masks = _MASKS
    if masks is None:
        return _ALL
    hit = masks.get(id(value))
    if hit is not None:
        return hit[1]
    if isinstance(value, Node):
        bits = _BITS.get(type(value), _OTHER)
        for name in (_SHAPES.get(type(value)) or _shape(type(value)))[0]:
            v = getattr(value, name)
            if isinstance(v, Node) or (isinstance(v, tuple) and v):
                bits |= _mask(v)
    elif isinstance(value, tuple):
        bits = 0
        for v in value:
            if isinstance(v, (Node, tuple)):
                bits |= _mask(v)
            elif isinstance(v, (Chapter, Document)):
                bits = _ALL
    else:
        return 0
    masks[id(value)] = (value, bits)
    return bits


# The two functions below run for every node of every walk of every transform: they look the
# class's fields up once and test the common cases (a tuple, a node) first, without a generic call.


def _walk_node(
    node: Any,
    fn: Callable[[Any, Pos | None], Any],
    pos: Pos | None,
    kinds: tuple[type, ...] | None,
    want: int | None,
) -> Any:
    """:func:`walk_with_positions` of one node (``want``: the bits of ``kinds`` while walks are shared, else None)."""
    fields, is_block, _ = _SHAPES.get(type(node)) or _shape(type(node))
    here = pos
    if is_block and node.pos is not None:
        here = node.pos
    changes: dict[str, Any] | None = None
    for name in fields:
        value = getattr(node, name)
        if isinstance(value, tuple):
            if not value or (want is not None and not _mask(value) & want):
                continue
            new = _walk_tuple(value, fn, here, kinds, want)
        elif isinstance(value, Node):
            if want is not None and not _mask(value) & want:
                continue
            new = _walk_node(value, fn, here, kinds, want)
        else:
            continue
        if new is not value:
            if changes is None:
                changes = {}
            changes[name] = new
    if changes:
        node = dataclasses.replace(node, **changes)
    if kinds is None or isinstance(node, kinds):
        return fn(node, here)
    return node


def _walk_tuple(
    items: tuple[Any, ...],
    fn: Callable[[Any, Pos | None], Any],
    pos: Pos | None,
    kinds: tuple[type, ...] | None,
    want: int | None,
) -> tuple[Any, ...]:
    """:func:`walk_with_positions` of a tuple: ``items`` itself when no item changed."""
    out: list[Any] | None = None
    for i, item in enumerate(items):
        new = item
        if isinstance(item, Node):
            if want is not None:
                if _mask(item) & want:
                    new = _walk_node(item, fn, pos, kinds, want)
            elif kinds is None or isinstance(item, kinds) or (_SHAPES.get(type(item)) or _shape(type(item)))[0]:
                new = _walk_node(item, fn, pos, kinds, want)
        elif isinstance(item, tuple):
            if item and (want is None or _mask(item) & want):
                new = _walk_tuple(item, fn, pos, kinds, want)
        elif isinstance(item, (Chapter, Document)):
            new = walk_with_positions(item, fn, pos, kinds)
        if out is not None:
            out.append(new)
        elif new is not item:
            out = [*items[:i], new]
    return items if out is None else tuple(out)


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
