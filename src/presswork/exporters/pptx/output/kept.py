"""Slides as written, kept to be added again without the shape writer: their XML, relationships and notes.

A kept slide is what :meth:`DeckWriter.write_slide` produced for one model slide, before anything that
depends on the rest of the deck: its XML (with the slide number of the build that wrote it), its
relationships in the order they were made (the layout, pictures by their bytes, external links by URL),
its notes slide's XML, and the internal links still to resolve (by the position of their run element).
:meth:`DeckWriter.replay` makes the same calls in the same order, so the package comes out byte-identical.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.oxml import serialize_part_xml
from pptx.oxml import element_class_lookup
from pptx.parts.slide import NotesSlidePart, SlidePart

from presswork.compat.pptx import drop_cached, part_element, serialise_as, set_part_element
from presswork.exporters.pptx.model.deck import Slide
from presswork.exporters.pptx.output.oxml import A_NS

__all__ = ["WrittenSlide", "capture", "keep_bytes", "parse_kept", "release", "serialize_part_xml"]

#: Parses kept XML into python-pptx's element classes, keeping every byte (no blank-text removal).
_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True)
_PARSER.set_element_class_lookup(element_class_lookup)

#: The text elements of slide-number fields (as ``oxml.set_slide_number`` finds them).
_NUMBERS = f".//{{{A_NS}}}fld[@type='slidenum']/{{{A_NS}}}t"

#: A kept relationship: (rId, relationship type, kind ("layout", "image", "media", "external"), payload (the
#: layout's part name, the picture's bytes, the content hash of the picture's bytes, the URL)).
KeptRel = tuple[str, str, str, str | bytes]


@dataclass
class WrittenSlide:
    """One slide as written: XML, relationships in order, notes XML, anchors it holds, links to resolve."""

    #: The slide's XML cut where its slide number stands (joined with the number it gets when replayed).
    pieces: tuple[bytes, ...]
    layout: str  #: part name of its layout
    rels: tuple[KeptRel, ...]
    anchors: tuple[str, ...]
    #: (index of the run element in ``root.iter()`` order, anchor id) of each internal link, in order.
    links: tuple[tuple[int, str], ...]
    notes: bytes | None = None

    def xml(self, number: int) -> bytes:
        """The slide's XML as slide ``number``."""
        return str(number).encode().join(self.pieces)


class KeptSlidePart(SlidePart):
    """A replayed slide without internal links: its part's XML is the kept bytes (nothing edits it again)."""

    kept: bytes

    @property  # type: ignore[misc]  # python-pptx's stubs type blob as writable; no one writes it
    def blob(self) -> bytes:
        return self.kept


class KeptNotesPart(NotesSlidePart):
    """A replayed notes slide: its part's XML is the kept bytes."""

    kept: bytes

    @property  # type: ignore[misc]  # python-pptx's stubs type blob as writable; no one writes it
    def blob(self) -> bytes:
        return self.kept


def keep_bytes(part: Any, xml: bytes) -> None:
    """Make a new slide or notes part serialise as ``xml`` (not parsed: the replay only needs the bytes)."""
    serialise_as(part, KeptNotesPart if isinstance(part, NotesSlidePart) else KeptSlidePart, xml)


def release(slide: Any, kept: WrittenSlide, number: int, notes: Any | None) -> None:
    """Let go of the element trees of a written slide that has no internal link (nothing edits it again):
    its slide and notes parts serialise as the XML already captured, which is what saving them would
    write. A long deck then holds bytes, not trees: 911 slides took 90 MiB as trees."""
    part = slide.part
    keep_bytes(part, kept.xml(number))
    drop_cached(part, "slide")  # python-pptx's lazyproperty cache, a proxy holding the tree
    set_part_element(part, None)
    if notes is not None and kept.notes is not None:
        keep_bytes(notes.part, kept.notes)
        drop_cached(notes.part, "notes_slide")
        set_part_element(notes.part, None)


def capture(slide: Any, model: Slide, links: list[tuple[Any, Any, str]], number: int) -> WrittenSlide | None:
    """What was written for ``slide`` so far (after its chrome, before its notes), or None when it holds a
    relationship a replay could not make again."""
    part = slide.part
    root = part_element(part)
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
    return WrittenSlide(numbered_pieces(root, number), layout, tuple(rels), tuple(model.anchors), tuple(found))


def numbered_pieces(root: Any, number: int) -> tuple[bytes, ...]:
    """The XML of ``root`` cut where a slide-number field shows ``number`` (what ``DeckWriter.chrome`` set)."""
    fields = [t for t in root.iterfind(_NUMBERS) if t.text == str(number)]
    token = f"presswork-slide-number-{secrets.token_hex(8)}"
    for t in fields:
        t.text = token
    try:
        pieces = tuple(serialize_part_xml(root).split(token.encode()))
    finally:
        for t in fields:
            t.text = str(number)
    if len(pieces) != len(fields) + 1:  # unreachable: the token is new
        raise AssertionError("slide number token found elsewhere")
    return pieces


def parse_kept(xml: bytes) -> Any:
    """The element tree of kept part XML (python-pptx's element classes), serialising back to the same bytes."""
    return etree.fromstring(xml, _PARSER)
