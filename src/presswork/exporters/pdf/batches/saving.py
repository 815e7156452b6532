"""A merged book's PDF written out: the document information and language of its front matter, its file identifier, object streams."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def save_merged(pdf: Any, front: Any, identifier: bytes, target: Path) -> None:
    """Write the merged ``pdf`` to ``target`` with the document information and language of ``front`` (the
    PDF of its front matter) and the file identifier ``identifier``."""
    import pikepdf
    from pikepdf import Array, String

    for key, value in front.docinfo.items():
        pdf.docinfo[key] = value
    if "/Lang" in front.Root:
        pdf.Root.Lang = String(str(front.Root.Lang))
    pdf.trailer.ID = Array([String(identifier), String(identifier)])
    # qpdf keeps the first element and puts a digest of the file in the second, as WeasyPrint does.
    # Object streams: 16% smaller (the 100-chapter book: 4.2 -> 3.5 MB) for 0.1 s.
    pdf.save(
        target,
        deterministic_id=True,
        fix_metadata_version=False,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
