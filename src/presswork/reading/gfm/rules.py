"""Faster equivalents of markdown-it-py rules whose per-character Python loops dominate long inputs.

Each rule here produces exactly the tokens of the markdown-it-py rule it replaces (same name, same
place in the chain); only the scanning is done by the regular-expression engine instead of a loop.
"""

from __future__ import annotations

import bisect
import functools
import re

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace, normalizeReference
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.lheading import lheading as _mdit_lheading
from markdown_it.rules_block.reference import reference as _mdit_reference
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter
from markdown_it.token import Token

__all__ = ["backtick", "emphasis", "lheading", "newline", "reference"]

_RUN = re.compile("`+")


def lheading(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A setext heading (a paragraph underlined by ``===`` or ``---``): markdown-it's ``lheading`` rule,
    tried only when some line after ``start`` ends in ``-`` or ``=``. markdown-it's rule reads the
    whole paragraph looking for its underline before the paragraph rule reads it again; a paragraph of
    a million lines that has none is no longer read twice."""
    candidates = _underline_candidates(state.src)
    after = bisect.bisect_right(candidates, start)
    if after == len(candidates) or candidates[after] >= end:
        return False
    return _mdit_lheading(state, start, end, silent)


@functools.lru_cache(maxsize=8)
def _underline_candidates(src: str) -> list[int]:
    """The (0-based) lines of ``src`` that may underline a setext heading: those ending in ``-`` or ``=``
    (a superset: inside a block quote or a list the underline still ends its line)."""
    return [number for number, line in enumerate(src.split("\n")) if line.rstrip().endswith(("-", "="))]


def newline(state: StateInline, silent: bool) -> bool:
    """A line break in a paragraph: a hard break after two or more spaces, else a soft break (markdown-it's
    ``newline`` rule, reading the pending text once rather than on every test: it runs on every line)."""
    pos = state.pos
    src = state.src
    if src[pos] != "\n":
        return False
    if not silent:
        pending = state.pending
        if pending.endswith("  "):
            state.pending = pending.rstrip(" ")
            state.push("hardbreak", "br", 0)
        elif pending.endswith(" "):
            state.pending = pending[:-1]
            state.push("softbreak", "br", 0)
        else:
            state.push("softbreak", "br", 0)
    pos += 1
    end = state.posMax
    while pos < end and src[pos] in " \t":  # the next line's leading spaces
        pos += 1
    state.pos = pos
    return True


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


@functools.lru_cache(maxsize=1024)
def _kind(ch: str) -> tuple[bool, bool]:
    """(punctuation, white space) of a character next to a delimiter run, as markdown-it's ``scanDelims`` judges."""
    code = ord(ch)
    return isMdAsciiPunct(code) or isPunctChar(ch), isWhiteSpace(code)


def emphasis(state: StateInline, silent: bool) -> bool:
    """A run of ``*`` or ``_``: one text token and one delimiter per character (markdown-it's ``emphasis`` rule).

    The same tokens and delimiters as markdown-it's, pushed without ``StateInline.push``'s per-token
    bookkeeping (a text token never changes the level) and with the flanking classes of the characters
    around the run cached.
    """
    if silent:
        return False
    src = state.src
    start = state.pos
    marker = src[start]
    if marker != "*" and marker != "_":
        return False
    maximum = state.posMax
    pos = start + 1
    while pos < maximum and src[pos] == marker:
        pos += 1
    length = pos - start
    # scanDelims: the line's start and end count as white space.
    last_punct, last_white = _kind(src[start - 1] if start > 0 else " ")
    next_punct, next_white = _kind(src[pos] if pos < maximum else " ")
    left_flanking = not (next_white or (next_punct and not (last_white or last_punct)))
    right_flanking = not (last_white or (last_punct and not (next_white or next_punct)))
    split_word = marker == "*"
    can_open = left_flanking and (split_word or not right_flanking or last_punct)
    can_close = right_flanking and (split_word or not left_flanking or next_punct)

    if state.pending:
        state.pushPending()
    level = state.level
    tokens = state.tokens
    tokens_meta = state.tokens_meta
    delimiters = state.delimiters
    code = ord(marker)
    for _ in range(length):
        token = Token("text", "", 0)
        token.level = level
        token.content = marker
        tokens.append(token)
        tokens_meta.append(None)
        delimiters.append(Delimiter(code, length, len(tokens) - 1, -1, can_open, can_close))
    state.pendingLevel = level
    state.pos = pos
    return True


#: ``[label]: destination`` alone on its line: a label without brackets, backslashes or line breaks, a
#: destination without ``<``, parentheses, backslashes, entities, spaces or control characters, no title.
_SIMPLE_REFERENCE = re.compile(r"\[([^\[\]\\\n]+)\]:[ \t]*([^\x00-\x20\x7f<>()\\&]+)[ \t]*")


def reference(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A link reference definition (markdown-it's ``reference`` rule, with a fast path for the simplest form).

    A one-line definition followed by a blank line (or the end) is read with one regular expression;
    any other form (a title, ``<url>``, escapes, a definition over several lines) goes to markdown-it's
    rule. Both register the same reference.
    """
    pos = state.bMarks[start] + state.tShift[start]
    src = state.src
    if state.is_code_block(start) or src[pos] != "[":
        return False  # as markdown-it's rule
    line_end = state.eMarks[start]
    next_line = start + 1
    if not (next_line >= state.lineMax or state.isEmpty(next_line)):
        return _mdit_reference(state, start, end, silent)  # the definition may go on over the next lines
    # Alone on its line, a definition needs "]:" on it (markdown-it's rule would not read further).
    if src.find("]:", pos, line_end) < 0:
        return False
    m = _SIMPLE_REFERENCE.fullmatch(src, pos, line_end)
    md = state.md
    if m is None or md.options.get("inline_definitions", False):
        return _mdit_reference(state, start, end, silent)
    href = md.normalizeLink(m.group(2))
    if not md.validateLink(href):
        return False
    label = normalizeReference(m.group(1))
    if not label:
        return False  # CommonMark disallows empty labels
    if silent:
        return True
    references = state.env.setdefault("references", {})
    state.line = next_line
    if label not in references:
        references[label] = {"title": "", "href": href, "map": [start, next_line]}
    else:
        duplicate = {"title": "", "href": href, "label": label, "map": [start, next_line]}
        state.env.setdefault("duplicate_refs", []).append(duplicate)
    return True
