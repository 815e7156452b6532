"""The PowerPoint template: opened without its sample slides, its layouts and placeholders, and the content frame they give."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu

from presswork.compat.pptx import open_presentation, shape_proxy
from presswork.core.diagnostics import PressworkError
from presswork.exporters.pptx.model.deck import Frame
from presswork.exporters.pptx.output import oxml
from presswork.project.assets import AssetGate
from presswork.project.theme import Theme

EMU_PER_PT = 12700
#: Body text is never set smaller than this (points), whatever the template says.
MIN_BODY = 18.0
PRESENTATION_CT = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
TEMPLATE_CT = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODY_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)
#: Placeholders of the footer row, which content keeps clear of.
FOOTER_ROW_TYPES = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)


def pt(value: float) -> Emu:
    """Points -> EMU."""
    return Emu(int(round(value * EMU_PER_PT)))


def to_pt(emu: int) -> float:
    """EMU -> points."""
    return emu / EMU_PER_PT


def template_bytes(gate: AssetGate, theme: Theme, template: str) -> bytes:
    """The user's template read through the asset gate, else the theme's ``pptx/reference.pptx``."""
    if template:
        return gate.read_bytes(template)
    found = theme.find("pptx/reference.pptx")
    if found is None:
        raise PressworkError(f"theme {theme.name!r} has no pptx/reference.pptx")
    return found.read_bytes()


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
        prs = open_presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises several types for broken packages
        raise PressworkError(f"cannot open the PowerPoint template: {exc}") from exc
    oxml.remove_slides(prs)
    return prs


def placeholder_type(ph: Any) -> Any:
    """The PP_PLACEHOLDER type of a placeholder."""
    return ph.placeholder_format.type


def footer_row_limit(placeholders: Any, top: float, bottom: float) -> float:
    """``bottom`` (points), raised to 4 pt above any footer or slide-number placeholder lower than ``top``."""
    for p in placeholders:
        if placeholder_type(p) in FOOTER_ROW_TYPES and to_pt(p.top) > top:
            bottom = min(bottom, to_pt(p.top) - 4)
    return bottom


#: Placeholder kinds a layout is recognised by (footer, date and slide number do not count).
_KIND = {
    PP_PLACEHOLDER.TITLE: "title",
    PP_PLACEHOLDER.CENTER_TITLE: "ctrTitle",
    PP_PLACEHOLDER.SUBTITLE: "subTitle",
    PP_PLACEHOLDER.BODY: "body",
    PP_PLACEHOLDER.OBJECT: "obj",
    PP_PLACEHOLDER.PICTURE: "pic",
}
#: What each layout role holds, best match first: sorted placeholder kinds.
SIGNATURES: dict[str, tuple[tuple[str, ...], ...]] = {
    "title": (("ctrTitle", "subTitle"), ("ctrTitle",), ("body", "ctrTitle")),
    "content": (("obj", "title"), ("body", "title")),
    "section": (("body", "title"),),
    "title_only": (("title",),),
    "two_content": (("obj", "obj", "title"), ("body", "body", "title")),
    "comparison": (("body", "body", "obj", "obj", "title"),),
    "picture": (("body", "pic", "title"),),
}


def layout_signature(layout: Any) -> tuple[str, ...]:
    """The sorted kinds of a layout's content placeholders (title, body, obj, pic...)."""
    return tuple(sorted(_KIND[t] for t in (placeholder_type(p) for p in layout.placeholders) if t in _KIND))


class Layouts:
    """The template's layouts found by the placeholders they hold (names only break ties), so that
    third-party templates with other names, languages or orders work."""

    def __init__(self, prs: Any) -> None:
        self.prs = prs
        self._found: dict[tuple[str, tuple[str, ...]], Any] = {}  # the template's layouts do not change
        self._by_partname: dict[str, Any] = {}

    def find(self, role: str, names: tuple[str, ...] = ()) -> Any:
        """The layout for ``role`` (a key of SIGNATURES): the first whose placeholders match the role's best
        signature, a layout named in ``names`` preferred among equals; else the first layout with a title.
        Looked up once per deck (reading the placeholders of every layout for every slide cost 13% of a
        25-chapter deck)."""
        if (role, names) not in self._found:
            self._found[role, names] = self._find(role, names)
        return self._found[role, names]

    def _find(self, role: str, names: tuple[str, ...]) -> Any:
        layouts = list(self.prs.slide_layouts)
        taken = {id(self.content)} if role == "section" else set()
        for signature in SIGNATURES[role]:
            found = [lay for lay in layouts if layout_signature(lay) == signature and id(lay) not in taken]
            if found:
                named = [lay for lay in found if lay.name in names]
                return (named or found)[0]
        with_title = [lay for lay in layouts if {"title", "ctrTitle"} & set(layout_signature(lay))]
        return (with_title or layouts)[0]

    @property
    def title(self) -> Any:
        return self.find("title", ("Title Slide",))

    @property
    def content(self) -> Any:
        return self.find("content", ("Title and Content",))

    @property
    def section(self) -> Any:
        layout = self.find("section", ("Section Header",))
        return layout if layout_signature(layout) == ("body", "title") else self.content

    @property
    def two_content(self) -> Any:
        layout = self.find("two_content", ("Two Content",))
        return layout if layout_signature(layout) in SIGNATURES["two_content"] else self.title_only

    @property
    def comparison(self) -> Any:
        """The Comparison layout (two headings over two contents), or None when the template has none."""
        layout = self.find("comparison", ("Comparison",))
        return layout if layout_signature(layout) in SIGNATURES["comparison"] else None

    @property
    def picture(self) -> Any:
        """The Picture with Caption layout (title, picture, caption), or None when the template has none."""
        layout = self.find("picture", ("Picture with Caption",))
        return layout if layout_signature(layout) in SIGNATURES["picture"] else None

    @property
    def title_only(self) -> Any:
        return self.find("title_only", ("Title Only",))

    def by_partname(self, partname: str) -> Any:
        """The layout stored as part ``partname`` (a slide kept from an earlier build names its layout so)."""
        if not self._by_partname:
            for master in self.prs.slide_masters:
                for layout in master.slide_layouts:
                    self._by_partname.setdefault(str(layout.part.partname), layout)
        return self._by_partname[partname]

    def master_placeholder(self, ph: Any) -> Any:
        """The master's placeholder element of the same type as layout placeholder ``ph`` (None if none)."""
        if ph is None:
            return None
        kind = placeholder_type(ph)
        group = TITLE_TYPES if kind in TITLE_TYPES else BODY_TYPES if kind in BODY_TYPES else (kind,)
        for mp in self.prs.slide_master.placeholders:
            if placeholder_type(mp) in group:
                return mp.element
        return None

    def resolved_body_sizes(self, layout: Any, body: Any) -> tuple[float, float, float]:
        """The sizes (points) of the first three list levels of the content placeholder, as the template
        resolves them (layout, then master placeholder, then the master's body style); 24/20/18 where unset."""
        found = oxml.resolved_sizes(
            body.element if body is not None else None,
            self.master_placeholder(body),
            self.prs.slide_master.element,
            "bodyStyle",
        )
        defaults = (24.0, 20.0, 18.0)
        return tuple(f if f else d for f, d in zip(found, defaults, strict=True))  # type: ignore[return-value]

    @staticmethod
    def placeholder(layout: Any, types: tuple[Any, ...]) -> Any:
        """The first placeholder of one of ``types`` (lowest idx first) of a layout or slide, or None.
        (Read from the XML in one pass; python-pptx's proxies for every placeholder cost 10% of a deck.)"""
        wanted = {t.xml_value for t in types}
        best, best_idx = None, 0
        for el, kind, idx in oxml.placeholder_elements(layout.element):
            if kind in wanted and (best is None or idx < best_idx):
                best, best_idx = el, idx
        return None if best is None else shape_proxy(layout.shapes, best)

    def frame(self) -> PlacedFrame:
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
        bottom = min(footer_row_limit(layout.placeholders, top, bottom), slide_h - 4)  # keep clear of the footer row
        major, minor = theme_fonts(self.prs)
        title_w = to_pt(title.width) if title is not None else width
        title_h = to_pt(title.height) if title is not None else 60.0
        small = width < 620  # a narrow (4:3) content area gets slightly smaller code and tables
        divider = self.placeholder(self.section, BODY_TYPES)
        div_w = to_pt(divider.width) if divider is not None else width
        div_h = 0.0
        if divider is not None:
            div_bottom = footer_row_limit(self.section.placeholders, to_pt(divider.top), slide_h - 4)
            div_h = max(to_pt(divider.height), div_bottom - to_pt(divider.top))
        sizes = self.resolved_body_sizes(layout, body)
        title_sizes = oxml.resolved_sizes(
            title.element if title is not None else None,
            self.master_placeholder(title),
            self.prs.slide_master.element,
            "titleStyle",
            levels=1,
        )
        title_size = min(title_sizes[0] or oxml.title_style_size(self.prs.slide_master), 40.0)
        body_sizes = (max(MIN_BODY, sizes[0]), max(MIN_BODY, sizes[1]), max(MIN_BODY, sizes[2]))
        two = self.two_content
        column = self.placeholder(two, BODY_TYPES) if layout_signature(two) in SIGNATURES["two_content"] else None
        col_sizes = self.resolved_body_sizes(two, column) if column is not None else sizes
        column_sizes = (max(MIN_BODY, col_sizes[0]), max(MIN_BODY, col_sizes[1]), max(MIN_BODY, col_sizes[2]))
        return PlacedFrame(
            template_sizes=sizes,
            sizes=body_sizes,
            agenda_size=body_sizes[0],
            column_sizes=column_sizes,
            divider_width=div_w,
            divider_height=div_h,
            width=width,
            height=bottom - top,
            title_width=title_w,
            title_height=title_h,
            body_font=minor,
            title_font=major,
            title_size=title_size,
            code_size=14.0 if small else 16.0,
            table_size=14.0 if small else 16.0,
            left=left,
            top=top,
        )


@dataclass(frozen=True)
class PlacedFrame(Frame):
    """A Frame that also knows where the content area sits on the slide (points)."""

    left: float = 0.0
    top: float = 0.0
    #: Sizes of list levels 1-3 the content placeholder inherits from the template (runs at these sizes
    #: in the placeholder carry no size of their own).
    template_sizes: tuple[float, float, float] = (24.0, 20.0, 18.0)


def theme_colours(prs: Any) -> dict[str, str]:
    """The theme's colour slots ("accent1"...) as "RRGGBB" ({} without a theme)."""
    try:
        part = prs.slide_master.part.part_related_by(RT.THEME)
    except KeyError:
        return {}
    return oxml.theme_colours(part.blob)


def theme_fonts(prs: Any) -> tuple[str, str]:
    """The theme's (major, minor) Latin typefaces ("Calibri" when unset)."""
    try:
        part = prs.slide_master.part.part_related_by(RT.THEME)
    except KeyError:
        return "Calibri", "Calibri"
    return oxml.theme_fonts(part.blob)
