"""A paragraph's last word is kept whole (never hyphenated) in print, in time linear in the paragraph."""

from __future__ import annotations

import multiprocessing

import pytest

from presswork.exporters.pdf.render import keep_last_word_whole


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("A word here.", 'A word <span class="last-word">here.</span>'),
        ("Ends with note<sup>1</sup>", 'Ends with <span class="last-word">note</span><sup>1</sup>'),
        ("one <b>two</b> threefold, ", 'one <b>two</b> <span class="last-word">threefold,</span> '),
        ("Short end ab.", "Short end ab."),  # too short to be hyphenated: left alone
    ],
)
def test_the_last_real_word_is_wrapped(html: str, expected: str) -> None:
    assert keep_last_word_whole(html) == expected


def _wrap_long_words() -> None:
    keep_last_word_whole("Word" + "x" * 3000 + " ends here.")
    keep_last_word_whole("y" * 3000)


def test_a_very_long_word_does_not_hang_the_build() -> None:
    """The stress book's 400-letter word took 38 s in a backtracking pattern; 3,000 letters took hours."""
    child = multiprocessing.get_context("fork").Process(target=_wrap_long_words)
    child.start()
    child.join(20)
    hung = child.is_alive()
    if hung:
        child.kill()
        child.join()
    assert not hung, "keep_last_word_whole backtracks on a long word"
    assert child.exitcode == 0
