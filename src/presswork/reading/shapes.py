"""How the readers encode constructs that have no node type of their own (``<details>``), shared by both."""

from __future__ import annotations

from presswork.core.tree import Attr, Blocks, Div, Inlines, Paragraph, Pos, Span, Strong

#: Class of the Div that holds a ``<details>`` element (its first block is the summary, if any).
DETAILS = "details"
#: Class of the Span, alone in the Div's first Paragraph, that holds the ``<summary>``.
SUMMARY = "summary"
#: Classes of the Div of a set of content tabs, of the Div of one tab, and of the Span of its title.
TABS, TAB, TAB_TITLE = "tabbed", "tab", "tab-title"


def details(summary: Inlines, body: Blocks, pos: Pos | None, attr: Attr | None = None) -> Div:
    """``<details><summary>S</summary> body</details>`` as ``Div(.details, [Paragraph(Span(.summary, S)), *body])``.

    Exporters show it expanded with the summary as a title in print, as ``<details>`` in the EPUB,
    and with the summary on the slide and the body in the speaker notes.
    """
    attr = attr or Attr()
    head = (Paragraph((Span(Attr(classes=(SUMMARY,)), summary),), pos=pos),) if summary else ()
    classes = (DETAILS, *(c for c in attr.classes if c != DETAILS))
    return Div(Attr(attr.id, classes, attr.kv), head + body, pos=pos)


def tab(title: Inlines, body: Blocks, pos: Pos | None) -> Div:
    """One content tab (``=== "Title"``) as ``Div(.tab, [Paragraph(Span(.tab-title, Strong(title))), *body])``.

    Print, EPUB and slides show every tab one after the other, each under its title: a bold label
    that themes may style through ``span.tab-title``.
    """
    head = (Paragraph((Span(Attr(classes=(TAB_TITLE,)), (Strong(title),)),), pos=pos),) if title else ()
    return Div(Attr(classes=(TAB,)), head + body, pos=pos)
