"""The PPTX exporter: every word visible after a real render, on the default and on user templates."""

from __future__ import annotations

import collections
import dataclasses
import html
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Inches, Pt

from presswork.exporters.pptx import PptxExporter
from presswork.tree import Figure, Pos, Text
from presswork.walk import iter_nodes, walk
from tests.support import REPO
from tests.support.outputs import assert_same_files
from tests.support.trees import feature_document, make_context, write_images

ROOT = REPO
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                   reason="LibreOffice and poppler-utils are needed")


def norm(word: str) -> str:
    return re.sub(r"\W+", "", word.lower())


def build(tmp: Path, doc=None, name: str = "deck.pptx", **options: object) -> tuple[Path, object]:
    write_images(tmp)
    ctx = make_context(tmp, PptxExporter, **options)
    target = tmp / name
    PptxExporter().export(doc or feature_document(), ctx, target)
    return target, ctx


def slide_texts(deck: Path) -> list[list[str]]:
    """Per slide, the normalised words in its shapes (as the shared checker reads them)."""
    out = []
    for s in Presentation(str(deck)).slides:
        words = []
        for sh in s.shapes:
            if sh.has_text_frame:
                words += sh.text_frame.text.split()
            if getattr(sh, "has_table", False) and sh.has_table:
                words += [w for r in sh.table.rows for c in r.cells for w in c.text.split()]
        out.append([norm(w) for w in words if norm(w)])
    return out


def lost_words(deck: Path, tmp: Path) -> tuple[int, int, dict[int, dict[str, int]]]:
    """Render with LibreOffice (as /work/shared/tools/pptx_visible_words.py does, auto-fit flags stripped)
    and count the words of each slide that are not visible on its page.

    Differences from the shared tool: pdftotext's HTML entities are decoded (the tool counts a word with a
    quote as lost), right-to-left words may come out of pdftotext in visual order, and a long token that
    the renderer wraps inside (a URL, ``--allow-same-version`` in inline code) is visible as consecutive
    pieces on the page.
    """
    plain = tmp / "render" / "deck.pptx"
    plain.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(deck) as zin, zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("ppt/slides/slide"):
                data = re.sub(rb"<a:normAutofit[^>]*/>|<a:normAutofit[^>]*>.*?</a:normAutofit>|<a:spAutoFit/>", b"", data, flags=re.S)
            zout.writestr(item, data)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(plain.parent), str(plain)],
                   check=True, capture_output=True, timeout=300)
    pdf = plain.with_suffix(".pdf")
    subprocess.run(["pdftotext", "-bbox", str(pdf), str(pdf) + ".html"], check=True)
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', Path(str(pdf) + ".html").read_text(), re.S)
    want = slide_texts(deck)
    assert len(pages) == len(want)
    total = lost = 0
    detail: dict[int, dict[str, int]] = {}
    for i, (w, h, body) in enumerate(pages):
        seen: collections.Counter[str] = collections.Counter()
        visible: list[str] = []
        for xm, ym, xM, yM, t in re.findall(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', body):
            if float(yM) <= float(h) + 1 and float(xM) <= float(w) + 1 and float(xm) >= -1 and float(ym) >= -1:
                word = norm(html.unescape(t))
                visible.append(word)
                seen[word] += 1
                seen[word[::-1]] += 1  # right-to-left scripts
        for n in (2, 3, 4):  # a token wrapped over lines: its pieces follow each other
            for k in range(len(visible) - n + 1):
                seen["".join(visible[k:k + n])] += 1
        exp = collections.Counter(want[i])
        missing = exp - seen
        total += sum(exp.values())
        lost += sum(missing.values())
        if missing:
            detail[i + 1] = dict(missing)
    return total, lost, detail


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


def check_font_floors(prs: Presentation) -> list[str]:
    """Assert body text >= 18 pt, code, tables and slide chrome >= 12 pt, no template sample slide;
    return the words shown on the slides and in the notes."""
    shown: list[str] = []
    for slide in prs.slides:
        assert "SAMPLE SLIDE" not in " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        for sh in slide.shapes:
            is_chrome = sh.is_placeholder and sh.placeholder_format.type in (15, 13)  # footer, slide number
            frames = [sh.text_frame] if sh.has_text_frame else []
            if getattr(sh, "has_table", False) and sh.has_table:
                frames += [c.text_frame for r in sh.table.rows for c in r.cells]
            floor = 12 if (sh.name == "Code" or getattr(sh, "has_table", False) and sh.has_table or is_chrome) else 18
            for tf in frames:
                shown += tf.text.split()
                for p in tf.paragraphs:
                    for r in p.runs:
                        if r.font.size is not None and r.text.strip() and "baseline" not in r._r.get_or_add_rPr().attrib:
                            assert r.font.size >= Pt(floor), (sh.name, r.text, r.font.size.pt)
        if slide.has_notes_slide:
            shown += slide.notes_slide.notes_text_frame.text.split()
    return shown


def test_deck_structure_and_properties(tmp_path: Path) -> None:
    deck, ctx = build(tmp_path)
    prs = Presentation(str(deck))
    assert prs.slide_width == Inches(13.333) and prs.slide_height == Inches(7.5)
    layouts = [s.slide_layout.name for s in prs.slides]
    assert layouts[:3] == ["Title Slide", "Title and Content", "Section Header"]
    titles = [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]
    assert titles[:3] == ["The Feature Book", "Agenda", "Getting Started"]
    assert any(re.fullmatch(r"Installing \(\d/\d\)", t) for t in titles)
    xml = b"".join(zipfile.ZipFile(deck).read(n) for n in zipfile.ZipFile(deck).namelist() if n.startswith("ppt/slides/slide"))
    assert b'type="slidenum"' in xml and b"The Feature Book" in xml  # slide numbers and footer
    assert b"buAutoNum" in xml and b'startAt="3"' in xml  # the ordered list keeps its start
    assert b'a:ea typeface=' in xml and b'a:cs typeface=' in xml  # CJK and Arabic text
    assert b"ppaction://hlinksldjump" in xml and b"https://presswork.example/docs" in b"".join(
        zipfile.ZipFile(deck).read(n) for n in zipfile.ZipFile(deck).namelist() if n.endswith(".rels"))
    assert b"normAutofit" not in xml
    assert len([sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]) == 4  # 3 figures + math
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
    doc = walk(feature_document(), lambda n: dataclasses.replace(n, pos=Pos("02-reference.md", 40)) if isinstance(n, Figure) else n)
    ctx = make_context(tmp_path, PptxExporter)
    PptxExporter().export(doc, ctx, tmp_path / "x.pptx")
    assert [w.category for w in ctx.reporter.warnings] == ["pptx"]
    assert "photo.jpg" in ctx.reporter.warnings[0].message
    assert str(ctx.reporter.warnings[0].pos) == "02-reference.md:40"
    assert "Orange photo" in " ".join(sh.text_frame.text for s in Presentation(str(tmp_path / "x.pptx")).slides
                                      for sh in s.shapes if sh.has_text_frame)  # its alt text stands in


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

    from presswork.build import read_project

    project = tmp_path / "sample"
    project.mkdir()
    shutil.copy(ROOT / "content" / "ai-engineering-guide.md", project)
    if template:
        make_template(project / template, wide=template.startswith("wide"), potx=template.endswith(".potx"))
    doc = read_project(project)
    ctx = make_context(project, PptxExporter, template=template)
    deck = tmp_path / "sample.pptx"
    PptxExporter().export(doc, ctx, deck)
    total, lost, detail = lost_words(deck, tmp_path)
    assert lost == 0, detail
    assert total > 600
    prs = Presentation(str(deck))
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    for role in ("1. Model Development and Training", "2. Infrastructure and Deployment", "5. Research and Innovation"):
        assert role in titles  # each role under "Key Roles" is a slide of its own
    shown = " ".join(norm(w) for s in prs.slides for sh in s.shapes if sh.has_text_frame for w in sh.text_frame.text.split())
    notes = " ".join(norm(w) for s in prs.slides if s.has_notes_slide for w in s.notes_slide.notes_text_frame.text.split())
    source = {norm(w) for n in iter_nodes(doc) if isinstance(n, Text) for w in n.text.split()} - {""}
    assert [w for w in source if w not in shown + " " + notes] == []

