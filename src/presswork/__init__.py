"""presswork: one Markdown source, three native outputs (PDF, EPUB 3, PPTX)."""

from __future__ import annotations

__version__ = "0.1.0"

from presswork.tree import Document  # noqa: E402


def read(source: str = ".", drafts: bool = False) -> Document:
    """The finished document tree of a project folder, folder of Markdown files or one .md file."""
    from presswork.build import read_project

    return read_project(source, drafts)


def build(source: str = ".", **kwargs: object) -> object:
    """Build a book; see :func:`presswork.build.build` for the arguments."""
    from presswork.build import build as _build

    return _build(source, **kwargs)  # type: ignore[arg-type]


__all__ = ["Document", "__version__", "build", "read"]
