"""The raw OOXML the PPTX writer needs, written in one module: each element where the schema wants it."""

from __future__ import annotations

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from presswork.exporters.pptx.output import oxml


def paragraph() -> tuple[object, object]:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1))
    return prs, box.text_frame.paragraphs[0]


def test_paragraph_properties_replace_what_was_there() -> None:
    _, p = paragraph()
    oxml.set_paragraph(p._p, 2, 100, -50, 6, ("char", "•", "Arial"))  # type: ignore[attr-defined]
    oxml.set_paragraph(p._p, 0, 200, 0, 12, ("number", 3))  # type: ignore[attr-defined]
    ppr = p._p.pPr  # type: ignore[attr-defined]
    assert (ppr.get("lvl"), ppr.get("marL"), ppr.get("indent"), ppr.get("algn")) == (None, "200", "0", "l")
    assert [c.tag.split("}")[1] for c in ppr] == ["lnSpc", "spcBef", "buFont", "buAutoNum"]
    assert ppr.find(qn("a:buAutoNum")).get("startAt") == "3"
    assert ppr.find(qn("a:spcBef"))[0].get("val") == "1200"


def xml(el: object) -> bytes:
    return etree.tostring(el)


@pytest.mark.parametrize(
    "text, size, bold, italic, latin, strike, baseline, scheme, ea, cs",
    [
        ("plain", 0, False, False, "", False, 0, "", "", ""),
        ("all of it \x07", 2.4e3, True, True, "Consolas", True, 30, "accent1", "Yu Gothic", "Arial"),
        ("", 1800, False, True, "DejaVu Sans", False, -25, "", "", ""),
    ],
)
def test_runs_built_as_xml_equal_python_pptx_setters(
    text: str,
    size: int,
    bold: bool,
    italic: bool,
    latin: str,
    strike: bool,
    baseline: int,
    scheme: str,
    ea: str,
    cs: str,
) -> None:
    """The fast path writes, byte for byte, what python-pptx's setters wrote for the same run (the order
    ``_add_piece`` used: size, bold, italic, font, strike, baseline, theme colour, script fonts)."""
    _, p1 = paragraph()
    r = p1.add_run()  # type: ignore[attr-defined]
    r.text = text
    font = r.font
    if size:
        font.size = Pt(size / 100)
    if bold:
        font.bold = True
    if italic:
        font.italic = True
    if latin:
        font.name = latin
    rpr = r._r.get_or_add_rPr()
    if strike:
        rpr.set("strike", "sngStrike")
    if baseline:
        rpr.set("baseline", str(baseline * 1000))
    if scheme:
        font.color.theme_color = MSO_THEME_COLOR.ACCENT_1
    for tag, face in (("a:ea", ea), ("a:cs", cs)):
        if face:
            etree.SubElement(rpr, qn(tag), typeface=face)
    _, p2 = paragraph()
    oxml.add_run(p2._p, text, int(size), bold, italic, latin, strike, baseline, scheme, ea, cs)  # type: ignore[attr-defined]
    assert xml(p2._p) == xml(p1._p)  # type: ignore[attr-defined]
    oxml.set_end_properties(p2, 14, lang="en-US", latin="Consolas")
    end = p2._p.endParaRPr  # type: ignore[attr-defined]
    assert (end.get("sz"), end.get("lang"), end[0].get("typeface")) == ("1400", "en-US", "Consolas")
    oxml.add_run(p2._p, "after")  # type: ignore[attr-defined]
    assert p2._p[-1].tag == qn("a:endParaRPr")  # type: ignore[attr-defined]  # runs go before the end properties


@pytest.mark.parametrize("inset", [7.2, 5.0])  # 7.2 pt = python-pptx's default left inset: left out
def test_fixed_body_equals_python_pptx_setters(inset: float) -> None:
    _, p1 = paragraph()
    tf = p1._parent  # type: ignore[attr-defined]
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = Pt(inset)
    tf.margin_top = tf.margin_bottom = Pt(3.6)
    _, p2 = paragraph()
    body_pr = p2._parent._txBody.bodyPr  # type: ignore[attr-defined]
    oxml.fixed_body(body_pr, Pt(inset), Pt(3.6), anchor="t")
    assert xml(body_pr) == xml(tf._txBody.bodyPr)


def test_escaped_control_characters_and_colours() -> None:
    assert oxml.escape_ctrl("a\x07b\tc\n") == "a_x0007_b\tc\n"
    assert oxml.hex_colour("a0b1c2") == "A0B1C2"
    with pytest.raises(ValueError):
        oxml.hex_colour("blue")
    assert oxml.centipoints(16) == Pt(16).centipoints and oxml.centipoints(16.8) == Pt(16.8).centipoints


def test_slide_number_field_and_shape_removal() -> None:
    prs, p = paragraph()
    oxml.add_slide_number(p, 7)
    fld = p._p.find(qn("a:fld"))  # type: ignore[attr-defined]
    assert (fld.get("type"), fld.get("id"), fld.find(qn("a:t")).text) == ("slidenum", oxml.FIELD_ID, "7")
    slide = prs.slides[0]  # type: ignore[attr-defined]
    shape = slide.shapes[0]
    oxml.remove_shape(shape)
    assert len(slide.shapes) == 0


def test_template_facts_and_clean_up() -> None:
    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[0])
    assert oxml.title_style_size(prs.slide_master) == 44.0
    assert oxml.theme_fonts(b"<not xml") == ("Calibri", "Calibri")
    theme = (
        b'<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:themeElements>'
        b'<a:fontScheme name="x"><a:majorFont><a:latin typeface="Cambria"/></a:majorFont>'
        b'<a:minorFont><a:latin typeface="Calibri Light"/></a:minorFont></a:fontScheme></a:themeElements></a:theme>'
    )
    assert oxml.theme_fonts(theme) == ("Cambria", "Calibri Light")
    assert not oxml.titles_in_capitals(prs.slide_layouts[0], prs.slide_master)
    oxml.remove_slides(prs)
    assert len(prs.slides) == 0
    prs.core_properties.author = "Someone"
    oxml.clear_core_properties(prs.core_properties)
    assert prs.core_properties.author == ""
