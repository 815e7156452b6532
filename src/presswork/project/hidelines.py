"""Which code lines an mdBook hides: its ``[output.html.code.hidelines]`` table (language -> line prefix)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from presswork.core.diagnostics import PressworkError
from presswork.project.kinds.base import BookProject, read_project_file

__all__ = ["mdbook_hidelines"]


def mdbook_hidelines(book: BookProject, folder: Path) -> dict[str, str] | None:
    """The hiding prefixes of an mdBook by language (``{}`` when ``book.toml`` sets none); None when the
    project is not an mdBook, whose code blocks hide nothing."""
    if book.kind != "mdbook":
        return None
    if book.file.name != "book.toml":
        return {}
    try:
        table = tomllib.loads(read_project_file(book.file, folder, book.file.name))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, PressworkError):
        return {}  # the project loader reports a broken book.toml
    output = table.get("output")
    html = output.get("html") if isinstance(output, dict) else None
    code = html.get("code") if isinstance(html, dict) else None
    hidelines = code.get("hidelines") if isinstance(code, dict) else None
    if not isinstance(hidelines, dict):
        return {}
    return {str(k).lower(): v for k, v in hidelines.items() if isinstance(v, str) and v}
