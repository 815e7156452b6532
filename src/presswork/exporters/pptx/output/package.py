"""The PPTX package's core properties, from the book's metadata with fixed dates."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lxml import etree

from presswork.compat.pptx import content_types_xml, has_relationships, package_relationships, relationship_base_uri
from presswork.core.tree import Meta
from presswork.exporters.pptx.output import oxml


def set_core_properties(prs: Any, meta: Meta, build_time: datetime) -> None:
    """Title, author, subject, keywords and fixed dates; nothing of the template's properties is kept."""
    cp = prs.core_properties
    oxml.clear_core_properties(cp)
    cp.title = meta.title
    cp.author = "; ".join(a.name for a in meta.authors)
    cp.subject = meta.subtitle or meta.description
    cp.keywords = ", ".join(meta.subjects)
    if meta.description:
        cp.comments = meta.description
    cp.language = meta.language
    cp.last_modified_by = "presswork"
    cp.revision = 1
    when = build_time.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    cp.created = cp.modified = when


def package_entries(prs: Any) -> list[tuple[str, bytes]]:
    """The zip entries (name, bytes) ``prs.save`` writes, in its order: content types, package relationships,
    then each part and its relationships (saved without the zip, which ``write_zip`` lays out once)."""
    from pptx.opc.packuri import PACKAGE_URI

    package = prs.part.package
    parts = tuple(package.iter_parts())
    refs: dict[tuple[str, str], str] = {}
    entries = [
        ("[Content_Types].xml", content_types_xml(parts)),
        (PACKAGE_URI.rels_uri.membername, rels_xml(package_relationships(package), refs)),
    ]
    for part in parts:
        entries.append((part.partname.membername, part.blob))
        if has_relationships(part):
            entries.append((part.partname.rels_uri.membername, rels_xml(part.rels, refs)))
    return entries


#: The namespace of ``.rels`` parts.
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def rels_xml(rels: Any, refs: dict[tuple[str, str], str]) -> bytes:
    """``rels.xml`` (python-pptx's serialisation of a part's relationships, byte for byte) without its
    per-relationship XML parsing; ``refs`` memoises relative targets by (base URI, target part name)."""
    root = etree.Element(f"{{{RELS_NS}}}Relationships", nsmap={None: RELS_NS})  # type: ignore[dict-item]
    tag = f"{{{RELS_NS}}}Relationship"

    def order(rid: str) -> tuple[int, str]:
        return (int(rid[3:]) if rid.startswith("rId") and rid[3:].isdigit() else 0, rid)

    for rid in sorted(rels.keys(), key=order):
        rel = rels[rid]
        if rel.is_external:
            etree.SubElement(root, tag, Id=rid, Type=rel.reltype, Target=rel.target_ref, TargetMode="External")
            continue
        base = relationship_base_uri(rel)
        key = (base, str(rel.target_partname))
        if key not in refs:
            refs[key] = rel.target_partname.relative_ref(base)
        etree.SubElement(root, tag, Id=rid, Type=rel.reltype, Target=refs[key])
    return bytes(etree.tostring(root, encoding="UTF-8", standalone=True))
