"""The one rule for content that a format does not show."""

from __future__ import annotations

import pytest

from presswork.core.tree import Attr, Div, Paragraph, Text
from presswork.exporters.common.visibility import HIDDEN_CLASSES, is_hidden, outline_blocks


def div(*classes: str, text: str = "x") -> Div:
    return Div(Attr(classes=classes), (Paragraph((Text(text),)),))


@pytest.mark.parametrize(
    ("classes", "print_", "epub", "slides"),
    [
        (("notes",), True, True, True),
        (("only-slides",), True, True, False),
        (("no-slides",), False, False, True),
        (("slide-break",), False, False, False),
        (("aside", "notes"), True, True, True),
        ((), False, False, False),
    ],
)
def test_which_divs_each_format_hides(classes: tuple[str, ...], print_: bool, epub: bool, slides: bool) -> None:
    d = div(*classes)
    assert (is_hidden(d, "print"), is_hidden(d, "epub"), is_hidden(d, "slides")) == (print_, epub, slides)


def test_only_divs_are_hidden() -> None:
    assert not is_hidden(Paragraph((Text("notes"),)), "print")
    assert set(HIDDEN_CLASSES) == {"print", "epub", "slides"}


def test_outline_opens_visible_divs_and_skips_hidden_ones() -> None:
    a, b, c = (Paragraph((Text(t),)) for t in "abc")
    blocks = (a, Div(Attr(classes=("aside",)), (b, div("notes", text="n"))), div("only-slides", text="s"), c)
    assert list(outline_blocks(blocks, "print")) == [a, b, c]
    assert [p.children[0].text for p in outline_blocks(blocks, "slides")] == ["a", "b", "s", "c"]  # type: ignore[attr-defined]
