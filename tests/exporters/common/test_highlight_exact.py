"""Highlighting never changes code: for every lexer Pygments ships, the highlighted runs of
``presswork.exporters.common.highlight`` join to exactly the source (no line dropped or added)."""

from __future__ import annotations

import pytest
from pygments.lexers import get_all_lexers

from presswork.exporters.common import highlight

#: The first alias of every lexer Pygments ships.
ALIASES = sorted({aliases[0] for _, aliases, _, _ in get_all_lexers() if aliases})

#: Texts each lexer must keep exactly: sessions with a last line and no final newline, blank lines,
#: trailing spaces, tabs, CRs inside lines, and non-ASCII text.
SAMPLES = (
    "$ ls -l\ntotal 0",
    ">>> print(1)\n1",
    "In [1]: x = 1\n\nOut[1]: 1",
    "a = 1\nb = 2",
    "x\n\n\n  y  \t",
    "\n\nlead and trail\n\n",
    "naïve — ünïcode ✓",
    "",
)


def joined(code: str, language: str) -> str:
    return "".join(text for _, text in highlight._tokens(code, language))


@pytest.mark.slow
def test_every_lexer_keeps_the_code_exactly() -> None:
    wrong = [(alias, sample) for alias in ALIASES for sample in SAMPLES if joined(sample, alias) != sample]
    assert not wrong, f"{len(wrong)} (lexer, text) pairs change the code, e.g. {wrong[:5]}"


def test_the_last_line_of_a_console_session_is_kept() -> None:
    html = highlight.highlight_html("$ ls -l\ntotal 0", "console")
    assert html.endswith("total 0</span>") or html.endswith("total 0")
