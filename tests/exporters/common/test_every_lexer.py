"""Every token type of every lexer Pygments ships finds a colour in every exporter (decks and stylesheets)."""

from __future__ import annotations

from functools import lru_cache

import pytest
from pygments.lexers import get_all_lexers
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES, Token, _TokenType

from presswork.exporters.common.highlight import CLASS_PREFIX, css_class, token_runs, token_style
from presswork.exporters.pptx.model.slides import highlight

#: A little of many languages at once: keys and values, strings, numbers, comments, tags, operators.
SAMPLE = """key: value
list:
  - "quoted" # comment
<tag attr="1">text</tag>
def f(x): return x + 1.5e3 // 'c'
{"a": [1, true, null]}
$ echo $HOME
"""


@lru_cache(maxsize=1)
def _alias_per_lexer() -> tuple[str, ...]:
    return tuple(aliases[0] for _name, aliases, _files, _mimes in get_all_lexers() if aliases)


@lru_cache(maxsize=1)
def emitted_token_types() -> dict[_TokenType, str]:
    """Every token type the lexers emit on the sample, with one alias of a lexer that emits it."""
    seen: dict[_TokenType, str] = {}
    for alias in _alias_per_lexer():
        for ttype, _value in token_runs(SAMPLE, alias):
            seen.setdefault(ttype, alias)
    return seen


def test_the_sample_meets_many_lexers_and_subtypes_no_table_lists() -> None:
    assert len(_alias_per_lexer()) > 400
    types = emitted_token_types()
    assert Token.Literal.Scalar.Plain in types  # YAML's: the type that took the deck writer down
    assert any(t not in STANDARD_TYPES for t in types)


@pytest.mark.parametrize("style", ["presswork", "presswork-dark", "friendly", "default", "monokai", "github-dark"])
def test_every_token_type_has_a_deck_colour(style: str) -> None:
    st = get_style_by_name(style)
    for ttype, alias in emitted_token_types().items():
        found = token_style(st, ttype)
        assert "color" in found, (alias, ttype)


def test_every_token_type_has_a_stylesheet_class() -> None:
    known = {f"{CLASS_PREFIX}{short}" for short in STANDARD_TYPES.values() if short} | {""}
    for ttype, alias in emitted_token_types().items():
        assert css_class(ttype) in known, (alias, ttype)
    assert css_class(Token.Literal.Scalar.Plain) == f"{CLASS_PREFIX}l"  # Token.Literal's class


def test_yaml_subtype_takes_the_colour_of_its_parent() -> None:
    st = get_style_by_name("friendly")
    assert token_style(st, Token.Literal.Scalar.Plain) == st.style_for_token(Token.Literal)


def test_a_yaml_block_is_coloured_on_a_slide_with_every_word_kept() -> None:
    code = "name: presswork\nformats: [pdf, epub]\n"
    lines = highlight(code, "yaml")
    assert ["".join(t.text for t in line) for line in lines] == code.split("\n")
