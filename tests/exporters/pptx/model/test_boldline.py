"""Bold lines: a short paragraph of bold text only reads as a subheading on a slide, a bold sentence does not."""

from __future__ import annotations

import pytest

from presswork.core.tree import Emphasis, Inline, Paragraph, Strong, Text, plain_text
from presswork.exporters.pptx.model.flow import bold_line


def para(*children: Inline) -> tuple[Paragraph, str]:
    return Paragraph(tuple(children)), plain_text(children)


@pytest.mark.parametrize(
    ("children", "heading"),
    [
        ((Strong((Text("Extra features"),)),), True),
        ((Strong((Text("HTTP/1.1 events"),)), Text(" ")), True),
        ((Strong((Text("However Rust does not prevent general race conditions."),)),), False),
        ((Strong((Text("Note:"),)),), False),
        ((Strong((Text("Extra"),)), Text(" features")), False),
        ((Emphasis((Text("Extra features"),)),), False),
        ((Strong((Text("one two three four five six seven eight nine"),)),), False),
    ],
)
def test_bold_line(children: tuple[Inline, ...], heading: bool) -> None:
    p, text = para(*children)
    assert bold_line(p, text) is heading, text
