"""MkDocs projects: ``mkdocs.yml`` (``site_name``, ``site_author``, ``docs_dir``, ``nav``, ``extra``) read with Python-Markdown."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import Any

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.project.kinds.base import BookProject, Entry, chapter_inside, line_of
from presswork.project.kinds.yamlfile import read_yaml
from presswork.reading.snippets import Snippets

_SKIP = re.compile(r"^(\.|_)")


def _all_pages(content: Path, folder: Path, display: str) -> list[Path]:
    """Without ``nav``: every Markdown page, ``index.md`` first, in MkDocs' (alphabetical) order (a page that
    is a link to a file outside the project is an error)."""
    pages = [
        (
            p.relative_to(content),
            chapter_inside(p, folder, p.relative_to(content).as_posix(), "the docs folder", Pos(display)),
        )
        for p in content.rglob("*.md")
        if not any(_SKIP.match(part) for part in p.relative_to(content).parts)
    ]
    pages.sort(key=lambda p: (p[0].parent.parts, p[0].stem.lower() not in {"index", "readme"}, p[0].name.lower()))
    return [real for _, real in pages]


def detect(folder: Path) -> BookProject | None:
    """An MkDocs site: a ``mkdocs.yml`` (or ``mkdocs.yaml``)."""
    file = next((folder / n for n in ("mkdocs.yml", "mkdocs.yaml") if (folder / n).is_file()), None)
    if file is None:
        return None
    data = read_yaml(file, file.name, folder)
    docs_dir = str(data.get("docs_dir") or "docs")
    content = (folder / docs_dir).resolve()
    if not content.is_relative_to(folder) or not content.is_dir():
        raise PressworkError(f"docs_dir {docs_dir!r} does not exist inside the project", Pos(file.name))
    settings: dict[str, Any] = {"content": docs_dir, "markdown": "python-markdown"}
    for key, name in (("site_name", "title"), ("site_description", "description")):
        if isinstance(data.get(key), str) and data[key].strip():
            settings[name] = data[key].strip()
    if isinstance(data.get("site_author"), str) and data["site_author"].strip():
        settings["authors"] = (data["site_author"].strip(),)
    theme = data.get("theme")
    language = theme.get("language") if isinstance(theme, dict) else None
    if isinstance(language, str) and language:
        settings["language"] = language
    if isinstance(data.get("site_url"), str) and data["site_url"].startswith(("http://", "https://")):
        settings["site_url"] = data["site_url"]
    project = BookProject("mkdocs", file, content, settings)
    extensions = data.get("markdown_extensions")
    for ext in extensions if isinstance(extensions, list) else []:
        name = next(iter(ext)) if isinstance(ext, dict) and ext else ext
        if name == "mkautodoc":
            project.syntax.add("mkautodoc")
        if name == "pymdownx.snippets":
            project.snippets = _snippets(ext.get(name) if isinstance(ext, dict) else None)
    if "mkdocstrings" in _names(data.get("plugins")):  # the same ``::: package.module.Name`` directives
        project.syntax.add("mkautodoc")
    nav = data.get("nav")
    if isinstance(nav, list):
        seen: set[Path] = set()
        _walk_nav(nav, content, "", project, seen, file, folder)
    else:
        project.entries = [Entry(p) for p in _all_pages(content, folder, file.name)]
    extra = data.get("extra")
    if isinstance(extra, dict):
        project.variables = {f"extra.{k}": str(v) for k, v in extra.items() if isinstance(v, (str, int, float))}
        project.variables.update({str(k): str(v) for k, v in extra.items() if isinstance(v, (str, int, float))})
    return project


def _names(value: Any) -> list[str]:
    """The names in a list of plug-ins or extensions, each a name or a one-key mapping, or in a mapping of them
    (MkDocs accepts both forms)."""
    if isinstance(value, dict):
        return [str(k) for k in value]
    items = value if isinstance(value, list) else []
    return [str(next(iter(i))) if isinstance(i, dict) and i else str(i) for i in items if i]


def _strings(value: Any) -> tuple[str, ...]:
    """A YAML string or list of strings as a tuple of non-empty strings."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(str(v).strip() for v in items if isinstance(v, str) and v.strip())


def _snippets(options: Any) -> Snippets:
    """The ``pymdownx.snippets`` options that decide what a page holds: ``base_path`` and ``auto_append``."""
    options = options if isinstance(options, dict) else {}
    return Snippets(_strings(options.get("base_path")) or (".",), _strings(options.get("auto_append")))


def _walk_nav(
    items: list[Any], content: Path, part: str, project: BookProject, seen: set[Path], file: Path, folder: Path
) -> None:
    """Add the pages of a ``nav`` list in order; a top-level section's title is the part of its pages."""
    display = file.name
    for item in items:
        title, value = "", item
        if isinstance(item, dict) and len(item) == 1:
            title, value = next(iter(item.items()))
            title = str(title)
        if isinstance(value, list):
            _walk_nav(value, content, part or title, project, seen, file, folder)
            continue
        if not isinstance(value, str):
            project.notes.append((display, 0, f"nav entry {item!r} is not understood; left out"))
            continue
        split = urllib.parse.urlsplit(value)
        if split.scheme or value.startswith("//"):
            continue  # a link to another site in the menu: not a page of the book

        def where(value: str = value) -> Pos:
            return Pos(display, line_of(file, folder, value))

        path = chapter_inside(content / urllib.parse.unquote(split.path), folder, value, "nav", where)
        if path.is_dir():
            path = chapter_inside(path / "index.md", folder, value, "nav", where)
        if path in seen:
            continue
        if not path.is_file():
            raise PressworkError(f"page {value!r} listed in nav does not exist in the docs folder", where())
        seen.add(path)
        project.entries.append(Entry(path, title, part))
