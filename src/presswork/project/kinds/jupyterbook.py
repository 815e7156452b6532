"""Jupyter Book 1 projects: ``_config.yml`` (title, author, language, bibliography) and ``_toc.yml`` (order).

``_toc.yml`` comes in two formats: ``jb-book`` (``root``, then ``chapters`` or ``parts`` with a
``caption`` and ``chapters``, each with nested ``sections``) and ``jb-article`` (``root`` and
``sections``). An entry names a ``file`` (without its suffix: ``.md``, ``.ipynb``...), a ``glob`` of
files or a ``url`` (not a chapter). Chapters are Markdown (MyST) files and notebooks; the ``myst``
reader reads them when it is installed.
"""

from __future__ import annotations

import glob as globbing
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.project.kinds.base import BookProject, Entry, chapter_inside, line_of
from presswork.project.kinds.yamlfile import names, read_yaml
from presswork.reading import available_readers

__all__ = ["CHAPTER_SUFFIXES", "JupyterToc", "detect", "myst_settings"]

#: Suffixes a ``file`` entry without one may have, in the order Jupyter Book tries them.
CHAPTER_SUFFIXES = (".md", ".ipynb", ".markdown", ".myst.md")
_NOT_READ = (".rst", ".py", ".r", ".jl")


def detect(folder: Path) -> BookProject | None:
    """A Jupyter Book 1 project: a ``_toc.yml`` (with its ``_config.yml`` beside it, if any)."""
    toc_file = next((folder / n for n in ("_toc.yml", "_toc.yaml") if (folder / n).is_file()), None)
    if toc_file is None:
        return None
    config_file = next((folder / n for n in ("_config.yml", "_config.yaml") if (folder / n).is_file()), None)
    config = read_yaml(config_file, config_file.name, folder) if config_file else {}
    settings = _settings(config, folder)
    project = BookProject("jupyterbook", toc_file, folder, settings)
    parse = config.get("parse") if isinstance(config.get("parse"), dict) else {}
    substitutions = parse.get("myst_substitutions") if isinstance(parse, dict) else None
    if isinstance(substitutions, dict):
        project.variables = {str(k): str(v) for k, v in substitutions.items() if isinstance(v, (str, int, float))}
    toc = read_yaml(toc_file, toc_file.name, folder)
    JupyterToc(project, folder, toc_file).read(toc)
    if not project.entries:
        raise PressworkError("the Jupyter Book table of contents lists no chapters", Pos(toc_file.name))
    return project


def myst_settings() -> dict[str, Any]:
    """The ``markdown`` setting of a Jupyter Book: the ``myst`` reader when it is installed, else the default."""
    return {"markdown": "myst"} if "myst" in available_readers() else {}


def _settings(config: dict[str, Any], folder: Path) -> dict[str, Any]:
    """presswork settings from ``_config.yml``."""
    settings: dict[str, Any] = myst_settings()
    if isinstance(config.get("title"), str) and config["title"].strip():
        settings["title"] = config["title"].strip()
    author = config.get("author")
    if isinstance(author, str):  # HTML is allowed there (a link to the author's site): its text is the name
        author = re.sub(r"<[^>]*>", "", author)
    if isinstance(author, str) and author.strip():
        settings["authors"] = tuple(a.strip() for a in author.replace(" and ", ",").split(",") if a.strip())
    elif authors := names(author):
        settings["authors"] = authors
    if isinstance(config.get("description"), str) and config["description"].strip():
        settings["description"] = " ".join(config["description"].split())
    language = config.get("language") or (config.get("sphinx") or {}).get("config", {}).get("language")
    if isinstance(language, str) and language.strip():
        settings["language"] = language.strip()
    bib = config.get("bibtex_bibfiles")
    first = bib[0] if isinstance(bib, list) and bib else bib
    if isinstance(first, str) and (folder / first).is_file():
        settings["bibliography"] = first
    return settings


class JupyterToc:
    """Reads a ``_toc.yml`` (``jb-book`` / ``jb-article``) into the entries of ``project``."""

    def __init__(self, project: BookProject, folder: Path, file: Path) -> None:
        self.project, self.folder, self.file = project, folder, file
        self.seen: set[Path] = set()

    def read(self, toc: dict[str, Any]) -> None:
        """All entries of the table of contents, the root first."""
        if isinstance(toc.get("root"), str):
            self.add_file(toc["root"], "", 1, "")
        if isinstance(toc.get("parts"), list):
            for part in toc["parts"]:
                if isinstance(part, dict):
                    caption = str(part.get("caption") or "")
                    self.entries(part.get("chapters") or part.get("sections") or [], caption, 1)
        for key in ("chapters", "sections"):
            if isinstance(toc.get(key), list):
                self.entries(toc[key], "", 1)

    def entries(self, items: list[Any], part: str, depth: int) -> None:
        """Entries of a list, each with the entries nested in it (``sections``, ``chapters``, ``parts``)."""
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                self.note(f"table of contents entry {item!r} is not understood; left out")
                continue
            title = str(item.get("title") or "")
            if isinstance(item.get("file"), str):
                self.add_file(item["file"], title, depth, part)
            elif isinstance(item.get("glob"), str):
                for found in self.glob(item["glob"]):
                    self.add_path(found, "", depth, part)
            elif "url" not in item and not any(k in item for k in ("sections", "chapters", "parts")):
                self.note(f"table of contents entry {item!r} names no file; left out")
            for key in ("sections", "chapters"):
                if isinstance(item.get(key), list):
                    self.entries(item[key], part, depth + 1)
            if isinstance(item.get("parts"), list):
                for sub in item["parts"]:
                    if isinstance(sub, dict):
                        self.entries(sub.get("chapters") or sub.get("sections") or [], part, depth + 1)

    def toc2(self, items: list[Any], part: str, depth: int) -> None:
        """Entries of a mystmd ``project.toc``: ``file``, ``pattern``, ``url``, and ``title`` + ``children``
        (a part at the top level, a group of sections below)."""
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                self.note(f"toc entry {item!r} is not understood; left out")
                continue
            title = str(item.get("title") or "")
            if isinstance(item.get("file"), str):
                self.add_file(item["file"], title, depth, part)
            elif isinstance(item.get("pattern"), str):
                for found in self.glob(item["pattern"]):
                    self.add_path(found, "", depth, part)
            elif "url" not in item and "children" not in item:
                self.note(f"toc entry {item!r} names no file; left out")
            if isinstance(item.get("children"), list):
                group = "file" not in item and "pattern" not in item and depth == 1
                self.toc2(item["children"], title if group else part, depth if group else depth + 1)

    def glob(self, pattern: str) -> list[Path]:
        """The chapter files matching ``pattern`` (relative to the book, suffix optional), in name order."""
        matches = []
        for name in sorted(globbing.glob(pattern, root_dir=self.folder, recursive=True)):
            path = self.folder / name
            if path.is_file() and path.suffix.lower() in (".md", ".ipynb", ".markdown"):
                matches.append(path)
            elif not path.suffix:
                matches.extend(
                    self.folder / f"{name}{s}" for s in CHAPTER_SUFFIXES if (self.folder / f"{name}{s}").is_file()
                )
        if not matches:
            for suffix in (".md", ".ipynb"):
                matches.extend(sorted(self.folder.glob(pattern + suffix)))
        return matches

    def add_file(self, ref: str, title: str, depth: int, part: str) -> None:
        """The entry ``file: ref`` (suffix optional): a missing file is a warning, never the end of the build."""
        ref = ref.strip().lstrip("/")
        candidates = [self.folder / ref] if Path(ref).suffix.lower() in (*CHAPTER_SUFFIXES, *_NOT_READ) else []
        candidates += [self.folder / f"{ref}{s}" for s in CHAPTER_SUFFIXES]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            other = next((self.folder / f"{ref}{s}" for s in _NOT_READ if (self.folder / f"{ref}{s}").is_file()), None)
            what = f"is a {other.suffix} file presswork does not read" if other else "does not exist"
            self.note(f"chapter {ref!r} listed in the table of contents {what}; left out", ref)
            return
        self.add_path(path, title, depth, part, ref)

    def add_path(self, path: Path, title: str, depth: int, part: str, ref: str = "") -> None:
        where: Callable[[], Pos] = lambda: Pos(self.file.name, line_of(self.file, self.folder, ref or path.stem))  # noqa: E731
        real = chapter_inside(path, self.folder, ref or path.name, "the table of contents", where)
        if real in self.seen:
            return
        if real.suffix.lower() not in (".md", ".ipynb", ".markdown"):
            self.note(f"chapter {ref or path.name!r} is not Markdown or a notebook; left out", ref)
            return
        self.seen.add(real)
        self.project.entries.append(Entry(real, title, part, depth=depth))

    def note(self, message: str, needle: str = "") -> None:
        line = line_of(self.file, self.folder, needle) if needle else 0
        self.project.notes.append((self.file.name, line, message))
