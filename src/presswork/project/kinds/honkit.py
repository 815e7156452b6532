"""GitBook and HonKit projects: ``book.json`` (title, author, language, description, root) and ``SUMMARY.md``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.project.kinds.base import BookProject, read_project_file
from presswork.project.kinds.summary import parse_summary, plain_title


def readme_title(readme: Path, folder: Path) -> str:
    """The text of the first heading of the book's ``README.md`` ("" when it has none or cannot be read)."""
    if not readme.is_file():
        return ""
    try:
        text = read_project_file(readme, folder, readme.name)
    except (OSError, UnicodeDecodeError, PressworkError):
        return ""
    tokens = MarkdownIt("commonmark").parse(text)
    for token, inline in zip(tokens, tokens[1:], strict=False):
        if token.type == "heading_open":
            return plain_title(inline.content)
    return ""


def detect(folder: Path) -> BookProject | None:
    """A GitBook/HonKit book: a ``book.json`` or a ``SUMMARY.md`` in the folder (or in the ``root`` it names)."""
    file = folder / "book.json"
    data: dict[str, Any] = {}
    if file.is_file():
        try:
            loaded = json.loads(read_project_file(file, folder, file.name))
        except json.JSONDecodeError as exc:
            raise PressworkError(f"invalid JSON: {exc.msg}", Pos(file.name, exc.lineno)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise PressworkError(f"cannot read the project file: {exc}", Pos(file.name)) from None
        data = loaded if isinstance(loaded, dict) else {}
    elif not (folder / "SUMMARY.md").is_file():
        return None
    root = str(data.get("root") or ".").strip("/") or "."
    content = (folder / root).resolve()
    summary_file = content / "SUMMARY.md"
    if not content.is_relative_to(folder) or not summary_file.is_file():
        raise PressworkError(f"GitBook/HonKit book without {root}/SUMMARY.md", Pos(file.name))
    settings: dict[str, Any] = {"content": root}
    for key, name in (("title", "title"), ("description", "description"), ("language", "language")):
        if isinstance(data.get(key), str) and data[key].strip():
            settings[name] = data[key].strip()
    if isinstance(data.get("author"), str) and data["author"].strip():
        settings["authors"] = (data["author"].strip(),)
    if "title" not in settings:
        title = readme_title(content / "README.md", folder)
        if title:
            settings["title"] = title  # as GitBook/HonKit title a book: by its README's first heading
    display = "SUMMARY.md" if root == "." else f"{root}/SUMMARY.md"
    summary = parse_summary(summary_file, content, display, folder, "honkit")
    project = BookProject(
        "honkit",
        file if file.is_file() else summary_file,
        content,
        settings,
        summary.entries,
        notes=summary.notes,
        syntax={"gitbook-tags"},
    )
    variables = data.get("variables")
    if isinstance(variables, dict):
        values = {str(k): str(v) for k, v in variables.items() if isinstance(v, (str, int, float))}
        # GitBook templates write them as {{ book.name }}; the bare name is kept for presswork's own use.
        project.variables = {**values, **{f"book.{k}": v for k, v in values.items()}}
    plugins = (
        [p for p in data.get("plugins", []) if isinstance(p, str)] if isinstance(data.get("plugins"), list) else []
    )
    if plugins:
        project.notes.append(
            (
                file.name,
                0,
                f"GitBook plug-ins ({', '.join(plugins)}) are not run; their custom syntax is read as plain Markdown",
            )
        )
    return project
