"""Footnotes the formats can set: a footnote inside a footnote is folded into the enclosing one."""

from __future__ import annotations

import dataclasses
from typing import Any

from presswork.core.diagnostics import Reporter
from presswork.core.tree import (
    Attr,
    Chapter,
    Note,
    Pos,
    Span,
)
from presswork.core.walk import walk, walk_with_positions


def flatten_notes(chapters: list[Chapter], reporter: Reporter) -> list[Chapter]:
    """A footnote inside a footnote is not supported by the formats (and makes page layout
    crawl): its text is appended to the enclosing footnote, with a warning."""

    def fix(node: Any, pos: Pos | None) -> Any:
        if not isinstance(node, Note):
            return node
        inner: list[Note] = []

        def lift(n: Any) -> Any:
            if isinstance(n, Note):
                inner.append(n)
                return Span(Attr(), ())
            return n

        blocks = walk(node.blocks, lift, (Note,))
        if not inner:
            return node
        reporter.warn(
            "a footnote inside a footnote is not supported: its text is added to the end of the enclosing footnote",
            pos,
            "note",
        )
        return dataclasses.replace(node, blocks=blocks + tuple(b for n in inner for b in n.blocks))

    return [
        dataclasses.replace(
            ch,
            title=walk_with_positions(ch.title, fix, kinds=(Note,)),
            blocks=walk_with_positions(ch.blocks, fix, kinds=(Note,)),
        )
        for ch in chapters
    ]
