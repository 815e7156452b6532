"""mdBook projects: ``book.toml`` (``[book]``, ``[output.html] site-url``) and ``src/SUMMARY.md``."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.project.kinds.base import BookProject, read_project_file
from presswork.project.kinds.summary import parse_summary

#: Preprocessors that change nothing a book in the source language shows: mdBook's own ``links``
#: and ``index`` (done here) and ``gettext`` (translations; the source language is built).
#: Preprocessors whose work presswork does itself: mdBook's built-in links and index, translation, and the
#: Rust book's trpl-listing (``<Listing>``: reading/listings.py).
_HARMLESS = frozenset({"links", "index", "gettext", "trpl-listing"})
#: Preprocessors that give mdBook dollar math (``$x$``, ``$$x$$``), which presswork reads itself.
_DOLLAR_MATH = frozenset({"katex", "mathjax", "mathpunct"})


def _read_toml(file: Path, folder: Path, display: str) -> dict[str, Any]:
    try:
        return tomllib.loads(read_project_file(file, folder, display))
    except tomllib.TOMLDecodeError as exc:
        raise PressworkError(f"invalid TOML: {exc}", Pos(display)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PressworkError(f"cannot read the project file: {exc}", Pos(display)) from None


def detect(folder: Path) -> BookProject | None:
    """An mdBook: a ``book.toml``, or (without one) a ``src/SUMMARY.md``."""
    file = folder / "book.toml"
    table: dict[str, Any] = {}
    if file.is_file():
        table = _read_toml(file, folder, file.name)
    elif not (folder / "src" / "SUMMARY.md").is_file():
        return None
    book = table.get("book", {}) if isinstance(table.get("book"), dict) else {}
    src = str(book.get("src") or "src")
    content = (folder / src).resolve()
    summary_file = content / "SUMMARY.md"
    where = file.name if file.is_file() else "src/SUMMARY.md"
    if not content.is_relative_to(folder) or not summary_file.is_file():
        raise PressworkError(f"mdBook project without {src}/SUMMARY.md", Pos(where))
    settings: dict[str, Any] = {"content": src}
    for key, name in (("title", "title"), ("description", "description"), ("language", "language")):
        if isinstance(book.get(key), str) and book[key].strip():
            settings[name] = book[key].strip()
    authors = book.get("authors")
    if isinstance(authors, list) and all(isinstance(a, str) for a in authors):
        settings["authors"] = tuple(authors)
    html = table.get("output", {}).get("html", {}) if isinstance(table.get("output"), dict) else {}
    site_url = html.get("site-url", "") if isinstance(html, dict) else ""
    if isinstance(site_url, str) and site_url.startswith(("http://", "https://")):
        settings["site_url"] = site_url
    summary = parse_summary(summary_file, content, f"{src}/SUMMARY.md", folder)
    project = BookProject(
        "mdbook", file if file.is_file() else summary_file, content, settings, summary.entries, notes=summary.notes
    )
    preprocessors = table.get("preprocessor", {}) if isinstance(table.get("preprocessor"), dict) else {}
    # mdBook itself has no dollar math ("$HOME" and "$PATH" are prose) unless a preprocessor adds it.
    if not _DOLLAR_MATH & set(preprocessors):
        settings["markdown"] = "mdbook"
    for name, spec in sorted(preprocessors.items()):
        if name in _DOLLAR_MATH:
            continue
        renderers = spec.get("renderer") if isinstance(spec, dict) else None
        if name in _HARMLESS or (isinstance(renderers, list) and renderers and set(renderers) <= {"html"}):
            continue  # done by presswork (links, index, listings), translation only, or for the HTML site only
        project.notes.append(
            (where, 0, f"mdBook preprocessor {name!r} is not supported; its syntax is read as plain Markdown")
        )
    return project
