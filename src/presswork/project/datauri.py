"""Images written inline as ``data:`` URLs (exported notebooks and Markdown editors paste them so).

A small one is decoded and then treated like an image file: the asset gate sniffs its type, checks
its pixels and sanitises SVG. One larger than :data:`MAX_DATA_IMAGE_BYTES` is refused with its size:
it belongs in a file of its own.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse

__all__ = [
    "MAX_DATA_IMAGE_BYTES",
    "DataUriError",
    "data_uri",
    "decode_data_uri",
    "describe",
    "is_data_uri",
    "sniff_image_type",
]

#: Largest image accepted as a ``data:`` URL, in decoded bytes (a plot in a notebook is 20-200 KB).
MAX_DATA_IMAGE_BYTES = 500_000

_SPACE = re.compile(r"\s+")


class DataUriError(ValueError):
    """A ``data:`` URL that is malformed, not an image or too large (the message says which)."""


def is_data_uri(ref: str) -> bool:
    """Whether ``ref`` is a ``data:`` URL."""
    return ref[:5].lower() == "data:"


def describe(ref: str) -> str:
    """A short name for a ``data:`` URL in messages: ``data: image/png (about 12,345 bytes)``."""
    header, _, payload = ref[5:].partition(",")
    kind = header.split(";")[0].strip() or "text/plain"
    size = _base64_size(payload) if ";base64" in header.lower() else len(payload)
    return f"data: {kind} (about {size:,} bytes)"


def _base64_size(payload: str) -> int:
    """The number of bytes base64 text decodes to (without decoding it)."""
    return len(payload) * 3 // 4 - (len(payload) - len(payload.rstrip("=")))


def decode_data_uri(ref: str, limit: int = MAX_DATA_IMAGE_BYTES) -> bytes:
    """The bytes of the image in ``data:`` URL ``ref``; DataUriError when it is malformed, declares
    a type other than an image, or holds more than ``limit`` bytes (checked before decoding)."""
    header, sep, payload = ref[5:].partition(",")
    if not sep:
        raise DataUriError("malformed data: URL (no comma before the data)")
    params = [p.strip().lower() for p in header.split(";")]
    kind = params[0] or "text/plain"
    if not kind.startswith("image/"):
        raise DataUriError(f"a data: URL of type {kind!r} is not an image")
    encoded = "base64" in params[1:]
    if encoded:
        payload = _SPACE.sub("", urllib.parse.unquote(payload))
    size = _base64_size(payload) if encoded else len(urllib.parse.unquote_to_bytes(payload))
    if size > limit:
        raise DataUriError(
            f"data: image of {size:,} bytes is over the limit for images written inline ({limit:,} bytes): "
            "save it as an image file and link to that"
        )
    if not encoded:
        return urllib.parse.unquote_to_bytes(payload)
    try:
        return base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DataUriError(f"malformed data: URL (invalid base64: {exc})") from None


def data_uri(data: bytes) -> str:
    """A base64 ``data:`` URL of image bytes, with the media type their content shows."""
    return f"data:{sniff_image_type(data)};base64," + base64.b64encode(data).decode("ascii")


def sniff_image_type(data: bytes) -> str:
    """The media type of image bytes by their content (SVG markup, or what Pillow recognises)."""
    if data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<":
        return "image/svg+xml"
    import io

    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as img:
            return PILImage.MIME.get(img.format or "", "application/octet-stream")
    except Exception:  # noqa: BLE001 - Pillow's plug-ins raise assorted errors on odd data
        return "application/octet-stream"
