"""Embedded fonts in the EPUB: the theme's families, subset to the book's characters, deterministic, EPUBCheck-clean."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from presswork.core.tree import Chapter, Code, CodeBlock, Document, Emphasis, Meta, Paragraph, Text
from presswork.exporters.common.fonts import face_file
from presswork.exporters.epub import EpubExporter
from presswork.exporters.epub.fonts import embedded_fonts, primary_families, subset, used_characters
from tests.support import epubcheck
from tests.support.trees import make_context

pytestmark = pytest.mark.skipif(face_file("DejaVu Sans Mono") is None, reason="DejaVu fonts not installed")

CSS = """@namespace epub "http://www.idpf.org/2007/ops";
body { font-family: "No Such Font", "DejaVu Serif", serif; }
code { font-family: 'DejaVu Sans Mono', monospace; }
h1 { font-family: "DejaVu Serif", sans-serif; }
li::before { content: "\\2022  x"; }
"""


def test_the_first_installed_family_of_each_declaration_is_embedded() -> None:
    assert primary_families(CSS) == ["DejaVu Serif", "DejaVu Sans Mono"]
    chars = used_characters(
        ['<html><head><title>Zz</title></head><body><p title="T">caf&#233; ≠</p></body></html>'], CSS
    )
    assert {"é", "≠", "•", "x", "A", "0"} <= set(chars) and "\n" not in chars


def test_subsets_hold_the_used_glyphs_only_and_are_deterministic() -> None:
    path = face_file("DejaVu Sans Mono")
    assert path
    data = subset(path, "abc≠")
    assert data[:4] == b"wOF2"
    font = TTFont(io.BytesIO(data))
    cmap = set(font.getBestCmap())
    assert {ord("a"), ord("≠")} <= cmap and ord("z") not in cmap
    assert len(data) < Path(path).stat().st_size / 20
    subset.cache_clear()
    assert subset(path, "abc≠") == data, "the same bytes on every build (head.modified is kept)"
    fonts = embedded_fonts(CSS, ["<body>a</body>"])
    assert {(f.family, f.bold, f.italic) for f in fonts} >= {
        ("DejaVu Serif", False, False),
        ("DejaVu Sans Mono", True, True),
    }
    assert len({f.name for f in fonts}) == len(fonts)


@pytest.mark.slow  # among the slowest of the fast tier: subsets the fonts of three EPUBs and runs EPUBCheck
def test_an_epub_with_embedded_fonts(tmp_path: Path) -> None:
    blocks = (
        Paragraph((Text("Bonjour, "), Emphasis((Text("café"),)), Text(" ≠ "), Code("x = 1"))),
        CodeBlock("print(1)", "python"),
    )
    doc = Document(Meta(title="Fonts", language="en"), (Chapter("c", (Text("Fonts"),), "c.md", blocks),))
    targets = []
    for name, embed in (("a.epub", True), ("b.epub", True), ("plain.epub", False)):
        ctx = make_context(tmp_path / "proj", EpubExporter, embed_fonts=embed, page_list=False, cover=False)
        EpubExporter().export(doc, ctx, tmp_path / name)
        targets.append(tmp_path / name)
    assert targets[0].read_bytes() == targets[1].read_bytes(), "deterministic"
    with zipfile.ZipFile(targets[0]) as z:
        names = z.namelist()
        css = z.read("EPUB/styles/book.css").decode()
        opf = z.read("EPUB/content.opf").decode()
    fonts = [n for n in names if n.startswith("EPUB/fonts/")]
    assert "EPUB/fonts/NotoSerif-Regular.woff2" in fonts and "EPUB/fonts/NotoSerif-Italic.woff2" in fonts
    for font in fonts:
        href = font.removeprefix("EPUB/")
        assert f'href="{href}"' in opf and f'url("../{href}")' in css
    assert re.search(r'media-type="font/woff2"', opf)
    assert css.index("@namespace") < css.index("@font-face"), "@namespace stays the first rule"
    with zipfile.ZipFile(targets[2]) as z:
        assert not [n for n in z.namelist() if "/fonts/" in n], "off by default"
    if epubcheck.available():
        assert epubcheck.problems(epubcheck.run_epubcheck(targets[0])) == []
