"""hadley/r4ds (a Quarto book of knitr cells, see /work/corpus/MANIFEST.md) read as Quarto shows it.

Marked ``realbooks``: run with ``pytest -m realbooks`` where /work/corpus (or $PRESSWORK_CORPUS) holds ``r4ds``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from presswork.build.pipeline import read_document
from presswork.core.diagnostics import Reporter
from presswork.core.tree import CodeBlock, Figure, plain_text
from presswork.core.walk import query
from presswork.project.gate import make_gate
from presswork.project.load import load_project
from presswork.project.theme import load_theme

CORPUS = Path(os.environ.get("PRESSWORK_CORPUS", "/work/corpus"))

pytestmark = [pytest.mark.realbooks, pytest.mark.slow]


def test_r4ds_figures_hidden_cells_and_references() -> None:
    root = CORPUS / "r4ds"
    if not (root / "_quarto.yml").is_file():
        pytest.skip(f"{root} not present (see /work/corpus/MANIFEST.md)")
    project = load_project(root)
    reporter = Reporter()
    doc = read_document(project, make_gate(project.config, load_theme("default", root), reporter), reporter)
    figures = {f.image.attr.id or f.attr.id: f for f in query(doc, Figure)}
    cycle = figures["fig-ds-diagram"]  # the introduction is unnumbered: its figures are 1, 2...
    assert cycle.label == "Figure 1" and plain_text(cycle.caption).startswith("In our model of the data science")
    assert figures["fig-pivot-names"].label.startswith("Figure ")
    assert not any("include_graphics" in b.code for b in query(doc, CodeBlock))  # pictures, not calls
    options = [b for b in query(doc, CodeBlock) if "#|" in b.code and not b.code.startswith("```")]
    assert not options  # cell options are read, not shown (quarto.qmd shows cells as examples: kept)
    assert not [w for w in reporter.warnings if w.category == "audit"]
    # every reference left as ?@id names a figure made by running code, and says so where the cell is
    unresolved = {m.group(1) for w in reporter.warnings if (m := re.search(r"shown as \?@(fig-[\w-]+)", w.message))}
    not_made = {
        m.group(1) for w in reporter.warnings if (m := re.search(r"figure @(fig-[\w-]+) is not made", w.message))
    }
    assert unresolved and unresolved <= not_made
