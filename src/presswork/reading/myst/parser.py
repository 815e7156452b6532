"""The markdown-it-py parser of the ``myst`` reader: the gfm parser plus MyST's roles, targets and colon fences."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.field_list import fieldlist_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from presswork.compat.markdown_it import enabled_rules
from presswork.reading.gfm.parser import make_parser

__all__ = ["FOOTNOTES", "make_myst_parser"]


@functools.lru_cache(maxsize=8)
def make_myst_parser(max_nesting: int = 40) -> MarkdownIt:
    """A fresh gfm parser (never the cached one of the gfm reader) with MyST's syntax added:
    ``{role}`content``` roles, ``(label)=`` targets, ``%`` comments, ``+++`` block breaks, ``:name: body``
    field lists and
    ``:::{directive}`` colon fences (a ``:::`` fence without braces stays a fenced div)."""
    md = make_parser.__wrapped__(max_nesting)
    md.use(myst_role_plugin)
    md.use(myst_block_plugin)
    md.use(fieldlist_plugin)
    colon_fence_plugin(md)
    colon = next(rule.fn for rule in enabled_rules(md.block.ruler) if rule.name == "colon_fence")
    md.block.ruler.disable("colon_fence")
    md.block.ruler.before("container_div", "myst_colon_fence", _directive_only(colon), {"alt": _INTERRUPTS})
    md.core.ruler.before("footnote_tail", "myst_keep_footnotes", _keep_footnotes)
    return md


#: ``env`` key of the footnote definitions of a file (label -> their block tokens), kept for directive bodies.
FOOTNOTES = "myst_footnotes"


def _keep_footnotes(state: StateCore) -> None:
    """Keep every footnote definition's tokens: markdown-it drops those not called in the same parse, but a
    directive's body (parsed later, with the same environment) may call a note defined outside it."""
    kept = state.env.setdefault(FOOTNOTES, {})
    label = None
    for token in state.tokens:
        if token.type == "footnote_reference_open":
            label = str(token.meta.get("label"))
            kept[label] = []
        elif token.type == "footnote_reference_close":
            label = None
        elif label is not None:
            kept[label].append(token)


#: The blocks a directive fence may interrupt (as a code fence may).
_INTERRUPTS = ["paragraph", "reference", "blockquote", "list", "footnote_def"]


_NAMED = re.compile(r"\{[A-Za-z][\w:.+-]*[\s}]")

BlockRule = Callable[[StateBlock, int, int, bool], bool]


def _directive_only(rule: BlockRule) -> BlockRule:
    """``rule`` (mdit-py-plugins' colon fence) tried only on ``:::{name}`` lines: other ``:::`` lines are fenced divs."""

    def colon_directive(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[start] + state.tShift[start]
        line = state.src[pos : state.eMarks[start]]
        if not line.startswith(":::") or not _NAMED.match(line.lstrip(":").lstrip()):
            return False  # ::: note, ::: {.callout-tip}, ::: {#id .class}: a fenced div
        return rule(state, start, end, silent)

    return colon_directive
