"""Every raw OOXML access of the PPTX writer, in one place: what python-pptx has no API for, and what it
does too slowly to be used for every run of a deck.

The rest of ``output/`` uses python-pptx's objects; each function here names the DrawingML or
PresentationML elements it writes, so a reader can check them against the standard (ECMA-376) in one
file. The builders of runs, paragraphs, text bodies and table cells write exactly the XML python-pptx's
property setters would (same attributes in the same order, same children): ``output`` was about four
times faster for it, and a deck's bytes did not change (``benchmarks/pptx_compare.py`` checks that).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, Literal

from lxml import etree
from pptx.oxml.ns import qn

from presswork.compat.pptx import paragraph_element, part_element, run_element, slide_id_list

#: Fixed GUID of slide-number fields (PowerPoint wants one; a random one would break reproducibility).
FIELD_ID = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"

#: A paragraph's bullet: none, an auto number starting at n, or a character in a font.
Bullet = tuple[Literal["none"]] | tuple[Literal["number"], int] | tuple[Literal["char"], str, str]


def _spacing(ppr: Any, before: float) -> None:
    """Single line spacing (``a:lnSpc``) and ``before`` points of space before (``a:spcBef``)."""
    ln = etree.SubElement(ppr, qn("a:lnSpc"))
    etree.SubElement(ln, qn("a:spcPct"), val="100000")
    sb = etree.SubElement(ppr, qn("a:spcBef"))
    etree.SubElement(sb, qn("a:spcPts"), val=str(int(before * 100)))


def _bullet(ppr: Any, bullet: Bullet) -> None:
    if bullet[0] == "number":
        etree.SubElement(ppr, qn("a:buFont"), typeface="+mj-lt")
        etree.SubElement(ppr, qn("a:buAutoNum"), type="arabicPeriod", startAt=str(max(bullet[1], 1)))
    elif bullet[0] == "char":
        etree.SubElement(ppr, qn("a:buFont"), typeface=bullet[2])
        etree.SubElement(ppr, qn("a:buChar"), char=bullet[1])
    else:
        etree.SubElement(ppr, qn("a:buNone"))


def set_paragraph(p_el: Any, level: int, margin: int, indent: int, before: float, bullet: Bullet) -> None:
    """Replace the properties (``a:pPr``) of paragraph element ``p_el``: list level (``lvl``, absent for 0 as
    python-pptx writes it), left margin and first-line indent (EMU), left alignment, single spacing with
    ``before`` points before, and its bullet."""
    ppr = paragraph_properties(p_el)
    if level:
        ppr.set("lvl", str(level))
    elif "lvl" in ppr.attrib:
        del ppr.attrib["lvl"]
    for child in list(ppr):
        ppr.remove(child)
    ppr.set("marL", str(margin))
    ppr.set("indent", str(indent))
    ppr.set("algn", "l")
    _spacing(ppr, before)
    _bullet(ppr, bullet)


# ------------------------------------------------------------- runs built as XML
# python-pptx's property setters (``font.size``, ``font.color.rgb``, ``font.name``...) each look children up
# by XPath and create proxy objects: they were most of the time of writing a deck. The functions below build
# the same elements directly, with the same attribute and child order, so that the XML is byte-identical.
_P, _PPR, _R, _RPR, _T = qn("a:p"), qn("a:pPr"), qn("a:r"), qn("a:rPr"), qn("a:t")
_SOLID, _SRGB, _LATIN, _END = qn("a:solidFill"), qn("a:srgbClr"), qn("a:latin"), qn("a:endParaRPr")
_SCHEME, _EA, _CS = qn("a:schemeClr"), qn("a:ea"), qn("a:cs")
_GRID, _GRIDCOL = qn("a:tblGrid"), qn("a:gridCol")
_TR, _TC, _TCPR, _TXBODY, _BODYPR = qn("a:tr"), qn("a:tc"), qn("a:tcPr"), qn("a:txBody"), qn("a:bodyPr")
_CTRL = re.compile(r"([\x00-\x08\x0B-\x1F])")


def escape_ctrl(text: str) -> str:
    """Control characters (but tab and line feed) as ``_xHHHH_``, as python-pptx writes run text."""
    return _CTRL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)


def centipoints(points: float) -> int:
    """A font size in hundredths of a point, rounded as python-pptx's ``Pt(points).centipoints``."""
    return int(points * 12700) // 127


@functools.lru_cache(maxsize=256)
def hex_colour(value: str) -> str:
    """The colour "RRGGBB" in capitals (as python-pptx writes an ``RGBColor``); ValueError when not one."""
    if len(value) != 6 or not all(c in "0123456789abcdefABCDEF" for c in value):
        raise ValueError(f"not an RRGGBB colour: {value!r}")
    return f"{int(value, 16):06X}"


def paragraph_properties(p_el: Any) -> Any:
    """The ``a:pPr`` of paragraph element ``p_el``, added as its first child when missing."""
    first = p_el[0] if len(p_el) else None
    if first is not None and first.tag == _PPR:
        return first
    ppr = p_el.makeelement(_PPR, {})
    p_el.insert(0, ppr)
    return ppr


def add_run(
    p_el: Any,
    text: str,
    size: int = 0,
    bold: bool = False,
    italic: bool = False,
    latin: str = "",
    strike: bool = False,
    baseline: int = 0,
    scheme: str = "",
    east_asian: str = "",
    complex_script: str = "",
) -> Any:
    """Append a run (``a:r``) to paragraph element ``p_el`` (before its end properties) and return it: ``size``
    in hundredths of a point (0 = inherited), bold, italic, Latin typeface, strike-through, baseline shift
    (percent), theme colour (``a:schemeClr``, e.g. "accent1"), East Asian and complex-script typefaces.
    Attributes and children come in the order python-pptx's setters give them (``_add_piece`` in shapes.py
    set them in that order before)."""
    r = p_el.makeelement(_R, {})
    last = p_el[-1] if len(p_el) else None
    if last is not None and last.tag == _END:
        last.addprevious(r)
    else:
        p_el.append(r)
    sub = etree.SubElement
    rpr = sub(r, _RPR)
    if size:
        rpr.set("sz", str(size))
    if bold:
        rpr.set("b", "1")
    if italic:
        rpr.set("i", "1")
    if strike:
        rpr.set("strike", "sngStrike")
    if baseline:
        rpr.set("baseline", str(baseline * 1000))
    if scheme:
        sub(sub(rpr, _SOLID), _SCHEME, val=scheme)
    if latin:
        sub(rpr, _LATIN, typeface=latin)
    if east_asian:
        sub(rpr, _EA, typeface=east_asian)
    if complex_script:
        sub(rpr, _CS, typeface=complex_script)
    sub(r, _T).text = escape_ctrl(text)
    return r


def set_run_bold(p_el: Any) -> None:
    """Make the last run of paragraph element ``p_el`` bold (``b="1"``; an IndexError when it has none)."""
    runs = p_el.findall(_R)
    runs[-1].find(_RPR).set("b", "1")


def code_lines(txbody: Any, lines: Iterable[Iterable[tuple[str, str, bool, bool]]], size: float, font: str) -> None:
    """Write code lines as the paragraphs of text body ``txbody`` (its first, existing ``a:p`` and then new
    ones): left aligned, no margin, indent, spacing or bullet, each token a run
    ``(text, RRGGBB colour, bold, italic)`` in ``font`` at ``size`` points, and end properties of that size."""
    sz = str(centipoints(size))
    first = txbody.find(_P)
    sub = etree.SubElement
    for i, line in enumerate(lines):
        p = first if i == 0 and first is not None else sub(txbody, _P)
        ppr = paragraph_properties(p)
        ppr.set("algn", "l")
        ppr.set("marL", "0")
        ppr.set("indent", "0")
        _spacing(ppr, 0)
        _bullet(ppr, ("none",))
        for text, colour, bold, italic in line:
            r = sub(p, _R)
            rpr = sub(r, _RPR, sz=sz)
            if bold:
                rpr.set("b", "1")
            if italic:
                rpr.set("i", "1")
            sub(sub(rpr, _SOLID), _SRGB, val=hex_colour(colour))
            sub(rpr, _LATIN, typeface=font)
            sub(r, _T).text = escape_ctrl(text)
        end = sub(p, _END, sz=sz, lang="en-US")
        sub(end, _LATIN, typeface=font)


_AUTOFITS = (qn("a:noAutofit"), qn("a:normAutofit"), qn("a:spAutoFit"))
_AUTOFIT_SUCCESSORS = frozenset(qn(t) for t in ("a:scene3d", "a:sp3d", "a:flatTx", "a:extLst"))
#: Insets python-pptx leaves out when set to them (the OOXML defaults: 0.1" left/right, 0.05" top/bottom).
_DEFAULT_INSETS = {"lIns": 91440, "rIns": 91440, "tIns": 45720, "bIns": 45720}


def fixed_body(body_pr: Any, x: int, y: int, anchor: str = "") -> None:
    """Make text body properties ``body_pr`` (``a:bodyPr``) wrap, never autofit (``a:noAutofit``), anchor at
    ``anchor`` ("t", "ctr"...; "" = leave), with left/right insets ``x`` and top/bottom insets ``y`` (EMU):
    python-pptx's ``word_wrap``, ``auto_size``, ``vertical_anchor`` and ``margin_*`` setters, in that order."""
    body_pr.set("wrap", "square")
    for child in list(body_pr):
        if child.tag in _AUTOFITS:
            body_pr.remove(child)
    no_autofit = body_pr.makeelement(_AUTOFITS[0], {})
    successor = next((c for c in body_pr if c.tag in _AUTOFIT_SUCCESSORS), None)
    if successor is not None:
        successor.addprevious(no_autofit)
    else:
        body_pr.append(no_autofit)
    if anchor:
        body_pr.set("anchor", anchor)
    for name, value in (("lIns", x), ("rIns", x), ("tIns", y), ("bIns", y)):
        if value == _DEFAULT_INSETS[name]:
            body_pr.attrib.pop(name, None)
        else:
            body_pr.set(name, str(value))


def clear_text(txbody: Any) -> Any:
    """Remove every paragraph of text body ``txbody`` and add one empty paragraph, which is returned
    (python-pptx's ``text_frame.text = ""``)."""
    for p in txbody.findall(_P):
        txbody.remove(p)
    return etree.SubElement(txbody, _P)


def add_paragraph(txbody: Any) -> Any:
    """A new empty paragraph at the end of text body ``txbody``."""
    return etree.SubElement(txbody, _P)


def grid_columns(tbl: Any) -> list[Any]:
    """The columns (``a:tblGrid/a:gridCol``) of table element ``tbl``."""
    return tbl.findall(f"{_GRID}/{_GRIDCOL}")  # type: ignore[no-any-return]


def table_rows(tbl: Any) -> list[Any]:
    """The rows (``a:tr``) of table element ``tbl``."""
    return tbl.findall(_TR)  # type: ignore[no-any-return]


def row_cells(tr: Any) -> list[Any]:
    """The cells (``a:tc``) of table row element ``tr``."""
    return tr.findall(_TC)  # type: ignore[no-any-return]


def set_cell(tc: Any, margins: tuple[int, int], align: str) -> Any:
    """Left/right and top/bottom margins (EMU), middle anchoring, word wrap and paragraph alignment ("l",
    "ctr", "r") of a new table cell ``tc``, as python-pptx's cell setters write them; returns its paragraph."""
    tcpr = tc.find(_TCPR)
    if tcpr is None:
        tcpr = tc.get_or_add_tcPr()
    x, y = str(margins[0]), str(margins[1])
    tcpr.set("marL", x)
    tcpr.set("marR", x)
    tcpr.set("marT", y)
    tcpr.set("marB", y)
    tcpr.set("anchor", "ctr")
    body = tc.find(_TXBODY)
    body.find(_BODYPR).set("wrap", "square")
    p = body.find(_P)
    paragraph_properties(p).set("algn", align)
    return p


def set_end_properties(p: Any, size: float, lang: str = "", latin: str = "") -> None:
    """The end-of-paragraph run properties (``a:endParaRPr``) of paragraph ``p`` (a python-pptx paragraph or
    its ``a:p``): size in points, language and Latin font (an empty paragraph keeps this height in PowerPoint)."""
    end = paragraph_element(p).get_or_add_endParaRPr()
    end.set("sz", str(int(size * 100)))
    if lang:
        end.set("lang", lang)
    if latin:
        etree.SubElement(end, qn("a:latin"), typeface=latin)


def set_char_spacing(r: Any, points: float) -> None:
    """Extra space after each character of run ``r`` (``a:rPr/@spc``, hundredths of a point)."""
    run_element(r).get_or_add_rPr().set("spc", str(int(round(points * 100))))


def add_slide_jump(run_el: Any, rid: str) -> None:
    """Make a run a link to the slide related as ``rid`` (``a:hlinkClick`` with a slide-jump action)."""
    link = run_el.get_or_add_rPr().add_hlinkClick(rid)
    link.set("action", "ppaction://hlinksldjump")


def set_description(picture: Any, text: str) -> None:
    """The alternative text of a picture (``p:cNvPr/@descr``)."""
    picture.element.xpath("./p:nvPicPr/p:cNvPr")[0].set("descr", text)


def titles_in_capitals(layout: Any, master: Any) -> bool:
    """True when the layout or its master sets text in capitals (``cap="all"``)."""
    return b'cap="all"' in etree.tostring(layout.element) + etree.tostring(master.element)


def add_slide_number(p: Any, number: int) -> None:
    """A slide-number field (``a:fld type="slidenum"``) showing ``number`` at the end of paragraph ``p``."""
    fld = etree.SubElement(paragraph_element(p), qn("a:fld"), id=FIELD_ID, type="slidenum")
    etree.SubElement(fld, qn("a:rPr"), lang="en-US", sz="1200")
    etree.SubElement(fld, qn("a:t")).text = str(number)


def set_slide_number(shape_el: Any, number: int) -> None:
    """Show ``number`` in the slide-number fields of shape element ``shape_el`` (if it has any)."""
    for t in shape_el.iterfind(f".//{{{A_NS}}}fld[@type='slidenum']/{{{A_NS}}}t"):
        t.text = str(number)


_PH = etree.XPath("./p:cSld/p:spTree/*/*[1]/p:nvPr/p:ph", namespaces={"p": P_NS})
#: The children of ``p:spTree`` that are shapes (python-pptx's ``CT_GroupShape._shape_tags``).
_SHAPE_TAGS = frozenset(qn(t) for t in ("p:sp", "p:grpSp", "p:graphicFrame", "p:cxnSp", "p:pic", "p:contentPart"))
_SP = qn("p:sp")


def placeholder_elements(container_el: Any) -> list[tuple[Any, str, int]]:
    """(shape element, ``type`` (default "obj"), ``idx`` (default 0)) of each placeholder of a slide, layout
    or master element, in document order: what python-pptx's ``placeholders`` iterate, read in one XPath."""
    out = []
    found: Any = _PH(container_el)
    for ph in found:
        shape = ph.getparent().getparent().getparent()
        if shape.tag in _SHAPE_TAGS:
            out.append((shape, ph.get("type", "obj"), int(ph.get("idx", "0"))))
    return out


def remove_empty_placeholders(slide_el: Any) -> None:
    """Delete the text placeholders (``p:sp``) of a slide element whose text is blank (python-pptx's
    ``text_frame.text.strip()`` is empty: every run and field text is whitespace)."""
    for shape, _, _ in placeholder_elements(slide_el):
        if shape.tag == _SP and not "".join(t.text or "" for t in shape.iter(_T)).strip():
            shape.getparent().remove(shape)


def shape_name(shape_el: Any) -> str:
    """The name of a shape element (``p:nvXxPr/p:cNvPr/@name``)."""
    return str(shape_el[0][0].get("name", ""))


def set_shape_identity(shape_el: Any, shape_id: int, name: str) -> None:
    """Set the id and name of a shape element (``p:nvXxPr/p:cNvPr``)."""
    c_nv_pr = shape_el[0][0]
    c_nv_pr.set("id", str(shape_id))
    c_nv_pr.set("name", name)


def shape_names(tree: Any) -> list[str]:
    """Every shape name in the slide document of shape tree element ``tree`` (as python-pptx looks them up)."""
    return [str(n) for n in tree.xpath("//p:cNvPr/@name")]


#: The extension that marks a picture as decorative (PowerPoint's accessibility checker then skips it).
DECORATIVE_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def mark_decorative(picture: Any) -> None:
    """Mark a picture as decorative (no alt text needed: screen readers skip it), as PowerPoint writes it."""
    c_nv_pr = picture.element.xpath("./p:nvPicPr/p:cNvPr")[0]
    c_nv_pr.set("descr", "")
    ext_lst = etree.SubElement(c_nv_pr, f"{{{A_NS}}}extLst")
    ext = etree.SubElement(ext_lst, f"{{{A_NS}}}ext", uri=DECORATIVE_URI)
    etree.SubElement(ext, f"{{{DECORATIVE_NS}}}decorative", nsmap={"adec": DECORATIVE_NS}, val="1")


def is_decorative(el: Any) -> bool:
    """True for a shape element marked decorative."""
    return bool(el.xpath(".//*[local-name()='decorative' and @val='1']"))


def title_first(slide: Any) -> None:
    """Move the slide's title to the front of its reading order (``p:spTree`` order), after decorative
    pictures only (which stay behind it)."""
    title = slide.shapes.title
    if title is None:
        return
    el = title.element
    tree = el.getparent()
    shapes = [child for child in tree if child.tag != f"{{{P_NS}}}nvGrpSpPr" and child.tag != f"{{{P_NS}}}grpSpPr"]
    first = next((child for child in shapes if not is_decorative(child)), None)
    if first is None or first is el:
        return
    tree.remove(el)
    first.addprevious(el)


def send_to_back(shape: Any) -> None:
    """Move a shape to the back of its slide (first in ``p:spTree`` after the group's own properties)."""
    el = shape.element
    tree = el.getparent()
    tree.remove(el)
    tree.insert(2, el)


def remove_shape(shape: Any) -> None:
    """Delete a shape from its slide."""
    shape.element.getparent().remove(shape.element)


def remove_slides(prs: Any) -> None:
    """Drop every slide of a presentation (a template's sample slides) with its relationship."""
    id_list = slide_id_list(prs)
    for sld_id in list(id_list):
        prs.part.drop_rel(sld_id.rId)
        id_list.remove(sld_id)


def theme_fonts(theme_xml: bytes) -> tuple[str, str]:
    """The (major, minor) Latin typefaces of a theme part ("Calibri" when unset or unreadable)."""
    try:
        root = etree.fromstring(theme_xml)
    except etree.XMLSyntaxError:
        return "Calibri", "Calibri"
    ns = {"a": A_NS}
    major = str(root.xpath("string(.//a:majorFont/a:latin/@typeface)", namespaces=ns)) or "Calibri"
    minor = str(root.xpath("string(.//a:minorFont/a:latin/@typeface)", namespaces=ns)) or "Calibri"
    return major, minor


def theme_colours(theme_xml: bytes) -> dict[str, str]:
    """The colour slots of a theme part ("dk1", "lt1", "accent1"...) as "RRGGBB" ({} when unreadable)."""
    try:
        root = etree.fromstring(theme_xml)
    except etree.XMLSyntaxError:
        return {}
    out: dict[str, str] = {}
    scheme = root.find(f".//{{{A_NS}}}clrScheme")
    for slot in scheme if scheme is not None else []:
        colour = slot[0] if len(slot) else None
        value = None if colour is None else colour.get("lastClr") or colour.get("val")
        if value and len(value) == 6:
            out[etree.QName(slot.tag).localname] = value.upper()
    return out


def title_style_size(master: Any) -> float:
    """The master's title size in points (44 when unset)."""
    sizes = master.element.xpath(".//p:txStyles/p:titleStyle/a:lvl1pPr/a:defRPr/@sz")
    return int(sizes[0]) / 100 if sizes else 44.0


def clear_core_properties(core: Any) -> None:
    """Remove every core property (a template's author, dates, title...)."""
    root = part_element(core)
    for child in list(root):
        root.remove(child)


def _level_size(el: Any, path: str, level: int) -> float | None:
    """The ``a:defRPr/@sz`` (points) of list level ``level`` (1-based) under ``path`` of ``el``, if set."""
    found = el.xpath(f"{path}/a:lvl{level}pPr/a:defRPr/@sz")
    return int(found[0]) / 100 if found else None


def resolved_sizes(layout_ph: Any, master_ph: Any, master: Any, style: str, levels: int = 3) -> list[float | None]:
    """The font size (points) of each list level of a placeholder as PowerPoint resolves it: the layout
    placeholder's list style, then the master placeholder's, then the master's ``p:txStyles/p:<style>``
    (``bodyStyle`` or ``titleStyle``); None where none of them sets one."""
    out: list[float | None] = []
    for level in range(1, levels + 1):
        size = None
        for el, path in (
            (layout_ph, "./p:txBody/a:lstStyle"),
            (master_ph, "./p:txBody/a:lstStyle"),
            (master, f"./p:txStyles/p:{style}"),
        ):
            if el is not None:
                size = _level_size(el, path, level)
                if size is not None:
                    break
        out.append(size)
    return out
