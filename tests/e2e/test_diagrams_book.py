"""Diagrams end to end: the fixture chapter tests/books/apparatus/05-diagrams.md (one dot, one mermaid
diagram) built once into PDF, EPUB and PPTX; then the tree rebuilt from the cache without any renderer."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from presswork.core.tree import CodeBlock, Figure
from presswork.core.walk import query
from presswork.transforms.diagrams import CACHE_FOLDER
from presswork.transforms.diagrams.mermaid import MermaidRenderer
from tests.support import BOOKS
from tests.support.outputs import pdf_text

CHAPTER = BOOKS / "apparatus" / "chapters" / "05-diagrams.md"
_MISSING = MermaidRenderer().unavailable() or ("" if shutil.which("dot") else "Graphviz's dot is not installed")
# CI installs both renderers (.ci/run): there a missing one fails the build's no-warning check instead.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(_MISSING) and not os.environ.get("CI"), reason=f"needs the renderers: {_MISSING}"),
]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    from presswork.build.pipeline import build

    folder = tmp_path_factory.mktemp("diagrams") / "book"
    folder.mkdir()
    shutil.copy(CHAPTER, folder / CHAPTER.name)
    return folder, build(folder)


def test_both_diagrams_render_without_warnings_into_the_cache(book: tuple[Path, Any]) -> None:
    folder, result = book
    assert sorted(result.outputs) == ["epub", "pdf", "pptx"]
    assert [str(w) for w in result.reporter.warnings] == []
    assert len(list((folder / CACHE_FOLDER).glob("diagram-*.svg"))) == 2


def test_the_pdf_draws_the_labels_of_both_diagrams_and_numbers_the_captioned_one(book: tuple[Path, Any]) -> None:
    text = pdf_text(book[1].outputs["pdf"])
    assert all(label in text for label in ("Source", "Transforms", "Slides", "Author", "Chromium", "scalable drawing"))
    assert "Figure 1.1 How a build flows" in " ".join(text.split())
    assert "digraph" not in text and "sequenceDiagram" not in text


def test_the_epub_embeds_both_as_svg_and_passes_epubcheck(book: tuple[Path, Any]) -> None:
    from tests.support.epubcheck import problems, run_epubcheck

    epub = book[1].outputs["epub"]
    with zipfile.ZipFile(epub) as z:
        opf = next(z.read(n).decode() for n in z.namelist() if n.endswith(".opf"))
        svgs = [n for n in z.namelist() if n.endswith(".svg")]
        chapter = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml") and "diagram" in n.lower())
    assert len(svgs) == 2 and opf.count('media-type="image/svg+xml"') == 2
    assert chapter.count("<img") == 2 and 'id="fig-flow"' in chapter
    assert [str(m) for m in problems(run_epubcheck(epub))] == []


def test_the_deck_shows_each_diagram_as_a_picture(book: tuple[Path, Any]) -> None:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    slides = list(Presentation(str(book[1].outputs["pptx"])).slides)
    pictures = [  # after the title slide, which shows the cover as its picture
        shape.image for slide in slides[1:] for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert len(pictures) == 2 and all(p.content_type == "image/png" and p.size[0] > 400 for p in pictures)


def test_a_rebuild_takes_every_diagram_from_the_cache(book: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from presswork.build.pipeline import read_project
    from presswork.transforms.diagrams.graphviz import DotRenderer

    def refuse(self: object, sources: list[str]) -> list[str]:
        raise AssertionError("a cached diagram was rendered again")

    monkeypatch.setattr(DotRenderer, "render", refuse)
    monkeypatch.setattr(MermaidRenderer, "render", refuse)
    cached = {p: p.read_bytes() for p in (book[0] / CACHE_FOLDER).iterdir()}
    doc = read_project(book[0])
    assert len(query(doc, Figure)) == 2 and query(doc, CodeBlock) == []
    assert {p: p.read_bytes() for p in (book[0] / CACHE_FOLDER).iterdir()} == cached


def test_without_the_mermaid_script_the_diagram_stays_code_with_one_warning(
    book: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from presswork.build.pipeline import read_document
    from presswork.core.diagnostics import Reporter
    from presswork.project.gate import make_gate
    from presswork.project.load import load_project
    from presswork.project.theme import load_theme

    monkeypatch.setenv("PRESSWORK_MERMAID_JS", str(book[0] / "no-such-mermaid.js"))
    project = load_project(book[0])
    reporter = Reporter()
    doc = read_document(project, make_gate(project.config, load_theme(project.config.theme, project.root)), reporter)
    assert [b.language for b in query(doc, CodeBlock)] == ["mermaid"] and len(query(doc, Figure)) == 1
    (warning,) = reporter.warnings
    assert (
        str(warning.pos) == "05-diagrams.md:19" and "python -m presswork.transforms.diagrams.setup" in warning.message
    )


def test_rendering_again_gives_the_same_bytes(book: tuple[Path, Any]) -> None:
    """No random ids or time stamps: both renderers, run afresh, reproduce the cached files byte for byte."""
    from presswork.transforms.diagrams import cache_key
    from presswork.transforms.diagrams.base import normalise_svg
    from presswork.transforms.diagrams.graphviz import DotRenderer

    blocks = [b for b in query(_tree_without_diagrams(book[0]), CodeBlock)]
    for renderer in (DotRenderer(), MermaidRenderer()):
        (block,) = [b for b in blocks if (b.language == "mermaid") == (renderer.name == "mermaid")]
        (svg,) = renderer.render([block.code])
        assert isinstance(svg, str)
        cached = book[0] / CACHE_FOLDER / f"diagram-{cache_key(renderer.name, renderer.version(), block.code)}.svg"
        assert normalise_svg(svg) == cached.read_bytes()


def _tree_without_diagrams(folder: Path) -> Any:
    from presswork.core.diagnostics import Reporter
    from presswork.project.load import load_project
    from presswork.project.sources import read_sources

    return tuple(b for s in read_sources(load_project(folder), Reporter()) for b in s.blocks)
