"""Raw ``<br/>`` and ``<hr/>`` written without a space before the slash break the line; the words on either
side are never glued together (rust-lang/nomicon's ``phantom-data.md`` table: "Send + Sync<br/>requires")."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from presswork import reading
from presswork.core.diagnostics import Reporter
from presswork.core.tree import Code, LineBreak, Paragraph, Table, Text

TABLE = """| Phantom type | `Send`/`Sync`<br/>(or lack thereof) |
|---|---|
| `PhantomData<&'a T>` | `Send + Sync`<br/>requires<br/>`T : Sync` |
"""


@pytest.mark.parametrize("markdown", ["gfm", "python-markdown"])
def test_br_without_a_space_breaks_a_table_cell(markdown: str) -> None:
    reporter = Reporter()
    (table,) = reading.read_markdown(TABLE, "t.md", reporter, markdown=markdown, smart=False).blocks
    assert isinstance(table, Table)
    assert table.body[0][1] == (Code("Send + Sync"), LineBreak(), Text("requires"), LineBreak(), Code("T : Sync"))
    assert table.head[0][1][-2:] == (LineBreak(), Text("(or lack thereof)"))
    assert reporter.warnings == []


def test_br_and_hr_without_a_space_inside_a_paragraph() -> None:
    reporter = Reporter()
    text = "Line one<br/>line two<hr/>after.\n"
    (paragraph,) = reading.read_markdown(text, "t.md", reporter, smart=False).blocks
    assert paragraph == Paragraph((Text("Line one"), LineBreak(), Text("line two"), LineBreak(), Text("after.")))
    assert reporter.warnings == []


def test_the_words_stay_apart_in_the_pdf(presswork, make_book) -> None:
    book = make_book({"01-a.md": "# Variance\n\nSend and Sync<br/>requires more<hr/>than this.\n\n" + TABLE})
    result = presswork("build", book, "--format", "pdf")
    assert result.status == 0, result.err
    text = subprocess.run(
        ["pdftotext", str(Path(book) / "output" / "variance.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = text.split()
    assert "Syncrequires" not in text and "morethan" not in text
    assert {"Sync", "requires", "more", "than", "thereof)"} <= set(words)


@pytest.mark.realbooks
def test_nomicon_phantom_data_table_keeps_its_words_apart() -> None:
    from tests.reading.test_realbooks import CORPUS

    path = CORPUS / "nomicon" / "src" / "phantom-data.md"
    if not path.is_file():
        pytest.skip(f"{path} not present (rust-lang/nomicon, see tests/reading/test_realbooks.py)")
    reporter = Reporter()
    source = reading.read_file(path, "src/phantom-data.md", reporter, markdown="gfm")
    table = next(b for b in source.blocks if isinstance(b, Table))
    cells = [cell for row in table.body for cell in row]
    assert any(cell[:3] == (Code("Send + Sync"), LineBreak(), Text("requires")) for cell in cells)
    assert source.audit is not None and not source.audit.lost
