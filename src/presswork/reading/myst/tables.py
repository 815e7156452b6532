"""MyST's table directives: ``{table}`` around a Markdown table, ``{list-table}`` and ``{csv-table}``."""

from __future__ import annotations

import csv
import io

from presswork.core.tree import (
    Attr,
    Block,
    Blocks,
    BulletList,
    Code,
    CodeBlock,
    Div,
    Inline,
    Inlines,
    OrderedList,
    Paragraph,
    Pos,
    Row,
    Span,
    Table,
    Text,
)
from presswork.core.walk import collect_strings
from presswork.reading.myst.directives import Directive

__all__ = ["MystTables"]


class MystTables:
    """Table directive -> Table, mixed into the converter (which gives ``parse_body``, ``parse_inlines`` and ``warn``)."""

    def parse_body(self, text: str, first_line: int) -> Blocks:
        raise NotImplementedError

    def parse_inlines(self, text: str) -> Inlines:
        raise NotImplementedError

    def warn(self, message: str, line: int, category: str = "html") -> None:
        raise NotImplementedError

    def unknown(self, d: Directive, pos: Pos) -> Block:
        raise NotImplementedError

    def body(self, d: Directive) -> Blocks:
        """A directive's body read as MyST Markdown."""
        return self.parse_body(d.body, d.body_line)

    def table_directive(self, d: Directive, pos: Pos) -> Block:
        """``{table} Caption`` around a Markdown table."""
        blocks = self.body(d)
        caption = self.parse_inlines(d.argument)
        out: list[Block] = []
        done = False
        for block in blocks:
            if isinstance(block, Table) and not done:
                block = Table(
                    caption or block.caption,
                    block.alignments,
                    block.head,
                    block.body,
                    Attr(d.ident or block.attr.id, block.attr.classes, block.attr.kv),
                    pos=block.pos,
                )
                done = True
            out.append(block)
        if not done:
            self.warn("MyST {table} holds no table: its content is kept as it is", pos.line, "markdown")
            out[:0] = [Paragraph(caption, pos=pos)] if caption else []
        return out[0] if len(out) == 1 else Div(Attr(), tuple(out), pos=pos)

    def list_table(self, d: Directive, pos: Pos) -> Block:
        """``{list-table}``: a list of rows, each a list of cells; ``:header-rows:`` of them are the head."""
        blocks = self.body(d)
        lists = [b for b in blocks if isinstance(b, BulletList)]
        if len(lists) != 1 or len(blocks) != 1:
            self.warn("MyST {list-table} is not one list of lists: its content is kept as a list", pos.line, "markdown")
            return Div(Attr(), blocks, pos=pos)
        rows: list[Row] = []
        for item in lists[0].items:
            inner = [b for b in item.blocks if isinstance(b, BulletList)]
            cells = inner[0].items if inner else ()
            rows.append(tuple(_cell_inlines(c.blocks) for c in cells))
        width = max((len(r) for r in rows), default=0)
        rows = [r + ((),) * (width - len(r)) for r in rows]
        head = int(d.options.get("header-rows", "0") or 0) if d.options.get("header-rows", "0").isdigit() else 0
        return Table(
            self.parse_inlines(d.argument),
            ("",) * width,
            tuple(rows[:head]),
            tuple(rows[head:]),
            Attr(d.ident),
            pos=pos,
        )

    def csv_table(self, d: Directive, pos: Pos) -> Block:
        """``{csv-table}`` with its data in the body (``:file:`` and ``:url:`` are not read)."""
        if not d.body.strip():
            return self.unknown(d, pos)
        rows = [
            tuple(self.parse_inlines(cell) for cell in row)
            for row in csv.reader(io.StringIO(d.body.strip()), skipinitialspace=True)
        ]
        header = d.options.get("header", "")
        head_rows = (
            [tuple(self.parse_inlines(c) for c in next(csv.reader([header], skipinitialspace=True)))] if header else []
        )
        count = d.options.get("header-rows", "0")
        n = int(count) if count.isdigit() else 0
        head_rows += rows[:n]
        rows = rows[n:]
        width = max((len(r) for r in head_rows + rows), default=0)
        pad = lambda r: r + ((),) * (width - len(r))  # noqa: E731
        return Table(
            self.parse_inlines(d.argument),
            ("",) * width,
            tuple(map(pad, head_rows)),
            tuple(map(pad, rows)),
            Attr(d.ident),
            pos=pos,
        )


def _cell_inlines(blocks: Blocks) -> Inlines:
    """A list-table cell's inlines: its paragraphs joined with spaces."""
    out: list[Inline] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            children: Inlines = block.children
        elif isinstance(block, CodeBlock):
            code = Code(block.code)
            children = (Span(Attr(classes=(f"language-{block.language}",)), (code,)),) if block.language else (code,)
        elif isinstance(block, (BulletList, OrderedList)):
            children = tuple(
                x
                for i, item in enumerate(block.items)
                for x in ((Text("; "),) if i else ()) + _cell_inlines(item.blocks)
            )
        else:
            children = (Text(" ".join(_strings(block))),)
        if children:
            if out:
                out.append(Text(" "))
            out.extend(children)
    return tuple(out)


def _strings(block: Block) -> list[str]:
    """The texts of a block that has no inline form, as words (a last resort: nothing is lost)."""
    out: list[str] = []
    collect_strings(block, out)
    return out
