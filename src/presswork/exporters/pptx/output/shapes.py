"""Writes deck boxes as PowerPoint shapes: text frames with runs and bullets, code, tables, pictures, callouts."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Pt

from presswork.compat.pptx import Paragraph as PptxParagraph
from presswork.compat.pptx import Run as PptxRun
from presswork.compat.pptx import table_element, text_body, text_frame_shape
from presswork.core.urls import is_allowed_url
from presswork.exporters.common.cjk import cjk_region
from presswork.exporters.pptx.model import fit as slidefit
from presswork.exporters.pptx.model.deck import MAX_LEVEL, CalloutBox, CodeBox, Frame, Para, PictureBox, Run, TableBox
from presswork.exporters.pptx.model.inlinemath import SLOT_CHAR, Atom, has_math, math_lines, place_math
from presswork.exporters.pptx.model.measure import para_height
from presswork.exporters.pptx.model.text import slide_text
from presswork.exporters.pptx.output import oxml
from presswork.exporters.pptx.output.contrast import DARKER, legible, legible_brightness
from presswork.exporters.pptx.output.factory import ImageParts
from presswork.exporters.pptx.output.glyphs import GlyphChecker
from presswork.exporters.pptx.output.pictures import PictureStore
from presswork.exporters.pptx.output.template import PlacedFrame, pt, to_pt

CALLOUT_ACCENTS = {
    "note": MSO_THEME_COLOR.ACCENT_1,
    "info": MSO_THEME_COLOR.ACCENT_1,
    "abstract": MSO_THEME_COLOR.ACCENT_1,
    "tip": MSO_THEME_COLOR.ACCENT_3,
    "hint": MSO_THEME_COLOR.ACCENT_3,
    "success": MSO_THEME_COLOR.ACCENT_3,
    "important": MSO_THEME_COLOR.ACCENT_4,
    "warning": MSO_THEME_COLOR.ACCENT_2,
    "caution": MSO_THEME_COLOR.ACCENT_2,
    "danger": MSO_THEME_COLOR.ACCENT_6,
    "error": MSO_THEME_COLOR.ACCENT_6,
    "bug": MSO_THEME_COLOR.ACCENT_6,
}
CODE_FILL = "F4F6F9"
#: Brightness of a callout's fill: its accent colour, lightened to a pale tint.
CALLOUT_TINT = 0.85
#: Colour of code text the highlighter leaves uncoloured.
CODE_TEXT = "1D1D1F"
#: Bullet characters and their fonts. Task boxes use Wingdings (shipped with Office, and mapped to
#: OpenSymbol by LibreOffice): 0xFE is a ticked box, 0xA8 an empty one.
BULLETS = {"bullet": ("•", "Arial"), "done": ("\u00fe", "Wingdings"), "open": ("\u00a8", "Wingdings")}


class ShapeWriter:
    """Adds the shapes of deck boxes to slides, placed in the content frame."""

    def __init__(self, frame: PlacedFrame, pictures: PictureStore) -> None:
        self.frame, self.pictures = frame, pictures
        self.glyphs = GlyphChecker(lambda message: pictures.reporter.warn(message, None, "pptx"))
        #: Every picture of the deck is added through this (the cover's too).
        self.images = ImageParts()
        #: Internal links waiting for their target slide: (slide, run element, anchor id).
        self.links: list[tuple[Any, Any, str]] = []
        #: The theme's colour slots ("accent1": "RRGGBB"), to keep callout titles legible on their tint.
        self.colours: dict[str, str] = {}
        #: The book's language: Han characters take its East Asian font (``script_fonts``).
        self.language = ""

    def fill_text(
        self,
        slide: Any,
        tf: Any,
        paras: list[Para],
        ix: float,
        iy: float,
        frame: Frame | None = None,
        inherit: bool = False,
        template_sizes: tuple[float, float, float] | None = None,
    ) -> None:
        """Replace the text of text frame ``tf`` with ``paras`` set in ``frame`` (default: the content frame).
        ``inherit``: ``tf`` is the content placeholder, whose runs at the template's size for their level carry
        no size of their own (the template's styles apply; only sizes the fit engine chose are written);
        ``template_sizes``: the sizes ``tf``'s placeholder resolves, when it is another than the content one."""
        f = frame or self.frame
        fixed_text_frame(tf, ix, iy)
        body = text_body(tf)
        p = oxml.clear_text(body)
        top = 0.0  # where the paragraph starts in the text area (points), as a renderer sets it
        inner = to_pt(text_frame_shape(tf).width) - 2 * ix if any(map(has_math, paras)) else 0.0
        for i, para in enumerate(paras):
            if i:
                p = oxml.add_paragraph(body)
            self.format_para(p, para, f, first=i == 0)
            size = f.size_of(para)
            own = template_sizes or self.frame.template_sizes
            if inherit and para.level <= MAX_LEVEL and size == own[para.level]:
                size = 0.0  # the template's own size
            if has_math(para):
                top += f.space_of(para, i == 0)
                top = self.math_para(slide, tf, p, para, f, size, inner, top, (ix, iy))
                continue
            for run in para.runs:
                self.add_run(slide, p, run, size, para)
            if inner:  # measured as a renderer wraps: without the fit engine's safety margin
                top += para_height(para, f, inner * slidefit.WIDTH_SAFETY, i == 0)

    def math_para(
        self, slide: Any, tf: Any, p: Any, para: Para, f: Frame, size: float, inner: float, top: float, inset: Any
    ) -> float:
        """Write a paragraph (element ``p``) holding inline math line by line (explicit breaks), each formula a
        slot of no-break spaces with its picture placed over it; returns the top of the next paragraph."""
        shape = text_frame_shape(tf)
        left, y0 = to_pt(shape.left) + inset[0], to_pt(shape.top) + inset[1]
        lines = math_lines(para, f, inner)
        for k, line in enumerate(lines):
            if k:
                p.add_br()
            groups: list[list[Atom]] = []
            for atom in line.atoms:  # neighbouring text of one run is one run; each formula its own slot
                if groups and not atom.run.math and not groups[-1][0].run.math and groups[-1][0].run is atom.run:
                    groups[-1].append(atom)
                else:
                    groups.append([atom])
            for group in groups:
                if group[0].run.math:
                    self.math_slot(PptxParagraph(p, tf), group[0].width, line.slot_size, f)
                else:
                    text = "".join(a.text for a in group)
                    self.add_run(slide, p, dataclasses.replace(group[0].run, text=text), size, para)
            for placed in place_math(line, para, f, top):
                got = self.pictures.get("inline-math", placed.tex, None)
                if got is None:
                    continue
                pic = self.images.add_picture(
                    slide, got[0], pt(left + placed.x), pt(y0 + placed.y), pt(placed.width), pt(placed.height)
                )
                pic.name = "Inline math"
                oxml.set_description(pic, placed.tex)
            top += line.height
        return top

    def math_slot(self, p: Any, width: float, size: float, f: Frame) -> None:
        """A run of no-break spaces ``width`` points wide at ``size`` points, where a formula's picture goes."""
        one = slidefit.text_width(SLOT_CHAR, slidefit.Style(f.body_font, size)) / slidefit.WIDTH_SAFETY
        n = max(1, int(width / one))
        r = p.add_run()
        r.text = SLOT_CHAR * n
        r.font.size = Pt(size)
        oxml.set_char_spacing(r, (width - n * one) / n)

    def format_para(self, p: Any, para: Para, f: Frame, first: bool) -> None:
        """Level, margins, spacing and bullet of paragraph element ``p`` (all of its old properties dropped)."""
        bullet: oxml.Bullet = ("none",)
        if para.bullet == "number":
            bullet = ("number", para.number)
        elif para.bullet:
            char, font = BULLETS[para.bullet]
            bullet = ("char", char, font)
        indent = -pt(f.hang_of(para)) if para.bullet else 0
        oxml.set_paragraph(p, min(para.level, 8), pt(f.margin_of(para)), indent, f.space_of(para, first), bullet)

    def add_run(self, slide: Any, p: Any, run: Run, size: float, para: Para) -> None:
        """Append ``run`` to paragraph element ``p`` (``a:p``); an internal link is noted in ``links`` to be
        resolved later."""
        if run.text == "\n":
            p.add_br()
            return
        text = run.text if run.code else slide_text(run.text)
        family = self.frame.code_font if run.code else self.frame.body_font
        for piece, fallback in self.glyphs.pieces(text, family):
            self._add_piece(slide, p, run, piece, fallback, size, para)

    def _add_piece(self, slide: Any, p: Any, run: Run, text: str, fallback: str, size: float, para: Para) -> None:
        if size:
            sz = oxml.centipoints(size * 0.7 if run.baseline else size)
        elif run.baseline:
            sz = oxml.centipoints(self.frame.template_sizes[min(para.level, MAX_LEVEL)] * 0.7)
        else:
            sz = 0
        east_asian, complex_script = script_fonts(text, run.lang or self.language)
        r = oxml.add_run(
            p,
            text,
            size=sz,
            bold=run.bold or para.role_bold,
            italic=run.italic or para.role_italic,
            latin=fallback or (self.frame.code_font if run.code else ""),
            strike=run.strike,
            baseline=run.baseline,
            scheme="accent1" if para.role == "subhead" else "",
            east_asian=east_asian,
            complex_script=complex_script,
        )
        if run.url.startswith("#"):
            self.links.append((slide, r, run.url[1:]))
        elif run.url and is_allowed_url(run.url, internal=False):
            PptxRun(r, slide.shapes).hyperlink.address = run.url  # the link's relationship is the slide's

    # ------------------------------------------------------------- boxes
    def code(self, slide: Any, box: CodeBox, y: float) -> None:
        """A filled rectangle of coloured monospace lines at ``y`` points."""
        f = self.frame
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, pt(f.left), pt(y), pt(f.width), pt(box.height))
        shape.name = "Code"
        shape.fill.solid()
        shape.fill.fore_color.rgb = rgb(CODE_FILL)
        shape.line.fill.background()
        shape.shadow.inherit = False
        tf = shape.text_frame
        fixed_text_frame(tf, f.callout_inset, f.callout_inset)
        lines = (
            ((tok.text, legible(tok.color or CODE_TEXT, CODE_FILL), tok.bold, tok.italic) for tok in line or ())
            for line in box.lines
        )
        oxml.code_lines(text_body(tf), lines, box.size, f.code_font)

    def table(self, slide: Any, box: TableBox, y: float) -> None:
        """A native table centred at ``y`` points, bold header rows, measured column widths and row heights."""
        f = self.frame
        rows = len(box.head) + len(box.body)
        cols = len(box.col_widths)
        width = sum(box.col_widths)
        left = f.left + (f.width - width) / 2
        gframe = slide.shapes.add_table(rows, cols, pt(left), pt(y), pt(width), pt(box.height))
        table = gframe.table
        table.first_row = bool(box.head)
        table.horz_banding = True
        col_emu = [pt(w) for w in box.col_widths]
        for grid_col, w in zip(oxml.grid_columns(table_element(table)), col_emu, strict=False):
            grid_col.set("w", str(w))
        if col_emu:  # python-pptx's column width setter makes the frame as wide as the columns
            gframe.width = Emu(sum(col_emu))
        heights = box.head_heights + box.row_heights
        align = [{"center": "ctr", "right": "r"}.get(a, "l") for a in box.alignments]
        margins = (pt(f.cell_margin_x), pt(f.cell_margin_y))
        row_emu = [pt(h) for h in heights]
        for r_i, (tr, row, h) in enumerate(
            zip(oxml.table_rows(table_element(table)), box.head + box.body, row_emu, strict=True)
        ):
            tr.set("h", str(h))
            for c_i, (tc, cell_runs) in enumerate(zip(oxml.row_cells(tr), row, strict=False)):
                p = oxml.set_cell(tc, margins, align[c_i])
                for run in cell_runs:
                    self.add_run(slide, p, run, box.size, Para(cell_runs))
                    if r_i < len(box.head):
                        oxml.set_run_bold(p)
                oxml.set_end_properties(p, box.size)
        if row_emu:  # python-pptx's row height setter makes the frame as tall as the rows
            gframe.height = Emu(sum(row_emu))

    def picture_at(self, slide: Any, box: PictureBox, left: float, top: float) -> None:
        """The picture of ``box`` (without its caption) with its alt text, its top left corner at (left, top) pt."""
        got = self.pictures.get(box.kind, box.src, box.pos)
        if got is None:
            return
        img_h = box.height - box.caption_height
        pic = self.images.add_picture(slide, got[0], pt(left), pt(top), pt(box.width), pt(img_h))
        pic.name = "Math" if box.kind == "math" else "Picture"
        oxml.set_description(pic, box.alt)

    def picture(self, slide: Any, box: PictureBox, y: float) -> None:
        """A picture centred at ``y`` points with its alt text and, below it, its caption."""
        f = self.frame
        img_h = box.height - box.caption_height
        if box.width:
            self.picture_at(slide, box, f.left + (f.width - box.width) / 2, y)
        if box.caption:
            shape = slide.shapes.add_textbox(pt(f.left), pt(y + img_h), pt(f.width), pt(box.caption_height))
            self.fill_text(slide, shape.text_frame, [Para(box.caption, role="caption")], f.inset_x, f.inset_y)
            shape.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER

    def callout(self, slide: Any, box: CalloutBox, y: float) -> None:
        """A rounded box tinted with the kind's accent colour, its title in that colour."""
        f = self.frame
        shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, pt(f.left), pt(y), pt(f.width), pt(box.height))
        shape.name = f"Callout {box.kind}"
        shape.adjustments[0] = min(0.12, 14.0 / max(box.height, 1.0))
        accent = CALLOUT_ACCENTS.get(box.kind.lower(), MSO_THEME_COLOR.ACCENT_1)
        shape.fill.solid()
        shape.fill.fore_color.theme_color = accent
        shape.fill.fore_color.brightness = CALLOUT_TINT
        shape.line.color.theme_color = accent
        shape.line.width = Pt(1.5)
        shape.shadow.inherit = False
        self.fill_text(slide, shape.text_frame, box.paras, f.callout_inset, f.callout_inset)
        for p in shape.text_frame.paragraphs:
            for r in p.runs:
                r.font.color.theme_color = MSO_THEME_COLOR.TEXT_1
        slot = f"accent{int(accent) - MSO_THEME_COLOR.ACCENT_1 + 1}"
        darker = legible_brightness(self.colours[slot], CALLOUT_TINT) if slot in self.colours else DARKER[0]
        title_left = box.title_chars or None  # characters of the first paragraph that are the title
        for r in shape.text_frame.paragraphs[0].runs:
            if title_left is not None and title_left <= 0:
                break
            r.font.color.theme_color = accent
            r.font.color.brightness = darker
            if title_left is not None:
                title_left -= len(r.text)


def rgb(hex_colour: str) -> RGBColor:
    """An RGB colour from "RRGGBB"."""
    colour: RGBColor = RGBColor.from_string(hex_colour)  # type: ignore[no-untyped-call]  # python-pptx is untyped here
    return colour


def set_insets(tf: Any, x: float, y: float) -> None:
    """Left/right insets ``x`` and top/bottom insets ``y`` (points) of a text frame."""
    tf.margin_left = tf.margin_right = pt(x)
    tf.margin_top = tf.margin_bottom = pt(y)


_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_COMPLEX = re.compile(r"[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0e7f]")


#: The East Asian font of each CJK region (``exporters.common.cjk``), as PowerPoint names them.
_EAST_ASIAN = {"SC": "Microsoft YaHei", "TC": "Microsoft JhengHei", "JP": "Yu Gothic", "KR": "Malgun Gothic"}


def script_fonts(text: str, lang: str = "") -> tuple[str, str]:
    """The East Asian and complex-script fonts ``text`` in language ``lang`` needs ("" = none): kana is
    Japanese and hangul Korean whatever the language; Han characters take the face of ``lang``
    (Simplified Chinese when it names no CJK language)."""
    ea = ""
    if _CJK.search(text):
        region = "JP" if _KANA.search(text) else "KR" if _HANGUL.search(text) else cjk_region(lang) or "SC"
        ea = _EAST_ASIAN[region]
    return ea, "Arial" if _COMPLEX.search(text) else ""


def fixed_text_frame(tf: Any, x: float, y: float) -> None:
    """Make a text frame wrap, never autofit, anchor at the top, with insets ``x`` and ``y`` (points)."""
    oxml.fixed_body(text_body(tf).bodyPr, pt(x), pt(y), anchor="t")
