"""HTML tables of notebook outputs (pandas DataFrames) as real table nodes."""

from __future__ import annotations

import re

import lxml.html
from lxml.html import HtmlElement

from presswork.core.tree import Row, Table, Text

__all__ = ["html_tables"]


def html_tables(html: str) -> tuple[Table, ...] | None:
    """The tables of ``html`` when it is nothing but tables (a DataFrame's ``<div><style>...<table>...</div>``,
    with pandas' shape line such as "5 rows x 3 columns"), else None: other HTML is read as raw HTML."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return None
    for junk in root.xpath(".//style"):
        junk.drop_tree()
    tables = root.xpath(".//table")
    if not tables or any(t.xpath(".//table") for t in tables):
        return None
    captions, rest = _texts_before(root)
    if sum(len(c.split()) for c in captions) + len(rest.split()) > 8 * len(tables):
        return None  # prose around the tables: not DataFrames, read it as HTML
    if rest.strip():  # text after the last table (pandas' "5 rows x 3 columns") belongs to it
        captions[-1] = f"{captions[-1]} {rest}"
    found = []
    for table, caption in zip(tables, captions, strict=True):
        head = tuple(_row(tr) for tr in table.xpath("./thead/tr"))
        body = tuple(_row(tr) for tr in table.xpath("./tbody/tr | ./tr"))
        if not head and body:
            head, body = body[:1], body[1:]
        width = max((len(r) for r in (*head, *body)), default=0)
        if not width:
            continue
        caption = " ".join(caption.split())
        body = tuple(_pad(r, width) for r in body)
        found.append(
            Table(
                (Text(caption),) if caption else (),
                tuple("right" if _numeric(body, column) else "" for column in range(width)),
                tuple(_pad(r, width) for r in head),
                body,
            )
        )
    return tuple(found) or None


def _texts_before(root: HtmlElement) -> tuple[list[str], str]:
    """The text before each table of ``root`` (since the table before it), and the text after the last one."""
    captions: list[str] = []
    pending: list[str] = []

    def visit(element: HtmlElement) -> None:
        if not isinstance(element.tag, str):  # a comment: no text of the page
            return
        if element.tag == "table":
            captions.append(" ".join(pending))
            pending.clear()
            return
        pending.append(element.text or "")
        for child in element:
            visit(child)
            pending.append(child.tail or "")

    visit(root)
    return captions, " ".join(pending)


def _row(tr: HtmlElement) -> Row:
    """The cells of a table row; a cell spanning several columns repeats as empty cells after it."""
    cells: list[tuple[Text, ...]] = []
    for cell in tr.xpath("./th | ./td"):
        text = " ".join(cell.text_content().split())
        cells.append((Text(text),) if text else ())
        span = cell.get("colspan", "1")
        cells.extend(() for _ in range(min(int(span) if span.isdigit() else 1, 50) - 1))
    return tuple(cells)


_NUMBER = re.compile(r"[-+]?(\d[\d,_]*\.?\d*|\.\d+)([eE][-+]?\d+)?%?|NaN|nan|None|NaT|<NA>|inf|-inf")


def _numeric(body: tuple[Row, ...], column: int) -> bool:
    """Whether every filled cell of ``column`` is a number (or a missing value): pandas aligns those right."""
    texts = ["".join(t.text for t in row[column] if isinstance(t, Text)) for row in body]
    filled = [t for t in texts if t]
    return bool(filled) and all(_NUMBER.fullmatch(t) for t in filled)


def _pad(row: Row, width: int) -> Row:
    return row + tuple(() for _ in range(width - len(row)))
