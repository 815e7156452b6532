"""A code cell's stored outputs as blocks, in Jupyter's order, each in the richest type every format can show."""

from __future__ import annotations

import base64
import dataclasses
import re
from collections.abc import Callable
from typing import Any

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Attr, Block, Blocks, CodeBlock, Figure, Image, Inlines, MathBlock, Paragraph, Pos
from presswork.reading.notebook.options import CellOptions
from presswork.reading.notebook.tables import html_tables

__all__ = ["OUTPUT_CLASS", "output_blocks", "strip_ansi"]

#: The class of a text output's code block (``pre.code.output``), styled apart from code in every format.
OUTPUT_CLASS = "output"
#: Largest picture output kept, in bytes: the limit of ``data:`` images (``project.datauri``, a layer above).
MAX_DATA_IMAGE_BYTES = 500_000
_IMAGES = ("image/png", "image/jpeg", "image/svg+xml")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
#: Types shown only by running code in a browser: their text/plain fallback is shown instead.
_LIVE = ("application/vnd.jupyter.widget-view+json", "application/javascript", "application/vnd.bokehjs_exec.v0+json")
_DEFAULT_FIGURE = re.compile(r"^<(Figure|matplotlib|IPython\.core\.display)[^>]*>$")

MarkdownFn = Callable[[str], Blocks]


def strip_ansi(text: str) -> str:
    """``text`` without ANSI colour and cursor codes (tracebacks of IPython are coloured)."""
    return _ANSI.sub("", text)


def output_blocks(
    outputs: list[Any], options: CellOptions, cell: int, pos: Pos, reporter: Reporter, markdown: MarkdownFn
) -> list[Block]:
    """The blocks that show ``outputs`` (stream, display_data, execute_result, error) of cell ``cell``;
    ``markdown`` reads Markdown (captions, text/markdown outputs, HTML that is not a table)."""
    blocks: list[Block] = []
    figures = 0
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            text = strip_ansi(_text(output.get("text")))
            name = str(output.get("name") or "stdout")
            last = blocks[-1] if blocks else None
            if isinstance(last, CodeBlock) and name in last.attr.classes and OUTPUT_CLASS in last.attr.classes:
                blocks[-1] = CodeBlock(last.code + "\n" + text.rstrip("\n"), "text", last.attr, pos=last.pos)
            elif text.strip():
                blocks.append(_text_block(text, name, pos))
        elif kind == "error":
            trace = strip_ansi("\n".join(_text(t) for t in output.get("traceback") or ()))
            trace = trace or f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
            blocks.append(_text_block(trace, "error", pos))
        elif kind in ("display_data", "execute_result"):
            data = output.get("data") or {}
            shown = _shown(data, options, figures, cell, pos, reporter, markdown)
            figures += sum(isinstance(b, Figure) for b in shown)
            blocks.extend(shown)
    return blocks


def _shown(
    data: dict[str, Any],
    options: CellOptions,
    figures: int,
    cell: int,
    pos: Pos,
    reporter: Reporter,
    markdown: MarkdownFn,
) -> list[Block]:
    """The blocks of one rich output: a picture, a table, read HTML, Markdown or LaTeX, else its plain text."""
    plain = strip_ansi(_text(data.get("text/plain")))
    for kind in _IMAGES:
        if kind in data:
            figure = _figure(kind, data[kind], plain, options, figures, cell, pos, reporter, markdown)
            if figure is not None:
                return [figure]
    live = next((k for k in _LIVE if k in data), None)
    html = _text(data.get("text/html"))
    if live is None and html and re.search(r"<script\b", html, re.I):
        live = "text/html with a script"
    if live is not None:
        reporter.warn(
            f"output of type {live} is shown live only by running code in a browser; its text is shown instead",
            pos,
            "notebook",
        )
        return [_text_block(plain, "stdout", pos)] if plain.strip() else []
    if html.strip():
        tables = html_tables(html)
        if tables is not None:
            return [dataclasses.replace(t, pos=pos) for t in tables]
        return list(markdown(_html_block(html)))
    if "text/markdown" in data:
        return list(markdown(_text(data["text/markdown"])))
    if "text/latex" in data:
        return [_latex(_text(data["text/latex"]), pos, markdown)]
    return [_text_block(plain, "stdout", pos)] if plain.strip() else []


def _figure(
    kind: str,
    value: Any,
    plain: str,
    options: CellOptions,
    figures: int,
    cell: int,
    pos: Pos,
    reporter: Reporter,
    markdown: MarkdownFn,
) -> Figure | None:
    """The picture output as a figure (None when it cannot be one: it then falls back to another type)."""
    text = _text(value)
    if kind == "image/svg+xml":
        data = text.encode()
    else:
        try:
            data = base64.b64decode("".join(text.split()), validate=True)
        except ValueError:
            reporter.warn(f"{kind} output is not valid base64; its text is shown instead", pos, "notebook")
            return None
    if len(data) > MAX_DATA_IMAGE_BYTES:
        reporter.warn(
            f"{kind} output of {len(data):,} bytes is over the limit of {MAX_DATA_IMAGE_BYTES:,}; its text is shown "
            "instead",
            pos,
            "notebook",
        )
        return None
    src = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
    caption: Inlines = ()
    if options.caption:
        read = markdown(options.caption)
        if read and isinstance(read[0], Paragraph):
            caption = read[0].children
    alt = options.alt or options.caption or ("" if _DEFAULT_FIGURE.match(plain.strip()) else plain.strip())
    alt = " ".join((alt or f"Output of cell {cell}").split())
    ident = options.label if figures == 0 else f"{options.label}-{figures + 1}" if options.label else ""
    return Figure(Image(src, alt), caption, Attr(id=ident), pos=pos)


def _latex(tex: str, pos: Pos, markdown: MarkdownFn) -> Block:
    """A text/latex output: display math when it is one formula, else read as Markdown (with its ``$`` math)."""
    body = tex.strip()
    for opening, closing in (("$$", "$$"), ("\\[", "\\]"), ("$", "$")):
        if body.startswith(opening) and body.endswith(closing) and len(body) > len(opening) + len(closing):
            return MathBlock(body[len(opening) : -len(closing)].strip(), pos=pos)
    if body.startswith("\\begin{"):
        return MathBlock(body, pos=pos)
    read = markdown(body)
    return read[0] if len(read) == 1 else _text_block(body, "stdout", pos)


def _html_block(html: str) -> str:
    """HTML to read as one raw HTML block of Markdown: blank lines inside it would end the block."""
    html = re.sub(r"<(style|script)\b.*?</\1\s*>", "", html, flags=re.S | re.I)
    return "<div>\n" + "\n".join(line for line in html.split("\n") if line.strip()) + "\n</div>\n"


def _text_block(text: str, stream: str, pos: Pos) -> CodeBlock:
    return CodeBlock(text.rstrip("\n"), "text", Attr(classes=(OUTPUT_CLASS, stream)), pos=pos)


def _text(value: Any) -> str:
    """A notebook's multi-line string: a string, or a list of lines."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""
