"""Tables as Typst markup: a header row repeated on every page, alignments per column, cells as content."""

from __future__ import annotations

from collections.abc import Callable

from presswork.core.tree import Inlines, Table

__all__ = ["table_markup"]

_ALIGN = {"left": "left", "right": "right", "center": "center"}


def table_markup(node: Table, cell: Callable[[Inlines], str]) -> str:
    """The ``table(...)`` call for ``node`` (its caption is the figure's, written by the caller)."""
    columns = max((len(r) for r in (*node.head, *node.body)), default=1)
    aligns = [_ALIGN.get(a, "left") for a in node.alignments] + ["left"] * columns
    align = "(" + ", ".join(aligns[:columns]) + ",)"

    def row(cells: tuple[Inlines, ...]) -> str:
        padded = list(cells) + [()] * (columns - len(cells))
        return "".join(f"{cell(c)}, " for c in padded)

    head = "".join(row(r) for r in node.head)
    body = "".join(row(r) for r in node.body)
    header = f"table.header({head}), " if head else ""
    return f"pw-table(columns: {columns}, align: {align}, {header}{body})"
