"""The ``myst`` reader: MyST Markdown (Jupyter Book, Sphinx ``myst-parser``) on top of the gfm reader."""

from presswork.reading.myst.reader import MystReader

__all__ = ["MystReader"]
