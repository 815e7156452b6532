"""Deck model -> PowerPoint file (python-pptx) on the theme's or the user's template."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from ..diagnostics import PressworkError
from ..tree import Document, Pos
from . import slidefit
from .base import BuildContext, Exporter
from .slides import (
    CalloutBox, CodeBox, Deck, Frame, Options as DeckOptions, Para, PictureBox, Run, Slide, TableBox, TextBox,
    build_deck, highlight, text_height, title_size,
)

EMU_PER_PT = 12700
#: Fixed GUID of slide-number fields (PowerPoint wants one; a random one would break reproducibility).
FIELD_ID = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"
PRESENTATION_CT = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
TEMPLATE_CT = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
CALLOUT_ACCENTS = {
    "note": MSO_THEME_COLOR.ACCENT_1, "info": MSO_THEME_COLOR.ACCENT_1, "abstract": MSO_THEME_COLOR.ACCENT_1,
    "tip": MSO_THEME_COLOR.ACCENT_3, "hint": MSO_THEME_COLOR.ACCENT_3, "success": MSO_THEME_COLOR.ACCENT_3,
    "important": MSO_THEME_COLOR.ACCENT_4, "warning": MSO_THEME_COLOR.ACCENT_2, "caution": MSO_THEME_COLOR.ACCENT_2,
    "danger": MSO_THEME_COLOR.ACCENT_6, "error": MSO_THEME_COLOR.ACCENT_6, "bug": MSO_THEME_COLOR.ACCENT_6,
}
CODE_FILL = "F4F6F9"
BULLETS = {"bullet": ("•", "Arial"), "done": ("☑", "Segoe UI Symbol"), "open": ("☐", "Segoe UI Symbol")}


def pt(value: float) -> Emu:
    """Points -> EMU."""
    return Emu(int(round(value * EMU_PER_PT)))


def to_pt(emu: int) -> float:
    """EMU -> points."""
    return emu / EMU_PER_PT


class PptxExporter(Exporter):
    """Writes an editable PowerPoint deck in which every word fits on its slide."""

    name = "pptx"
    extension = "pptx"
    description = "Editable PowerPoint deck (measured layout, speaker notes, native tables)"

    @dataclass(frozen=True)
    class Options:
        """Options of ``[tool.presswork.pptx]``."""

        slide_level: int = 0  #: Heading level (2..6) that starts a slide; 0 = chosen from the book's structure.
        prose: Literal["lead", "slide", "notes"] = "lead"  #: Long paragraphs: first sentence on the slide + full text in notes ("lead"), all on slides ("slide"), all in notes ("notes").
        template: str = ""  #: A .pptx/.potx template (project-relative); "" = the theme's pptx/reference.pptx.
        agenda: bool = True  #: Add an agenda slide listing the chapters.
        code_style: str = "friendly"  #: Pygments style for code colours (a light-background style).

    def export(self, doc: Document, ctx: BuildContext, target: Path) -> None:
        """Build the deck: template -> measured deck model -> slides -> core properties -> reproducible zip."""
        opts: PptxExporter.Options = ctx.options if isinstance(ctx.options, PptxExporter.Options) else PptxExporter.Options()
        prs = open_template(self._template_bytes(ctx, opts))
        layouts = Layouts(prs)
        frame = layouts.frame()
        pictures = PictureStore(ctx)
        deck = build_deck(doc, frame, DeckOptions(opts.slide_level, opts.prose, opts.agenda), pictures.size,
                          lambda msg, pos: ctx.reporter.warn(msg, pos, "pptx"),
                          lambda code, lang: highlight(code, lang, opts.code_style))
        Writer(prs, layouts, frame, pictures).write(deck)
        set_core_properties(prs, doc, ctx)
        buf = io.BytesIO()
        prs.save(buf)
        data = normalise_zip(buf.getvalue(), ctx.build_time)
        target.write_bytes(data)

    @staticmethod
    def _template_bytes(ctx: BuildContext, opts: Options) -> bytes:
        if opts.template:
            return ctx.gate.read_bytes(opts.template)
        found = ctx.theme.find("pptx/reference.pptx")
        if found is None:
            raise PressworkError(f"theme {ctx.theme.name!r} has no pptx/reference.pptx")
        return found.read_bytes()


# ----------------------------------------------------------------------------- template


def open_template(data: bytes) -> Any:
    """A Presentation from template bytes (.pptx or .potx) with the template's own slides removed."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise PressworkError("the PowerPoint template is not a .pptx/.potx file")
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        types = zin.read("[Content_Types].xml")
        if TEMPLATE_CT.encode() in types:  # .potx: present it as a presentation
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
                for info in zin.infolist():
                    body = zin.read(info.filename)
                    if info.filename == "[Content_Types].xml":
                        body = body.replace(TEMPLATE_CT.encode(), PRESENTATION_CT.encode())
                    zout.writestr(info.filename, body)
            data = out.getvalue()
    try:
        prs = Presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises several types for broken packages
        raise PressworkError(f"cannot open the PowerPoint template: {exc}") from exc
    id_list = prs.slides._sldIdLst
    for sld_id in list(id_list):
        prs.part.drop_rel(sld_id.rId)
        id_list.remove(sld_id)
    return prs


def _ph_type(ph: Any) -> Any:
    return ph.placeholder_format.type


TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODY_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)


class Layouts:
    """The template's layouts looked up by PowerPoint's names (with fallbacks by placeholder types)."""

    def __init__(self, prs: Any) -> None:
        self.prs = prs
        self.by_name = {layout.name: layout for layout in prs.slide_layouts}

    def find(self, names: tuple[str, ...], needs: tuple[tuple, ...]) -> Any:
        """The first layout named in ``names``, else the first having a placeholder of each type group in ``needs``."""
        for n in names:
            if n in self.by_name:
                return self.by_name[n]
        for layout in self.prs.slide_layouts:
            types = {_ph_type(p) for p in layout.placeholders}
            if all(types & set(group) for group in needs):
                return layout
        return self.prs.slide_layouts[0]

    @property
    def title(self) -> Any:
        return self.find(("Title Slide",), (TITLE_TYPES, BODY_TYPES))

    @property
    def content(self) -> Any:
        return self.find(("Title and Content", "Title, Content"), (TITLE_TYPES, BODY_TYPES))

    @property
    def section(self) -> Any:
        return self.find(("Section Header", "Section Title"), (TITLE_TYPES,))

    @property
    def title_only(self) -> Any:
        return self.find(("Title Only",), (TITLE_TYPES,))

    @staticmethod
    def placeholder(layout: Any, types: tuple) -> Any:
        """The layout's first placeholder of one of ``types`` (lowest idx first), or None."""
        found = sorted((p for p in layout.placeholders if _ph_type(p) in types), key=lambda p: p.placeholder_format.idx)
        return found[0] if found else None

    def frame(self) -> Frame:
        """The measured geometry of the content layout."""
        layout = self.content
        title = self.placeholder(layout, TITLE_TYPES)
        body = self.placeholder(layout, BODY_TYPES)
        slide_w, slide_h = to_pt(self.prs.slide_width), to_pt(self.prs.slide_height)
        if body is None:
            left, top, width = slide_w * 0.06, slide_h * 0.22, slide_w * 0.88
            bottom = slide_h * 0.88
        else:
            left, top, width = to_pt(body.left), to_pt(body.top), to_pt(body.width)
            bottom = top + to_pt(body.height)
        for p in layout.placeholders:  # keep clear of the footer row
            if _ph_type(p) in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER) and to_pt(p.top) > top:
                bottom = min(bottom, to_pt(p.top) - 4)
        bottom = min(bottom, slide_h - 4)
        major, minor = theme_fonts(self.prs)
        title_w = to_pt(title.width) if title is not None else width
        title_h = to_pt(title.height) if title is not None else 60.0
        small = width < 620  # a narrow (4:3) content area gets slightly smaller code and tables
        divider = self.placeholder(self.section, BODY_TYPES)
        div_w = to_pt(divider.width) if divider is not None else width
        div_h = 0.0
        if divider is not None:
            div_bottom = slide_h - 4
            for p in self.section.placeholders:
                if _ph_type(p) in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER) and p.top > divider.top:
                    div_bottom = min(div_bottom, to_pt(p.top) - 4)
            div_h = max(to_pt(divider.height), div_bottom - to_pt(divider.top))
        return PlacedFrame(divider_width=div_w, divider_height=div_h,width=width, height=bottom - top, title_width=title_w, title_height=title_h,
                           body_font=minor, title_font=major, title_size=min(title_style_size(self.prs), 40.0),
                           code_size=14.0 if small else 16.0, table_size=14.0 if small else 16.0, left=left, top=top)


@dataclass(frozen=True)
class PlacedFrame(Frame):
    """A Frame that also knows where the content area sits on the slide (points)."""

    left: float = 0.0
    top: float = 0.0


A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def theme_fonts(prs: Any) -> tuple[str, str]:
    """The theme's (major, minor) Latin typefaces ("Calibri" when unset)."""
    try:
        part = prs.slide_master.part.part_related_by(RT.THEME)
        root = etree.fromstring(part.blob)
    except (KeyError, etree.XMLSyntaxError):
        return "Calibri", "Calibri"
    ns = {"a": A_NS}
    major = root.xpath("string(.//a:majorFont/a:latin/@typeface)", namespaces=ns) or "Calibri"
    minor = root.xpath("string(.//a:minorFont/a:latin/@typeface)", namespaces=ns) or "Calibri"
    return major, minor


def title_style_size(prs: Any) -> float:
    """The master's title size in points (44 when unset)."""
    sizes = prs.slide_master._element.xpath(".//p:txStyles/p:titleStyle/a:lvl1pPr/a:defRPr/@sz")
    return int(sizes[0]) / 100 if sizes else 44.0


# ----------------------------------------------------------------------------- pictures


class PictureStore:
    """Reads images through the gate and rasterises SVG and TeX to PNG (print quality), with sizes."""

    SCALE = 4  # SVG/TeX rendered at 4x their CSS pixel size (~380 dpi when placed at natural size)

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self.cache: dict[tuple[str, str], tuple[bytes, tuple[float, float]] | None] = {}

    def size(self, kind: str, src: str, pos: Pos | None) -> tuple[float, float] | None:
        """Natural size in CSS pixels (None when the picture cannot be placed: warned)."""
        got = self.get(kind, src, pos)
        return got[1] if got else None

    def get(self, kind: str, src: str, pos: Pos | None) -> tuple[bytes, tuple[float, float]] | None:
        """(PNG/JPEG bytes, natural size) of a picture."""
        key = (kind, src)
        if key not in self.cache:
            try:
                self.cache[key] = self._load(kind, src, pos)
            except PressworkError as exc:
                self.ctx.reporter.warn(f"picture not placed on the slides: {exc.message}", pos or exc.pos, "pptx")
                self.cache[key] = None
        return self.cache[key]

    def _load(self, kind: str, src: str, pos: Pos | None) -> tuple[bytes, tuple[float, float]]:
        if kind == "math":
            import ziamath

            try:
                svg = ziamath.Latex(src, size=28).svg()
            except Exception as exc:  # ziamath raises many types on bad TeX
                raise PressworkError(f"cannot typeset math {src!r}: {exc}", pos) from exc
            return rasterise(svg, pos, self.SCALE)
        data = self.ctx.gate.read_bytes(src, pos=pos)
        w, h = self.ctx.gate.image_size(data, src, pos)
        if (w, h) == (0, 0):
            return rasterise(data.decode("utf-8", "replace"), pos, self.SCALE)
        if not data.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8")):  # webp and others -> PNG
            from PIL import Image as PILImage

            out = io.BytesIO()
            with PILImage.open(io.BytesIO(data)) as img:
                img.save(out, "PNG")
            data = out.getvalue()
        return data, (float(w), float(h))


_UNSAFE_HREF = re.compile(r"""(?:xlink:)?href\s*=\s*(["'])(?!#|data:)[^"']*\1""", re.I)


def rasterise(svg: str, pos: Pos | None, scale: int) -> tuple[bytes, tuple[float, float]]:
    """Render SVG text to PNG at ``scale`` x its size; external references are removed first (sandbox)."""
    import resvg_py

    safe = _UNSAFE_HREF.sub('href="#"', svg)
    safe = re.sub(r"<!DOCTYPE[^>]*(\[[^\]]*\])?>", "", safe, flags=re.S)
    import tempfile

    try:
        with tempfile.TemporaryDirectory() as empty:  # nothing to resolve relative references against
            png = bytes(resvg_py.svg_to_bytes(svg_string=safe, zoom=scale, resources_dir=empty))
    except Exception as exc:  # resvg raises plain exceptions on bad SVG
        raise PressworkError(f"cannot render SVG: {exc}", pos) from exc
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as img:
        w, h = img.size
    return png, (w / scale, h / scale)


# ----------------------------------------------------------------------------- writing


class Writer:
    """Turns the deck model into slides on the template's layouts."""

    def __init__(self, prs: Any, layouts: Layouts, frame: PlacedFrame, pictures: PictureStore) -> None:
        self.prs, self.layouts, self.frame, self.pictures = prs, layouts, frame, pictures
        self.anchors: dict[str, Any] = {}
        self.links: list[tuple[Any, etree._Element, str]] = []

    def write(self, deck: Deck) -> None:
        """Add every slide, then resolve internal links to slide jumps."""
        for number, model in enumerate(deck.slides, start=1):
            slide = self.slide(model)
            for a in model.anchors:
                self.anchors.setdefault(a, slide)
            self.chrome(slide, model, deck.footer, number)
            if model.notes:
                slide.notes_slide.notes_text_frame.text = "\n\n".join(model.notes)
        for slide, r_el, anchor in self.links:
            target = self.anchors.get(anchor)
            if target is None or target is slide:
                continue
            rid = slide.part.relate_to(target.part, RT.SLIDE)
            rpr = r_el.get_or_add_rPr()
            link = rpr.add_hlinkClick(rid)
            link.set("action", "ppaction://hlinksldjump")

    # ------------------------------------------------------------- slides
    def slide(self, model: Slide) -> Any:
        if model.kind == "title":
            return self.title_slide(model)
        if model.kind == "section":
            return self.section_slide(model)
        only_text = len(model.boxes) == 1 and isinstance(model.boxes[0], TextBox)
        layout = self.layouts.content if only_text else self.layouts.title_only
        slide = self.prs.slides.add_slide(layout)
        self.set_title(slide, model.title, self.frame.title_width, self.frame.title_height, self.frame.title_size)
        body = Layouts.placeholder(slide, BODY_TYPES)
        f = self.frame
        y = f.top
        for box in model.boxes:
            if isinstance(box, TextBox):
                if only_text and body is not None:
                    shape = body
                    shape.left, shape.top, shape.width, shape.height = pt(f.left), pt(y), pt(f.width), pt(f.height)
                    body = None
                else:
                    shape = slide.shapes.add_textbox(pt(f.left), pt(y), pt(f.width), pt(box.height))
                self.fill_text(slide, shape.text_frame, box.paras, f.inset_x, f.inset_y)
            elif isinstance(box, CodeBox):
                self.code(slide, box, y)
            elif isinstance(box, TableBox):
                self.table(slide, box, y)
            elif isinstance(box, PictureBox):
                self.picture(slide, box, y)
            elif isinstance(box, CalloutBox):
                self.callout(slide, box, y)
            y += box.height + 14.0
        self.drop_empty(slide)
        return slide

    def title_slide(self, model: Slide) -> Any:
        layout = self.layouts.title
        slide = self.prs.slides.add_slide(layout)
        title_ph = Layouts.placeholder(layout, TITLE_TYPES)
        if title_ph is not None:
            self.set_title(slide, model.title, to_pt(title_ph.width), to_pt(title_ph.height),
                           min(title_style_size(self.prs) + 4, 48.0), lines=3)
        sub = Layouts.placeholder(slide, BODY_TYPES)
        if sub is not None and model.subtitle:
            self.fit_paras(slide, sub, model.subtitle)
        self.drop_empty(slide)
        return slide

    def section_slide(self, model: Slide) -> Any:
        layout = self.layouts.section
        slide = self.prs.slides.add_slide(layout)
        title_ph = Layouts.placeholder(layout, TITLE_TYPES)
        if title_ph is not None:
            self.set_title(slide, model.title, to_pt(title_ph.width), to_pt(title_ph.height), 40.0, lines=3)
        body = Layouts.placeholder(slide, BODY_TYPES)
        if body is not None and model.subtitle:
            self.fit_paras(slide, body, model.subtitle)
        self.drop_empty(slide)
        return slide

    def fit_paras(self, slide: Any, shape: Any, paras: list[Para]) -> None:
        """Fill a placeholder with paragraphs, shrinking the sizes (not below 18 pt) until they fit; the box may
        grow down to the footer row."""
        f = self.frame
        _pin(shape)
        width = to_pt(shape.width)
        height = max(to_pt(shape.height), self.room_below(slide, shape))
        frame = f
        for _ in range(4):
            if text_height(paras, frame, width) <= height:
                break
            frame = _replace(frame, sizes=tuple(max(18.0, s - 2) for s in frame.sizes))
        self.fill_text(slide, shape.text_frame, paras, f.inset_x, f.inset_y, frame)
        need = text_height(paras, frame, width)
        if need > to_pt(shape.height):  # grow the box downwards rather than overflow it
            shape.height = pt(need)

    def room_below(self, slide: Any, shape: Any) -> float:
        """Height from the top of ``shape`` down to the footer row (or the slide's bottom)."""
        bottom = to_pt(self.prs.slide_height) - 4
        for ph in slide.slide_layout.placeholders:
            if _ph_type(ph) in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER) and ph.top > shape.top:
                bottom = min(bottom, to_pt(ph.top) - 4)
        return bottom - to_pt(shape.top)

    def set_title(self, slide: Any, text: str, width: float, height: float, start: float, lines: int = 2) -> None:
        ph = Layouts.placeholder(slide, TITLE_TYPES)
        if ph is None:
            ph = slide.shapes.add_textbox(pt(self.frame.left), pt(12), pt(width), pt(height))
        frame = _replace(self.frame, title_width=width, title_height=height, title_size=start)
        layout_xml = etree.tostring(slide.slide_layout._element) + etree.tostring(self.prs.slide_master._element)
        if b'cap="all"' in layout_xml:  # the template sets titles in capitals: measure them so
            text_measured = text.upper()
        else:
            text_measured = text
        size = title_size(text_measured, frame, lines)
        tf = ph.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        _insets(tf, self.frame.inset_x, self.frame.inset_y)
        tf.text = ""
        run = tf.paragraphs[0].add_run()
        run.text = text
        run.font.size = Pt(size)
        _script_fonts(run)
        need = slidefit.wrap_count([(text_measured, slidefit.Style(frame.title_font, size, True))], width - 2 * frame.inset_x)
        need_h = need * size * slidefit.line_factor(frame.title_font) * 1.06 + 2 * frame.inset_y
        if need_h > height:  # a very long title: make the box tall enough rather than let it overflow
            _pin(ph)
            ph.top = max(Emu(0), ph.top - pt(need_h - height))
            ph.height = pt(need_h)

    # ------------------------------------------------------------- text
    def fill_text(self, slide: Any, tf: Any, paras: list[Para], ix: float, iy: float, frame: Frame | None = None) -> None:
        f = frame or self.frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.vertical_anchor = MSO_ANCHOR.TOP
        _insets(tf, ix, iy)
        tf.text = ""
        for i, para in enumerate(paras):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            self.format_para(p, para, f, first=i == 0)
            size = f.size_of(para)
            for run in para.runs:
                self.add_run(slide, p, run, size, para)

    def format_para(self, p: Any, para: Para, f: Frame, first: bool) -> None:
        p.level = min(para.level, 8)
        ppr = p._p.get_or_add_pPr()
        for child in list(ppr):
            ppr.remove(child)
        margin = f.margin_of(para)
        ppr.set("marL", str(pt(margin)))
        ppr.set("indent", str(-pt(f.hang_of(para)) if para.bullet else 0))
        ppr.set("algn", "l")
        ln = etree.SubElement(ppr, qn("a:lnSpc"))
        etree.SubElement(ln, qn("a:spcPct"), val="100000")
        sb = etree.SubElement(ppr, qn("a:spcBef"))
        etree.SubElement(sb, qn("a:spcPts"), val=str(int(f.space_of(para, first) * 100)))
        if para.bullet == "number":
            etree.SubElement(ppr, qn("a:buFont"), typeface="+mj-lt")
            etree.SubElement(ppr, qn("a:buAutoNum"), type="arabicPeriod", startAt=str(max(para.number, 1)))
        elif para.bullet:
            char, font = BULLETS[para.bullet]
            etree.SubElement(ppr, qn("a:buFont"), typeface=font)
            etree.SubElement(ppr, qn("a:buChar"), char=char)
        else:
            etree.SubElement(ppr, qn("a:buNone"))

    def add_run(self, slide: Any, p: Any, run: Run, size: float, para: Para) -> None:
        if run.text == "\n":
            p.add_line_break()
            return
        r = p.add_run()
        r.text = run.text
        font = r.font
        font.size = Pt(size * (0.7 if run.baseline else 1.0)) if run.baseline else Pt(size)
        bold = run.bold or para.role in ("subhead", "callout-title", "term")
        italic = run.italic or para.role in ("quote", "caption")
        if bold:
            font.bold = True
        if italic:
            font.italic = True
        if run.code:
            font.name = self.frame.code_font
        rpr = r._r.get_or_add_rPr()
        if run.strike:
            rpr.set("strike", "sngStrike")
        if run.baseline:
            rpr.set("baseline", str(run.baseline * 1000))
        if para.role == "subhead":
            font.color.theme_color = MSO_THEME_COLOR.ACCENT_1
        _script_fonts(r)
        if run.url.startswith("#"):
            self.links.append((slide, r._r, run.url[1:]))
        elif run.url:
            r.hyperlink.address = run.url

    # ------------------------------------------------------------- boxes
    def code(self, slide: Any, box: CodeBox, y: float) -> None:
        f = self.frame
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, pt(f.left), pt(y), pt(f.width), pt(box.height))
        shape.name = "Code"
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(CODE_FILL)
        shape.line.fill.background()
        shape.shadow.inherit = False
        tf = shape.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.vertical_anchor = MSO_ANCHOR.TOP
        _insets(tf, f.callout_inset, f.callout_inset)
        for i, line in enumerate(box.lines):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.alignment = PP_ALIGN.LEFT
            ppr = p._p.get_or_add_pPr()
            ppr.set("marL", "0")
            ppr.set("indent", "0")
            ln = etree.SubElement(ppr, qn("a:lnSpc"))
            etree.SubElement(ln, qn("a:spcPct"), val="100000")
            sb = etree.SubElement(ppr, qn("a:spcBef"))
            etree.SubElement(sb, qn("a:spcPts"), val="0")
            etree.SubElement(ppr, qn("a:buNone"))
            for tok in line or ():
                r = p.add_run()
                r.text = tok.text
                r.font.name = f.code_font
                r.font.size = Pt(box.size)
                r.font.color.rgb = RGBColor.from_string(tok.color or "1D1D1F")
                if tok.bold:
                    r.font.bold = True
                if tok.italic:
                    r.font.italic = True
            end = p._p.get_or_add_endParaRPr()
            end.set("sz", str(int(box.size * 100)))
            end.set("lang", "en-US")
            etree.SubElement(end, qn("a:latin"), typeface=f.code_font)

    def table(self, slide: Any, box: TableBox, y: float) -> None:
        f = self.frame
        rows = len(box.head) + len(box.body)
        cols = len(box.col_widths)
        width = sum(box.col_widths)
        left = f.left + (f.width - width) / 2
        gframe = slide.shapes.add_table(rows, cols, pt(left), pt(y), pt(width), pt(box.height))
        table = gframe.table
        table.first_row = bool(box.head)
        table.horz_banding = True
        for c, w in enumerate(box.col_widths):
            table.columns[c].width = pt(w)
        heights = box.head_heights + box.row_heights
        for r_i, (row, h) in enumerate(zip(box.head + box.body, heights)):
            table.rows[r_i].height = pt(h)
            for c_i, cell_runs in enumerate(row):
                cell = table.cell(r_i, c_i)
                cell.margin_left = cell.margin_right = pt(f.cell_margin_x)
                cell.margin_top = cell.margin_bottom = pt(f.cell_margin_y)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                tf = cell.text_frame
                tf.word_wrap = True
                p = tf.paragraphs[0]
                p.alignment = {"center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}.get(box.alignments[c_i], PP_ALIGN.LEFT)
                for run in cell_runs:
                    self.add_run(slide, p, run, box.size, Para(cell_runs))
                    if r_i < len(box.head):
                        p.runs[-1].font.bold = True
                end = p._p.get_or_add_endParaRPr()
                end.set("sz", str(int(box.size * 100)))

    def picture(self, slide: Any, box: PictureBox, y: float) -> None:
        f = self.frame
        got = self.pictures.get(box.kind, box.src, box.pos)
        if got is None:
            return
        data, _ = got
        img_h = box.height - box.caption_height
        left = f.left + (f.width - box.width) / 2
        pic = slide.shapes.add_picture(io.BytesIO(data), pt(left), pt(y), pt(box.width), pt(img_h))
        pic.name = "Math" if box.kind == "math" else "Picture"
        cnv = pic._element.xpath("./p:nvPicPr/p:cNvPr")[0]
        cnv.set("descr", box.alt)
        if box.caption:
            shape = slide.shapes.add_textbox(pt(f.left), pt(y + img_h), pt(f.width), pt(box.caption_height))
            self.fill_text(slide, shape.text_frame, [Para(box.caption, role="caption")], f.inset_x, f.inset_y)
            shape.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER

    def callout(self, slide: Any, box: CalloutBox, y: float) -> None:
        f = self.frame
        shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, pt(f.left), pt(y), pt(f.width), pt(box.height))
        shape.name = f"Callout {box.kind}"
        shape.adjustments[0] = min(0.12, 14.0 / max(box.height, 1.0))
        accent = CALLOUT_ACCENTS.get(box.kind.lower(), MSO_THEME_COLOR.ACCENT_1)
        shape.fill.solid()
        shape.fill.fore_color.theme_color = accent
        shape.fill.fore_color.brightness = 0.85
        shape.line.color.theme_color = accent
        shape.line.width = Pt(1.5)
        shape.shadow.inherit = False
        self.fill_text(slide, shape.text_frame, box.paras, f.callout_inset, f.callout_inset)
        for p in shape.text_frame.paragraphs:
            for r in p.runs:
                r.font.color.theme_color = MSO_THEME_COLOR.TEXT_1
        for r in shape.text_frame.paragraphs[0].runs:
            r.font.color.theme_color = accent
            r.font.color.brightness = -0.25

    # ------------------------------------------------------------- chrome
    def chrome(self, slide: Any, model: Slide, footer: str, number: int) -> None:
        """Footer (book title) and slide number, cloned from the layout's placeholders."""
        if model.kind == "title":
            return
        layout = slide.slide_layout
        for ph in layout.placeholders:
            kind = _ph_type(ph)
            if kind == PP_PLACEHOLDER.FOOTER and footer:
                slide.shapes.clone_placeholder(ph)
                shape = slide.placeholders[ph.placeholder_format.idx]
                tf = shape.text_frame
                tf.word_wrap = True
                tf.auto_size = MSO_AUTO_SIZE.NONE
                tf.text = footer
                size = 12.0
                family = self.frame.body_font
                while size > 8 and slidefit.text_width(footer, slidefit.Style(family, size)) > to_pt(shape.width) - 2 * self.frame.inset_x:
                    size -= 1
                tf.paragraphs[0].runs[0].font.size = Pt(size)
                _insets(tf, self.frame.inset_x, self.frame.inset_y)
            elif kind == PP_PLACEHOLDER.SLIDE_NUMBER:
                slide.shapes.clone_placeholder(ph)
                shape = slide.placeholders[ph.placeholder_format.idx]
                tf = shape.text_frame
                tf.auto_size = MSO_AUTO_SIZE.NONE
                _insets(tf, self.frame.inset_x, self.frame.inset_y)
                p = tf.paragraphs[0]._p
                fld = etree.SubElement(p, qn("a:fld"), id=FIELD_ID, type="slidenum")
                etree.SubElement(fld, qn("a:rPr"), lang="en-US", sz="1200")
                etree.SubElement(fld, qn("a:t")).text = str(number)

    @staticmethod
    def drop_empty(slide: Any) -> None:
        """Remove placeholders left empty (they would show "Click to add text" while editing)."""
        for ph in list(slide.placeholders):
            if ph.has_text_frame and not ph.text_frame.text.strip():
                ph._element.getparent().remove(ph._element)


def _replace(frame: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(frame, **changes)


def _pin(shape: Any) -> None:
    """Give a placeholder its inherited position explicitly (before changing one of its dimensions)."""
    left, top, width, height = shape.left, shape.top, shape.width, shape.height
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _insets(tf: Any, x: float, y: float) -> None:
    tf.margin_left = tf.margin_right = pt(x)
    tf.margin_top = tf.margin_bottom = pt(y)


_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_COMPLEX = re.compile(r"[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0e7f]")


def _script_fonts(run: Any) -> None:
    """Name East Asian (``a:ea``) and complex-script (``a:cs``) fonts for runs that need them."""
    text = run.text
    ea = ("Yu Gothic" if _KANA.search(text) else "Malgun Gothic" if _HANGUL.search(text) else "Microsoft YaHei") \
        if _CJK.search(text) else ""
    cs = "Arial" if _COMPLEX.search(text) else ""
    if not (ea or cs):
        return
    rpr = run._r.get_or_add_rPr()
    anchor = None
    for tag in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst"):
        found = rpr.find(qn(tag))
        if found is not None:
            anchor = found
            break
    for tag, face in (("a:ea", ea), ("a:cs", cs)):
        if not face:
            continue
        el = etree.Element(qn(tag), typeface=face)
        if anchor is not None:
            anchor.addprevious(el)
        else:
            rpr.append(el)


# ----------------------------------------------------------------------------- package


def set_core_properties(prs: Any, doc: Document, ctx: BuildContext) -> None:
    """Title, author, subject, keywords and fixed dates; nothing of the template's properties is kept."""
    cp = prs.core_properties
    for child in list(cp._element):
        cp._element.remove(child)
    meta = doc.meta
    cp.title = meta.title
    cp.author = "; ".join(a.name for a in meta.authors)
    cp.subject = meta.subtitle or meta.description
    cp.keywords = ", ".join(meta.subjects)
    if meta.description:
        cp.comments = meta.description
    cp.language = meta.language
    cp.last_modified_by = "presswork"
    cp.revision = 1
    when = ctx.build_time.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
    cp.created = cp.modified = when


def normalise_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite the package with fixed entry times (the build time) and a stable entry order."""
    stamp = when.astimezone(timezone.utc).timetuple()[:6]
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        names = [i.filename for i in zin.infolist()]
        first = [n for n in names if n == "[Content_Types].xml"]
        for name in first + sorted(n for n in names if n not in first):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, zin.read(name))
    return out.getvalue()

