"""The markdown-it-py parser of the ``myst`` reader: the gfm parser plus MyST's roles, targets and colon fences."""

from __future__ import annotations

import functools
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from presswork.compat.markdown_it import enabled_rules
from presswork.reading.gfm.parser import make_parser

__all__ = ["make_myst_parser"]


@functools.lru_cache(maxsize=8)
def make_myst_parser(max_nesting: int = 40) -> MarkdownIt:
    """A fresh gfm parser (never the cached one of the gfm reader) with MyST's syntax added:
    ``{role}`content``` roles, ``(label)=`` targets, ``%`` comments, ``+++`` block breaks and
    ``:::{directive}`` colon fences (a ``:::`` fence without braces stays a fenced div)."""
    md = make_parser.__wrapped__(max_nesting)
    md.use(myst_role_plugin)
    md.use(myst_block_plugin)
    colon_fence_plugin(md)
    colon = next(rule.fn for rule in enabled_rules(md.block.ruler) if rule.name == "colon_fence")
    md.block.ruler.disable("colon_fence")
    md.block.ruler.before("container_div", "myst_colon_fence", _directive_only(colon), {"alt": _INTERRUPTS})
    return md


#: The blocks a directive fence may interrupt (as a code fence may).
_INTERRUPTS = ["paragraph", "reference", "blockquote", "list", "footnote_def"]


BlockRule = Callable[[StateBlock, int, int, bool], bool]


def _directive_only(rule: BlockRule) -> BlockRule:
    """``rule`` (mdit-py-plugins' colon fence) tried only on ``:::{name}`` lines: other ``:::`` lines are fenced divs."""

    def colon_directive(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[start] + state.tShift[start]
        line = state.src[pos : state.eMarks[start]]
        if not line.startswith(":::") or not line.lstrip(":").lstrip().startswith("{"):
            return False
        return rule(state, start, end, silent)

    return colon_directive
