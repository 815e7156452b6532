"""What an EPUB embeds from the tree: images (read through the asset gate) and accessibility facts."""

from __future__ import annotations

import io
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Block, Chapter, Document, Heading, Image, Math, MathBlock, Pos, Table
from presswork.core.walk import children
from presswork.exporters.common.visibility import is_hidden
from presswork.exporters.epub.meta import Accessibility
from presswork.project.assets import image_media_type, is_remote
from presswork.project.datauri import is_data_uri

#: Image media types every EPUB 3 reading system supports (anything else is converted to PNG).
CORE_IMAGE_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/svg+xml": ".svg",
    "image/webp": ".webp",
}


@dataclass(frozen=True)
class ImageAsset:
    """One embedded image: its name inside the package (``images/...``), media type and bytes."""

    href: str
    media_type: str
    data: bytes


@dataclass
class Images:
    """The images of a book by source reference, in order of first use."""

    by_src: dict[str, ImageAsset] = field(default_factory=dict)

    def href(self, src: str) -> str:
        """The package path of image ``src``."""
        return self.by_src[src].href


def visible_nodes(doc: Document) -> Iterator[tuple[Any, Pos, Chapter]]:
    """Every node that reaches the EPUB (hidden Divs left out), with the position of its nearest block."""

    def visit(node: Any, pos: Pos, ch: Chapter) -> Iterator[tuple[Any, Pos, Chapter]]:
        if isinstance(node, Block) and is_hidden(node, "epub"):
            return
        if isinstance(node, Block) and node.pos is not None:
            pos = node.pos
        yield node, pos, ch
        for child in children(node):
            yield from visit(child, pos, ch)

    for ch in doc.chapters:
        for inline in ch.title:
            yield from visit(inline, ch.title_at(), ch)
        for block in ch.blocks:
            yield from visit(block, Pos(ch.source), ch)


def _slug(src: str) -> str:
    if is_data_uri(src):
        return "image"
    path = urllib.parse.urlsplit(src).path if is_remote(src) else src
    stem = PurePosixPath(urllib.parse.unquote(path)).stem
    return re.sub(r"[^a-zA-Z0-9_-]+", "-", stem).strip("-").lower()[:40] or "image"


def _sniff(data: bytes) -> str:
    head = data.lstrip()[:256]
    if head.startswith(b"<?xml") or b"<svg" in head:
        return "image/svg+xml"
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as img:
            return PILImage.MIME.get(img.format or "", "application/octet-stream")
    except OSError:
        return "application/octet-stream"


def _to_png(data: bytes) -> bytes:
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(data)) as img:
        out = io.BytesIO()
        img.convert("RGBA").save(out, format="PNG")
        return out.getvalue()


def collect_images(doc: Document, gate: Any) -> Images:
    """Read every image the EPUB shows through the gate (size-checked); non-core formats become PNG."""
    images = Images()
    for node, pos, _ch in visible_nodes(doc):
        if not isinstance(node, Image) or node.src in images.by_src:
            continue
        data = gate.read_bytes(node.src, pos=pos)
        gate.image_size(data, node.src, pos)
        kind = image_media_type(data, _slug(node.src) + PurePosixPath(urllib.parse.urlsplit(node.src).path).suffix)
        if kind not in CORE_IMAGE_TYPES:
            kind = _sniff(data)
        if kind not in CORE_IMAGE_TYPES:
            data, kind = _to_png(data), "image/png"
        number = len(images.by_src) + 1
        href = f"images/img{number:03d}-{_slug(node.src)}{CORE_IMAGE_TYPES[kind]}"
        images.by_src[node.src] = ImageAsset(href, kind, data)
    return images


def assess(doc: Document, reporter: Reporter) -> Accessibility:
    """Accessibility facts of the book; warns about every image without alt text and every skipped heading level."""
    has_images = has_math = has_tables = False
    missing = 0
    in_order = True
    headless = False
    previous: dict[str, int] = {}
    for node, pos, ch in visible_nodes(doc):
        if isinstance(node, Image):
            has_images = True
            if not node.alt.strip():
                missing += 1
                # the same words as the reader's warning (Reporter keeps one): it is reported once
                reporter.warn(f"image {node.src!r} has no alt text", pos, "alt-text")
        elif isinstance(node, (Math, MathBlock)):
            has_math = True
        elif isinstance(node, Table):
            has_tables = True
            if not node.head:
                headless = True
                reporter.warn("table has no header row (a screen reader cannot name its columns)", pos, "table")
        elif isinstance(node, Heading):
            level = previous.get(ch.id, 1)
            if node.level > level + 1:
                in_order = False
                reporter.warn(f"heading level jumps from {level} to {node.level}", pos, "heading")
            previous[ch.id] = node.level
    return Accessibility(
        has_images=has_images,
        images_without_alt=missing,
        has_math=has_math,
        has_tables=has_tables,
        tables_have_headers=not headless,
        headings_in_order=in_order,
    )
