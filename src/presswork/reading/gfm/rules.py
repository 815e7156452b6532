"""Faster equivalents of markdown-it-py rules whose per-character Python loops dominate long inputs.

Each rule here produces exactly the tokens of the markdown-it-py rule it replaces (same name, same
place in the chain); only the scanning is done by the regular-expression engine instead of a loop.
"""

from __future__ import annotations

import re

from markdown_it.rules_inline import StateInline

__all__ = ["backtick"]

_RUN = re.compile("`+")


def _last_runs(src: str) -> dict[int, int]:
    """Each backtick run length -> the start of its last run in ``src``."""
    return {m.end() - m.start(): m.start() for m in _RUN.finditer(src)}


def backtick(state: StateInline, silent: bool) -> bool:
    """An inline code span, or an unmatched backtick run taken as text (markdown-it's ``backticks`` rule)."""
    start = state.pos
    src = state.src
    if src[start] != "`":
        return False
    maximum = state.posMax
    opener = _RUN.match(src, start, maximum)
    assert opener is not None
    pos = opener.end()
    marker = opener.group()
    opener_length = pos - start

    if not state.backticksScanned:
        # Lookaheads may visit runs out of order: the map covers the whole source.
        state.backticks = _last_runs(src)
        state.backticksScanned = True

    if state.backticks.get(opener_length, -1) >= pos:
        match_end = pos
        while (match_start := src.find("`", match_end)) != -1 and match_start < maximum:
            run = _RUN.match(src, match_start)
            assert run is not None
            match_end = run.end()
            if match_end > maximum:  # a run crossing posMax cannot close in this range
                break
            if match_end - match_start == opener_length:
                if not silent:
                    token = state.push("code_inline", "code", 0)
                    token.markup = marker
                    content = src[pos:match_start].replace("\n", " ")
                    # Strip one space from each side, unless the content is all spaces.
                    if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
                        content = content[1:-1]
                    token.content = content
                state.pos = match_end
                return True

    if not silent:
        state.append_pending(marker)
    state.pos = pos
    return True
