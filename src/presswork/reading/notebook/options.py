"""What a notebook cell asks to show: Jupyter Book tags, MyST-NB metadata and Quarto's ``#|`` options."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Pos
from presswork.reading.cells import chunk_options

__all__ = ["CellOptions", "cell_options"]

_OPTION_LINE = re.compile(r"^\s*#\|\s?(.*)$")


@dataclass(frozen=True)
class CellOptions:
    """How one code cell is shown (all on by default) and what labels its figure."""

    show_cell: bool = True  #: False: ``remove-cell`` tag, Quarto ``include: false``.
    show_input: bool = True  #: False: ``remove-input`` tag, Quarto ``echo: false``.
    show_output: bool = True  #: False: ``remove-output`` tag, Quarto ``output: false``.
    hide_input: bool = False  #: ``hide-input``: printed, folded in the HTML site.
    label: str = ""  #: The figure's id (Quarto ``label``, MyST-NB ``name``), "" = none.
    caption: str = ""  #: The figure's caption in Markdown (Quarto ``fig-cap``), "" = none.
    alt: str = ""  #: The figure's alt text (Quarto ``fig-alt``), "" = none.


def cell_options(source: str, metadata: Any, pos: Pos, reporter: Reporter) -> tuple[str, CellOptions]:
    """The code of a cell without its leading ``#|`` lines, and the options its tags, metadata and those lines give."""
    lines = source.split("\n")
    taken = 0
    while taken < len(lines) and _OPTION_LINE.match(lines[taken]):
        taken += 1
    quarto: dict[str, Any] = {}
    if taken:
        quarto = chunk_options("\n".join(_OPTION_LINE.sub(r"\1", ln) for ln in lines[:taken]), pos, reporter)
        source = "\n".join(lines[taken:])
    meta = metadata if isinstance(metadata, dict) else {}
    tags = {str(t) for t in meta.get("tags", ()) if isinstance(t, str)} if isinstance(meta.get("tags"), list) else set()
    jupyter = meta["jupyter"] if isinstance(meta.get("jupyter"), dict) else {}
    figure = _mystnb_figure(meta)
    label = quarto.get("label") or figure.get("name") or meta.get("name") or meta.get("label") or ""
    caption = quarto.get("fig-cap") or figure.get("caption") or ""
    return source, CellOptions(
        show_cell="remove-cell" not in tags and quarto.get("include", True) is not False,
        show_input="remove-input" not in tags and quarto.get("echo", True) is not False,
        show_output="remove-output" not in tags and quarto.get("output", True) is not False,
        hide_input="hide-input" in tags or "hide-cell" in tags or bool(jupyter.get("source_hidden")),
        label=str(label) if isinstance(label, (str, int)) else "",
        caption=str(caption) if isinstance(caption, (str, int, float)) else "",
        alt=str(quarto.get("fig-alt") or ""),
    )


def _mystnb_figure(meta: dict[str, Any]) -> dict[str, Any]:
    """MyST-NB's ``mystnb: figure: {name, caption}`` (or the older ``myst: figure``) of a cell's metadata."""
    for key in ("mystnb", "myst"):
        table = meta.get(key)
        if isinstance(table, dict) and isinstance(table.get("figure"), dict):
            return dict(table["figure"])
    return {}
