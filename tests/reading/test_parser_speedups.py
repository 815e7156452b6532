"""The gfm parser's speed-ups (rule dispatch by character, faster backtick/emphasis/reference rules, cached URL
normalisation) give exactly the tokens of markdown-it's own machinery: on every spec example, on a fixed set of
random inputs made of Markdown's markers, and on the pathological inputs of issue 10 (reduced)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from presswork.reading.gfm import dispatch
from presswork.reading.gfm.parser import make_parser
from tests.reading.spec_html import examples
from tests.reading.test_pathological import PATHOLOGICAL

#: Markers of every block and inline rule, and text around them, for random documents.
_ATOMS = (
    "[",
    "]",
    "[foo]",
    "[Foo  bar]",
    "[foo]: /url",
    "[a b]:\t/u",
    "]:",
    ":",
    " ",
    "\t",
    "\n",
    "\n\n",
    "/url",
    "<",
    ">",
    "(",
    ")",
    "\\",
    "&amp;",
    '"t"',
    "'t'",
    "*",
    "**",
    "_",
    "__",
    "`",
    "``",
    "a",
    "b c",
    "> ",
    "- ",
    "+ ",
    "1. ",
    "2) ",
    "    ",
    "#",
    "## ",
    "~~~",
    "```",
    "$",
    "$$",
    ":::",
    "::: note",
    "!!! note",
    "???+ tip",
    "[^1]",
    "[^1]: x",
    "<div>",
    "</div>",
    "<span>",
    "|",
    "| a |",
    "---",
    "===",
    "http://x.y",
    "www.a.b",
    "a@b.c",
    "~",
    "~~",
    "^",
    "é",
    "\u00a0",
    "!",
    "![i](s)",
    "[l](u 't')",
    "<http://a.b>",
    "&#35;",
    "Term\n: def",
    "\\*",
)


def _dump(tokens: list[Token], env: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for t in tokens:
        out.append((t.type, t.tag, t.nesting, t.level, t.map, t.attrs, t.content, t.markup, t.info, t.meta, t.block))
        if t.children:
            out.append(_dump(t.children, {}))
    out.append((env.get("references"), env.get("duplicate_refs")))
    return out


def _same_tokens(fast: MarkdownIt, plain: MarkdownIt, text: str) -> None:
    env_fast: dict[str, Any] = {}
    env_plain: dict[str, Any] = {}
    assert _dump(fast.parse(text, env_fast), env_fast) == _dump(plain.parse(text, env_plain), env_plain), repr(text)


@pytest.mark.parametrize("extensions", [True, False])
def test_speedups_keep_markdown_its_tokens(extensions: bool) -> None:
    fast, plain = make_parser(40, extensions), make_parser(40, extensions, fast=False)
    assert isinstance(fast.inline, dispatch._DispatchInline) and not isinstance(plain.inline, dispatch._DispatchInline)
    texts = [e.markdown for spec in ("commonmark-spec.txt", "gfm-spec.txt") for e in examples(spec)]
    rng = random.Random(10)
    texts += ["".join(rng.choice(_ATOMS) for _ in range(rng.randint(1, 40))) for _ in range(800)]
    texts += [make(0.02) for make in PATHOLOGICAL.values()]
    for text in texts:
        _same_tokens(fast, plain, text)


def test_every_rule_with_markers_is_known_to_the_parser() -> None:
    """A dispatch entry naming a rule the parser no longer has would silently stop applying (a rename upstream)."""
    from presswork.reading.myst.parser import make_myst_parser

    md, myst = make_parser(40, True, fast=False), make_myst_parser(40)  # the myst reader's rules too
    block = {r.name for p in (md, myst) for r in p.block.ruler.__rules__}
    inline = {r.name for p in (md, myst) for r in p.inline.ruler.__rules__}
    assert set(dispatch.BLOCK_MARKERS) | dispatch.INDENTED_ONLY <= block
    assert set(dispatch.INLINE_MARKERS) <= inline
