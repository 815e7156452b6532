"""Exporter discovery through the ``presswork.exporters`` entry-point group."""

from __future__ import annotations

from importlib.metadata import entry_points

from .diagnostics import PressworkError
from .exporters.base import Exporter

GROUP = "presswork.exporters"


def discover_exporters() -> dict[str, type[Exporter]]:
    """Installed exporters by format name, in name order (a broken plug-in is an error naming it)."""
    found: dict[str, type[Exporter]] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        if ep.name in found:
            continue
        try:
            cls = ep.load()
        except Exception as exc:  # a third-party plug-in may fail in any way
            raise PressworkError(f"exporter plug-in {ep.name!r} ({ep.value}) cannot be loaded: {exc}") from exc
        if not (isinstance(cls, type) and issubclass(cls, Exporter)):
            raise PressworkError(f"exporter plug-in {ep.name!r} ({ep.value}) is not an Exporter subclass")
        found[ep.name] = cls
    return found
