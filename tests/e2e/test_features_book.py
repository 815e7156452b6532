"""End to end on the Markdown fixture book (tests/books/features): every feature, every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.outputs import epub_text, markdown_words, missing_words, pdf_text, pptx_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path], object]:
    import shutil

    from presswork.build.pipeline import build
    from tests.support import BOOKS

    book = tmp_path_factory.mktemp("features") / "features"
    shutil.copytree(BOOKS / "features", book)
    result = build(book)
    return book, result.outputs, result


def test_builds_all_formats_without_warnings(outputs) -> None:
    _, built, result = outputs
    assert sorted(built) == ["epub", "pdf", "pptx"]
    assert [str(w) for w in result.reporter.warnings] == []


def test_epubcheck_reports_nothing(outputs) -> None:
    from tests.support.epubcheck import problems, run_epubcheck

    assert [str(m) for m in problems(run_epubcheck(outputs[1]["epub"]))] == []


@pytest.mark.parametrize("fmt", ["pdf", "epub", "pptx"])
def test_every_source_word_reaches_the_output(outputs, fmt: str) -> None:
    """Every prose word of the chapters is in the output; ``::: notes`` text only in the deck."""
    import re

    book, built, _ = outputs
    sources = [p.read_text(encoding="utf-8") for p in sorted((book / "chapters").glob("*.md"))]
    if fmt != "pptx":
        sources = [re.sub(r"^::: notes\n.*?^:::\n", "", s, flags=re.S | re.M) for s in sources]
    expected = markdown_words("\n".join(sources))
    text = {"pdf": pdf_text, "epub": epub_text, "pptx": pptx_text}[fmt](built[fmt])
    assert missing_words(expected, text) == []
    if fmt != "pptx":
        assert "Speaker notes only" not in text


def test_ordered_list_numbers_survive_in_every_format(outputs) -> None:
    _, built, _ = outputs
    import subprocess

    layout = subprocess.run(["pdftotext", "-layout", str(built["pdf"]), "-"], capture_output=True, text=True).stdout
    assert "3. Download the package" in layout and "5. Run it" in layout
    assert 'start="3"' in "".join(_epub_members(built["epub"]))


def test_deck_shows_every_word_when_rendered(outputs, tmp_path: Path) -> None:
    from pptx import Presentation

    from tests.support.decks import check_font_floors, lost_words

    total, lost, detail = lost_words(outputs[1]["pptx"], tmp_path)
    assert total > 150 and lost == 0, detail
    check_font_floors(Presentation(str(outputs[1]["pptx"])))


def _epub_members(epub: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(epub) as z:
        return [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")]
