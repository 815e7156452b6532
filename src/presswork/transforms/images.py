"""Images resolved through the asset gate: checked, made project-relative, or their alt text when remote."""

from __future__ import annotations

import dataclasses
import functools
import urllib.parse
from pathlib import Path, PurePosixPath
from typing import Any

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import (
    Attr,
    Chapter,
    Figure,
    Image,
    Pos,
    Span,
    Text,
)
from presswork.core.walk import walk, walk_with_positions
from presswork.project.assets import AssetGate, MissingFile, UnreadableImage, is_remote
from presswork.project.datauri import describe, is_data_uri


def resolve_assets(chapters: list[Chapter], gate: AssetGate, reporter: Reporter, site_root: str = "") -> list[Chapter]:
    """Resolve every image through the gate to a project-relative path, checking that it
    exists, stays inside the project and is not over the pixel limit (``site_root``: the content folder,
    which a site serves at ``/``). Remote images are kept
    only when the configuration allows remote resources; otherwise they become their alt text.
    An image file that does not exist becomes a box naming it, with a warning."""

    def fix(node: Any, pos: Pos | None, source: str) -> Any:
        if not isinstance(node, Image):
            return node
        if is_remote(node.src):
            if gate.allow_remote:
                return node
            reporter.warn(
                f"remote image {node.src!r} not fetched (allow_remote is off); its alt text is shown", pos, "remote"
            )
            return Span(Attr(classes=("image-alt",)), (Text(node.alt or node.src),))
        if node.src.startswith("#"):  # MyST's embed of a labelled block (``![](#label)``): no file
            reporter.warn(
                f"image {node.src!r} names a place, not a picture file; a box with its name stands in its place",
                pos,
                "image",
            )
            return missing_image_box(node)
        if scheme := _foreign_scheme(node.src):  # MyST's xref:, doi:...: names no file; file: stays an error
            reporter.warn(
                f"image {node.src!r}: {scheme}: URLs name no file; a box with its name stands in its place",
                pos,
                "image",
            )
            return missing_image_box(node)
        if is_data_uri(node.src):  # a small image written inline: checked like a file, kept as written
            gate.image_size(gate.read_bytes(node.src, source, pos), describe(node.src), pos)
            if not node.alt:
                reporter.warn(f"image '{describe(node.src)}' has no alt text", pos, "alt-text")
            return node
        try:
            ref, source = _image_ref(gate, node.src, source, site_root, pos)
            path = gate.resolve(ref, source, pos)
            gate.image_size(gate.read_bytes(ref, source, pos), node.src, pos)
        except (MissingFile, UnreadableImage) as exc:
            reporter.warn(f"{exc.message}; a box with its name stands in its place", pos, "image")
            return missing_image_box(node, "missing" if isinstance(exc, MissingFile) else "unreadable")
        src = gate.relative(path)
        if not node.alt:  # the EPUB's accessibility check says the same words: one warning, not two
            reporter.warn(f"image {src!r} has no alt text", pos, "alt-text")
        return dataclasses.replace(node, src=src)

    out = []
    for ch in chapters:
        blocks = walk_with_positions(ch.blocks, functools.partial(fix, source=ch.source), kinds=(Image,))
        # A figure whose image became alt text is a paragraph of that text.
        out.append(dataclasses.replace(ch, blocks=_unfigure(blocks)))
    return out


def _image_ref(gate: AssetGate, src: str, source: str, site_root: str, pos: Pos | None) -> tuple[str, str]:
    """The reference and the file it is relative to for the image ``src`` of page ``source``: as written, or,
    when the image is not found so, as the site serves it: ``/img/x.png`` from the content folder
    ``site_root`` (the site's root), and ``../x.png`` relative to the page's URL (MkDocs serves
    ``setup/page.md`` at ``setup/page/`` and leaves the ``src`` of raw HTML ``<img>`` as written)."""
    try:
        gate.resolve(src, source, pos)
    except PressworkError:
        page = PurePosixPath(source)
        tries = []
        if src.startswith("/") and not src.startswith("//"):
            tries.append((src.lstrip("/"), str(PurePosixPath(site_root or ".") / "index.md")))
        if src.startswith("../") and page.stem.lower() not in ("index", "readme"):
            tries.append((src, str(page.with_suffix("") / "index.md")))
        for ref, base in tries:
            try:
                gate.resolve(ref, base, pos)
            except PressworkError:
                continue
            return ref, base
        if tries and src.startswith("/") and not _exists(src):
            # a site path (``/img/x.png``) whose picture is in no folder the book has: a missing image, as a
            # relative one would be; a file that does exist outside the project stays refused
            raise MissingFile(f"file not found: {src!r} (a path from the site's root)", pos) from None
        raise
    return src, source


def _exists(src: str) -> bool:
    """Whether the file system has ``src`` read as an absolute path (only asked: the file is never opened)."""
    try:
        return Path(urllib.parse.unquote(src.split("#", 1)[0].split("?", 1)[0])).exists()
    except (OSError, ValueError):
        return True  # unreadable as a path: refused as before


#: The class of the box that stands in for an image file that does not exist.
MISSING_IMAGE_CLASS = "image-missing"


def _foreign_scheme(src: str) -> str:
    """The URL scheme of an image that is neither a file, a remote URL nor a ``data:`` URL (``xref``), else ""."""
    scheme, colon, _ = src.partition(":")
    scheme = scheme.lower()
    if not colon or len(scheme) < 2 or not scheme.isalpha() or scheme in ("file", "data", "http", "https", "ftp"):
        return ""
    return scheme


def missing_image_box(image: Image, why: str = "missing") -> Span:
    """What shows where an image file is ``why`` (missing, unreadable): a box naming the file, with the
    image's alt text."""
    words = f"{why} image: {image.src}" + (f" ({image.alt})" if image.alt.strip() else "")
    return Span(Attr(classes=(MISSING_IMAGE_CLASS,)), (Text(f"[{words}]"),))


def _unfigure(blocks: Any) -> Any:
    from presswork.core.tree import Paragraph

    def fix(node: Any) -> Any:
        if isinstance(node, Figure) and not isinstance(node.image, Image):
            return Paragraph((node.image,), pos=node.pos)
        return node

    return walk(blocks, fix, (Figure,))
