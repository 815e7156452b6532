"""Jupyter notebooks (``.ipynb``) -> the same tree as Markdown; the stored outputs are shown, nothing is run.

Markdown cells are read by the book's Markdown reader (their ``attachment:`` pictures included), code
cells become code in the notebook's language, and their outputs follow in Jupyter's order
(:mod:`presswork.reading.notebook.outputs`). Cell tags and ``#|`` options choose what is shown
(:mod:`presswork.reading.notebook.options`). Every position names its cell: ``book.ipynb:cell 4:2``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Attr, Block, Blocks, CodeBlock, Div, Paragraph, Pos, Span, Text
from presswork.core.walk import walk
from presswork.reading import DEFAULT_READER, SourceFile, read_markdown
from presswork.reading.frontmatter import split_front_matter
from presswork.reading.notebook.load import open_notebook
from presswork.reading.notebook.options import cell_options
from presswork.reading.notebook.outputs import output_blocks

__all__ = ["NOTEBOOK_SUFFIX", "read_notebook"]

NOTEBOOK_SUFFIX = ".ipynb"
#: The class of the ``<details>`` Div around a ``hide-input`` cell's code: printed, folded in the e-book and the site.
HIDDEN_INPUT_CLASS = "hide-input"
#: Longest code or text output (in lines) kept on a slide: a longer one is in print and the e-book, and goes to
#: the speaker notes of the deck (a ``no-slides`` div), so that slides show the notebook's prose and pictures.
MAX_SLIDE_LINES = 10
_ATTACHMENT = re.compile(r"attachment:([^\s)\"'>]+)")


def read_notebook(
    text: str, path: str, reporter: Reporter | None = None, max_nesting: int = 40, markdown: str = DEFAULT_READER
) -> SourceFile:
    """The notebook in ``text`` (the contents of ``path``) read into a SourceFile.

    Front matter comes from the first Markdown cell (when it starts with ``---``) or from the notebook's
    ``metadata`` (``title``, ``authors``). Raises PressworkError naming ``path`` for a file that is not a
    valid notebook.
    """
    reporter = reporter if reporter is not None else Reporter()
    notebook = open_notebook(text, path, reporter)
    metadata = dict(notebook.get("metadata") or {})
    language = _language(metadata)
    front: dict[str, Any] = {}
    if isinstance(metadata.get("title"), str):
        front["title"] = metadata["title"]
    blocks: list[Block] = []
    for number, cell in enumerate(notebook.cells, start=1):
        pos = Pos(path, 1, number)
        source = cell.get("source") or ""
        source = "".join(source) if isinstance(source, list) else str(source)
        kind = cell.get("cell_type")
        if kind == "markdown":
            source = _with_attachments(source, cell.get("attachments"), pos, reporter)
            if number == 1 and source.startswith("---"):
                matter, source = split_front_matter(source, str(pos))
                front.update(matter)
            blocks.extend(_markdown(source, path, number, reporter, max_nesting, markdown))
        elif kind == "code":
            blocks.extend(_code_cell(cell, source, language, path, number, reporter, max_nesting, markdown))
        elif kind == "raw" and source.strip():
            blocks.extend(_raw_cell(cell, source, path, number, reporter, max_nesting, markdown))
    return SourceFile(path, front, tuple(blocks))


def _language(metadata: dict[str, Any]) -> str:
    """The notebook's language (``python``, ``r``, ``julia``...) from ``language_info`` or the kernelspec."""
    for table, key in (("language_info", "name"), ("kernelspec", "language")):
        value = metadata.get(table)
        if isinstance(value, dict) and isinstance(value.get(key), str) and value[key].strip():
            return str(value[key]).strip().lower()
    return "python"


def _code_cell(
    cell: Any, source: str, language: str, path: str, number: int, reporter: Reporter, max_nesting: int, markdown: str
) -> list[Block]:
    """A code cell: its code (unless removed) and its outputs (unless removed)."""
    pos = Pos(path, 1, number)
    code, options = cell_options(source, cell.get("metadata"), pos, reporter)
    if not options.show_cell:
        return []
    blocks: list[Block] = []
    code = code.strip("\n")
    if options.show_input and code.strip():
        block: Block = CodeBlock(code, language, Attr(classes=("cell-input",)), pos=pos)
        if options.hide_input:  # a <details>: folded in the e-book and the site, expanded in print, in the notes
            summary = Paragraph((Span(Attr(classes=("summary",)), (Text("Code"),)),), pos=pos)
            block = Div(Attr(classes=("details", HIDDEN_INPUT_CLASS)), (summary, block), pos=pos)
        blocks.append(_short_on_slides(block))
    if options.show_output:

        def read(text: str) -> Blocks:
            return _markdown(text, path, number, reporter, max_nesting, markdown, audit=False)

        outputs = output_blocks(list(cell.get("outputs") or ()), options, number, pos, reporter, read)
        blocks.extend(_short_on_slides(b) for b in outputs)
    return blocks


def _short_on_slides(block: Block) -> Block:
    """``block``, kept off the slides (in a ``no-slides`` div, whose text the deck puts in the notes) when it is
    code or a text output longer than :data:`MAX_SLIDE_LINES`."""
    code = block.blocks[-1] if isinstance(block, Div) and block.blocks else block
    if isinstance(code, CodeBlock) and code.code.count("\n") >= MAX_SLIDE_LINES:
        return Div(Attr(classes=("no-slides",)), (block,), pos=block.pos)
    return block


def _raw_cell(
    cell: Any, source: str, path: str, number: int, reporter: Reporter, max_nesting: int, markdown: str
) -> Blocks:
    """A raw cell: Markdown or HTML is read; text for another format (LaTeX, reST) is shown as code with a warning."""
    meta = cell.get("metadata") or {}
    target = str(meta.get("format") or meta.get("raw_mimetype") or "").lower()
    if target in ("", "text/markdown", "markdown", "text/html", "html"):
        return _markdown(source, path, number, reporter, max_nesting, markdown)
    pos = Pos(path, 1, number)
    reporter.warn(f"raw cell for {target} is shown as its text", pos, "notebook")
    return (CodeBlock(source.strip("\n"), "text", pos=pos),)


def _with_attachments(source: str, attachments: Any, pos: Pos, reporter: Reporter) -> str:
    """``source`` with each ``attachment:name`` replaced by the attached picture as a ``data:`` URL."""
    if "attachment:" not in source:
        return source
    found = attachments if isinstance(attachments, dict) else {}

    def inline(match: re.Match[str]) -> str:
        bundle = found.get(match.group(1))
        if isinstance(bundle, dict):
            for kind in ("image/png", "image/jpeg", "image/gif", "image/svg+xml"):
                data = bundle.get(kind)
                if isinstance(data, list):
                    data = "".join(data)
                if isinstance(data, str):
                    if kind == "image/svg+xml":
                        import base64

                        data = base64.b64encode(data.encode()).decode("ascii")
                    return f"data:{kind};base64,{''.join(data.split())}"
        reporter.warn(f"attachment {match.group(1)!r} is not in the cell's attachments", pos, "image")
        return match.group(0)

    return _ATTACHMENT.sub(inline, source)


def _markdown(
    text: str,
    path: str,
    cell: int,
    reporter: Reporter,
    max_nesting: int,
    markdown: str,
    audit: bool = True,
) -> Blocks:
    """Markdown of cell ``cell`` read into blocks whose positions, and warnings, name the cell."""
    if not text.strip():
        return ()
    own = Reporter(strict=reporter.strict)
    blocks = read_markdown(text, path, own, max_nesting, markdown, audit=audit).blocks
    for warning in own.warnings:
        where = warning.pos
        if where is not None and where.file == path and not where.cell:
            where = Pos(path, where.line, cell)
        reporter.warn(warning.message, where, warning.category)
    reporter.audits.extend(own.audits)

    def fix(node: Any) -> Any:
        pos = getattr(node, "pos", None)
        if isinstance(pos, Pos) and pos.file == path and not pos.cell:
            return dataclasses.replace(node, pos=Pos(path, pos.line, cell))
        return node

    result: Blocks = walk(blocks, fix)
    return result
