"""What formats written side by side share: the print layout, laid out once, and remote images fetched once."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Document, Image
from presswork.core.walk import query
from presswork.exporters.base import Exporter
from presswork.exporters.common import pagination
from presswork.project.assets import AssetGate, is_remote


def prefetch_remote(doc: Document, gate: AssetGate) -> None:
    """Fetch the book's allowed remote images once, before the workers fork, so that every format
    gets them from the gate's cache rather than each worker requesting them again. A failure is left
    for the exporters to meet and report, as in a sequential build."""
    if not gate.allow_remote:
        return
    refs = [img.src for img in query(doc, Image) if is_remote(img.src)]
    if doc.meta.cover and is_remote(doc.meta.cover):
        refs.append(doc.meta.cover)
    for ref in dict.fromkeys(refs):
        with contextlib.suppress(PressworkError):
            gate.read_bytes(ref)


def share_print_layout(
    tasks: dict[str, Callable[[], None]], exporters: Mapping[str, type[Exporter[Any]]], root: Path
) -> tuple[str, ...]:
    """With the format that makes the print layout (``makes_print_layout``: the PDF) written side by side
    with others: announce its layout (the EPUB's page list waits for it rather than laying the book out
    again) and start it first. Returns the tasks to start first."""
    maker = next((name for name in tasks if exporters[name].makes_print_layout), None)
    if maker is None:
        return ()
    write = tasks[maker]

    def write_then_done() -> None:
        pagination.producing()  # first thing: hold the layout lock the readers of the layout wait for
        try:
            write()
        finally:
            pagination.layout_done()  # stored by now, or never will be: nobody waits any longer

    pagination.expect_layout(root)
    tasks[maker] = write_then_done
    return (maker,)
