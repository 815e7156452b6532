"""The myst reader on real MyST projects (listed with their commits in /work/corpus/MANIFEST.md): the docs of
executablebooks/MyST-Parser, jupyter-book/mystmd and jupyter-book/jupyter-book. Every word reaches the tree,
and no role or directive is left as written outside code.

Marked ``realbooks`` and deselected by default; run with ``pytest -m realbooks`` where /work/corpus
(or $PRESSWORK_CORPUS) holds them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Text
from presswork.core.walk import iter_nodes
from presswork.reading import read_file

CORPUS = Path(os.environ.get("PRESSWORK_CORPUS", "/work/corpus"))
BOOKS = {"MyST-Parser": "docs", "mystmd": "docs", "jupyter-book": "docs"}
_LITERAL = re.compile(r"\{[a-zA-Z][\w:.-]*\}`|^`{3,}\{[a-zA-Z]|^:{3,}\{[a-zA-Z]", re.M)

#: Left as written on purpose, each a slip in the source: a role never closed, a block substitution used inline.
KNOWN_LITERAL: dict[str, list[str]] = {
    "MyST-Parser": ["docs/syntax/optional.md: ```{n", "docs/syntax/optional.md: {ref}`"],
    "mystmd": [],
    "jupyter-book": [],
}

pytestmark = [pytest.mark.realbooks, pytest.mark.slow]


def _prose(blocks: object) -> str:
    """The text of a tree outside code (code may show MyST syntax on purpose: these are MyST's own docs)."""
    return "\n".join(n.text for n in iter_nodes(blocks) if isinstance(n, Text))  # type: ignore[arg-type]


@pytest.mark.parametrize("book", list(BOOKS))
def test_myst_book_loses_no_word_and_leaves_no_markup(book: str) -> None:
    root = CORPUS / book
    if not root.is_dir():
        pytest.skip(f"{root} not present (see tests/reading/myst/test_myst_realbooks.py)")
    files = [p for p in sorted((root / BOOKS[book]).rglob("*.md")) if "node_modules" not in p.parts]
    assert files
    lost: list[str] = []
    literal: list[str] = []
    words = 0
    for path in files:
        source = read_file(path, path.relative_to(root).as_posix(), Reporter(), markdown="myst")
        assert source.audit is not None
        words += source.audit.words
        lost += [f"{source.path}:{line}: {word}" for word, line in source.audit.lost]
        literal += [f"{source.path}: {m.group(0)}" for m in _LITERAL.finditer(_prose(source.blocks))]
    print(f"{book}: {len(files)} files, {words} distinct words per file summed, {len(lost)} lost, {literal}")
    assert not lost, lost[:20]
    assert literal == KNOWN_LITERAL[book]
