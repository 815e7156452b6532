"""The contents' page numbers are written into a front matter laid out once with placeholders (batches/numbers.py)."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from presswork.exporters.pdf.batches import layout as layout_module
from presswork.exporters.pdf.batches.numbers import _index, _width, placeholders, sentinel
from tests.exporters.pdf.tagged import check_tagged
from tests.exporters.pdf.test_batches import PARAGRAPH, build_pdf, contents_entries, facts, make_book

BATCHED = 'batch = "on"\nbatch_size = 2'


def contents_page(pdf: Path) -> int:
    """The 1-based number of the page that opens the contents."""
    texts = facts.__wrapped__(pdf)["texts"]
    return next(n for n, t in enumerate(texts, 1) if t.lstrip().startswith("Contents"))


def page_image(pdf: Path, page: int, dest: Path) -> Image.Image:
    """Page ``page`` of ``pdf`` drawn by Poppler at 100 dpi."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-f", str(page), "-l", str(page), "-singlefile", pdf, dest], check=True
    )
    return Image.open(dest.with_suffix(".png")).convert("RGB")


def test_placeholders_keep_each_digit_count_and_hold_every_digit() -> None:
    numbers = {f"a{n:02d}": n for n in (1, 5, 9, 12, 40, 99, 100, 250)}
    shown = placeholders(numbers)
    assert shown is not None
    assert {k: len(str(v)) for k, v in shown.items()} == {k: len(str(v)) for k, v in numbers.items()}
    assert set("".join(map(str, shown.values()))) == set("0123456789")
    assert placeholders({"a": 3, "b": 7}) is None  # two digits cannot hold ten: laid out with the numbers


def test_a_sentinel_colour_names_its_placeholder_and_no_theme_colour_is_one() -> None:
    for index in (0, 1, 2999, 3000, 123_456):
        written = [float(f"{channel:f}") for channel in sentinel(index)]  # as a PDF holds it: six decimals
        assert _index(written) == index
    assert _index([0.372549, 0.4, 0.439216]) is None
    assert _index([0.0, 0.0, 0.0]) is None
    assert all(channel < 1 / 255 for channel in sentinel(9_000_000 - 1))


def test_digit_widths_are_read_from_both_forms_of_a_cid_fonts_widths() -> None:
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    widths = Array([20, Array([500, 510]), 30, 39, 600])
    font = Dictionary(
        Subtype=Name.Type0, Encoding=Name("/Identity-H"), DescendantFonts=Array([Dictionary(W=widths, DW=1000)])
    )
    assert [_width(font, n.to_bytes(2, "big")) for n in (20, 21, 30, 35, 39, 50)] == [500, 510, 600, 600, 600, 1000]
    assert _width(pikepdf.Dictionary(Subtype=Name.Type1), b"\x00\x14") is None


@pytest.mark.slow  # lays a twelve-chapter book out batched three times and serially once
@pytest.mark.parametrize("two_sided", [False, True])
def test_a_page_count_edit_writes_the_new_numbers_without_laying_the_front_matter_out(
    two_sided: bool, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chapter 9 grows by pages: the front matter (with placeholders) comes from the cache, the later chapters'
    numbers are written in, and the contents page is drawn exactly as a layout with the real numbers draws it
    (the serial layout's), in reading order and tagged; the bytes are a clean build's. A rebuild that moves no
    number takes the written pages from the cache."""
    print_mode = "\nprint = true" if two_sided else ""
    folder = make_book(tmp_path / "book", chapters=12, pdf=BATCHED + print_mode)
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        build_pdf(folder)
    assert re.search(r"PDF contents: \d+ page numbers written into the front matter", caplog.text), caplog.text
    path = folder / "09-chapter.md"
    path.write_text(path.read_text(encoding="utf-8") + ("\n\n" + PARAGRAPH * 6) * 6, encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        edited = build_pdf(folder)
    assert "PDF contents: 24 page numbers written into the front matter" in caplog.text
    assert "2 of 9 layouts made" in caplog.text, caplog.text  # chapter 9's batch and the furniture, not the front
    after = facts.__wrapped__(edited)
    entries = dict(contents_entries(after["texts"]))  # pypdf reads the page in its content order
    outline = {t: p for d, t, p in after["outline"] if d == 0}
    for n in (8, 9, 10, 12):
        title = f"Chapter {n}: The pipeline"
        assert entries[title] == after["labels"][outline[title]], title
    assert not check_tagged(edited).problems
    edited_bytes = edited.read_bytes()

    serial_folder = make_book(tmp_path / "serial", chapters=12, pdf=print_mode.strip())
    shutil.copy(path, serial_folder / path.name)
    serial = build_pdf(serial_folder)
    page = contents_page(edited)
    assert page == contents_page(serial)
    ours, theirs = page_image(edited, page, tmp_path / "ours"), page_image(serial, page, tmp_path / "theirs")
    assert ImageChops.difference(ours, theirs).getbbox() is None, (
        "the contents page differs from a layout with its numbers"
    )
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), edited, "-"], capture_output=True, text=True)
    assert re.search(r"Chapter 12: The pipeline[ .]+\d\d\n", text.stdout)

    shutil.rmtree(folder / ".presswork-cache")
    assert build_pdf(folder).read_bytes() == edited_bytes

    def not_again(*args: object) -> None:
        raise AssertionError("the numbers were written in again")

    monkeypatch.setattr(layout_module, "write_numbers", not_again)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        assert build_pdf(folder).read_bytes() == edited_bytes
    assert "page numbers written into the front matter" in caplog.text


PROPORTIONAL = """
.toc a::after { font-variant-numeric: proportional-nums; }
"""


@pytest.mark.slow  # lays a twelve-chapter book out batched
def test_numbers_in_proportional_figures_are_laid_out_with_the_front_matter(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Digits of different widths cannot replace a placeholder's: the front matter is laid out with its numbers."""
    folder = make_book(tmp_path / "book", chapters=12, pdf=BATCHED)
    theme = folder / "themes" / "mine"
    (theme / "pdf").mkdir(parents=True)
    (theme / "theme.toml").write_text('name = "mine"\nextends = "default"\n', encoding="utf-8")
    default_css = Path(__file__).resolve().parents[3] / "themes" / "default" / "pdf" / "book.css"
    (theme / "pdf" / "book.css").write_text(default_css.read_text(encoding="utf-8") + PROPORTIONAL, encoding="utf-8")
    config = folder / "presswork.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[pdf]", 'theme = "mine"\n\n[pdf]'), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        pdf = build_pdf(folder)
    assert "page numbers laid out with the front matter" in caplog.text, caplog.text
    after = facts.__wrapped__(pdf)
    entries = dict(contents_entries(after["texts"]))
    outline = {t: p for d, t, p in after["outline"] if d == 0}
    assert all(entries[t] == after["labels"][p] for t, p in outline.items() if t in entries)
    assert len(entries) >= 12
