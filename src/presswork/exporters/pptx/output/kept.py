"""Slides as written, kept to be added again without the shape writer: their XML, relationships and notes.

A kept slide is what :meth:`DeckWriter.write_slide` produced for one model slide, before anything that
depends on the rest of the deck: its XML (with the slide number of the build that wrote it), its
relationships in the order they were made (the layout, pictures by their bytes, external links by URL),
its notes slide's XML, and the internal links still to resolve (by the position of their run element).
:meth:`DeckWriter.replay` makes the same calls in the same order, so the package comes out byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.oxml import serialize_part_xml
from pptx.oxml import element_class_lookup

from ..model.deck import Slide

__all__ = ["WrittenSlide", "capture", "parse_kept", "serialize_part_xml"]

#: Parses kept XML into python-pptx's element classes, keeping every byte (no blank-text removal).
_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True)
_PARSER.set_element_class_lookup(element_class_lookup)

#: A kept relationship: (rId, relationship type, kind ("layout", "image", "external"), payload (the
#: layout's part name, the picture's bytes, the URL)).
KeptRel = tuple[str, str, str, str | bytes]


@dataclass
class WrittenSlide:
    """One slide as written: XML, relationships in order, notes XML, anchors it holds, links to resolve."""

    xml: bytes
    layout: str  #: part name of its layout
    rels: tuple[KeptRel, ...]
    anchors: tuple[str, ...]
    #: (index of the run element in ``root.iter()`` order, anchor id) of each internal link, in order.
    links: tuple[tuple[int, str], ...]
    numbered: bool  #: the XML shows the slide number (set again when replayed)
    notes: bytes | None = None


def capture(slide: Any, model: Slide, links: list[tuple[Any, Any, str]]) -> WrittenSlide | None:
    """What was written for ``slide`` so far (after its chrome, before its notes), or None when it holds a
    relationship a replay could not make again."""
    part = slide.part
    root = part._element
    rels: list[KeptRel] = []
    layout = ""
    for rid in part.rels:
        rel = part.rels[rid]
        if rel.is_external:
            rels.append((rid, rel.reltype, "external", rel.target_ref))
        elif rel.reltype == RT.SLIDE_LAYOUT and not rels:
            layout = str(rel.target_part.partname)
            rels.append((rid, rel.reltype, "layout", layout))
        elif rel.reltype == RT.IMAGE:
            rels.append((rid, rel.reltype, "image", rel.target_part.blob))
        else:
            return None
    if not layout:
        return None
    wanted = {id(r_el): anchor for s, r_el, anchor in links if s is slide}
    found: list[tuple[int, str]] = []
    if wanted:
        for k, el in enumerate(root.iter()):
            if id(el) in wanted:
                found.append((k, wanted[id(el)]))
        if len(found) != len(wanted):
            return None
    xml = serialize_part_xml(root)
    return WrittenSlide(xml, layout, tuple(rels), tuple(model.anchors), tuple(found), b'type="slidenum"' in xml)


def parse_kept(xml: bytes) -> Any:
    """The element tree of kept part XML (python-pptx's element classes), serialising back to the same bytes."""
    return etree.fromstring(xml, _PARSER)
