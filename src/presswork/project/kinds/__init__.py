"""Book projects of other tools (mdBook, GitBook/HonKit, MkDocs, Quarto, Jupyter Book 1 and 2): title, metadata and chapter order.

:func:`detect` recognises a project folder and returns a :class:`BookProject`: the settings its
project file supplies (as presswork configuration keys, which presswork's own configuration
overrides) and the chapters in the order of its ``SUMMARY.md``, ``nav`` or ``chapters`` list,
each with the title the project gives it and the part it belongs to.
"""

from __future__ import annotations

from pathlib import Path

from presswork.project.kinds.base import BookProject, Entry

__all__ = ["BookProject", "Entry", "detect"]


def detect(folder: Path) -> BookProject | None:
    """The book project of ``folder`` (mdBook, GitBook/HonKit, MkDocs, Quarto, Jupyter Book 1, mystmd, in that
    order), or None."""
    from presswork.project.kinds import honkit, jupyterbook, mdbook, mkdocs, mystmd, quarto

    folder = folder.resolve()
    for kind in (mdbook, honkit, mkdocs, quarto, jupyterbook, mystmd):
        found: BookProject | None = kind.detect(folder)
        if found is not None:
            return found
    return None
