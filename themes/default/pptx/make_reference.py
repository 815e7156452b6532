"""Generate themes/default/pptx/reference.pptx: the default 16:9 slide master and layouts.

Run: .venv/bin/python themes/default/pptx/make_reference.py  (the output is byte-identical on every run)

Starts from python-pptx's built-in template (its layouts carry PowerPoint's names) and
turns it into a designed 16:9 master: navy title and section slides with an amber
accent rule, white content slides with a navy title, an accent rule under it and a
footer line with the book title and slide number. Fonts: Calibri (theme fonts).
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches

NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
A = "{%s}" % NS["a"]
P = "{%s}" % NS["p"]

NAVY, AMBER, INK, MIST, GREY = "1F4E79", "E08A2E", "1D1D1F", "EEF3F8", "6B7280"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
OUT = Path(__file__).resolve().parent / "reference.pptx"

COLORS = {"dk1": INK, "lt1": "FFFFFF", "dk2": NAVY, "lt2": MIST, "accent1": NAVY, "accent2": AMBER,
          "accent3": "2E7D5B", "accent4": "6D4C9F", "accent5": "2B7BB9", "accent6": "B23A48",
          "hlink": "1F6FB2", "folHlink": "6D4C9F"}


def _x(el: etree._Element, path: str) -> list[etree._Element]:
    return etree.ElementBase.xpath(el, path, namespaces=NS)


def set_box(sp: etree._Element, left: float, top: float, width: float, height: float) -> None:
    """Give a shape an explicit position and size (inches)."""
    sppr = _x(sp, "./p:spPr")[0]
    for old in _x(sppr, "./a:xfrm"):
        sppr.remove(old)
    xfrm = etree.SubElement(sppr, A + "xfrm")
    sppr.insert(0, xfrm)
    etree.SubElement(xfrm, A + "off", x=str(Inches(left)), y=str(Inches(top)))
    etree.SubElement(xfrm, A + "ext", cx=str(Inches(width)), cy=str(Inches(height)))


def placeholder(tree: etree._Element, kind: str) -> etree._Element | None:
    """The first placeholder of ``kind`` ("title", "body", "ctrTitle", "subTitle", "dt", "ftr", "sldNum", "obj")."""
    for sp in _x(tree, ".//p:sp[p:nvSpPr/p:nvPr/p:ph]"):
        ph = _x(sp, "./p:nvSpPr/p:nvPr/p:ph")[0]
        t = ph.get("type", "obj")
        if t == kind:
            return sp
    return None


def text_style(sp: etree._Element, size: float | None = None, color: str | None = None, bold: bool | None = None,
               align: str | None = None, anchor: str | None = None, scheme: str | None = None) -> None:
    """Set the level-1 text style of a placeholder through its list style and body properties."""
    body = _x(sp, "./p:txBody")[0]
    bpr = _x(body, "./a:bodyPr")[0]
    for child in list(bpr):
        if child.tag in (A + "normAutofit", A + "spAutoFit"):
            bpr.remove(child)
    if anchor:
        bpr.set("anchor", anchor)
    lst = _x(body, "./a:lstStyle")[0]
    lvl = _x(lst, "./a:lvl1pPr")
    lvl1 = lvl[0] if lvl else etree.SubElement(lst, A + "lvl1pPr")
    if align:
        lvl1.set("algn", align)
    for el in [lvl1, *_x(lvl1, "./a:defRPr")]:
        if el.get("cap"):
            del el.attrib["cap"]
    rpr = _x(lvl1, "./a:defRPr")
    defrpr = rpr[0] if rpr else etree.SubElement(lvl1, A + "defRPr")
    if size:
        defrpr.set("sz", str(int(size * 100)))
    if bold is not None:
        defrpr.set("b", "1" if bold else "0")
    if color or scheme:
        for f in _x(defrpr, "./a:solidFill"):
            defrpr.remove(f)
        fill = etree.SubElement(defrpr, A + "solidFill")
        defrpr.insert(0, fill)
        if scheme:
            etree.SubElement(fill, A + "schemeClr", val=scheme)
        else:
            etree.SubElement(fill, A + "srgbClr", val=color)


def rect(tree: etree._Element, shape_id: int, name: str, box: tuple[float, float, float, float], color: str,
         line: bool = False) -> None:
    """Append a decorative, unfilled-outline rectangle (or a hairline) to a spTree."""
    sp_tree = _x(tree, ".//p:cSld/p:spTree")[0]
    sp = etree.SubElement(sp_tree, P + "sp")
    nv = etree.SubElement(sp, P + "nvSpPr")
    etree.SubElement(nv, P + "cNvPr", id=str(shape_id), name=name)
    etree.SubElement(etree.SubElement(nv, P + "cNvSpPr"), A + "spLocks", noGrp="1", noSelect="1")
    etree.SubElement(nv, P + "nvPr", userDrawn="1")
    sppr = etree.SubElement(sp, P + "spPr")
    xfrm = etree.SubElement(sppr, A + "xfrm")
    etree.SubElement(xfrm, A + "off", x=str(Inches(box[0])), y=str(Inches(box[1])))
    etree.SubElement(xfrm, A + "ext", cx=str(Inches(box[2])), cy=str(Inches(box[3])))
    geom = etree.SubElement(sppr, A + "prstGeom", prst="rect")
    etree.SubElement(geom, A + "avLst")
    fill = etree.SubElement(sppr, A + "solidFill")
    etree.SubElement(fill, A + "srgbClr", val=color)
    ln = etree.SubElement(sppr, A + "ln")
    etree.SubElement(ln, A + "noFill")


def background(layout_el: etree._Element, color: str) -> None:
    """A solid background colour for a layout, hiding the master's decorations."""
    layout_el.set("showMasterSp", "0")
    csld = _x(layout_el, "./p:cSld")[0]
    for old in _x(csld, "./p:bg"):
        csld.remove(old)
    bg = etree.Element(P + "bg")
    bgpr = etree.SubElement(bg, P + "bgPr")
    etree.SubElement(etree.SubElement(bgpr, A + "solidFill"), A + "srgbClr", val=color)
    etree.SubElement(bgpr, A + "effectLst")
    csld.insert(0, bg)


def scale_x(el: etree._Element, factor: float) -> None:
    """Stretch every horizontal position and width in a master or layout (4:3 -> 16:9)."""
    for off in _x(el, ".//a:xfrm/a:off"):
        off.set("x", str(int(int(off.get("x")) * factor)))
    for ext in _x(el, ".//a:xfrm/a:ext"):
        ext.set("cx", str(int(int(ext.get("cx")) * factor)))


def theme(prs: Presentation) -> None:
    """Colour scheme and fonts of the theme part."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    root.set("name", "presswork")
    scheme = _x(root, ".//a:clrScheme")[0]
    scheme.set("name", "presswork")
    for key, val in COLORS.items():
        slot = _x(scheme, f"./a:{key}")[0]
        for c in list(slot):
            slot.remove(c)
        etree.SubElement(slot, A + "srgbClr", val=val)
    _x(root, ".//a:fontScheme")[0].set("name", "presswork")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def master(prs: Presentation) -> None:
    """Master text styles, placeholder positions and decorations."""
    m = prs.slide_master._element
    scale_x(m, 4 / 3)
    title = _x(m, ".//p:txStyles/p:titleStyle/a:lvl1pPr")[0]
    title.set("algn", "l")
    d = _x(title, "./a:defRPr")[0]
    d.set("sz", "3600")
    d.set("b", "1")
    _x(d, "./a:solidFill/a:schemeClr")[0].set("val", "tx2")
    sizes = (2400, 2000, 1800, 1800, 1800)
    chars = ("•", "–", "▪", "–", "•")
    for i, lvl in enumerate(_x(m, ".//p:txStyles/p:bodyStyle/*")[:5]):
        lvl.set("marL", str(Emu(int(Inches(0.39)) * (i + 1))))
        lvl.set("indent", str(-int(Inches(0.3))))
        spc = _x(lvl, "./a:spcBef")[0]
        for c in list(spc):
            spc.remove(c)
        etree.SubElement(spc, A + "spcPts", val="1200" if i == 0 else "600")
        _x(lvl, "./a:buChar")[0].set("char", chars[i])
        bu_font = _x(lvl, "./a:buFont")[0]
        clr = etree.Element(A + "buClr")
        etree.SubElement(clr, A + "srgbClr", val=AMBER)
        bu_font.addprevious(clr)
        _x(lvl, "./a:defRPr")[0].set("sz", str(sizes[i]))
    set_box(placeholder(m, "title"), 0.6, 0.3, 12.133, 1.0)
    text_style(placeholder(m, "title"), anchor="b")
    set_box(placeholder(m, "body"), 0.6, 1.6, 12.133, 5.1)
    text_style(placeholder(m, "body"), anchor="t")
    set_box(placeholder(m, "dt"), 9.4, 6.95, 2.0, 0.35)
    set_box(placeholder(m, "ftr"), 0.6, 6.95, 9.0, 0.35)
    text_style(placeholder(m, "ftr"), size=12, color=GREY, align="l", anchor="ctr")
    set_box(placeholder(m, "sldNum"), 11.533, 6.95, 1.2, 0.35)
    text_style(placeholder(m, "sldNum"), size=12, color=NAVY, bold=True, align="r", anchor="ctr")
    rect(m, 90, "Accent rule", (0.6, 1.38, 1.1, 0.06), AMBER)
    rect(m, 91, "Footer rule", (0.6, 6.88, 12.133, 0.01), "C9D3DE")
    rect(m, 92, "Top band", (0.0, 0.0, 13.333, 0.12), NAVY)


def layouts(prs: Presentation) -> None:
    """Per-layout placement and colour (title and section slides are navy)."""
    for layout in prs.slide_layouts:
        el = layout._element
        scale_x(el, 4 / 3)
        name = layout.name
        if name == "Title Slide":
            background(el, NAVY)
            set_box(placeholder(el, "ctrTitle"), 0.9, 1.4, 11.5, 2.4)
            text_style(placeholder(el, "ctrTitle"), size=44, scheme="bg1", bold=True, align="l", anchor="b")
            set_box(placeholder(el, "subTitle"), 0.9, 4.15, 11.5, 2.3)
            text_style(placeholder(el, "subTitle"), size=24, color="D6E4F0", align="l", anchor="t")
            for ph in ("ftr", "sldNum", "dt"):
                sp = placeholder(el, ph)
                if sp is not None:
                    sp.getparent().remove(sp)
            rect(el, 90, "Accent rule", (0.9, 3.95, 1.6, 0.08), AMBER)
        elif name == "Section Header":
            background(el, NAVY)
            set_box(placeholder(el, "title"), 0.9, 2.3, 11.5, 2.0)
            text_style(placeholder(el, "title"), size=40, scheme="bg1", bold=True, align="l", anchor="b")
            set_box(placeholder(el, "body"), 0.9, 4.65, 11.5, 1.2)
            text_style(placeholder(el, "body"), size=24, color="D6E4F0", align="l", anchor="t")
            for ph in ("dt",):
                sp = placeholder(el, ph)
                if sp is not None:
                    sp.getparent().remove(sp)
            ftr, num = placeholder(el, "ftr"), placeholder(el, "sldNum")
            set_box(ftr, 0.9, 6.95, 9.0, 0.35)
            text_style(ftr, size=12, color="B8C9DB", align="l", anchor="ctr")
            set_box(num, 11.233, 6.95, 1.2, 0.35)
            text_style(num, size=12, color="FFFFFF", align="r", anchor="ctr")
            rect(el, 90, "Accent rule", (0.9, 4.45, 1.6, 0.08), AMBER)
        elif name in ("Title and Content", "Title Only", "Blank", "Two Content", "Comparison",
                      "Title and Vertical Text", "Content with Caption", "Picture with Caption",
                      "Vertical Title and Text"):
            for kind, box in (("title", (0.6, 0.3, 12.133, 1.0)), ("obj", (0.6, 1.6, 12.133, 5.1)),
                              ("ftr", (0.6, 6.95, 9.0, 0.35)), ("sldNum", (11.533, 6.95, 1.2, 0.35)),
                              ("dt", (9.4, 6.95, 2.0, 0.35))):
                sp = placeholder(el, kind)
                if sp is None or name not in ("Title and Content", "Title Only", "Blank"):
                    continue
                set_box(sp, *box)
            dt = placeholder(el, "dt")
            if dt is not None:
                dt.getparent().remove(dt)
            if name in ("Two Content", "Comparison"):  # columns set in the body's own sizes (the master's)
                for sz in _x(el, ".//p:sp[.//p:ph[not(@type)]]//a:lstStyle//a:defRPr[@sz]"):
                    del sz.attrib["sz"]


def deterministic(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry times so the file is reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            item = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            item.compress_type = zipfile.ZIP_DEFLATED
            item.external_attr = 0o644 << 16
            zout.writestr(item, zin.read(info.filename))
    return out.getvalue()


def build() -> bytes:
    """The reference deck as bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    theme(prs)
    master(prs)
    layouts(prs)
    from datetime import datetime
    cp = prs.core_properties
    cp.title, cp.author, cp.last_modified_by, cp.revision = "presswork default", "presswork", "presswork", 1
    cp.created = cp.modified = datetime(2025, 1, 1)
    buf = io.BytesIO()
    prs.save(buf)
    return deterministic(buf.getvalue())


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(build())
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
