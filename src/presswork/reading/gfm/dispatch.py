"""Rule dispatch by character for markdown-it-py: the same rules, tried only where they can match.

markdown-it tries every block rule at the start of every line (and every terminator rule on every
line a paragraph, list or quote continues), and every inline rule at every position where plain
text stops. Almost all rules give up at once unless the line (or position) starts with their own
marker character, but the calls add up: with presswork's plug-ins there are 16 block and 19 inline
rules, and the per-call cost dominates long documents and the pathological inputs of issue 10.

This module keeps markdown-it's rules, their order and their results, and only skips the calls
that are known to fail: a rule listed in :data:`BLOCK_MARKERS` or :data:`INLINE_MARKERS` is tried
only when the first character of the line (block) or the character at the position (inline) is
one of its markers. Each listed rule starts with exactly that test, so the tokens are identical.
Rules not listed (a plug-in added later) are tried everywhere, as markdown-it does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.ruler import Ruler
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from presswork.compat.markdown_it import compiled_chains, enabled_rules, replace_block_ruler, replace_inline_parser

__all__ = ["BLOCK_MARKERS", "INLINE_MARKERS", "install"]

BlockRule = Callable[[StateBlock, int, int, bool], bool]
InlineRule = Callable[[StateInline, bool], bool]

#: Block rules that return False unless the line's first non-blank character is one of these.
BLOCK_MARKERS: dict[str, frozenset[str]] = {
    "fence": frozenset("`~"),
    "blockquote": frozenset(">"),
    "hr": frozenset("*-_"),
    "list": frozenset("*-+0123456789"),
    "reference": frozenset("["),
    "html_block": frozenset("<"),
    "heading": frozenset("#"),
    "math_block": frozenset("$"),
    "admonition": frozenset("!?"),
    "container_div": frozenset(":"),
    "footnote_def": frozenset("["),
    # MyST (the myst reader's parser)
    "myst_colon_fence": frozenset(":"),
    "myst_line_comment": frozenset("%"),
    "myst_block_break": frozenset("+"),
    "myst_target": frozenset("("),
    "fieldlist": frozenset(":"),
}

#: Inline rules that return False unless the character at the position is one of these.
INLINE_MARKERS: dict[str, frozenset[str]] = {
    "newline": frozenset("\n"),
    "escape": frozenset("\\"),
    "backticks": frozenset("`"),
    "strikethrough": frozenset("~"),
    "emphasis": frozenset("_*"),
    "link": frozenset("["),
    "image": frozenset("!"),
    "autolink": frozenset("<"),
    "html_inline": frozenset("<"),
    "entity": frozenset("&"),
    "math_inline": frozenset("$"),
    "sub": frozenset("~"),
    "sup": frozenset("^"),
    "footnote_ref": frozenset("["),
    "gfm_autolink_www": frozenset("w"),
    "gfm_autolink_protocol": frozenset(":"),
    "gfm_autolink_email": frozenset("@"),
    "myst_role": frozenset("{"),  # MyST (the myst reader's parser)
}


def install(md: MarkdownIt) -> None:
    """Make ``md`` dispatch its block and inline rules by character (call after all plug-ins are added)."""
    replace_block_ruler(md, _DispatchBlockRuler())
    replace_inline_parser(md, _DispatchInline())


class _DispatchBlockRuler(Ruler[BlockRule]):
    """A block ruler whose every chain is one rule that calls only the rules able to start at the line."""

    def __compile__(self) -> None:
        super().__compile__()
        chains = compiled_chains(self)
        enabled = enabled_rules(self)
        for chain in list(chains):
            rules = [(r.fn, r.name) for r in enabled if not chain or chain in r.alt]
            chains[chain] = [_block_dispatcher(rules)] if rules else []


#: Block rules that return False unless the line is indented four columns or more past the block's indent.
INDENTED_ONLY = frozenset({"code"})


def _block_dispatcher(rules: Sequence[tuple[BlockRule, str]]) -> BlockRule:
    """One block rule that tries, in order, those of ``rules`` able to start at the line (by its first
    character, and for an indented code block by its indentation)."""
    every = tuple(fn for fn, _ in rules)
    table: dict[tuple[str, bool], tuple[BlockRule, ...]] = {}

    def candidates(ch: str, indented: bool) -> tuple[BlockRule, ...]:
        found = table[ch, indented] = tuple(
            fn
            for fn, name in rules
            if (indented or name not in INDENTED_ONLY) and (name not in BLOCK_MARKERS or ch in BLOCK_MARKERS[name])
        )
        return found

    def dispatch(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[line] + state.tShift[line]
        if pos < state.eMarks[line]:
            key = (state.src[pos], state.sCount[line] - state.blkIndent >= 4)
            found = table.get(key)
            if found is None:
                found = candidates(*key)
        else:
            found = every
        for rule in found:
            if rule(state, line, end, silent):
                return True
        return False

    return dispatch


class _DispatchInline(ParserInline):
    """markdown-it's inline parser, trying at each position only the rules that can start with its character."""

    _compiled: tuple[list[InlineRule], object, dict[str, tuple[InlineRule, ...]]] | None = None

    def _table(self) -> dict[str, tuple[InlineRule, ...]]:
        rules = self.ruler.getRules("")
        compiled = self._compiled
        # A new rule list (rules enabled or disabled) or a new terminator set starts a new table.
        if compiled is None or compiled[0] is not rules or compiled[1] is not self.terminator_re:
            compiled = self._compiled = (rules, self.terminator_re, {})
        return compiled[2]

    def _candidates(self, table: dict[str, tuple[InlineRule, ...]], ch: str) -> tuple[InlineRule, ...]:
        found = table.get(ch)
        if found is None:
            named = enabled_rules(self.ruler)
            text_stops = self.terminator_re.match(ch) is not None
            found = table[ch] = tuple(
                r.fn
                for r in named
                if (
                    not text_stops if r.name == "text" else r.name not in INLINE_MARKERS or ch in INLINE_MARKERS[r.name]
                )
            )
        return found

    def skipToken(self, state: StateInline) -> None:
        """markdown-it's ``skipToken`` (validation mode), dispatched by character."""
        pos = state.pos
        cache = state.cache
        if pos in cache:
            state.pos = cache[pos]
            return
        ok = False
        if state.level < state.md.options["maxNesting"]:
            table = self._table()
            ch = state.src[pos]
            rules = table.get(ch)
            if rules is None:
                rules = self._candidates(table, ch)
            for rule in rules:
                state.level += 1
                ok = rule(state, True)
                state.level -= 1
                if ok:
                    if state.pos <= pos:
                        raise RuntimeError("inline rule didn't increment state.pos")
                    break
        else:
            state.pos = state.posMax  # too much nesting: skip to the end of the paragraph (as markdown-it)
        if not ok:
            state.pos += 1
        cache[pos] = state.pos

    def tokenize(self, state: StateInline) -> None:
        """markdown-it's ``tokenize``, dispatched by character."""
        table = self._table()
        candidates = self._candidates
        end = state.posMax
        max_nesting = state.md.options["maxNesting"]
        src = state.src
        while state.pos < end:
            pos = state.pos
            ok = False
            if state.level < max_nesting:
                ch = src[pos]
                rules = table.get(ch)
                if rules is None:
                    rules = candidates(table, ch)
                for rule in rules:
                    ok = rule(state, False)
                    if ok:
                        if state.pos <= pos:
                            raise RuntimeError("inline rule didn't increment state.pos")
                        break
            if ok:
                if state.pos >= end:
                    break
                continue
            state.append_pending(src[pos])
            state.pos += 1
        if state.pending:
            state.pushPending()
