"""presswork: one Markdown source, three native outputs (PDF, EPUB 3, PPTX)."""

from __future__ import annotations

__version__ = "0.1.0"
