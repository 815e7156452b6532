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
