"""Quarto books: ``_quarto.yml`` (``book: title, author, chapters, appendices``, parts), chapters in .md, .qmd or .Rmd."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.project.kinds.base import BookProject, Entry, chapter_inside, line_of, read_project_file
from presswork.project.kinds.yamlfile import names, read_yaml


def detect(folder: Path) -> BookProject | None:
    """A Quarto book: a ``_quarto.yml`` with a ``book`` section (or ``project: type: book``)."""
    file = next((folder / n for n in ("_quarto.yml", "_quarto.yaml") if (folder / n).is_file()), None)
    if file is None:
        return None
    data = read_yaml(file, file.name, folder)
    book = data.get("book")
    project_table = data.get("project") if isinstance(data.get("project"), dict) else {}
    if not isinstance(book, dict):
        if isinstance(project_table, dict) and project_table.get("type") == "book":
            raise PressworkError("Quarto book without a 'book' section (title, chapters)", Pos(file.name))
        return None
    settings: dict[str, Any] = {}
    for key in ("title", "subtitle", "description"):
        if isinstance(book.get(key), str) and book[key].strip():
            settings[key] = book[key].strip()
    authors = names(book.get("author", book.get("authors")))
    if authors:
        settings["authors"] = authors
    lang = data.get("lang")
    if isinstance(lang, str) and lang:
        settings["language"] = lang
    if isinstance(book.get("site-url"), str) and book["site-url"].startswith(("http://", "https://")):
        settings["site_url"] = book["site-url"]
    project = BookProject("quarto", file, folder, settings, syntax={"quarto-cells"})
    execute = data.get("execute")
    if isinstance(execute, dict):  # Quarto's defaults for every cell (echo, eval, include, output...)
        project.cell_defaults = {str(k).replace(".", "-"): v for k, v in execute.items()}
    seen: set[Path] = set()
    for key, appendix in (("chapters", False), ("appendices", True)):
        items = book.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise PressworkError(f"book {key} must be a list of files", Pos(file.name))
        _add(items, folder, "", appendix, project, seen, file)
    if not project.entries:
        raise PressworkError("the Quarto book lists no chapters (book: chapters)", Pos(file.name))
    return project


def _add(
    items: list[Any], folder: Path, part: str, appendix: bool, project: BookProject, seen: set[Path], file: Path
) -> None:
    display = file.name
    for item in items:
        if isinstance(item, dict) and "chapters" in item:
            title = str(item.get("part") or "")
            part_file = folder / title if title.lower().endswith((".qmd", ".md", ".rmd")) else None
            if part_file is not None and part_file.is_file():  # a part page: its file opens the part
                name = title
                title = _file_title(part_file, folder) or Path(name).stem
                _add([name], folder, title, appendix, project, seen, file)
            chapters = item.get("chapters")
            if isinstance(chapters, list):
                _add(chapters, folder, title, appendix, project, seen, file)
            continue
        if isinstance(item, dict) and "href" in item:
            item = item["href"]
        if not isinstance(item, str):
            project.notes.append((display, 0, f"chapter entry {item!r} is not understood; left out"))
            continue
        if item.startswith(("http://", "https://")):
            continue

        def where(item: str = item) -> Pos:
            return Pos(display, line_of(file, folder, item))

        path = chapter_inside(folder / item, folder, item, "the book", where)
        if path in seen:
            continue
        if not path.is_file():
            raise PressworkError(f"chapter file {item!r} listed in the book does not exist", where())
        if path.suffix.lower() not in (".md", ".qmd", ".markdown", ".rmd", ".ipynb"):  # .Rmd: Markdown + knitr cells
            project.notes.append(
                (display, 0, f"chapter {item!r} is not Markdown (.md/.qmd/.Rmd) or a notebook; left out")
            )
            continue
        seen.add(path)
        project.entries.append(Entry(path, "", part, appendix))


def _file_title(path: Path, folder: Path) -> str:
    """The title of a part file: its front matter ``title``, else its first ``#`` heading ("" if none)."""
    import re

    try:
        text = read_project_file(path, folder, path.name)
    except (OSError, UnicodeDecodeError, PressworkError):
        return ""
    found = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", text, re.MULTILINE) if text.startswith("---") else None
    found = found or re.search(r"^#\s+(.+?)\s*(\{[^}]*\})?\s*$", text, re.MULTILINE)
    return found.group(1).strip() if found else ""
