"""Jupyter Book 2 / mystmd projects: ``myst.yml`` (``project: title, authors, toc``); chapters in MyST and notebooks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.project.kinds.base import BookProject
from presswork.project.kinds.jupyterbook import JupyterToc, myst_settings
from presswork.project.kinds.yamlfile import names, read_yaml

__all__ = ["detect"]


def detect(folder: Path) -> BookProject | None:
    """A mystmd project: a ``myst.yml`` with a ``project`` table. Without a ``toc`` its Markdown files and
    notebooks are the chapters, in name order (as mystmd lists them)."""
    file = next((folder / n for n in ("myst.yml", "myst.yaml") if (folder / n).is_file()), None)
    if file is None:
        return None
    data = read_yaml(file, file.name, folder)
    project_table = data.get("project")
    if not isinstance(project_table, dict):
        return None
    settings: dict[str, Any] = myst_settings()
    for key in ("title", "subtitle", "description"):
        if isinstance(project_table.get(key), str) and project_table[key].strip():
            settings[key] = " ".join(project_table[key].split())
    if authors := names(project_table.get("authors") or project_table.get("author")):
        settings["authors"] = authors
    if isinstance(project_table.get("language"), str) and project_table["language"].strip():
        settings["language"] = project_table["language"].strip()
    bib = project_table.get("bibliography")
    first = bib[0] if isinstance(bib, list) and bib else bib
    if isinstance(first, str) and (folder / first).is_file():
        settings["bibliography"] = first
    project = BookProject("mystmd", file, folder, settings)
    toc = project_table.get("toc")
    reader = JupyterToc(project, folder, file)
    if isinstance(toc, list):
        reader.toc2(toc, "", 1)
    else:
        for path in sorted(p for p in folder.rglob("*") if _is_chapter(p, folder)):
            reader.add_path(path, "", 1, "")
    if not project.entries:
        raise PressworkError("the MyST project lists no chapters (project: toc)", Pos(file.name))
    return project


def _is_chapter(path: Path, folder: Path) -> bool:
    parts = path.relative_to(folder).parts
    hidden = any(p.startswith((".", "_")) for p in parts) or "node_modules" in parts
    return not hidden and path.suffix.lower() in (".md", ".ipynb") and path.name.lower() != "readme.md"
