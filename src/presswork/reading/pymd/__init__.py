"""The ``python-markdown`` reader (today's reader, kept for MkDocs sources)."""

from .reader import PyMarkdownReader

__all__ = ["PyMarkdownReader"]
