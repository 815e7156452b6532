"""Notebook chapters end to end: the sample of ``presswork new --notebook`` in PDF, EPUB and deck; invalid notebooks."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from presswork.commands.new import new_project


@pytest.mark.slow
def test_the_notebook_sample_publishes_outputs_in_every_format(presswork, tmp_path: Path) -> None:
    book = tmp_path / "nb"
    new_project(book, "Notebook Book", notebook=True)
    assert (book / "content" / "03-measuring.ipynb").is_file()
    result = presswork("build", book, "--format", "pdf,epub,pptx")
    assert result.status == 0, result.err
    out = book / "output"
    pdf = subprocess.run(["pdftotext", "-layout", str(out / "notebook-book.pdf"), "-"], capture_output=True, text=True)
    text = " ".join(pdf.stdout.split())
    assert "rag+rerank 0.90 980" in text  # the DataFrame's row
    assert "best pipeline: rag+rerank (90%)" in text  # the stream
    assert "KeyError: 'recall'" in text and "[0;31m" not in text  # the traceback, without colour codes
    assert "Figure 3.1 Answer accuracy of each pipeline" in text
    images = subprocess.run(["pdfimages", "-list", str(out / "notebook-book.pdf")], capture_output=True, text=True)
    assert re.search(r"\b480\s+300\b", images.stdout)  # the plot, at its own size
    with zipfile.ZipFile(out / "notebook-book.epub") as epub:
        xhtml = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
        pngs = [n for n in epub.namelist() if n.endswith(".png")]
    assert "<table" in xhtml and "<td>rag+rerank</td>" in xhtml.replace(" ", "")
    assert 'class="code output stdout"' in xhtml and pngs
    deck = Presentation(str(out / "notebook-book.pptx"))
    shapes = [s for slide in deck.slides for s in slide.shapes]
    assert any(s.shape_type == 13 for s in shapes)  # the plot is a picture
    assert any(getattr(s, "has_table", False) and s.has_table for s in shapes)


def test_an_invalid_notebook_stops_the_build_naming_the_file(presswork, make_book) -> None:
    book = make_book({"01.md": "# One\n\ntext\n", "02.ipynb": '{"cells": [{"cell_type": "code"}], "nbformat": 4}'})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert "02.ipynb" in result.err and "not a valid Jupyter notebook" in result.err
    assert "Traceback" not in result.err


def test_a_notebook_file_alone_is_a_book(presswork, make_book) -> None:
    nb = '{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Alone\\n\\nWords here."}],'
    nb += ' "metadata": {}, "nbformat": 4, "nbformat_minor": 4}'
    book = make_book({"alone.ipynb": nb})
    result = presswork("build", book / "alone.ipynb", "--format", "epub")
    assert result.status == 0, result.err


def test_a_message_in_a_notebook_shows_the_line_of_its_cell(presswork, make_book) -> None:
    cell = {
        "cell_type": "markdown",
        "metadata": {},
        "source": "# Title\n\nSee the plot:\n\n![Plot](../../outside.png)\n",
    }
    nb = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 4})
    book = make_book({"nb.ipynb": nb})
    result = presswork("build", book, "--format", "epub")
    assert "nb.ipynb:cell 1:5: " in result.err
    assert "   5 | ![Plot](../../outside.png)" in result.err  # the cell's line, not the JSON file's fifth line


def test_a_rebuild_takes_each_notebook_from_the_read_cache_with_its_warnings(
    make_book, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notebook is read once (its Markdown cells parsed, its outputs turned into blocks): a later build, in a new
    process, takes its tree from the read cache, says the same warnings at the same cells, and writes the same
    EPUB. An edited notebook is read again."""
    from presswork.build.pipeline import build
    from presswork.cache import store
    from presswork.reading import notebook

    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Title\n\nWords.\n\n### Too deep\n\nMore words.\n"},
        {"cell_type": "code", "metadata": {}, "source": "print('hi')", "execution_count": 1, "outputs": []},
    ]
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    book = make_book({"nb.ipynb": json.dumps(nb), "presswork.toml": 'title = "T"\ndate = "2025-01-02"\n'})
    first = build(book, formats=["epub"])
    said = [(w.message, str(w.pos)) for w in first.reporter.warnings]
    assert any("heading level jumps" in message and "cell 1:5" in pos for message, pos in said), said
    epub = first.outputs["epub"].read_bytes()
    store._MEMORY.clear()  # as in a new process
    read: list[str] = []
    real = notebook.read_notebook
    monkeypatch.setattr(notebook, "read_notebook", lambda text, path, *a: (read.append(path), real(text, path, *a))[1])
    again = build(book, formats=["epub"])
    assert read == [], "the unchanged notebook was read again"
    assert [(w.message, str(w.pos)) for w in again.reporter.warnings] == said
    assert again.outputs["epub"].read_bytes() == epub
    cells[0]["source"] += "\nOne more sentence.\n"
    (book / "nb.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    build(book, formats=["epub"])
    assert read == ["nb.ipynb"]
