"""presswork: one Markdown source, three native outputs (PDF, EPUB 3, PPTX)."""

from __future__ import annotations

from presswork.core.tree import Document
from presswork.core.version import __version__


def read(source: str = ".", drafts: bool = False) -> Document:
    """The finished document tree of a project folder, folder of Markdown files or one .md file."""
    from presswork.build.pipeline import read_project

    return read_project(source, drafts)


def build(source: str = ".", **kwargs: object) -> object:
    """Build a book; see :func:`presswork.build.build` for the arguments."""
    from presswork.build.pipeline import build as _build

    return _build(source, **kwargs)  # type: ignore[arg-type]


__all__ = ["Document", "__version__", "build", "read"]
