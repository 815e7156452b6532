"""The PPTX exporter: every word visible after a real render, on the default and on user templates."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Inches

from presswork.core.tree import Figure, Pos, Text
from presswork.core.walk import iter_nodes, walk
from presswork.exporters.pptx import PptxExporter
from tests.support import REPO
from tests.support.decks import check_font_floors, lost_words, norm
from tests.support.outputs import assert_same_files
from tests.support.trees import feature_document, make_context, write_images

ROOT = REPO
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice and poppler-utils are needed",
)


def build(tmp: Path, doc=None, name: str = "deck.pptx", **options: object) -> tuple[Path, object]:
    write_images(tmp)
    options.setdefault("deck", "full")  # these tests read the book's every word on the slides
    ctx = make_context(tmp, PptxExporter, **options)
    target = tmp / name
    PptxExporter().export(doc or feature_document(), ctx, target)
    return target, ctx


def make_template(path: Path, wide: bool, potx: bool = False) -> Path:
    """A user template: python-pptx's plain Office theme (4:3, or stretched to 16:9), with a sample slide."""
    prs = Presentation()
    if wide:
        prs.slide_width = Inches(13.333)
        for part in [prs.slide_master, *prs.slide_layouts]:
            for off in part._element.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}off"):
                off.set("x", str(int(int(off.get("x")) * 4 / 3)))
            for ext in part._element.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}ext"):
                ext.set("cx", str(int(int(ext.get("cx")) * 4 / 3)))
    sample = prs.slides.add_slide(prs.slide_layouts[1])
    sample.shapes.title.text = "SAMPLE SLIDE OF THE TEMPLATE"
    prs.core_properties.author = "Template Author"
    buf = io.BytesIO()
    prs.save(buf)
    data = buf.getvalue()
    if potx:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
            for item in zin.infolist():
                body = zin.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    body = body.replace(b"presentation.main+xml", b"template.main+xml")
                zout.writestr(item, body)
        data = out.getvalue()
    path.write_bytes(data)
    return path


def check_deck(deck: Path) -> None:
    """Font-size floors, notes/slide coverage of every source word, no template leftovers."""
    prs = Presentation(str(deck))
    shown = check_font_floors(prs)
    blob = " ".join(norm(w) for w in shown)
    source = {norm(w) for n in iter_nodes(feature_document()) if isinstance(n, Text) for w in n.text.split()} - {""}
    assert [w for w in source if w not in blob] == []
    assert prs.core_properties.author == "Ada Writer; Ed Itor"
    assert prs.core_properties.title == "The Feature Book"


def test_deck_structure_and_properties(tmp_path: Path) -> None:
    deck, ctx = build(tmp_path)
    prs = Presentation(str(deck))
    assert prs.slide_width == Inches(13.333) and prs.slide_height == Inches(7.5)
    layouts = [s.slide_layout.name for s in prs.slides]
    assert layouts[:3] == ["Title Slide", "Title and Content", "Section Header"]
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]
    assert titles[:3] == ["The Feature Book", "Agenda", "Getting Started"]
    assert any(re.fullmatch(r"Installing \(\d/\d\)", t) for t in titles)
    xml = b"".join(
        zipfile.ZipFile(deck).read(n) for n in zipfile.ZipFile(deck).namelist() if n.startswith("ppt/slides/slide")
    )
    assert b'type="slidenum"' in xml and b"The Feature Book" in xml  # slide numbers and footer
    assert b"buAutoNum" in xml and b'startAt="3"' in xml  # the ordered list keeps its start
    assert b"a:ea typeface=" in xml and b"a:cs typeface=" in xml  # CJK and Arabic text
    assert b"ppaction://hlinksldjump" in xml and b"https://presswork.example/docs" in b"".join(
        zipfile.ZipFile(deck).read(n) for n in zipfile.ZipFile(deck).namelist() if n.endswith(".rels")
    )
    assert b"normAutofit" not in xml
    pictures = [sh.name for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    assert len([n for n in pictures if n in ("Picture", "Math")]) == 4  # 3 figures + display math
    assert [sh.name for sh in prs.slides[0].shapes if sh.shape_type == 13] == ["Cover"]  # the cover design
    assert prs.slides[0].shapes.title.text == "The Feature Book"  # still editable text on it
    assert ctx.reporter.warnings == []
    cp = prs.core_properties
    assert cp.keywords == "testing, publishing" and cp.created.year == 2025
    notes = " ".join(s.notes_slide.notes_text_frame.text for s in prs.slides if s.has_notes_slide)
    assert "A footnote with a link." in notes and "Speaker notes only." in notes
    check_deck(deck)


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    first, _ = build(tmp_path, name="a.pptx")
    second, _ = build(tmp_path, name="b.pptx")
    assert_same_files(first, second)
    names = zipfile.ZipFile(first).namelist()
    assert names[0] == "[Content_Types].xml"
    assert {i.date_time for i in zipfile.ZipFile(first).infolist()} == {(2025, 3, 4, 12, 0, 0)}


def test_missing_image_is_a_warning_with_position(tmp_path: Path) -> None:
    write_images(tmp_path)
    (tmp_path / "images" / "photo.jpg").unlink()
    doc = walk(
        feature_document(),
        lambda n: dataclasses.replace(n, pos=Pos("02-reference.md", 40)) if isinstance(n, Figure) else n,
    )
    ctx = make_context(tmp_path, PptxExporter, deck="full")
    PptxExporter().export(doc, ctx, tmp_path / "x.pptx")
    assert [w.category for w in ctx.reporter.warnings] == ["pptx"]
    assert "photo.jpg" in ctx.reporter.warnings[0].message
    assert str(ctx.reporter.warnings[0].pos) == "02-reference.md:40"
    assert "Orange photo" in " ".join(
        sh.text_frame.text
        for s in Presentation(str(tmp_path / "x.pptx")).slides
        for sh in s.shapes
        if sh.has_text_frame
    )  # its alt text stands in


def test_user_template_sample_slides_removed_and_potx_read(tmp_path: Path) -> None:
    make_template(tmp_path / "corp.potx", wide=False, potx=True)
    write_images(tmp_path)
    deck, _ = build(tmp_path, template="corp.potx")
    prs = Presentation(str(deck))
    assert prs.slide_width == Inches(10) and prs.slide_height == Inches(7.5)
    assert prs.core_properties.author != "Template Author"
    check_deck(deck)


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("template", ["", "wide.pptx", "narrow.potx"])
def test_every_word_visible_after_rendering(tmp_path: Path, template: str) -> None:
    if template:
        make_template(tmp_path / template, wide=template.startswith("wide"), potx=template.endswith(".potx"))
    deck, _ = build(tmp_path, template=template)
    total, lost, detail = lost_words(deck, tmp_path)
    assert total > 200
    assert lost == 0, detail
    check_deck(deck)


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("template", ["", "wide.pptx", "narrow.potx"])
def test_sample_guide_every_word_visible(tmp_path: Path, template: str) -> None:
    """The sample guide on the default template, a plain 16:9 one and a 4:3 .potx made here."""
    import shutil

    from presswork.build.pipeline import read_project

    project = tmp_path / "sample"
    project.mkdir()
    shutil.copy(ROOT / "content" / "ai-engineering-guide.md", project)
    if template:
        make_template(project / template, wide=template.startswith("wide"), potx=template.endswith(".potx"))
    doc = read_project(project)
    ctx = make_context(project, PptxExporter, template=template, deck="full")  # every word on the slides
    deck = tmp_path / "sample.pptx"
    PptxExporter().export(doc, ctx, deck)
    total, lost, detail = lost_words(deck, tmp_path)
    assert lost == 0, detail
    assert total > 600
    prs = Presentation(str(deck))
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    for role in ("1. Model Development and Training", "2. Infrastructure and Deployment", "5. Research and Innovation"):
        assert role in titles  # each role under "Key Roles" is a slide of its own
    shown = " ".join(
        norm(w) for s in prs.slides for sh in s.shapes if sh.has_text_frame for w in sh.text_frame.text.split()
    )
    notes = " ".join(
        norm(w) for s in prs.slides if s.has_notes_slide for w in s.notes_slide.notes_text_frame.text.split()
    )
    source = {norm(w) for n in iter_nodes(doc) if isinstance(n, Text) for w in n.text.split()} - {""}
    assert [w for w in source if w not in shown + " " + notes] == []
