"""What a build wrote, for the end-of-build table: each output's size and its pages or slides."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm.*?stream\r?\n", re.S)


@dataclass(frozen=True)
class OutputFacts:
    """One output: its path, size in bytes and what it holds ("84 pages", "29 slides", "" if not known)."""

    path: Path
    size: int
    count: str


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def pdf_pages(data: bytes) -> int:
    """The number of pages of a PDF, its page objects counted in plain and compressed object streams."""
    count = len(_PAGE.findall(data))
    for match in _OBJECT_STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        if end < 0:
            continue
        try:
            count += len(_PAGE.findall(zlib.decompressobj().decompress(data[match.end() : end])))
        except zlib.error:
            continue
    return count


def pptx_slides(path: Path) -> int:
    """The number of slides of a PowerPoint file."""
    with zipfile.ZipFile(path) as z:
        return sum(1 for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n))


def folder_size(path: Path) -> int:
    """The bytes of every file in a folder."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def output_facts(name: str, path: Path) -> OutputFacts:
    """Size and contents count of one output (a count that cannot be read is left out, never an error)."""
    if path.is_dir():
        return OutputFacts(path, folder_size(path), _plural(sum(1 for _ in path.glob("*.html")), "page"))
    size = path.stat().st_size
    count = ""
    try:
        if path.suffix == ".pdf":
            count = _plural(pdf_pages(path.read_bytes()), "page")
        elif path.suffix == ".pptx":
            count = _plural(pptx_slides(path), "slide")
    except (OSError, zipfile.BadZipFile):
        count = ""
    return OutputFacts(path, size, count)


def human_size(size: int) -> str:
    """``812 B``, ``14.2 KB``, ``1.7 MB``."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1000:
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
