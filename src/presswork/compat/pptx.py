"""python-pptx's internals that presswork relies on, each behind one named function, for python-pptx 1.0.x only.

python-pptx makes slides, notes and pictures by walking the whole package for every new one
(quadratic in a long deck); presswork makes the same parts and relationships directly
(exporters/pptx/output/factory.py), writes the package without re-parsing relationships
(package.py) and lets go of the element trees of finished slides (kept.py). Those need the
private names below. Proxies with a public ``element`` (slides, layouts, masters, shapes) are
reached through it elsewhere; parts and text frames have none.

:func:`open_presentation` checks the installed version (:data:`RANGE`) before anything else.
"""

from __future__ import annotations

from typing import IO, Any

from pptx.text.text import _Paragraph, _Run

from presswork.compat.versions import Range

__all__ = [
    "RANGE",
    "Paragraph",
    "Run",
    "add_picture_part",
    "add_relationship",
    "append_slide_id",
    "content_types_xml",
    "drop_cached",
    "has_relationships",
    "image_parts",
    "next_slide_partname",
    "open_presentation",
    "package_relationships",
    "paragraph_element",
    "part_element",
    "relationship_base_uri",
    "run_element",
    "serialise_as",
    "set_part_element",
    "shape_proxy",
    "shape_tree",
    "slide_id_list",
    "table_element",
    "text_body",
    "text_frame_shape",
]

#: The python-pptx versions this module was written for (pyproject.toml bounds the same).
RANGE = Range("python-pptx", "1.0.2", "1.1")

#: python-pptx's paragraph and run proxies (for type hints).
Paragraph = _Paragraph
Run = _Run


def open_presentation(stream: IO[bytes]) -> Any:
    """``pptx.Presentation(stream)`` (raises PressworkError when python-pptx is outside :data:`RANGE`)."""
    RANGE.require()
    from pptx import Presentation

    return Presentation(stream)


# --------------------------------------------------------------------------- elements


def part_element(part: Any) -> Any:
    """The root element of an XML part (a slide, notes slide or core properties part)."""
    return part._element


def set_part_element(part: Any, element: Any) -> None:
    """Make ``element`` the root of XML part ``part`` (None lets go of its tree)."""
    part._element = element


def text_body(text_frame: Any) -> Any:
    """The ``a:txBody`` / ``p:txBody`` element of a text frame."""
    return text_frame._txBody


def text_frame_shape(text_frame: Any) -> Any:
    """The shape a text frame belongs to."""
    return text_frame._parent


def table_element(table: Any) -> Any:
    """The ``a:tbl`` element of a table."""
    return table._tbl


def paragraph_element(paragraph: Any) -> Any:
    """The ``a:p`` element of a paragraph proxy (an ``a:p`` element is returned as it is)."""
    return getattr(paragraph, "_p", paragraph)


def run_element(run: Any) -> Any:
    """The ``a:r`` element of a run proxy."""
    return run._r


def shape_tree(slide: Any) -> Any:
    """The ``p:spTree`` element of a slide."""
    return slide.shapes._spTree


def shape_proxy(shapes: Any, element: Any) -> Any:
    """The shape proxy python-pptx makes for shape ``element`` of the shape collection ``shapes``."""
    return shapes._shape_factory(element)


def slide_id_list(prs: Any) -> Any:
    """The presentation's ``p:sldIdLst`` element."""
    return prs.slides._sldIdLst


# --------------------------------------------------------------------------- parts and relationships


def next_slide_partname(presentation_part: Any) -> Any:
    """The part name python-pptx gives the next slide (``/ppt/slides/slide<n>.xml``)."""
    return presentation_part._next_slide_partname


def add_relationship(rels: Any, reltype: str, target: Any) -> str:
    """Relate ``target`` with a new relationship id, without first looking for an existing one."""
    return str(rels._add_relationship(reltype, target))


def append_slide_id(id_list: Any, slide_id: int, rid: str) -> None:
    """Append ``p:sldId`` with ``slide_id`` and relationship ``rid`` to the slide id list."""
    id_list._add_sldId(id=slide_id, rId=rid)


def add_picture_part(shapes: Any, image_part: Any, rid: str, left: int, top: int, width: int, height: int) -> Any:
    """A picture of ``image_part`` (related as ``rid``) added to ``shapes``, as ``shapes.add_picture`` adds it."""
    pic = shapes._add_pic_from_image_part(image_part, rid, left, top, width, height)
    shapes._recalculate_extents()
    return shapes._shape_factory(pic)


def image_parts(package: Any) -> Any:
    """The package's image parts in python-pptx's walk order."""
    return package._image_parts


def package_relationships(package: Any) -> Any:
    """The package's own relationships (``_rels/.rels``)."""
    return package._rels


def has_relationships(part: Any) -> bool:
    """Whether ``part`` has relationships (without making an empty collection)."""
    return bool(part._rels)


def relationship_base_uri(rel: Any) -> Any:
    """The base URI relative targets of relationship ``rel`` are written against."""
    return rel._base_uri


def content_types_xml(parts: Any) -> bytes:
    """``[Content_Types].xml`` for ``parts``, as ``Presentation.save`` writes it."""
    from pptx.opc.oxml import serialize_part_xml
    from pptx.opc.serialized import _ContentTypesItem

    return bytes(serialize_part_xml(_ContentTypesItem.xml_for(parts)))


def serialise_as(part: Any, kind: type, xml: bytes) -> None:
    """Turn ``part`` into ``kind`` (a subclass of its class whose ``blob`` is its ``kept`` bytes) holding ``xml``."""
    part.__class__ = kind
    part.kept = xml


def drop_cached(part: Any, name: str) -> None:
    """Forget the value of ``part``'s lazy property ``name`` (python-pptx caches it in the instance)."""
    part.__dict__.pop(name, None)
