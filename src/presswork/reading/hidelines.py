"""mdBook's hidden code lines: lines of a Rust block that start with ``# `` (or are a lone ``#``), and lines
of other languages that start with the prefix ``[output.html.code.hidelines]`` or the block's
``hidelines=`` sets, are left out of the printed code, as mdBook hides them on its pages.

Rust follows rustdoc: ``##`` at the start of a line stands for a literal ``#`` (the line is shown with one
``#`` less); ``#[attr]`` and ``#!`` lines are shown. Leading spaces before the marker are allowed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from presswork.core.tree import Blocks, CodeBlock
from presswork.core.walk import walk

__all__ = ["hide_code_lines", "visible_code"]

#: A Rust line that rustdoc treats specially: indentation, ``#``, the character after it, the rest.
_RUST_MARKED = re.compile(r"^(\s*)#(.?)(.*)$", re.S)


def _rust_line(line: str) -> str | None:
    """A Rust line as printed (None = hidden)."""
    m = _RUST_MARKED.match(line)
    if m is None:
        return line
    if m.group(2) == "#":
        return m.group(1) + "#" + m.group(3)
    if m.group(2) in ("", " ", "\n"):
        return None
    return line


def _prefix(node: CodeBlock, hidelines: Mapping[str, str]) -> str:
    """The hiding prefix of a non-Rust block: its own ``hidelines=`` attribute, else the book's for its language."""
    own = node.attr.get("hidelines") or next(
        (c.removeprefix("hidelines=") for c in node.attr.classes if c.startswith("hidelines=")), ""
    )
    return own or hidelines.get(node.language.lower(), "")


def visible_code(node: CodeBlock, hidelines: Mapping[str, str]) -> str:
    """The code of ``node`` without the lines mdBook hides (the code itself when it hides none)."""
    code = node.code
    if node.language.lower() == "rust":
        if "#" not in code:
            return code
        kept = (_rust_line(line) for line in code.splitlines(keepends=True))
        return "".join(line for line in kept if line is not None)
    prefix = _prefix(node, hidelines)
    if not prefix or prefix not in code:
        return code
    return "".join(line for line in code.splitlines(keepends=True) if not line.lstrip().startswith(prefix))


def hide_code_lines(blocks: Blocks, hidelines: Mapping[str, str]) -> Blocks:
    """``blocks`` with mdBook's hidden lines left out of every code block (``hidelines``: language -> prefix,
    from ``[output.html.code.hidelines]``)."""

    def fix(node: Any) -> Any:
        if isinstance(node, CodeBlock):
            code = visible_code(node, hidelines)
            if code != node.code:
                return dataclasses.replace(node, code=code)
        return node

    return walk(blocks, fix)  # type: ignore[no-any-return]
