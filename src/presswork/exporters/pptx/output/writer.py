"""Writes the deck model as slides on the template's layouts: titles, boxes top-down, footer, number, notes, links."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping
from typing import Any

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Pt

from presswork.compat.pptx import part_element, set_part_element, text_body
from presswork.exporters.pptx.model import fit as slidefit
from presswork.exporters.pptx.model.deck import (
    COLUMN_GAP,
    CalloutBox,
    CodeBox,
    Deck,
    Para,
    PictureBox,
    Slide,
    TableBox,
    TextBox,
)
from presswork.exporters.pptx.model.measure import GAP, text_height, title_height, title_lines, title_size
from presswork.exporters.pptx.model.paginate import column_width
from presswork.exporters.pptx.model.text import slide_text
from presswork.exporters.pptx.output import oxml
from presswork.exporters.pptx.output.factory import ShapeCopier, SlideFactory
from presswork.exporters.pptx.output.kept import (
    WrittenSlide,
    capture,
    keep_bytes,
    parse_kept,
    release,
    serialize_part_xml,
)
from presswork.exporters.pptx.output.pictures import PictureStore
from presswork.exporters.pptx.output.shapes import ShapeWriter, rgb, script_fonts, set_insets
from presswork.exporters.pptx.output.template import (
    BODY_TYPES,
    TITLE_TYPES,
    Layouts,
    PlacedFrame,
    footer_row_limit,
    placeholder_type,
    pt,
    theme_colours,
    to_pt,
)


class DeckWriter:
    """Turns the deck model into slides on the template's layouts."""

    def __init__(
        self, prs: Any, layouts: Layouts, frame: PlacedFrame, pictures: PictureStore, cover: bytes = b""
    ) -> None:
        self.prs, self.layouts, self.frame = prs, layouts, frame
        #: The book's cover design (PNG, the slide's size, no text): the title slide's background.
        self.cover = cover
        self.shapes = ShapeWriter(frame, pictures)
        self.shapes.colours = theme_colours(prs)
        #: The book's language (set by the exporter): the East Asian font of the titles.
        self.language = ""
        self.factory = SlideFactory(prs)
        self.copier = ShapeCopier()
        self.capitals: dict[str, bool] = {}
        self.anchors: dict[str, Any] = {}

    def write(self, deck: Deck) -> None:
        """Add every slide, then resolve internal links to slide jumps."""
        for number, model in enumerate(deck.slides, start=1):
            self.write_slide(model, deck.footer, number)
        self.finish()

    def write_slide(self, model: Slide, footer: str, number: int, keep: bool = False) -> WrittenSlide | None:
        """Add the slide of ``model`` as slide ``number`` with its chrome and notes; ``keep``: also return what
        was written, to be added again by :meth:`replay` in a later build without the shape writer."""
        links = len(self.shapes.links)
        slide = self.slide(model)
        for a in model.anchors:
            self.anchors.setdefault(a, slide.part)
        self.chrome(slide, model, footer, number)
        oxml.title_first(slide)  # screen readers and PowerPoint's accessibility checker read the title first
        kept = capture(slide, model, self.shapes.links[links:], number) if keep else None
        notes = None
        if model.notes:
            notes = self.factory.notes_slide(slide)
            notes.notes_text_frame.text = "\n\n".join(model.notes)
            if kept is not None:
                kept.notes = serialize_part_xml(part_element(notes.part))
        if kept is not None and not kept.links:
            release(slide, kept, number, notes)
        return kept

    def replay(self, kept: WrittenSlide, number: int, media: Mapping[str, bytes] | None = None) -> None:
        """Add a slide kept by :meth:`write_slide` as slide ``number``: the same parts, relationships and XML as
        writing its model again (its slide number set to ``number``); ``media``: picture bytes by the content
        hash a kept relationship of kind "media" names."""
        media = media or {}
        slide = self.factory.add_slide(self.layouts.by_partname(kept.layout))
        part = slide.part
        for rid, reltype, kind, payload in kept.rels:
            if kind == "layout":
                got = next(iter(part.rels))
            elif kind in ("image", "media"):
                data = payload if isinstance(payload, bytes) else media[payload]
                got = part.relate_to(self.shapes.images.image_part(part.package, data), reltype)
            else:
                got = part.relate_to(payload, reltype, is_external=True)
            if got != rid:  # the same calls in the same order give the same ids: anything else is a bug
                raise AssertionError(f"kept slide relationship {rid} came back as {got}")
        for a in kept.anchors:
            self.anchors.setdefault(a, part)
        if kept.links:  # its links get their slide jumps in finish(): the XML is parsed
            root = parse_kept(kept.xml(number))
            set_part_element(part, root)
            wanted = dict(kept.links)
            for k, el in enumerate(root.iter()):
                if k in wanted:
                    self.shapes.links.append((slide, el, wanted[k]))
        else:
            keep_bytes(part, kept.xml(number))
        if kept.notes is not None:
            keep_bytes(self.factory.notes_slide(slide).part, kept.notes)

    def finish(self) -> None:
        """Resolve internal links to slide jumps (after every slide is added)."""
        for slide, r_el, anchor in self.shapes.links:
            target = self.anchors.get(anchor)  # the slide part holding the anchor
            if target is None or target is slide.part:
                continue
            rid = slide.part.relate_to(target, RT.SLIDE)
            oxml.add_slide_jump(r_el, rid)

    # ------------------------------------------------------------- slides
    def statement_slide(self, model: Slide, box: TextBox) -> Any:
        """A statement: its title, and one short paragraph set large and centred in the content area."""
        slide = self.factory.add_slide(self.layouts.title_only)
        f = self.frame
        self.set_title(slide, model.title, f.title_width, f.title_height, f.title_size)
        y = f.top + (f.height - box.height) / 2
        shape = slide.shapes.add_textbox(pt(f.left), pt(y), pt(f.width), pt(box.height))
        shape.name = "Statement"
        self.shapes.fill_text(slide, shape.text_frame, box.paras, f.inset_x, f.inset_y)
        for p in shape.text_frame.paragraphs:
            p.alignment = PP_ALIGN.CENTER
        return slide

    def slide(self, model: Slide) -> Any:
        """Add the slide of ``model`` on its layout and return it."""
        if model.kind == "title" and self.cover:
            return self.cover_slide(model)
        if model.kind == "title":
            return self.headline_slide(
                model, self.layouts.title, min(oxml.title_style_size(self.prs.slide_master) + 4, 48.0)
            )
        if model.kind == "section":
            return self.headline_slide(model, self.layouts.section, 40.0)
        if model.layout == "comparison" and self.layouts.comparison is not None:
            return self.comparison_slide(model, self.layouts.comparison)
        if model.layout == "picture-caption" and self.layouts.picture is not None:
            return self.picture_slide(model, self.layouts.picture)
        if model.layout == "two-content" and len(model.boxes) == 2 and any(isinstance(b, TextBox) for b in model.boxes):
            return self.beside_slide(model)
        if model.layout == "statement" and len(model.boxes) == 1 and isinstance(model.boxes[0], TextBox):
            return self.statement_slide(model, model.boxes[0])
        only_text = len(model.boxes) == 1 and isinstance(model.boxes[0], TextBox)
        # Text in two columns (perhaps under a line that introduces it) goes in the Two Content placeholders.
        columns = (
            all(isinstance(b, TextBox) for b in model.boxes)
            and sum(isinstance(b, TextBox) and b.split > 0 for b in model.boxes) == 1
        )
        # Text on top of a slide goes in the content placeholder (the template's styles apply to it).
        text_first = bool(model.boxes) and isinstance(model.boxes[0], TextBox) and not model.boxes[0].split
        text_first = text_first and not columns
        layout = self.layouts.content if text_first else self.layouts.title_only
        if model.layout == "title-only":
            layout = self.layouts.title_only
        elif columns:
            layout = self.layouts.two_content
        slide = self.factory.add_slide(layout)
        self.set_title(slide, model.title, self.frame.title_width, self.frame.title_height, self.frame.title_size)
        body = None if columns else Layouts.placeholder(slide, BODY_TYPES)
        f = self.frame
        y = f.top
        for box in model.boxes:
            if isinstance(box, TextBox) and box.split:
                self.columns(slide, box, y, use_placeholders=columns)
                body = None
            elif isinstance(box, TextBox):
                if body is not None:
                    shape = body
                    height = f.height if only_text else box.height
                    shape.left, shape.top, shape.width, shape.height = pt(f.left), pt(y), pt(f.width), pt(height)
                    body = None
                else:
                    shape = slide.shapes.add_textbox(pt(f.left), pt(y), pt(f.width), pt(box.height))
                self.shapes.fill_text(
                    slide, shape.text_frame, box.paras, f.inset_x, f.inset_y, inherit=shape.is_placeholder
                )
            elif isinstance(box, CodeBox):
                self.shapes.code(slide, box, y)
            elif isinstance(box, TableBox):
                self.shapes.table(slide, box, y)
            elif isinstance(box, PictureBox):
                self.shapes.picture(slide, box, y)
            elif isinstance(box, CalloutBox):
                self.shapes.callout(slide, box, y)
            y += box.height + GAP
        self.drop_empty(slide)
        return slide

    def comparison_slide(self, model: Slide, layout: Any) -> Any:
        """Two headed columns on the Comparison layout: each heading in its heading placeholder, its list in
        the content placeholder below it (placed by the model's measures, left to right)."""
        slide = self.factory.add_slide(layout)
        f = self.frame
        self.set_title(slide, model.title, f.title_width, f.title_height, f.title_size)
        box = model.boxes[0]
        assert isinstance(box, TextBox) and box.split
        heads = sorted(
            (p for p in slide.placeholders if placeholder_type(p) == PP_PLACEHOLDER.BODY), key=lambda p: p.left
        )
        bodies = sorted(
            (p for p in slide.placeholders if placeholder_type(p) == PP_PLACEHOLDER.OBJECT), key=lambda p: p.left
        )
        width = column_width(f)
        columns = (box.paras[: box.split], box.paras[box.split :])
        head_h = max(text_height(col[:1], f, width) for col in columns)
        for k, col in enumerate(columns):
            left = f.left + k * (width + COLUMN_GAP)
            head, body = heads[k], bodies[k]
            head.left, head.top, head.width, head.height = pt(left), pt(f.top), pt(width), pt(head_h)
            self.shapes.fill_text(slide, head.text_frame, col[:1], f.inset_x, f.inset_y)
            body.left, body.top, body.width = pt(left), pt(f.top + head_h), pt(width)
            body.height = pt(max(box.height - head_h, 1.0))
            layout_ph = layout.placeholders.get(idx=body.placeholder_format.idx)
            own = self.layouts.resolved_body_sizes(layout, layout_ph)
            self.shapes.fill_text(
                slide, body.text_frame, col[1:], f.inset_x, f.inset_y, inherit=True, template_sizes=own
            )
        self.drop_empty(slide)
        return slide

    def picture_slide(self, model: Slide, layout: Any) -> Any:
        """A lone figure on the Picture with Caption layout: the picture fitted into the picture placeholder's
        box (which is then removed: it would crop), the caption in the caption placeholder."""
        slide = self.factory.add_slide(layout)
        f = self.frame
        title_ph = Layouts.placeholder(layout, TITLE_TYPES)
        width = to_pt(title_ph.width) if title_ph is not None else f.title_width
        height = to_pt(title_ph.height) if title_ph is not None else f.title_height
        self.set_title(slide, model.title, width, height, f.title_size)
        box = next(b for b in model.boxes if isinstance(b, PictureBox))
        holder = Layouts.placeholder(slide, (PP_PLACEHOLDER.PICTURE,))
        if holder is not None:
            x, y, w, h = (to_pt(v) for v in (holder.left, holder.top, holder.width, holder.height))
            oxml.remove_shape(holder)
        else:
            x, y, w, h = f.left, f.top, f.width, f.height * 0.75
        img_h = box.height - box.caption_height
        scale = min(w / box.width, h / img_h) if box.width and img_h else 1.0
        placed = dataclasses.replace(box, width=box.width * scale, height=img_h * scale, caption=(), caption_height=0)
        self.shapes.picture_at(slide, placed, x + (w - placed.width) / 2, y + (h - placed.height) / 2)
        body = Layouts.placeholder(slide, BODY_TYPES)
        if box.caption and body is not None:
            self.fit_paras(slide, body, [Para(box.caption, role="caption")])
        elif box.caption:
            self.shapes.picture(slide, dataclasses.replace(box, width=0, height=box.caption_height), y + h)
        self.drop_empty(slide)
        return slide

    def beside_slide(self, model: Slide) -> Any:
        """Text beside a picture or code block on the Two Content layout, in the model's order: the text in its
        column's placeholder, the block at the top of the other column."""
        slide = self.factory.add_slide(self.layouts.two_content)
        f = self.frame
        self.set_title(slide, model.title, f.title_width, f.title_height, f.title_size)
        first = isinstance(model.boxes[0], TextBox)
        text, block = model.boxes if first else model.boxes[::-1]
        assert isinstance(text, TextBox)
        split = len(text.paras) if first else 0  # the text's column: left or right
        self.columns(slide, TextBox(text.paras, max(text.height, block.height), split=split), f.top, True)
        self.drop_empty(slide)  # the other column's placeholder, left empty: the block is placed there
        width = column_width(f)
        self.shapes.frame = dataclasses.replace(f, left=f.left + (width + COLUMN_GAP if first else 0.0), width=width)
        try:
            if isinstance(block, CodeBox):
                self.shapes.code(slide, block, f.top)
            elif isinstance(block, PictureBox):
                self.shapes.picture(slide, block, f.top)
        finally:
            self.shapes.frame = f
        return slide

    def columns(self, slide: Any, box: TextBox, y: float, use_placeholders: bool) -> None:
        """A two-column text box: the layout's two content placeholders (left, right) when it has them,
        else two text boxes, each half the content width."""
        f = self.frame
        width = column_width(f)
        holders = (
            sorted((p for p in slide.placeholders if placeholder_type(p) in BODY_TYPES), key=lambda p: p.left)
            if use_placeholders
            else []
        )
        for k, paras in enumerate((box.paras[: box.split], box.paras[box.split :])):
            left = f.left + k * (width + COLUMN_GAP)
            own = None
            if len(holders) >= 2:
                shape = holders[k]
                shape.left, shape.top, shape.width, shape.height = pt(left), pt(y), pt(width), pt(box.height)
                layout_ph = slide.slide_layout.placeholders.get(idx=shape.placeholder_format.idx)
                own = self.layouts.resolved_body_sizes(slide.slide_layout, layout_ph)
            else:
                shape = slide.shapes.add_textbox(pt(left), pt(y), pt(width), pt(box.height))
            self.shapes.fill_text(
                slide, shape.text_frame, paras, f.inset_x, f.inset_y, inherit=own is not None, template_sizes=own
            )

    def headline_slide(self, model: Slide, layout: Any, title_start: float) -> Any:
        """A title or section slide: the title (up to three lines, from ``title_start`` pt down) and the subtitle."""
        slide = self.factory.add_slide(layout)
        title_ph = Layouts.placeholder(layout, TITLE_TYPES)
        if title_ph is not None:
            self.set_title(slide, model.title, to_pt(title_ph.width), to_pt(title_ph.height), title_start, lines=3)
        body = Layouts.placeholder(slide, BODY_TYPES)
        if body is not None and model.subtitle:
            self.fit_paras(slide, body, model.subtitle)
        self.drop_empty(slide)
        return slide

    def cover_slide(self, model: Slide) -> Any:
        """The title slide on the book's cover design: the cover as a full-slide picture behind the title and
        subtitle, which stay editable text, set in white where the cover would set them."""
        slide = self.factory.add_slide(self.layouts.title)
        w, h = to_pt(self.prs.slide_width), to_pt(self.prs.slide_height)
        pic = self.shapes.images.add_picture(slide, self.cover, 0, 0, self.prs.slide_width, self.prs.slide_height)
        pic.name = "Cover"
        oxml.mark_decorative(pic)
        oxml.send_to_back(pic)
        left, top = cover_text_origin(self.cover, w, h)
        width = w - 2 * left
        left -= self.frame.inset_x  # the text, not its box, lines up with the cover's rule
        title_ph = Layouts.placeholder(slide, TITLE_TYPES)
        if title_ph is None:
            title_ph = slide.shapes.add_textbox(pt(left), pt(top), pt(width), pt(h * 0.3))
        title_ph.left, title_ph.top, title_ph.width, title_ph.height = pt(left), pt(top), pt(width), pt(h * 0.3)
        self.set_title(slide, model.title, width, h * 0.3, min(self.frame.title_size + 8, 48.0), lines=3)
        on_cover(title_ph.text_frame, bold=True)
        frame = dataclasses.replace(self.frame, title_width=width, title_size=min(self.frame.title_size + 8, 48.0))
        size = title_size(model.title, dataclasses.replace(frame, title_height=h * 0.3), 3)
        used = title_height(title_lines(model.title, frame, size), frame, size)
        title_ph.height = pt(used)
        body = Layouts.placeholder(slide, BODY_TYPES)
        if model.subtitle:
            sub_top = top + used + 12
            if body is None:
                body = slide.shapes.add_textbox(pt(left), pt(sub_top), pt(width), pt(h * 0.9 - sub_top))
            body.left, body.top, body.width = pt(left), pt(sub_top), pt(width)
            body.height = pt(max(h * 0.9 - sub_top, 40.0))
            self.fit_paras(slide, body, model.subtitle)
            on_cover(body.text_frame, bold=False)
        self.drop_empty(slide)
        return slide

    def fit_paras(self, slide: Any, shape: Any, paras: list[Para]) -> None:
        """Fill a placeholder with paragraphs, shrinking the sizes (not below 18 pt) until they fit; the box may
        grow down to the footer row."""
        f = self.frame
        pin_geometry(shape)
        width = to_pt(shape.width)
        height = max(to_pt(shape.height), self.room_below(slide, shape))
        frame = f
        for _ in range(4):
            if text_height(paras, frame, width) <= height:
                break
            frame = dataclasses.replace(
                frame,
                sizes=(max(18.0, frame.sizes[0] - 2), max(18.0, frame.sizes[1] - 2), max(18.0, frame.sizes[2] - 2)),
            )
        self.shapes.fill_text(slide, shape.text_frame, paras, f.inset_x, f.inset_y, frame)
        need = text_height(paras, frame, width)
        if need > to_pt(shape.height):  # grow the box downwards rather than overflow it
            shape.height = pt(need)

    def room_below(self, slide: Any, shape: Any) -> float:
        """Height from the top of ``shape`` down to the footer row (or the slide's bottom)."""
        top = to_pt(shape.top)
        return footer_row_limit(slide.slide_layout.placeholders, top, to_pt(self.prs.slide_height) - 4) - top

    def set_title(self, slide: Any, text: str, width: float, height: float, start: float, lines: int = 2) -> None:
        """Set the title at the largest size (from ``start`` down) that fits ``lines`` lines of a ``width`` x ``height`` box."""
        ph = Layouts.placeholder(slide, TITLE_TYPES)
        if ph is None:
            ph = slide.shapes.add_textbox(pt(self.frame.left), pt(12), pt(width), pt(height))
        frame = dataclasses.replace(self.frame, title_width=width, title_height=height, title_size=start)
        if self.in_capitals(slide.slide_layout):  # measure capitals as capitals
            text_measured = text.upper()
        else:
            text_measured = text
        size = title_size(text_measured, frame, lines)
        body = text_body(ph.text_frame)
        oxml.fixed_body(body.bodyPr, pt(self.frame.inset_x), pt(self.frame.inset_y))
        shown = slide_text(text)
        east_asian, complex_script = script_fonts(shown, self.language)
        oxml.add_run(
            oxml.clear_text(body),
            shown,
            size=oxml.centipoints(size),
            east_asian=east_asian,
            complex_script=complex_script,
        )
        need_h = title_height(title_lines(text_measured, frame, size), frame, size)
        if need_h > height:  # a very long title: make the box tall enough rather than let it overflow
            pin_geometry(ph)
            ph.top = max(Emu(0), ph.top - pt(need_h - height))
            ph.height = pt(need_h)

    def in_capitals(self, layout: Any) -> bool:
        """Whether the layout (or the master) sets titles in capitals (looked up once per layout)."""
        key = str(layout.part.partname)
        if key not in self.capitals:
            self.capitals[key] = oxml.titles_in_capitals(layout, self.prs.slide_master)
        return self.capitals[key]

    # ------------------------------------------------------------- chrome
    def chrome(self, slide: Any, model: Slide, footer: str, number: int) -> None:
        """Footer (book title) and slide number, cloned from the layout's placeholders (made once per layout,
        then copied: they differ only in the number)."""
        if model.kind == "title":
            return
        layout = slide.slide_layout
        added = self.copier.add(slide, (str(layout.part.partname), footer), lambda: self.make_chrome(slide, footer))
        for el in added:
            oxml.set_slide_number(el, number)

    def make_chrome(self, slide: Any, footer: str) -> None:
        """The footer and slide-number placeholders of ``slide``'s layout on ``slide`` (the number still 0)."""
        layout = slide.slide_layout
        for ph in layout.placeholders:
            kind = placeholder_type(ph)
            if kind == PP_PLACEHOLDER.FOOTER and footer:
                slide.shapes.clone_placeholder(ph)
                shape = slide.placeholders[ph.placeholder_format.idx]
                tf = shape.text_frame
                tf.word_wrap = True
                tf.auto_size = MSO_AUTO_SIZE.NONE
                tf.text = footer
                size = 12.0
                family = self.frame.body_font
                while (
                    size > 8
                    and slidefit.text_width(footer, slidefit.Style(family, size))
                    > to_pt(shape.width) - 2 * self.frame.inset_x
                ):
                    size -= 1
                tf.paragraphs[0].runs[0].font.size = Pt(size)
                set_insets(tf, self.frame.inset_x, self.frame.inset_y)
            elif kind == PP_PLACEHOLDER.SLIDE_NUMBER:
                slide.shapes.clone_placeholder(ph)
                shape = slide.placeholders[ph.placeholder_format.idx]
                tf = shape.text_frame
                tf.auto_size = MSO_AUTO_SIZE.NONE
                set_insets(tf, self.frame.inset_x, self.frame.inset_y)
                oxml.add_slide_number(tf.paragraphs[0], 0)

    @staticmethod
    def drop_empty(slide: Any) -> None:
        """Remove placeholders left empty (they would show "Click to add text" while editing)."""
        oxml.remove_empty_placeholders(slide.element)


#: Colour of the text set on the cover design (which is dark: the theme's accent, darkened).
COVER_TEXT = "FFFFFF"


def on_cover(tf: Any, bold: bool) -> None:
    """Set a text frame's runs in white, aligned left, for the cover design behind them."""
    for p in tf.paragraphs:
        p.alignment = PP_ALIGN.LEFT
        for r in p.runs:
            r.font.color.rgb = rgb(COVER_TEXT)
            if bold:
                r.font.bold = True


def cover_text_origin(png: bytes, width: float, height: float) -> tuple[float, float]:
    """Where the cover design wants its title (points on a ``width`` x ``height`` slide): at its left margin,
    just below the accent rule it draws (found in the picture, so the cover's own layout decides)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        rgb_img = img.convert("RGB")
        px_w, px_h = rgb_img.size
        margin = round(px_w * 0.1)
        column = [rgb_img.getpixel((margin + 4, y)) for y in range(px_h)]
    rule_end = 0
    for y in range(1, round(px_h * 0.7)):  # the rule: the last bright row of the margin's column in the upper part
        if sum(column[y]) > 450:  # type: ignore[arg-type]
            rule_end = y
    scale = width / px_w
    top = (rule_end + px_h * 0.04) * scale if rule_end else height * 0.38
    return margin * scale, top


def pin_geometry(shape: Any) -> None:
    """Give a placeholder its inherited position explicitly (before changing one of its dimensions)."""
    left, top, width, height = shape.left, shape.top, shape.width, shape.height
    shape.left, shape.top, shape.width, shape.height = left, top, width, height
