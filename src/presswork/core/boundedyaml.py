"""A safe YAML loader with budgets: alias expansion ("billion laughs"), recursive aliases and nesting depth.

PyYAML's ``SafeLoader`` builds an alias as a second reference to its anchor's object, so a few
lines of nested aliases stand for billions of values; any later walk over the data (copying it,
turning it into JSON, hashing it for a cache key) expands them and runs out of memory. The loader
here counts, while composing, how many nodes every alias stands for and refuses the document once
the aliases of one document stand for more than :data:`MAX_ALIAS_NODES` nodes, or once an alias
refers to a node that contains it (a structure that never ends). It also refuses collections nested
deeper than :data:`MAX_DEPTH` (the composer recurses once per level). Each refusal is a
:class:`YamlBudgetError` at the line of the alias or collection, before anything is constructed.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["MAX_ALIAS_NODES", "MAX_DEPTH", "BoundedSafeLoader", "YamlBudgetError"]

#: Nodes that the aliases of one YAML document may stand for, all together.
MAX_ALIAS_NODES = 100_000
#: Deepest nesting of sequences and mappings in a YAML document.
MAX_DEPTH = 100


class YamlBudgetError(yaml.MarkedYAMLError):
    """A YAML document over a budget of :class:`BoundedSafeLoader`; ``problem_mark`` says where."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class BoundedSafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses alias expansion past :data:`MAX_ALIAS_NODES` nodes, recursive
    aliases and nesting past :data:`MAX_DEPTH` levels (see the module doc)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        #: id(node) -> (node, number of nodes it stands for once its aliases are expanded).
        self._sizes: dict[int, tuple[yaml.Node, int]] = {}
        self._expanded = 0
        self._depth = 0

    def compose_document(self) -> Any:
        self._sizes.clear()
        self._expanded = 0
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)
            known = self._sizes.get(id(node))
            if known is None:
                raise YamlBudgetError(
                    f"alias *{event.anchor} refers to a value that contains it (a structure that never ends)",
                    event.start_mark,
                )
            self._expanded += known[1]
            if self._expanded > MAX_ALIAS_NODES:
                raise YamlBudgetError(
                    f"aliases expand to more than {MAX_ALIAS_NODES:,} values (the limit on YAML alias "
                    f"expansion; alias *{event.anchor} alone stands for {known[1]:,})",
                    event.start_mark,
                )
            return node
        collection = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
        if collection:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise YamlBudgetError(f"YAML nested deeper than {MAX_DEPTH} levels", event.start_mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            if collection:
                self._depth -= 1
        if node is not None:
            self._sizes[id(node)] = (node, 1 + sum([self._size(child) for child in _children(node)]))
        return node

    def _size(self, node: yaml.Node) -> int:
        known = self._sizes.get(id(node))
        return known[1] if known is not None else 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    """The nodes directly inside ``node`` (keys and values of a mapping)."""
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
