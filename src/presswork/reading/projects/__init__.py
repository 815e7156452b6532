"""Book projects of other tools (mdBook, GitBook/HonKit, MkDocs, Quarto): title, metadata and chapter order.

:func:`detect` recognises a project folder and returns a :class:`BookProject`: the settings its
project file supplies (as presswork configuration keys, which presswork's own configuration
overrides) and the chapters in the order of its ``SUMMARY.md``, ``nav`` or ``chapters`` list,
each with the title the project gives it and the part it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["BookProject", "Entry", "detect"]


@dataclass(frozen=True)
class Entry:
    """One chapter of a project book: its file, the title the project gives it, its part and whether it is an appendix."""

    path: Path  #: The chapter file (absolute, resolved).
    title: str = ""  #: The entry's title in SUMMARY.md / nav / chapters ("" = none given).
    part: str = ""  #: Title of the part the chapter belongs to ("" = none).
    appendix: bool = False  #: The chapter is an appendix (lettered A, B, ...).


@dataclass
class BookProject:
    """What a project file of another tool says about a book."""

    kind: str  #: "mdbook", "honkit", "mkdocs" or "quarto".
    file: Path  #: The project file (book.toml, book.json, SUMMARY.md, mkdocs.yml, _quarto.yml).
    content: Path  #: The folder of the chapter files.
    settings: dict[str, Any] = field(default_factory=dict)  #: presswork configuration keys it supplies.
    entries: list[Entry] = field(default_factory=list)  #: Chapters in reading order.
    variables: dict[str, str] = field(default_factory=dict)  #: Values for ``{{ name }}`` (MkDocs ``extra``).
    notes: list[tuple[str, int, str]] = field(default_factory=list)  #: (file, line, message) warnings to report.
    #: Plug-in syntax handled before reading: "quarto-cells" (executable cells), "mkautodoc" (``::: module.Name``),
    #: "gitbook-tags" (``{% raw %}`` and other template tags).
    syntax: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        """The tool's name for messages ("mdBook")."""
        return {"mdbook": "mdBook", "honkit": "GitBook/HonKit", "mkdocs": "MkDocs", "quarto": "Quarto"}[self.kind]


def detect(folder: Path) -> BookProject | None:
    """The book project of ``folder`` (mdBook, GitBook/HonKit, MkDocs, Quarto, in that order), or None."""
    from . import honkit, mdbook, mkdocs, quarto

    folder = folder.resolve()
    for kind in (mdbook, honkit, mkdocs, quarto):
        found: BookProject | None = kind.detect(folder)
        if found is not None:
            return found
    return None
