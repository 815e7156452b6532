"""Test helpers, imported as ``tests.support.*``: output readers, hand-built trees, safety probes, EPUBCheck."""

from __future__ import annotations

from pathlib import Path

#: The repository (the sample book's project folder).
REPO = Path(__file__).resolve().parents[2]
#: The fixture books (``tests/books/<name>``).
BOOKS = REPO / "tests" / "books"
