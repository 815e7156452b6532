"""Which encoding a text file is in: UTF-8 (with or without a BOM), or UTF-16/UTF-32 with a BOM.

Editors on Windows save UTF-16 with a byte order mark (BOM); such a file is text, not binary data.
A file without a BOM is UTF-8. UTF-16 without a BOM (a NUL in every other byte) is recognised only
to name it in an error message.
"""

from __future__ import annotations

import codecs

__all__ = ["bom_encoding", "looks_like_utf16", "text_encoding"]

#: Byte order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(data: bytes) -> str | None:
    """The codec named by the BOM that ``data`` starts with (it removes the BOM), or None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def text_encoding(data: bytes) -> str:
    """The codec to read ``data`` with: the one its BOM names, else UTF-8."""
    return bom_encoding(data) or "utf-8"


def looks_like_utf16(data: bytes) -> bool:
    """Whether ``data`` (without a BOM) looks like UTF-16 text: NUL in most of its odd or its even bytes."""
    head = data[:2048]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.6
