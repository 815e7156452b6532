"""The markdown-it-py parser of the ``gfm`` reader: CommonMark 0.31 + GitHub Flavored Markdown + extensions."""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

__all__ = ["make_parser", "nesting_limit"]


def nesting_limit(max_nesting: int) -> int:
    """markdown-it's ``maxNesting`` (token levels) for presswork's ``max_nesting`` (lists, quotes, notes):
    a list level opens two token levels (list, item), and a paragraph and inline markup add a few."""
    return 2 * max_nesting + 12


@functools.lru_cache(maxsize=8)
def make_parser(max_nesting: int = 40, extensions: bool = True) -> MarkdownIt:
    """A parser for GitHub Flavored Markdown (tables, strikethrough, autolinks, task lists, alerts,
    footnotes) and presswork's extensions (math, definition lists, ``!!!`` admonitions, ``:::`` fenced
    divs, ``~sub~`` and ``^sup^``). ``extensions=False`` gives plain GFM (used by the conformance tests)."""
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": nesting_limit(max_nesting)})
    md.enable(["table", "strikethrough"])
    md.options["tasklists"] = True
    md.options["alerts"] = True
    md.use(gfm_autolink_plugin)
    md.use(footnote_plugin, inline=False)
    if extensions:
        md.use(deflist_plugin)
        md.use(dollarmath_plugin, allow_labels=False, allow_space=True, allow_digits=False, allow_blank_lines=False,
               double_inline=True)
        md.use(admon_plugin)
        md.use(container_plugin, name="div", validate=lambda params, *args: bool(params.strip()))
        md.use(sub_plugin)
        md.use(superscript_plugin)
    return md
