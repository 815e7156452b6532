"""The PPTX package's core properties, from the book's metadata with fixed dates."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from presswork.tree import Meta

from . import oxml


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
    from pptx.opc.oxml import serialize_part_xml
    from pptx.opc.packuri import PACKAGE_URI
    from pptx.opc.serialized import _ContentTypesItem

    package = prs.part.package
    parts = tuple(package.iter_parts())
    entries = [
        ("[Content_Types].xml", serialize_part_xml(_ContentTypesItem.xml_for(parts))),
        (PACKAGE_URI.rels_uri.membername, package._rels.xml),
    ]
    for part in parts:
        entries.append((part.partname.membername, part.blob))
        if part._rels:
            entries.append((part.partname.rels_uri.membername, part.rels.xml))
    return entries
