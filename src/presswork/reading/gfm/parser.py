"""The markdown-it-py parser of the ``gfm`` reader: CommonMark 0.31 + GitHub Flavored Markdown + extensions."""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt
from markdown_it.common import normalize_url
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.inline import inline as core_inline
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from presswork.reading.gfm import dispatch, rules

__all__ = ["make_parser", "nesting_limit"]


def nesting_limit(max_nesting: int) -> int:
    """markdown-it's ``maxNesting`` (token levels) for presswork's ``max_nesting`` (lists, quotes, notes):
    a list level opens two token levels (list, item), and a paragraph and inline markup add a few."""
    return 2 * max_nesting + 12


@functools.lru_cache(maxsize=8)
def make_parser(
    max_nesting: int = 40, extensions: bool = True, fast: bool = True, dollar_math: bool = True
) -> MarkdownIt:
    """A parser for GitHub Flavored Markdown (tables, strikethrough, autolinks, task lists, alerts,
        footnotes) and presswork's extensions (math, definition lists, ``!!!`` admonitions, ``:::`` fenced
        divs, ``~sub~`` and ``^sup^``). ``extensions=False`` gives plain GFM (used by the conformance tests).

        ``fast`` (the default) dispatches rules by character (dispatch.py), replaces five markdown-it rules
        by faster equivalents (rules.py) and caches URL normalisation; ``fast=False`` gives markdown-it's own
        machinery, which the tests use to prove that both produce the same tokens. ``dollar_math=False`` leaves
    ``$...$`` and ``$$...$$`` as text (mdBook has no dollar math: ``$HOME`` and ``$PATH`` are prose)."""
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": nesting_limit(max_nesting)})
    md.core.ruler.at("inline", _inline_with_limit)
    md.enable(["table", "strikethrough"])
    md.options["tasklists"] = True
    md.options["alerts"] = True
    md.use(gfm_autolink_plugin)
    md.use(footnote_plugin, inline=False)
    md.validateLink = lambda url: True  # type: ignore[method-assign] # the reader removes unsafe URLs itself, with a warning
    if extensions:
        md.use(deflist_plugin)
    if extensions and dollar_math:
        md.use(
            dollarmath_plugin,
            allow_labels=False,
            allow_space=False,
            allow_digits=False,
            allow_blank_lines=False,
            double_inline=True,
        )
        md.block.ruler.at(
            "math_block", _math_block, {"alt": ["paragraph", "reference", "blockquote", "list", "footnote_def"]}
        )
    if extensions:
        md.use(admon_plugin)
        md.use(container_plugin, name="div", validate=lambda params, *args: bool(params.strip()))
        md.use(sub_plugin)
        md.use(superscript_plugin)
    if not fast:
        return md
    md.inline.ruler.at("backticks", rules.backtick)
    md.inline.ruler.at("newline", rules.newline)
    md.inline.ruler.at("emphasis", rules.emphasis)
    md.block.ruler.at("reference", rules.reference)
    md.block.ruler.at("lheading", rules.lheading)
    md.normalizeLink = _normalize_link  # type: ignore[method-assign]
    md.normalizeLinkText = _normalize_link_text  # type: ignore[method-assign]
    dispatch.install(md)
    return md


# URL normalisation (mdurl parse + punycode + percent-encoding) is pure and costly; a document tends to
# repeat its URLs (a reference definition is normalised where it is defined, each use looks it up).
_normalize_link = functools.lru_cache(maxsize=4096)(normalize_url.normalizeLink)
_normalize_link_text = functools.lru_cache(maxsize=4096)(normalize_url.normalizeLinkText)


#: Inline nesting (emphasis in links in emphasis...) markdown-it follows; deeper markup stays literal text.
#: The inline parser's work grows with this limit, so it is kept at markdown-it's CommonMark default
#: while block nesting (lists, quotes) follows ``max_nesting``.
INLINE_NESTING = 20


def _inline_with_limit(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, run with the inline nesting limit."""
    options = state.md.options
    saved = options["maxNesting"]
    options["maxNesting"] = INLINE_NESTING
    try:
        core_inline(state)
    finally:
        options["maxNesting"] = saved


def _math_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Display math: ``$$`` on a line of its own up to a line ending in ``$$``, or ``$$ tex $$`` alone on a line.

    Unlike mdit-py-plugins' rule it may interrupt a paragraph, and a line that merely starts with
    inline ``$$x$$`` followed by text (GitBook style) is not a block.
    """
    if state.is_code_block(start):
        return False
    first = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]].rstrip()
    if not first.startswith("$$"):
        return False
    rest = first[2:]
    if "$$" in rest:
        if not rest.endswith("$$") or "$$" in rest[:-2]:
            return False  # inline $$x$$ with text after it: a paragraph
        if silent:
            return True
        line, content = start, rest[:-2]
    else:
        line = start
        lines = [rest]
        while True:
            line += 1
            if line >= end:
                return False
            if state.sCount[line] < state.blkIndent and state.src[state.bMarks[line] : state.eMarks[line]].strip():
                return False
            text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]].rstrip()
            if not text and state.isEmpty(line):
                return False  # a blank line ends the attempt: $$ needs its closing $$ before one
            if text.endswith("$$"):
                lines.append(text[:-2])
                break
            lines.append(text)
        if silent:
            return True
        content = "\n".join(lines)
    state.line = line + 1
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = content.strip() + "\n"
    token.markup = "$$"
    token.map = [start, state.line]
    return True
