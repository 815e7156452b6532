"""Exporter discovery through the ``presswork.exporters`` entry-point group."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import Any

from presswork.core.diagnostics import PressworkError
from presswork.exporters.base import Exporter

GROUP = "presswork.exporters"


def exporter_entry_points() -> dict[str, EntryPoint]:
    """Installed exporters by format name, in name order, not yet imported (importing WeasyPrint
    alone takes half a second: a build imports only the exporters it runs)."""
    found: dict[str, EntryPoint] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        found.setdefault(ep.name, ep)
    return found


def load_exporter(ep: EntryPoint) -> type[Exporter[Any]]:
    """Import one exporter plug-in (a broken plug-in is an error naming it)."""
    try:
        cls = ep.load()
    except Exception as exc:  # a third-party plug-in may fail in any way
        raise PressworkError(f"exporter plug-in {ep.name!r} ({ep.value}) cannot be loaded: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Exporter)):
        raise PressworkError(f"exporter plug-in {ep.name!r} ({ep.value}) is not an Exporter subclass")
    return cls


def discover_exporters() -> dict[str, type[Exporter[Any]]]:
    """Every installed exporter by format name, imported."""
    return {name: load_exporter(ep) for name, ep in exporter_entry_points().items()}
