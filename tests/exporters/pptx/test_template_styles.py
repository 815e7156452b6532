"""A user's template sets the type: its resolved sizes apply, layouts are found by placeholder types."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from presswork.exporters.pptx.output.template import Layouts, layout_signature, open_template
from tests.exporters.pptx.test_pptx import build, make_template

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
SIZES = (26.0, 22.0, 20.0)


def restyled_template(path: Path, wide: bool) -> Path:
    """python-pptx's Office template with other body sizes on the master, its layouts renamed and reordered."""
    make_template(path, wide)
    prs = Presentation(str(path))
    master = prs.slide_master._element
    body_style = master.find(".//{http://schemas.openxmlformats.org/presentationml/2006/main}bodyStyle")
    for level, size in enumerate(SIZES, start=1):
        body_style.find(f"{A}lvl{level}pPr/{A}defRPr").set("sz", str(int(size * 100)))
    for i, layout in enumerate(prs.slide_layouts):  # names in another language: found by placeholders
        layout._element.cSld.set("name", f"Folienlayout {i}")
    ids = prs.slide_layouts._sldLayoutIdLst
    for el in list(ids)[:4]:  # Title Slide, Title and Content, Section Header, Two Content -> the end
        ids.remove(el)
        ids.append(el)
    prs.save(str(path))
    return path


@pytest.mark.parametrize("wide", [True, False], ids=["16x9", "4x3"])
def test_the_templates_sizes_apply_and_only_stepped_down_sizes_are_written(tmp_path: Path, wide: bool) -> None:
    template = restyled_template(tmp_path / "corp.pptx", wide)
    frame = Layouts(open_template(template.read_bytes())).frame()
    assert frame.template_sizes == SIZES and frame.sizes == SIZES
    deck, _ = build(tmp_path, template="corp.pptx")
    prs = Presentation(str(deck))
    inherited = stepped = 0
    kinds = {layout_signature(s.slide_layout) for s in prs.slides}
    assert {("ctrTitle", "subTitle"), ("obj", "title"), ("body", "title"), ("title",)} <= kinds
    for slide in prs.slides:
        if layout_signature(slide.slide_layout) != ("obj", "title"):
            continue
        for ph in slide.placeholders:
            if ph.placeholder_format.type not in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT):
                continue
            for p in ph.text_frame.paragraphs:
                for r in p.runs:
                    if not r.text.strip() or r.font._rPr.get("baseline"):
                        continue
                    if r.font.size is None:
                        inherited += 1
                    else:
                        stepped += 1
                        assert 18 <= r.font.size.pt < SIZES[min(p.level, 2)] or r.font.size.pt == SIZES[0]
    assert inherited > 0  # the template's own sizes, written nowhere in the slides
