"""``presswork new DIR``: write a small book that builds at once, from the files in ``scaffold/``."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from presswork.core.diagnostics import UsageError

#: Files of the scaffold stored under another name (a package cannot ship hidden files reliably).
_RENAMED = {"gitignore": ".gitignore"}


def title_from_folder(folder: Path) -> str:
    """A book title from a folder name: ``my-first_book`` -> ``My First Book``."""
    words = re.split(r"[\s_\-.]+", folder.name.strip())
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or "My Book"


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string (JSON's escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def _copy(source: Traversable, target: Path, title: str, written: list[Path]) -> None:
    for item in sorted(source.iterdir(), key=lambda t: t.name):
        if item.name.startswith(("_", ".")) or item.name.endswith(".pyc"):
            continue
        dest = target / _RENAMED.get(item.name, item.name)
        if item.is_dir():
            dest.mkdir()
            _copy(item, dest, title, written)
        elif item.name == "presswork.toml":
            dest.write_text(
                item.read_text(encoding="utf-8").replace('"__TITLE__"', _toml_string(title)), encoding="utf-8"
            )
            written.append(dest)
        else:
            dest.write_bytes(item.read_bytes())
            written.append(dest)


def new_project(folder: Path, title: str | None = None, notebook: bool = False) -> list[Path]:
    """Write a new book into ``folder`` (created; it must not exist or be empty) and return the
    files written. The title defaults to one made from the folder's name; ``notebook`` adds a chapter
    that is a Jupyter notebook (``scaffold/_notebook/``)."""
    folder = Path(folder)
    if folder.exists():
        if not folder.is_dir():
            raise UsageError(f"{folder}: is a file; give a new folder for the book")
        if any(folder.iterdir()):
            raise UsageError(f"{folder}: folder is not empty; give a new or empty folder for the book")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot create the folder: {exc.strerror or exc}") from None
    written: list[Path] = []
    scaffold = files("presswork").joinpath("scaffold")
    title = title or title_from_folder(folder.resolve())
    _copy(scaffold, folder, title, written)
    if notebook:
        _copy_into(scaffold.joinpath("_notebook"), folder, title, written)
    return written


def _copy_into(source: Traversable, target: Path, title: str, written: list[Path]) -> None:
    """Copy the tree ``source`` into the existing folder ``target``, into its existing sub-folders too."""
    for item in sorted(source.iterdir(), key=lambda t: t.name):
        dest = target / item.name
        if item.is_dir() and dest.is_dir():
            _copy_into(item, dest, title, written)
        elif item.is_dir():
            dest.mkdir()
            _copy(item, dest, title, written)
        else:
            dest.write_bytes(item.read_bytes())
            written.append(dest)
