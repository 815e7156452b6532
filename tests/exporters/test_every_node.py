"""Every node type of the tree reaches every built-in exporter: none is dropped silently.

The node types are discovered from ``presswork.core.tree.NODE_TYPES``, so a type added to tree.py
fails here until every exporter handles it (the type checker already insists, through the
exhaustive ``match`` statements; this proves the handling shows the node's words).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from presswork.core.diagnostics import Reporter
from presswork.core.tree import NODE_TYPES, Document, Pos
from presswork.exporters.base import Exporter
from presswork.exporters.common.html import HtmlRenderer
from presswork.exporters.epub import EpubExporter
from presswork.exporters.html import HtmlExporter
from presswork.exporters.pdf import PdfExporter
from presswork.exporters.pdf.document import document_html, geometry
from presswork.exporters.pptx import PptxExporter
from presswork.exporters.pptx.model.deck import (
    CalloutBox,
    CodeBox,
    DeckOptions,
    Frame,
    Para,
    PictureBox,
    TableBox,
    box_texts,
)
from presswork.exporters.pptx.model.flow import FallbackLead, FlowBuilder, FlowItem, SpeakerNote
from tests.support.outputs import epub_text, pdf_text, pptx_text
from tests.support.trees import (
    DROPPED,
    NODE_SAMPLES,
    WORDLESS,
    every_node_document,
    make_context,
    marker,
    sample_blocks,
    write_images,
)

#: Drawn as pictures (SVG paths, rasters) in these formats, so their words are not text there;
#: the renderer tests below check them in the markup.
DRAWN = {
    "pdf": {"Image", "Math", "MathBlock"},
    "epub": {"Image", "MathBlock", "Math"},
    "pptx": {"MathBlock", "Math"},
    "html": {"Image", "MathBlock", "Math"},
}
EXPORTERS: dict[str, type[Exporter[Any]]] = {
    "pdf": PdfExporter,
    "epub": EpubExporter,
    "pptx": PptxExporter,
    "html": HtmlExporter,
}


def test_every_node_type_has_a_sample() -> None:
    assert set(NODE_SAMPLES) == set(NODE_TYPES), "add a sample of the new node type to tests/support/trees.py"


def _flow_words(items: list[FlowItem]) -> str:
    out: list[str] = []
    for it in items:
        if isinstance(it, FallbackLead):
            out.append("".join(r.text for r in it.runs))
        elif isinstance(it, SpeakerNote):
            out.append(it.text)
        elif isinstance(it, PictureBox):
            out += [it.alt, *box_texts(it)]
        elif isinstance(it, Para | CalloutBox | CodeBox | TableBox):
            out += box_texts(it)
    return "\n".join(out)


@pytest.mark.parametrize("name", list(NODE_TYPES))
@pytest.mark.parametrize("target", ["print", "epub"])
def test_html_renderer_shows_every_node_type(name: str, target: Any) -> None:
    reporter = Reporter()
    renderer = HtmlRenderer(target=target, reporter=reporter, chapter_id="c")
    blocks = sample_blocks(name)
    html = renderer.blocks(blocks) + renderer.footnotes()
    if name in DROPPED:
        assert marker(name) not in html and [w for w in reporter.warnings if w.category == "html"]
    elif name == "LineBreak":
        assert "before <br/>" in html and "after" in html
    elif name == "HorizontalRule":
        assert '<hr class="rule"/>' in html
    else:
        assert marker(name) in html, html


@pytest.mark.parametrize("name", list(NODE_TYPES))
def test_deck_flow_shows_every_node_type(name: str) -> None:
    warnings: list[tuple[str, Pos | None]] = []
    flow = FlowBuilder(
        Frame(), DeckOptions(prose="slide"), lambda m, p: warnings.append((m, p)), [0], lambda code, lang: []
    )
    blocks = sample_blocks(name)
    flow.blocks(blocks)
    text = _flow_words(flow.items)
    if name == "CodeBlock":  # the code styler above drops the code: check the box instead
        assert any(isinstance(it, CodeBox) for it in flow.items)
    elif name in DROPPED:
        assert marker(name) not in text and warnings
    elif name == "LineBreak":
        assert "before \nafter" in text or "before \n after" in text
    elif name == "HorizontalRule":
        assert type(flow.items[-1]).__name__ == "SlideBreak"
    else:
        assert marker(name) in text, text


@dataclass
class Output:
    """One exporter's output of the every-node book: its text, its markup where it has one, warnings."""

    path: Path
    text: str
    markup: str
    reporter: Reporter


def _site_markup(path: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(path.glob("ch*.html")))


def _site_text(path: Path) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", " ", _site_markup(path)))


def _epub_markup(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("EPUB/text/"))


@pytest.fixture(scope="module")
def every_node_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Output]:
    root = tmp_path_factory.mktemp("every-node")
    write_images(root)
    doc: Document = every_node_document()
    out: dict[str, Output] = {}
    for fmt, cls in EXPORTERS.items():
        ctx = make_context(root, cls)
        target = root / f"book.{fmt}"
        cls().export(doc, ctx, target)
        text = {"pdf": pdf_text, "epub": epub_text, "pptx": pptx_text, "html": _site_text}[fmt](target)
        markup = ""
        if fmt == "pdf":  # the XHTML WeasyPrint laid out: math and images are drawn, not text, in the PDF
            markup = document_html(doc, make_context(root, cls), geometry(ctx.options))
        elif fmt == "epub":
            markup = _epub_markup(target)
        elif fmt == "html":
            markup = _site_markup(target)
        out[fmt] = Output(target, text, markup, ctx.reporter)
    return out


def _pptx_evidence(path: Path, name: str) -> bool:
    from pptx import Presentation

    slides = list(Presentation(str(path)).slides)
    if name == "MathBlock":
        return any(shape.name == "Math" and "nodemathblock" in shape._element.xml for s in slides for shape in s.shapes)
    if name == "Math":  # a picture on the text's baseline, its TeX as the alternative text
        return any(
            shape.name == "Inline math" and 'descr="nodemath"' in shape._element.xml
            for s in slides
            for shape in s.shapes
        )
    if name == "LineBreak":
        return any(
            re.search(r"before \s*\x0b\s*after", shape.text_frame.text)
            for s in slides
            for shape in s.shapes
            if shape.has_text_frame
        )
    if name == "HorizontalRule":  # the rule starts a new slide: what follows it is not beside what precedes it
        for s in slides:
            texts = " ".join(shape.text_frame.text for shape in s.shapes if shape.has_text_frame)
            if "nodediv" in texts:
                return not any(shape.name == "Math" for shape in s.shapes)
    return False


#: What shows a node without words of its own, in the markup of each format.
MARKUP_EVIDENCE = {
    "Image": 'alt="nodeimage"',
    "Math": "nodemath",
    "MathBlock": "nodemathblock",
    "LineBreak": "before <br/>",
    "HorizontalRule": '<hr class="rule"/>',
}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(EXPORTERS))
@pytest.mark.parametrize("name", list(NODE_TYPES))
def test_every_exporter_outputs_every_node_type(every_node_outputs: dict[str, Output], fmt: str, name: str) -> None:
    out = every_node_outputs[fmt]
    if name in DROPPED:
        assert marker(name) not in out.text
        assert any("raw HTML" in w.message for w in out.reporter.warnings), "dropped without a warning"
    elif name in WORDLESS or name in DRAWN[fmt]:  # drawn: a picture, in PDF, EPUB and HTML with its text in the markup
        if fmt == "pptx":
            assert _pptx_evidence(out.path, name)
        else:
            assert MARKUP_EVIDENCE[name] in out.markup
    else:
        assert marker(name) in out.text.lower()
