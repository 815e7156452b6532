"""The ``python-markdown`` reader (today's reader, kept for MkDocs sources)."""

from presswork.reading.pymd.reader import PyMarkdownReader

__all__ = ["PyMarkdownReader"]
