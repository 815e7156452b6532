"""How the readers encode constructs that have no node type of their own (``<details>``), shared by both."""

from __future__ import annotations

from presswork.core.tree import Attr, Blocks, Div, Inlines, Paragraph, Pos, Span

#: Class of the Div that holds a ``<details>`` element (its first block is the summary, if any).
DETAILS = "details"
#: Class of the Span, alone in the Div's first Paragraph, that holds the ``<summary>``.
SUMMARY = "summary"


def details(summary: Inlines, body: Blocks, pos: Pos | None, attr: Attr | None = None) -> Div:
    """``<details><summary>S</summary> body</details>`` as ``Div(.details, [Paragraph(Span(.summary, S)), *body])``.

    Exporters show it expanded with the summary as a title in print, as ``<details>`` in the EPUB,
    and with the summary on the slide and the body in the speaker notes.
    """
    attr = attr or Attr()
    head = (Paragraph((Span(Attr(classes=(SUMMARY,)), summary),), pos=pos),) if summary else ()
    classes = (DETAILS, *(c for c in attr.classes if c != DETAILS))
    return Div(Attr(attr.id, classes, attr.kv), head + body, pos=pos)
