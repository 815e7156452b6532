"""markdown-it-py's internals that presswork relies on, each behind one named function, for markdown-it-py 4.x only.

The gfm reader dispatches block and inline rules by character (reading/gfm/dispatch.py): it
replaces a parser's block ruler with one that keeps the same rules (``Ruler.__rules__``) and
compiles its own chains (``Ruler.__cache__``), and its inline parser with one that keeps the
same state. tests/reading/test_parser_speedups.py proves the tokens stay markdown-it's own.
:func:`replace_block_ruler` and :func:`replace_inline_parser` check the installed version
(:data:`RANGE`) first.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.ruler import Ruler

from presswork.compat.versions import Range

__all__ = ["RANGE", "compiled_chains", "enabled_rules", "replace_block_ruler", "replace_inline_parser"]

#: The markdown-it-py versions this module was written for (pyproject.toml bounds the same).
RANGE = Range("markdown-it-py", "4.3", "5")


def replace_block_ruler(md: MarkdownIt, ruler: Ruler[Any]) -> None:
    """Make ``ruler`` (a fresh ``Ruler`` subclass) ``md``'s block ruler, with the rules of the one it replaces."""
    RANGE.require()
    ruler.__rules__ = md.block.ruler.__rules__
    md.block.ruler = ruler


def replace_inline_parser(md: MarkdownIt, parser: Any) -> None:
    """Make ``parser`` (a fresh ``ParserInline`` subclass) ``md``'s inline parser, with the state of the one it replaces."""
    RANGE.require()
    parser.__dict__.update(md.inline.__dict__)
    md.inline = parser


def enabled_rules(ruler: Ruler[Any]) -> list[Any]:
    """The enabled rules of ``ruler`` in order (each with ``name``, ``fn`` and ``alt``)."""
    return [rule for rule in ruler.__rules__ if rule.enabled]


def compiled_chains(ruler: Ruler[Any]) -> dict[str, list[Any]]:
    """The rule chains a ruler compiled (chain name -> rule functions; "" is the main chain), to be edited in place."""
    assert ruler.__cache__ is not None, "compile the ruler first"
    return ruler.__cache__
