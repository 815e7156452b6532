"""New slides and notes slides copied from prototypes: the XML python-pptx makes for them is the same every time.

python-pptx builds every new slide from its layout again (reading each placeholder of the layout, cloning it
with XPath look-ups for a free shape id and name) and every notes slide from the notes master (and numbers
the notes part by walking every part of the package, which grows with the deck). The first slide of each
layout and the first notes slide are made by python-pptx itself; their fresh XML is kept and copied for the
later ones, which are related exactly as python-pptx relates them, so the package is byte-identical.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.parts.image import Image, ImagePart
from pptx.parts.slide import NotesSlidePart, SlidePart

from presswork.compat.pptx import (
    add_picture_part,
    add_relationship,
    append_slide_id,
    image_parts,
    next_slide_partname,
    shape_tree,
    slide_id_list,
)
from presswork.exporters.pptx.output import oxml

#: Part names of notes slides (python-pptx's template for ``Package.next_partname``).
NOTES_PARTNAME = "/ppt/notesSlides/notesSlide%d.xml"
#: The smallest and largest slide ids PowerPoint allows.
MIN_SLIDE_ID, MAX_SLIDE_ID = 256, 2147483647


class SlideFactory:
    """Adds slides (per layout) and notes slides to a presentation from prototypes made by python-pptx."""

    def __init__(self, prs: Any) -> None:
        self.prs = prs
        #: Layout part name -> the XML of a new slide on that layout, as python-pptx made it.
        self._slides: dict[str, Any] = {}
        #: The XML of a new notes slide, its notes master part, and the notes part names in the package.
        self._notes: Any = None
        self._notes_master: Any = None
        self._notes_names: set[str] = set()
        #: The id of the next slide in ``p:sldIdLst`` (None: not read yet).
        self._next_id: int | None = None

    def add_slide(self, layout: Any) -> Any:
        """A new slide on ``layout`` at the end of the deck (as ``prs.slides.add_slide(layout)``)."""
        key = str(layout.part.partname)
        proto = self._slides.get(key)
        if proto is None:
            slide = self.prs.slides.add_slide(layout)
            self._slides[key] = copy.deepcopy(slide.element)
            self._next_id = None  # python-pptx took one
            return slide
        # python-pptx's PresentationPart.add_slide + SlidePart.new, the placeholders already in the copy
        pres_part = self.prs.part
        part = SlidePart(next_slide_partname(pres_part), CT.PML_SLIDE, pres_part.package, copy.deepcopy(proto))
        part.relate_to(layout.part, RT.SLIDE_LAYOUT)
        # relate_to would first look through every relationship of the presentation for one to this new part
        rid = add_relationship(pres_part.rels, RT.SLIDE, part)
        self._add_slide_id(rid)
        return part.slide

    def _add_slide_id(self, rid: str) -> None:
        """``sldIdLst.add_sldId(rid)`` keeping the next id (one more than the largest) instead of reading all ids."""
        id_list = slide_id_list(self.prs)
        if self._next_id is None:
            used = [int(v) for v in id_list.xpath("./p:sldId/@id")]
            self._next_id = max([MIN_SLIDE_ID - 1, *used]) + 1
        if self._next_id > MAX_SLIDE_ID:  # python-pptx then looks for a free id lower down
            id_list.add_sldId(rid)
            self._next_id = None
            return
        append_slide_id(id_list, self._next_id, rid)
        self._next_id += 1

    def notes_slide(self, slide: Any) -> Any:
        """The new notes slide of ``slide`` (as ``slide.notes_slide`` for a slide without notes)."""
        if self._notes is None:
            notes = slide.notes_slide
            self._notes = copy.deepcopy(notes.element)
            self._notes_master = notes.part.part_related_by(RT.NOTES_MASTER)
            prefix = NOTES_PARTNAME.split("%", 1)[0]
            self._notes_names = {
                str(p.partname) for p in self.prs.part.package.iter_parts() if p.partname.startswith(prefix)
            }
            return notes
        # python-pptx's SlidePart._add_notes_slide_part + NotesSlidePart.new, the placeholders already in the copy
        package = self.prs.part.package
        part = NotesSlidePart(self._next_notes_partname(), CT.PML_NOTES_SLIDE, package, copy.deepcopy(self._notes))
        part.relate_to(self._notes_master, RT.NOTES_MASTER)
        part.relate_to(slide.part, RT.SLIDE)
        slide.part.relate_to(part, RT.NOTES_SLIDE)
        return part.notes_slide

    def _next_notes_partname(self) -> PackURI:
        """``Package.next_partname(NOTES_PARTNAME)`` without walking the package: no other code adds notes parts."""
        names = self._notes_names
        for n in range(len(names) + 1, 0, -1):
            candidate = NOTES_PARTNAME % n
            if candidate not in names:
                names.add(candidate)
                return PackURI(candidate)
        raise AssertionError("no free notes part name")  # unreachable: len + 1 candidates for len names


class ShapeCopier:
    """Placeholder shapes cloned from a layout and then filled (a footer, a slide number) made once per key by
    python-pptx and copied afterwards, with the shape id and name python-pptx's ``clone_placeholder`` gives."""

    def __init__(self) -> None:
        #: Key -> copies of the shapes the first build added, in order.
        self._made: dict[Any, list[Any]] = {}

    def add(self, slide: Any, key: Any, build: Callable[[], None]) -> list[Any]:
        """The shape elements ``build`` adds to ``slide`` (run for the first slide of ``key``, copied after)."""
        tree = shape_tree(slide)
        made = self._made.get(key)
        if made is None:
            before = list(tree)  # held, so that the proxies (and their ids) stay the same
            ids = {id(el) for el in before}
            build()
            added = [el for el in tree if id(el) not in ids]
            self._made[key] = [copy.deepcopy(el) for el in added]
            return added
        out = []
        for proto in made:
            el = copy.deepcopy(proto)
            shape_id = tree.max_shape_id + 1
            base = oxml.shape_name(el).rsplit(" ", 1)[0]  # "Footer Placeholder 3" -> "Footer Placeholder"
            oxml.set_shape_identity(el, shape_id, _free_name(tree, base, shape_id - 1))
            tree.insert_element_before(el, "p:extLst")
            out.append(el)
        return out


def _free_name(tree: Any, base: str, number: int) -> str:
    """``base`` numbered from ``number`` up to a name no shape of the slide has (python-pptx's ``_next_ph_name``)."""
    names = oxml.shape_names(tree)
    while f"{base} {number}" in names:
        number += 1
    return f"{base} {number}"


class ImageParts:
    """Pictures added to slides with the image parts python-pptx would pick, without its package walks.

    python-pptx looks for an image part with the same SHA-1 by walking every relationship of the package,
    and numbers a new one by walking every part, for each picture (quadratic in a deck with many pictures).
    Here the package is walked once, at the first picture; later image parts are only added by this class
    (every picture of the writer goes through it), so the map and the numbers stay those python-pptx finds.
    """

    def __init__(self) -> None:
        self._by_sha1: dict[str, Any] | None = None
        #: The numbers of the package's ``/ppt/media/image<n>.*`` parts (a list: python-pptx counts repeats).
        self._numbers: list[int] = []

    def add_picture(self, slide: Any, data: bytes, left: int, top: int, width: int, height: int) -> Any:
        """``slide.shapes.add_picture(io.BytesIO(data), left, top, width, height)``: the same XML and parts."""
        part = self.image_part(slide.part.package, data)
        rid = slide.part.relate_to(part, RT.IMAGE)
        return add_picture_part(slide.shapes, part, rid, left, top, width, height)

    def image_part(self, package: Any, data: bytes) -> Any:
        """The image part of picture ``data``: the one already in the package with its SHA-1, else a new one."""
        image = Image.from_blob(data)
        if self._by_sha1 is None:  # python-pptx's _ImageParts._find_by_sha1: the first part in walk order wins
            self._by_sha1 = {}
            for part in image_parts(package):
                if hasattr(part, "sha1"):  # unknown image types (SVG) have none
                    self._by_sha1.setdefault(part.sha1, part)
            self._numbers = [
                p.partname.idx
                for p in package.iter_parts()
                if p.partname.startswith("/ppt/media/image") and p.partname.idx is not None
            ]
        found = self._by_sha1.get(image.sha1)
        if found is not None:
            return found
        number = _first_free(sorted(self._numbers))
        partname = PackURI(f"/ppt/media/image{number}.{image.ext}")
        part = ImagePart(partname, image.content_type, package, image.blob, image.filename)
        self._numbers.append(number)
        self._by_sha1[image.sha1] = part
        return part


def _first_free(numbers: list[int]) -> int:
    """python-pptx's ``Package.next_image_partname`` numbering over the sorted numbers in use."""
    for i, used in enumerate(numbers):
        if i + 1 < used:
            return i + 1
    return len(numbers) + 1
