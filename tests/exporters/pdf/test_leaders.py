"""Dot leaders (the contents' ``leader('.')``) laid out as one text box: the same page, a fraction of the drawing."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from presswork.compat.weasyprint import import_weasyprint

CSS = '.toc a::after { content: leader(".") "123"; } body { font-family: "Noto Serif"; }'
HTML = (
    '<html lang="en"><head><title>Contents</title></head><body><ol class="toc">'
    + "".join(f'<li><a href="#c{n}">Chapter {n}, a title of some length</a></li>' for n in range(40))
    + "</ol></body></html>"
)


def leader_boxes(box: Any) -> list[Any]:
    found = [box] if getattr(box, "is_leader", False) else []
    for child in getattr(box, "children", ()):
        found += leader_boxes(child)
    return found


def render(original: bool = False) -> Any:
    import_weasyprint()
    import weasyprint.layout.inline as inline
    from weasyprint import CSS as Sheet
    from weasyprint import HTML as Source

    patched = inline.handle_leader
    if original:
        inline.handle_leader = patched.original
    try:
        return Source(string=HTML).render(stylesheets=[Sheet(string=CSS)])
    finally:
        inline.handle_leader = patched


def first_page_png(document: Any, folder: Path, name: str) -> Image.Image:
    pdf = folder / f"{name}.pdf"
    out = io.BytesIO()
    document.write_pdf(out, pdf_tags=True)
    pdf.write_bytes(out.getvalue())
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(pdf), str(folder / name)], check=True)
    return Image.open(folder / f"{name}-1.png").convert("L")


def test_each_leader_is_one_text_box_of_dots() -> None:
    from presswork.compat.weasyprint import page_box

    leaders = leader_boxes(page_box(render().pages[0]))
    assert len(leaders) == 40
    for leader in leaders:
        (dots,) = leader.children
        assert set(dots.text) == {"."} and len(dots.text) > 20


@pytest.mark.slow
def test_the_page_looks_as_with_one_box_per_dot_and_reads_the_same(tmp_path: Path) -> None:
    ours, theirs = render(), render(original=True)
    assert len(leader_boxes(page_box_of(theirs))[0].children) > 20  # WeasyPrint's own: one box per dot
    difference = ImageChops.difference(
        first_page_png(ours, tmp_path, "ours"), first_page_png(theirs, tmp_path, "theirs")
    )
    assert difference.getbbox() is None, "the page images differ"
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "ours.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Chapter 39, a title of some length ......" in text and text.count("123") == 40
    assert (tmp_path / "ours.pdf").stat().st_size < (tmp_path / "theirs.pdf").stat().st_size / 2


def page_box_of(document: Any) -> Any:
    from presswork.compat.weasyprint import page_box

    return page_box(document.pages[0])
