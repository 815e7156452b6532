"""The PPTX package: core properties from the book's metadata and a reproducible zip (fixed times and order)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone
from typing import Any

from ..tree import Document
from .base import BuildContext
from .zipstamp import zip_time


def set_core_properties(prs: Any, doc: Document, ctx: BuildContext) -> None:
    """Title, author, subject, keywords and fixed dates; nothing of the template's properties is kept."""
    cp = prs.core_properties
    for child in list(cp._element):
        cp._element.remove(child)
    meta = doc.meta
    cp.title = meta.title
    cp.author = "; ".join(a.name for a in meta.authors)
    cp.subject = meta.subtitle or meta.description
    cp.keywords = ", ".join(meta.subjects)
    if meta.description:
        cp.comments = meta.description
    cp.language = meta.language
    cp.last_modified_by = "presswork"
    cp.revision = 1
    when = ctx.build_time.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
    cp.created = cp.modified = when


def normalise_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite the package with fixed entry times (the build time) and a stable entry order."""
    stamp = zip_time(when)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        names = [i.filename for i in zin.infolist()]
        first = [n for n in names if n == "[Content_Types].xml"]
        for name in first + sorted(n for n in names if n not in first):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, zin.read(name))
    return out.getvalue()
