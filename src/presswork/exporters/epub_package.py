"""Rewrites an EPUB zip reproducibly: ``mimetype`` first and stored, fixed entry order, times and attributes."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from .zipstamp import zip_time

_FIRST = ("mimetype", "META-INF/container.xml")


def normalize_epub(data: bytes, moment: datetime) -> bytes:
    """The same EPUB with entries in a fixed order (mimetype, container, then as written), every entry
    stamped with ``moment``, fixed permissions, ``mimetype`` stored uncompressed and the rest deflated."""
    stamp = zip_time(moment)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate zip entries: {sorted(n for n in set(names) if names.count(n) > 1)}")
        ordered = [n for n in _FIRST if n in names] + [n for n in names if n not in _FIRST]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in ordered:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                stored = name == "mimetype"
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                payload = b"application/epub+zip" if stored else source.read(name)
                target.writestr(info, payload, compresslevel=None if stored else 9)
    return out.getvalue()
