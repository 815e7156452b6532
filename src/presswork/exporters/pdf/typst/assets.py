"""The private folder Typst compiles in: the generated source, the theme's template and copies of the files the gate let through."""

from __future__ import annotations

import hashlib
from pathlib import Path

from presswork.core import files
from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.project.assets import AssetGate, sniff_image_type

__all__ = ["RootFolder"]

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
        self._copied: dict[str, str] = {}

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

    def image(self, ref: str, pos: Pos | None) -> str:
        """The Typst path of image ``ref`` copied in through the gate (raises PressworkError when refused)."""
        if ref in self._copied:
            return self._copied[ref]
        data = self.gate.read_bytes(ref, pos=pos)  # a data: or remote image as the gate allows
        kind = sniff_image_type(data) or ""
        if kind not in _EXTENSIONS and ref.lower().endswith(".svg"):
            kind = "image/svg+xml"
        if kind not in _EXTENSIONS:
            raise PressworkError(f"image {ref[:80]!r}: a format the Typst engine cannot place", pos)
        self.gate.image_size(data, ref, pos)
        path = self.stored(data, "images", _EXTENSIONS[kind])
        self._copied[ref] = path
        return path
