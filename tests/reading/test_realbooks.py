"""The word audit on real public books (listed with their commits in /work/corpus/MANIFEST.md):
an mdBook (rust-lang/book), a GitBook/HonKit book (DjangoGirls/tutorial) and a long single-file
README (vinta/awesome-python). Every word of every file must reach the tree.

Marked ``realbooks`` and deselected by default (pyproject addopts): the books are not part of the
repository. Run with ``pytest -m realbooks`` where /work/corpus (or $PRESSWORK_CORPUS) holds them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from presswork.core.diagnostics import Reporter
from presswork.reading import read_file

CORPUS = Path(os.environ.get("PRESSWORK_CORPUS", "/work/corpus"))
BOOKS = {"rust-book": "src", "djangogirls-tutorial": "en", "awesome-python": "."}

pytestmark = [pytest.mark.realbooks, pytest.mark.slow]


@pytest.mark.parametrize("book", list(BOOKS))
def test_real_book_loses_no_word(book: str) -> None:
    root = CORPUS / book
    if not root.is_dir():
        pytest.skip(f"{root} not present (see tests/reading/test_realbooks.py)")
    files = sorted((root / BOOKS[book]).rglob("*.md"))
    assert files
    lost: list[str] = []
    words = 0
    for path in files:
        source = read_file(path, path.relative_to(root).as_posix(), Reporter(), markdown="gfm")
        assert source.audit is not None
        words += source.audit.words
        lost += [f"{source.path}:{line}: {word}" for word, line in source.audit.lost]
    print(f"{book}: {len(files)} files, {words} distinct words per file summed, {len(lost)} lost")
    assert not lost, lost[:20]
