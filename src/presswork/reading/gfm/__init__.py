"""The ``gfm`` reader: CommonMark + GitHub Flavored Markdown on markdown-it-py (the default)."""

from presswork.reading.gfm.reader import GfmReader, MdbookReader

__all__ = ["GfmReader", "MdbookReader"]
