"""The raw OOXML the PPTX writer needs, written in one module: each element where the schema wants it."""

from __future__ import annotations

from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Inches

from presswork.exporters.pptx.output import oxml


def paragraph() -> tuple[object, object]:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1))
    return prs, box.text_frame.paragraphs[0]


def test_paragraph_properties_replace_what_was_there() -> None:
    _, p = paragraph()
    oxml.set_paragraph(p, 100, -50, 6, ("char", "•", "Arial"))
    oxml.set_paragraph(p, 200, 0, 12, ("number", 3))
    ppr = p._p.pPr  # type: ignore[attr-defined]
    assert (ppr.get("marL"), ppr.get("indent"), ppr.get("algn")) == ("200", "0", "l")
    assert [c.tag.split("}")[1] for c in ppr] == ["lnSpc", "spcBef", "buFont", "buAutoNum"]
    assert ppr.find(qn("a:buAutoNum")).get("startAt") == "3"
    assert ppr.find(qn("a:spcBef"))[0].get("val") == "1200"


def test_runs_script_fonts_and_end_properties() -> None:
    _, p = paragraph()
    r = p.add_run()  # type: ignore[attr-defined]
    r.text = "日本"
    r.hyperlink.address = "https://example.com/"
    oxml.set_run_effects(r, strike=True, baseline=30)
    oxml.set_script_fonts(r, "Yu Gothic", "")
    rpr = r._r.rPr
    assert (rpr.get("strike"), rpr.get("baseline")) == ("sngStrike", "30000")
    assert [c.tag.split("}")[1] for c in rpr] == ["ea", "hlinkClick"]  # a:ea comes before the hyperlink
    oxml.set_end_properties(p, 14, lang="en-US", latin="Consolas")
    end = p._p.endParaRPr  # type: ignore[attr-defined]
    assert (end.get("sz"), end.get("lang"), end[0].get("typeface")) == ("1400", "en-US", "Consolas")


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
