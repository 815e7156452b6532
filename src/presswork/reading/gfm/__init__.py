"""The ``gfm`` reader: CommonMark + GitHub Flavored Markdown on markdown-it-py (the default)."""

from .reader import GfmReader

__all__ = ["GfmReader"]
