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
