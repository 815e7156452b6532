"""An image file that does not exist: a box naming it in every format and a warning at its line; an error
under ``--strict``."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

from tests.support.cli import problem_lines

BOOK = {"01-a.md": "# Missing\n\nBefore.\n\n![A chart](img/chart.png)\n\nAfter.\n"}
SHOWN = "[missing image: img/chart.png (A chart)]"


def _pptx_text(path: Path) -> str:
    from pptx import Presentation

    deck = Presentation(io.BytesIO(path.read_bytes()))
    return "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)


def test_a_missing_image_is_a_box_naming_it_in_every_format(presswork, make_book) -> None:
    book = make_book(BOOK)
    result = presswork("build", book, "--format", "pdf,epub,pptx,html")
    assert result.status == 0, result.err
    assert "01-a.md:5: warning: file not found: 'img/chart.png'; a box with its name stands in its place" in result.err
    out = book / "output"
    pdf = subprocess.run(["pdftotext", str(out / "missing.pdf"), "-"], capture_output=True, text=True, check=True)
    assert SHOWN in pdf.stdout and "After." in pdf.stdout
    with zipfile.ZipFile(out / "missing.epub") as z:
        chapter = next(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml") and b"Before." in z.read(n))
    assert f'<span class="image-missing">{SHOWN}</span>' in chapter
    assert SHOWN in _pptx_text(out / "missing.pptx")
    page = next(p.read_text() for p in (out / "missing-site").rglob("*.html") if "Before." in p.read_text())
    assert f'<span class="image-missing">{SHOWN}</span>' in page
    assert ".image-missing" in next((out / "missing-site").rglob("*.css")).read_text()


def test_a_missing_image_is_an_error_under_strict(presswork, make_book) -> None:
    book = make_book(BOOK)
    result = presswork("build", book, "--format", "epub", "--strict")
    assert result.status == 1
    assert problem_lines(result.err) == [
        "01-a.md:5: file not found: 'img/chart.png'; a box with its name stands in its place "
        "(--strict turns warnings into errors)"
    ]
    assert not (book / "output" / "missing.epub").exists()


def test_an_image_file_that_is_no_image_is_a_box_too(presswork, make_book) -> None:
    """yeasy/docker_practice ships a GitHub HTML page named settings-kubernetes.png."""
    book = make_book(
        {
            "01-a.md": "# Bad\n\n![Settings](settings.png)\n\n![Garbage](x.png)\n\nAfter.\n",
            "settings.png": "<!DOCTYPE html>\n<html><head><meta charset=utf-8></head><body>a page</body></html>\n",
            "x.png": b"GIF89a garbage",
        }
    )
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err
    warnings = [line for line in result.err.splitlines() if ": warning: " in line]
    assert len(warnings) == 2 and warnings[0].startswith("01-a.md:3: warning: image 'settings.png': not")
    assert warnings[1].startswith("01-a.md:5: warning: image 'x.png' cannot be read")
    assert all(w.endswith("; a box with its name stands in its place") for w in warnings)
    with zipfile.ZipFile(book / "output" / "bad.epub") as z:
        chapter = next(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml") and b"After." in z.read(n))
    assert "[unreadable image: settings.png (Settings)]" in chapter
    assert "[unreadable image: x.png (Garbage)]" in chapter
    assert presswork("build", book, "--format", "epub", "--strict").status == 1


EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nnewpath 10 10 moveto 90 90 lineto stroke\nshowpage\n"


def test_an_eps_figure_is_a_box_with_a_warning_not_a_failed_format(presswork, make_book) -> None:
    """mystmd's docs: an ``.eps`` figure made the EPUB fail ("Unable to locate Ghostscript"): Pillow reads its
    header but needs an outside program to draw it, which presswork never runs."""
    book = make_book({"01-a.md": "# Figures\n\n![A line](fig.eps)\n\nText after.\n"})
    (book / "fig.eps").write_bytes(EPS)
    result = presswork("build", book, "--format", "pdf,epub,pptx")
    assert result.status == 0, result.err
    assert "01-a.md:3: warning: image 'fig.eps' is PostScript (EPS)" in result.err
    with zipfile.ZipFile(book / "output" / "figures.epub") as epub:
        text = " ".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert "fig.eps" in text and "Text after." in text


def test_a_missing_picture_named_from_the_sites_root_is_a_box_not_a_failed_build(presswork, make_book) -> None:
    """A docs page's ``/img/x.png`` names a picture from the site's root (tokio's docs keep them in the site's
    ``public/``, outside the book): missing, it is a box and a warning, as a relative one is; the other
    images of the book are still read."""
    book = make_book(
        {
            "01-a.md": "# Site paths\n\n![A trace](/img/traces/first.png)\n\nAfter.\n",
            "02-b.md": "# Next\n\nThe end.\n",
        }
    )
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err
    assert (
        "01-a.md:3: warning: file not found: '/img/traces/first.png' (a path from the site's root); "
        "a box with its name stands in its place"
    ) in result.err
    with zipfile.ZipFile(next((book / "output").glob("*.epub"))) as z:
        text = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert "[missing image: /img/traces/first.png (A trace)]" in text and "The end." in text
