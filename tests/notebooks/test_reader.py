"""The notebook reader: cells, outputs, tags and options, positions that name the cell, invalid files."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import CodeBlock, Div, Figure, Heading, Table
from presswork.core.walk import iter_nodes
from presswork.reading.notebook import read_notebook

SAMPLE = files("presswork").joinpath("scaffold/_notebook/content/03-measuring.ipynb")
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def _notebook(*cells: Any, language: str = "python") -> str:
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"name": "k", "display_name": "K", "language": language}}
    nb.cells = list(cells)
    return nbformat.writes(nb)


def test_the_sample_notebook_reads_into_code_table_figure_and_outputs() -> None:
    reporter = Reporter()
    blocks = read_notebook(SAMPLE.read_text(encoding="utf-8"), "content/03.ipynb", reporter).blocks
    assert isinstance(blocks[0], Heading)
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1 and len(tables[0].body) == 4  # the DataFrame, as a real table
    assert tables[0].alignments == ("right", "", "right", "right")  # numbers right, as pandas shows them
    figure = next(b for b in blocks if isinstance(b, Figure))
    assert figure.attr.id == "fig-accuracy" and figure.image.src.startswith("data:image/png;base64,")
    assert "accuracy" in str(figure.caption)
    codes = [b for b in blocks if isinstance(b, CodeBlock)]
    assert [b.language for b in codes if "cell-input" in b.attr.classes] == ["python"] * 4
    assert "#|" not in "".join(b.code for b in codes)  # Quarto options are not code
    stream = next(b for b in codes if "stdout" in b.attr.classes)
    assert "output" in stream.attr.classes and stream.code == "best pipeline: rag+rerank (90%)"
    error = next(b for b in codes if "error" in b.attr.classes)
    assert "KeyError: 'recall'" in error.code and "\x1b" not in error.code
    assert not reporter.warnings


def test_tags_and_quarto_options_choose_what_is_shown() -> None:
    out = new_output("stream", name="stdout", text="printed\n")
    text = _notebook(
        new_code_cell("a = 1", metadata={"tags": ["remove-input"]}, outputs=[out]),
        new_code_cell("b = 2", metadata={"tags": ["remove-output"]}, outputs=[out]),
        new_code_cell("c = 3", metadata={"tags": ["remove-cell"]}, outputs=[out]),
        new_code_cell("d = 4", metadata={"tags": ["hide-input"]}),
        new_code_cell("#| echo: false\ne = 5", outputs=[out]),
        new_code_cell("#| output: false\nf = 6", outputs=[out]),
    )
    blocks = read_notebook(text, "n.ipynb").blocks
    codes = [n.code for n in iter_nodes(blocks) if isinstance(n, CodeBlock)]
    assert codes == ["printed", "b = 2", "d = 4", "printed", "f = 6"]
    hidden = next(b for b in blocks if isinstance(b, Div))
    assert hidden.attr.classes == ("details", "hide-input")  # folded in the e-book and site, printed, in the notes


def test_language_comes_from_the_kernel() -> None:
    blocks = read_notebook(_notebook(new_code_cell("x <- 1"), language="R"), "r.ipynb").blocks
    assert isinstance(blocks[0], CodeBlock) and blocks[0].language == "r"


def test_widgets_show_their_text_with_a_warning_and_html_is_read() -> None:
    widget = new_output(
        "display_data", {"application/vnd.jupyter.widget-view+json": {"model_id": "x"}, "text/plain": "IntSlider(5)"}
    )
    html = new_output("display_data", {"text/html": "<p>Some <b>bold</b> words</p>", "text/plain": "<HTML>"})
    reporter = Reporter()
    blocks = read_notebook(_notebook(new_code_cell("w", outputs=[widget, html])), "w.ipynb", reporter).blocks
    assert any(isinstance(b, CodeBlock) and b.code == "IntSlider(5)" for b in blocks)
    assert "bold" in str(blocks) and "<b>" not in str(blocks)
    assert [str(w.pos) for w in reporter.warnings] == ["w.ipynb:cell 1:1"]


def test_a_markdown_cell_warning_names_the_cell_and_its_line() -> None:
    reporter = Reporter()
    text = _notebook(new_markdown_cell("# T"), new_markdown_cell("one\n\ntwo <blink>x</blink>"))
    blocks = read_notebook(text, "metrics.ipynb", reporter).blocks
    assert [str(w.pos) for w in reporter.warnings] == ["metrics.ipynb:cell 2:3"]
    assert str(blocks[-1].pos) == "metrics.ipynb:cell 2:3"


def test_attachments_become_pictures() -> None:
    cell = new_markdown_cell("![A dot](attachment:dot.png)", attachments={"dot.png": {"image/png": PNG}})
    blocks = read_notebook(_notebook(cell), "a.ipynb").blocks
    assert isinstance(blocks[0], Figure) and blocks[0].image.src == f"data:image/png;base64,{PNG}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "invalid JSON"),
        (json.dumps({"cells": [{"cell_type": "code"}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}), "valid"),
        ("[1, 2]", "no 'cells'"),
    ],
)
def test_an_invalid_notebook_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(PressworkError) as caught:
        read_notebook(text, "bad.ipynb")
    assert caught.value.pos is not None and caught.value.pos.file == "bad.ipynb"
    assert message in caught.value.message and "Traceback" not in str(caught.value)


def test_long_code_and_long_outputs_stay_off_the_slides() -> None:
    long_code = "\n".join(f"x{i} = {i}" for i in range(14))
    long_out = new_output("stream", name="stdout", text="".join(f"row {i}\n" for i in range(30)))
    blocks = read_notebook(
        _notebook(new_code_cell(long_code, outputs=[long_out]), new_code_cell("y = 1")), "l.ipynb"
    ).blocks
    assert [b.attr.classes for b in blocks if isinstance(b, Div)] == [("no-slides",), ("no-slides",)]
    assert isinstance(blocks[-1], CodeBlock) and blocks[-1].code == "y = 1"  # short code stays on the slide


def test_keys_a_cell_may_not_have_are_dropped_with_a_warning() -> None:
    """A Markdown cell with ``outputs`` (its type changed from code): Jupyter shows it; so does presswork."""
    cell = {"cell_type": "markdown", "metadata": {}, "source": "Kept words.", "outputs": [], "execution_count": None}
    text = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 4})
    reporter = Reporter()
    blocks = read_notebook(text, "m.ipynb", reporter).blocks
    assert "Kept words." in str(blocks)
    assert [str(w) for w in reporter.warnings] == [
        "m.ipynb:cell 1:1: warning: markdown cell has 'execution_count', 'outputs', which Jupyter ignores; ignored"
    ]


def test_cell_ids_in_a_notebook_older_than_4_5_do_not_stop_the_build() -> None:
    """Python Data Science Handbook's 01.01: nbformat 4.4, whose schema has no cell ids, with ids a newer
    Jupyter wrote. Jupyter opens it; presswork reads it, without a warning (an id is no word of the book)."""
    cells = [
        {"cell_type": "markdown", "id": "intro-1", "metadata": {}, "source": "# Getting Started\n\nKept words."},
        {"cell_type": "code", "id": "c2", "metadata": {}, "source": "x = 1", "outputs": [], "execution_count": None},
    ]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4})
    reporter = Reporter()
    blocks = read_notebook(text, "n.ipynb", reporter).blocks
    assert "Kept words." in str(blocks) and any(isinstance(b, CodeBlock) and b.code == "x = 1" for b in blocks)
    assert not reporter.warnings


def test_tables_side_by_side_keep_each_its_own_caption() -> None:
    """Python Data Science Handbook's ``display`` class: several DataFrames, each under its name."""
    frame = '<div><style scoped>.x {}</style><table class="dataframe"><thead><tr><th></th><th>{0}</th></tr></thead>'
    frame += "<tbody><tr><th>0</th><td>{0} value</td></tr></tbody></table></div>"
    html = "".join(
        f'<div style="float: left"><p style="font-family:monospace">{name}</p>{frame.replace("{0}", name)}</div>'
        for name in ("df3", "df4", "pd.merge(df3, df4)")
    )
    out = new_output("execute_result", {"text/html": html, "text/plain": "x"}, execution_count=1)
    blocks = read_notebook(_notebook(new_code_cell("display()", outputs=[out])), "t.ipynb").blocks
    tables = [b for b in blocks if isinstance(b, Table)]
    assert [str(t.caption[0].text) for t in tables] == ["df3", "df4", "pd.merge(df3, df4)"]  # type: ignore[attr-defined]
    assert [t.body[0][1] for t in tables][2][0].text == "pd.merge(df3, df4) value"  # type: ignore[attr-defined]
