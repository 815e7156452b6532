"""The writer's fast paths give the deck python-pptx would: slides, notes, chrome and pictures added without
python-pptx's per-slide work make the same package byte for byte, and code runs carry the model's colours,
styles, font and size."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from lxml import etree
from PIL import Image as PILImage
from pptx import Presentation
from pptx.oxml.ns import qn

from presswork.exporters.pptx.model.deck import CodeBox, Token
from presswork.exporters.pptx.output.contrast import legible
from presswork.exporters.pptx.output.factory import ImageParts, ShapeCopier, SlideFactory
from presswork.exporters.pptx.output.oxml import add_slide_number, set_slide_number
from presswork.exporters.pptx.output.pictures import PictureStore
from presswork.exporters.pptx.output.shapes import CODE_FILL, CODE_TEXT, ShapeWriter
from presswork.exporters.pptx.output.template import Layouts

#: Layouts of python-pptx's default template used in turn: Title and Content, Title Only, Title and Content again.
ORDER = (1, 5, 1, 1, 5)


def parts(prs: Any) -> dict[str, bytes]:
    buf = io.BytesIO()
    prs.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {name: z.read(name) for name in z.namelist()}


def footer(slide: Any, number: int) -> None:
    """A slide-number placeholder cloned from the layout, its number set (what ``DeckWriter.chrome`` does)."""
    for ph in slide.slide_layout.placeholders:
        if ph.placeholder_format.type == 13:  # PP_PLACEHOLDER.SLIDE_NUMBER
            slide.shapes.clone_placeholder(ph)
            add_slide_number(slide.placeholders[ph.placeholder_format.idx].text_frame.paragraphs[0], number)


def png(colour: str) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (8, 4), colour).save(buf, "PNG")
    return buf.getvalue()


def test_slides_notes_chrome_and_pictures_from_prototypes_equal_python_pptx() -> None:
    pictures = [png("red"), png("blue"), png("red")]  # the third is the first again: one image part
    plain, fast = Presentation(), Presentation()
    for number, k in enumerate(ORDER, start=1):
        slide = plain.slides.add_slide(plain.slide_layouts[k])
        slide.shapes.title.text = f"Slide {number}"
        slide.shapes.add_picture(io.BytesIO(pictures[number % 3]), 0, 0, 100, 50)
        footer(slide, number)
        if number % 2:
            slide.notes_slide.notes_text_frame.text = f"notes of {number}"
    factory, copier, images = SlideFactory(fast), ShapeCopier(), ImageParts()
    for number, k in enumerate(ORDER, start=1):
        slide = factory.add_slide(fast.slide_layouts[k])
        slide.shapes.title.text = f"Slide {number}"
        images.add_picture(slide, pictures[number % 3], 0, 0, 100, 50)
        added = copier.add(slide, k, lambda s=slide: footer(s, 0))
        for el in added:
            set_slide_number(el, number)
        if number % 2:
            factory.notes_slide(slide).notes_text_frame.text = f"notes of {number}"
    want, got = parts(plain), parts(fast)
    assert list(got) == list(want)
    assert [n for n in want if got[n] != want[n]] == []
    assert sum(n.startswith("ppt/notesSlides/notesSlide") for n in got) == 3
    assert sum(n.startswith("ppt/media/image") for n in got) == 2


class Reporter:
    def warn(self, message: str, pos: object, fmt: str) -> None:
        raise AssertionError(message)


def test_code_runs_carry_the_models_colours_styles_font_and_size() -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    frame = Layouts(prs).frame()
    lines = [
        (Token("def", "007020", bold=True), Token(" "), Token("f", "06287e"), Token("():")),
        (),
        (Token("    # note", "60a0b0", italic=True),),
    ]
    ShapeWriter(frame, PictureStore(None, Reporter())).code(slide, CodeBox(lines, 15.5), 100.0)  # type: ignore[arg-type]
    body = slide.shapes[-1]._element.find(qn("p:txBody"))
    paras = body.findall(qn("a:p"))
    assert len(paras) == len(lines)
    for para, line in zip(paras, lines, strict=True):
        runs = para.findall(qn("a:r"))
        assert [r.findtext(qn("a:t")) for r in runs] == [t.text for t in line]
        for r, tok in zip(runs, line, strict=True):
            rpr = r.find(qn("a:rPr"))
            colour = rpr.find(f"{qn('a:solidFill')}/{qn('a:srgbClr')}").get("val")
            assert colour == legible(tok.color or CODE_TEXT, CODE_FILL)  # the model's colour, darkened to 4.5:1
            assert (rpr.get("b") == "1", rpr.get("i") == "1") == (tok.bold, tok.italic)
            assert rpr.find(qn("a:latin")).get("typeface") == frame.code_font
            assert rpr.get("sz") == "1550"
        end = para.find(qn("a:endParaRPr"))
        assert (end.get("sz"), end.find(qn("a:latin")).get("typeface")) == ("1550", frame.code_font)
    etree.fromstring(etree.tostring(body))  # well-formed
