"""The private folder Typst compiles in: the generated source, the theme's template and copies of the files the gate let through."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from presswork.core import files
from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.project.assets import AssetGate, sniff_image_type

__all__ = ["RootFolder", "svg_size"]

#: File extensions Typst's ``image`` reads, by sniffed media type.
_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/svg+xml": "svg",
    "image/webp": "webp",
}


class RootFolder:
    """The compile root: every file Typst may read is written here first (by content hash, so a
    file named twice is copied once and no author path reaches the Typst source)."""

    def __init__(self, root: Path, gate: AssetGate) -> None:
        self.root = root
        self.gate = gate
        self._copied: dict[str, tuple[str, tuple[float, float]]] = {}

    def write(self, name: str, data: bytes) -> str:
        """Write ``data`` as ``name`` (a generated, safe name) under the root; its path for Typst."""
        path = self.root / name
        if not path.exists():
            files.make_dirs(path.parent, self.root, "Typst compile folder")
            files.write_new(path, data, self.root)
        return "/" + name

    def stored(self, data: bytes, folder: str, extension: str) -> str:
        """``data`` written once under ``folder`` by its hash; its path for Typst."""
        digest = hashlib.sha256(data).hexdigest()[:20]
        return self.write(f"{folder}/{digest}.{extension}", data)

    def image(self, ref: str, pos: Pos | None) -> tuple[str, tuple[float, float]]:
        """The Typst path of image ``ref`` copied in through the gate, and its natural size in points
        (CSS pixels, as the WeasyPrint engine sizes it; (0, 0) when unknown); raises PressworkError when refused."""
        if ref in self._copied:
            return self._copied[ref]
        data = self.gate.read_bytes(ref, pos=pos)  # a data: or remote image as the gate allows
        kind = sniff_image_type(data) or ""
        if kind not in _EXTENSIONS and ref.lower().endswith(".svg"):
            kind = "image/svg+xml"
        if kind not in _EXTENSIONS:
            raise PressworkError(f"image {ref[:80]!r}: a format the Typst engine cannot place", pos)
        pixels = self.gate.image_size(data, ref, pos)
        size = svg_size(data) if kind == "image/svg+xml" else (pixels[0] * PX_PT, pixels[1] * PX_PT)
        path = self.stored(data, "images", _EXTENSIONS[kind])
        self._copied[ref] = (path, size)
        return path, size


#: Points per CSS pixel.
PX_PT = 0.75
_UNITS = {"": PX_PT, "px": PX_PT, "pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
_LENGTH = re.compile(r"\s*([\d.]+)\s*(px|pt|mm|cm|in)?\s*$")


def svg_size(data: bytes) -> tuple[float, float]:
    """The declared size of an SVG in points: its width and height, else its viewBox in pixels ((0, 0): none)."""
    head = data[:4096].decode("utf-8", "replace")
    tag = re.search(r"<svg\b[^>]*>", head, re.S)
    if tag is None:
        return (0.0, 0.0)
    attrs = dict(re.findall(r'\s([\w:-]+)\s*=\s*["\']([^"\']*)["\']', tag.group()))
    width, height = (_LENGTH.match(attrs.get(k, "")) for k in ("width", "height"))
    if width and height:
        return (float(width[1]) * _UNITS[width[2] or ""], float(height[1]) * _UNITS[height[2] or ""])
    box = attrs.get("viewBox", "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return (float(box[2]) * PX_PT, float(box[3]) * PX_PT)
        except ValueError:
            pass
    return (0.0, 0.0)
