"""What every kind of book project shares: its chapters' entries, the project, and its files read through the gate."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from presswork.core import files
from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.reading.snippets import Snippets


@dataclass(frozen=True)
class Entry:
    """One chapter of a project book: its file, the title the project gives it, its part and whether it is an appendix."""

    path: Path  #: The chapter file (absolute, resolved).
    title: str = ""  #: The entry's title in SUMMARY.md / nav / chapters ("" = none given).
    part: str = ""  #: Title of the part the chapter belongs to ("" = none).
    appendix: bool = False  #: The chapter is an appendix (lettered A, B, ...).
    depth: int = 1  #: Nesting in the book's outline (1 = a chapter, 2 = a sub-chapter of the one before...).
    number: str = ""  #: The project's own number of the chapter ("1.2" in mdBook; "" = none).
    missing: bool = False  #: The listed file does not exist: the chapter is empty, titled by the entry.


@dataclass
class BookProject:
    """What a project file of another tool says about a book."""

    kind: str  #: "mdbook", "honkit", "mkdocs", "quarto", "jupyterbook" or "mystmd".
    file: Path  #: The project file (book.toml, book.json, SUMMARY.md, mkdocs.yml, _quarto.yml).
    content: Path  #: The folder of the chapter files.
    settings: dict[str, Any] = field(default_factory=dict)  #: presswork configuration keys it supplies.
    entries: list[Entry] = field(default_factory=list)  #: Chapters in reading order.
    variables: dict[str, str] = field(default_factory=dict)  #: Values for ``{{ name }}`` (MkDocs ``extra``).
    notes: list[tuple[str, int, str]] = field(default_factory=list)  #: (file, line, message) warnings to report.
    #: Plug-in syntax handled before reading: "quarto-cells" (executable cells), "mkautodoc" (``::: module.Name``),
    #: "gitbook-tags" (``{% raw %}`` and other template tags).
    syntax: set[str] = field(default_factory=set)
    #: Options every executable cell starts from (Quarto's ``execute: echo: false`` in ``_quarto.yml``).
    cell_defaults: dict[str, Any] = field(default_factory=dict)
    snippets: Snippets | None = None  #: ``pymdownx.snippets`` settings (MkDocs), None when the extension is off.

    @property
    def name(self) -> str:
        """The tool's name for messages ("mdBook")."""
        return {
            "mdbook": "mdBook",
            "honkit": "GitBook/HonKit",
            "mkdocs": "MkDocs",
            "quarto": "Quarto",
            "jupyterbook": "Jupyter Book",
            "mystmd": "MyST (Jupyter Book 2)",
        }[self.kind]


def read_project_file(file: Path, folder: Path, display: str) -> str:
    """The text of the project file ``file`` of the project ``folder`` (a BOM dropped), through the file
    gate: a project file that is a link to a file outside the project is refused, never read."""
    return files.read_bytes(file, [files.real_root(folder)], display, Pos(display)).decode("utf-8-sig")


def chapter_inside(path: Path, folder: Path, ref: str, what: str, pos: Pos | Callable[[], Pos]) -> Path:
    """The real path of the chapter ``ref`` (at ``path``) that ``pos`` lists, when it lies inside the project
    ``folder``; else an error at ``pos`` (``what``: how the listing is named, "the summary"; ``pos`` may be
    a function, called only for the error)."""
    real = path.resolve()
    if not files.within(real, [files.real_root(folder)]):
        link = files.within(os.path.normpath(path.absolute()), [folder.absolute()])
        how = "is a link to a file outside" if link else "is outside"
        raise PressworkError(
            f"chapter file {ref!r} listed in {what} {how} the project folder", pos if isinstance(pos, Pos) else pos()
        )
    return real


def line_of(file: Path, folder: Path, needle: str) -> int:
    """The first line of the project file ``file`` that holds ``needle`` (0 when none does or it cannot be read):
    a value of a YAML file, which the parser returns without its line."""
    try:
        text = read_project_file(file, folder, file.name)
    except (OSError, UnicodeDecodeError, PressworkError):
        return 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 0
