"""Real book projects of each kind (listed with their commits in /work/corpus/MANIFEST.md) read with
no configuration of their own: title from the project file, chapters in SUMMARY/nav order, no word lost;
and one of them built into all three formats and checked by EPUBCheck.

Marked ``realbooks`` and deselected by default (pyproject addopts): the books are not part of the
repository. Run with ``pytest -m realbooks`` where /work/corpus (or $PRESSWORK_CORPUS) holds them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from presswork.build.pipeline import build, read_document
from presswork.core.diagnostics import Reporter
from presswork.project.gate import make_gate
from presswork.project.load import load_project
from presswork.project.theme import load_theme

CORPUS = Path(os.environ.get("PRESSWORK_CORPUS", "/work/corpus"))
BOOKS = {
    "mdbook-rust-patterns": ("mdbook", "Rust Design Patterns", "src/SUMMARY.md"),
    "gitbook-typescript-deep-dive": ("honkit", "TypeScript Deep Dive", "SUMMARY.md"),
    "mkdocs-httpx": ("mkdocs", "HTTPX", ""),
    "quarto-tidyverse-code-review": ("quarto", "Tidyteam code review principles", ""),
}

pytestmark = [pytest.mark.realbooks, pytest.mark.slow]


def _root(name: str) -> Path:
    root = CORPUS / name
    if not root.is_dir():
        pytest.skip(f"{root} not present (see /work/corpus/MANIFEST.md)")
    return root


def _summary_order(root: Path, summary: str) -> list[str]:
    """The chapter files a SUMMARY.md links, first mention of each, as project-relative paths."""
    base = (root / summary).parent
    seen: list[str] = []
    for target in re.findall(r"\]\(([^)#\s]+\.md)", (root / summary).read_text(encoding="utf-8")):
        rel = (base / target).resolve().relative_to(root.resolve()).as_posix()
        if rel not in seen:
            seen.append(rel)
    return seen


#: Known reader gaps, not project-reading ones (strict: the test fails once they are fixed, to drop the mark).
_READER_GAP = pytest.mark.xfail(
    strict=True,
    reason="python-markdown reader drops <p align=center> without a warning "
    "(docs/contributing.md:109 'center'); reading/pymd is another helper's",
)


@pytest.mark.parametrize("name", [pytest.param(n, marks=_READER_GAP) if n == "mkdocs-httpx" else n for n in BOOKS])
def test_real_book_title_order_and_words(name: str) -> None:
    root = _root(name)
    kind, title, summary = BOOKS[name]
    project = load_project(root)
    assert project.book is not None and project.book.kind == kind
    reporter = Reporter()
    doc = read_document(project, make_gate(project.config, load_theme("default", root), reporter), reporter)
    assert doc.meta.title == title
    sources = list(dict.fromkeys(ch.source for ch in doc.chapters))
    assert sources == [e.path.relative_to(root.resolve()).as_posix() for e in project.book.entries]
    if summary:
        assert sources == _summary_order(root, summary)
    lost = [f"{a.path}:{line}: {word}" for a in reporter.audits for word, line in a.lost]
    assert not lost, lost[:20]


def test_real_quarto_book_builds_into_three_formats_that_epubcheck_accepts(tmp_path: Path) -> None:
    from tests.support.epubcheck import available, problems, run_epubcheck

    root = _root("quarto-tidyverse-code-review")
    result = build(root, out=tmp_path)
    assert set(result.outputs) == {"pdf", "epub", "pptx"}
    if available():
        assert problems(run_epubcheck(result.outputs["epub"])) == []
