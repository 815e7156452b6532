"""The one gate through which a build opens files or URLs named by content or configuration."""

from __future__ import annotations

import contextlib
import io
import os
import re
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from presswork.core import files
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Pos
from presswork.project.datauri import MAX_DATA_IMAGE_BYTES, DataUriError, decode_data_uri, describe, is_data_uri
from presswork.project.remote import RemoteError, download
from presswork.reading.sanitize import SvgError, clean_svg, looks_like_markup

REMOTE_SCHEMES = ("http", "https")
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
_PIL_LOCK = threading.RLock()
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


class MissingFile(PressworkError):
    """A file named by the book that does not exist (inside the project)."""


class UnreadableImage(PressworkError):
    """An image file whose bytes are no image (an HTML page saved as ``.png``, a truncated file)."""


def is_remote(ref: str) -> bool:
    """True for http(s) URLs (also protocol-relative ``//host/x``), well-formed or not."""
    scheme = _SCHEME.match(ref)
    return ref.startswith("//") or (scheme is not None and scheme.group(1).lower() in REMOTE_SCHEMES)


def media_type(name: str) -> str:
    """The media type of an image file name ("application/octet-stream" when unknown)."""
    return IMAGE_TYPES.get(PurePosixPath(name.lower()).suffix, "application/octet-stream")


#: The first bytes of each raster image format an output can carry, and its media type.
_MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


#: Image formats Pillow reads only through an outside program (Ghostscript), which presswork never runs.
_NEEDS_A_PROGRAM = {"EPS": "PostScript (EPS)"}


def sniff_image_type(data: bytes) -> str | None:
    """The media type image bytes declare by their first bytes (PNG, JPEG, GIF, WebP, SVG), or None when
    they are none of these. A file's extension can lie (a PNG named ``.jpeg``); its bytes cannot."""
    for magic, kind in _MAGIC_NUMBERS:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if looks_like_markup(data) and b"<svg" in data[:4096]:
        return "image/svg+xml"
    return None


def image_media_type(data: bytes, name: str) -> str:
    """The media type of image ``data`` named ``name``: the one its bytes declare, else the name's."""
    return sniff_image_type(data) or media_type(name)


@contextlib.contextmanager
def pil_pixel_limit(limit: int | None) -> Iterator[None]:
    """Set Pillow's decompression-bomb limit (``None`` = off) for the duration of the block."""
    from PIL import Image as PILImage

    with _PIL_LOCK:
        saved = PILImage.MAX_IMAGE_PIXELS
        PILImage.MAX_IMAGE_PIXELS = limit
        try:
            yield
        finally:
            PILImage.MAX_IMAGE_PIXELS = saved


@dataclass
class AssetGate:
    """Resolves and reads resources, allowing only files inside the project and theme
    folders (after resolving symlinks) and, when configured, remote http(s) URLs.

    Markup (SVG) is sanitised on the way through: scripts, event attributes and references
    to other files or URLs are removed, each removal a warning to ``reporter``.
    """

    root: Path
    theme_dirs: Sequence[Path] = ()
    allow_remote: bool = False
    remote_hosts: Sequence[str] = ()
    remote_timeout: float = 10.0
    remote_max_bytes: int = 20_000_000
    max_image_pixels: int = 50_000_000
    max_data_image_bytes: int = MAX_DATA_IMAGE_BYTES  #: Largest image written inline as a ``data:`` URL.
    reporter: Reporter | None = None
    remote_requests: list[str] = field(default_factory=list)  # every URL actually requested
    _cache: dict[str, bytes] = field(default_factory=dict, repr=False)
    _roots: list[Path] = field(default_factory=list, repr=False)  #: the real paths of the allowed folders
    _refused: dict[str, PressworkError] = field(default_factory=dict, repr=False)  # refused URLs (fetch)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.theme_dirs = [Path(d).resolve() for d in self.theme_dirs]
        self._roots = [self.root, *self.theme_dirs]

    # ------------------------------------------------------------------ local files
    def allowed_dirs(self) -> list[Path]:
        """Folders a build may read from."""
        return [self.root, *self.theme_dirs]

    def is_allowed(self, path: Path) -> bool:
        """True when ``path`` (symlinks resolved) lies inside the project or a theme folder."""
        return files.within(files.realpath(path), self._roots)

    def resolve(self, ref: str, base: str = "", pos: Pos | None = None) -> Path:
        """The real path of local resource ``ref`` written in project file ``base``.

        Refuses ``file:`` and other URL schemes, absolute paths and ``..`` escapes that
        leave the project, and missing files, each with a PressworkError at ``pos``.
        """
        scheme = urllib.parse.urlsplit(ref).scheme.lower()
        if scheme and len(scheme) > 1:  # "c:" drive letters are not schemes
            what = "file: URLs are" if scheme == "file" else f"{scheme}: URLs are"
            raise PressworkError(f"{what} not allowed: {ref!r} (only files inside the project)", pos)
        clean = urllib.parse.unquote(ref.split("#", 1)[0].split("?", 1)[0])
        if not clean:
            raise PressworkError(f"empty resource reference {ref!r}", pos)
        if "\x00" in clean:
            raise PressworkError(f"invalid file name {ref!r}", pos)
        if clean.startswith("/") or Path(clean).is_absolute():
            candidate = Path(clean)
        else:
            folder = (self.root / base).parent if base else self.root
            candidate = folder / clean
        try:
            real = Path(files.realpath(candidate))
            if real.is_symlink():  # still a link after resolving: a loop
                os.stat(real)
        except (OSError, RuntimeError) as exc:  # symlink loops, names too long
            raise PressworkError(f"cannot resolve {ref!r}: {exc}", pos) from None
        if not files.within(real, self._roots):
            raise PressworkError(f"{ref!r} is outside the project folder; a build reads only files inside it", pos)
        if not real.is_file():
            raise MissingFile(f"file not found: {ref!r}", pos)
        return real

    def relative(self, path: Path) -> str:
        """Project-relative POSIX path of an allowed file (theme files: ``theme:<name>/...``)."""
        real = path.resolve()
        if real.is_relative_to(self.root):
            return real.relative_to(self.root).as_posix()
        for d in self.theme_dirs:
            if real.is_relative_to(d):
                return f"theme:{d.name}/{real.relative_to(d).as_posix()}"
        raise PressworkError(f"{path} is outside the project folder")

    def read_bytes(self, ref: str, base: str = "", pos: Pos | None = None) -> bytes:
        """The bytes of a local file (through :meth:`resolve`), a small ``data:`` image or, if allowed,
        a remote URL.

        SVG and other markup comes back sanitised (see :meth:`checked`).
        """
        if is_data_uri(ref):
            return self.data_image(ref, pos)
        if is_remote(ref):
            return self.fetch(ref, pos)
        path = self.resolve(ref, base, pos)
        key = str(path)
        if key not in self._cache:
            try:
                data = files.read_bytes(path, self._roots, ref, pos)
            except OSError as exc:
                raise PressworkError(f"cannot read {ref!r}: {exc.strerror}", pos) from exc
            self._cache[key] = self.checked(data, ref, pos)
        return self._cache[key]

    def data_image(self, ref: str, pos: Pos | None = None) -> bytes:
        """The bytes of the image in ``data:`` URL ``ref`` (at most ``max_data_image_bytes``), checked
        like a file's (SVG sanitised; :meth:`image_size` then sniffs the type and counts the pixels)."""
        if ref not in self._cache:
            try:
                data = decode_data_uri(ref, self.max_data_image_bytes)
            except DataUriError as exc:
                raise PressworkError(str(exc), pos) from None
            self._cache[ref] = self.checked(data, describe(ref), pos)
        return self._cache[ref]

    def checked(self, data: bytes, ref: str, pos: Pos | None = None) -> bytes:
        """``data`` made safe to embed: markup must be SVG, which is sanitised (each removal a
        warning) and size-checked; other data is returned unchanged."""
        if not looks_like_markup(data):
            return data
        try:
            svg = clean_svg(data)
        except SvgError as exc:
            raise UnreadableImage(f"image {ref!r}: {exc}", pos) from None
        w, h = svg.size
        if w * h > self.max_image_pixels:
            raise PressworkError(
                f"SVG image {ref!r} is {w:.0f}x{h:.0f} = {w * h:,.0f} pixels, over "
                f"max_image_pixels ({self.max_image_pixels:,})",
                pos,
            )
        if svg.removed and self.reporter is not None:
            self.reporter.warn(
                f"removed from SVG image {ref!r}: {', '.join(svg.removed[:6])}"
                + (f" and {len(svg.removed) - 6} more" if len(svg.removed) > 6 else ""),
                pos,
                "html",
            )
        return svg.data

    # ------------------------------------------------------------------ network
    def check_remote(self, url: str, pos: Pos | None = None) -> str:
        """The absolute URL of a remote resource the configuration allows, else a PressworkError."""
        if url.startswith("//"):
            url = "https:" + url
        try:
            parts = urllib.parse.urlsplit(url)
        except ValueError as exc:  # "http://[bad": an unclosed IPv6 address
            raise PressworkError(f"not a valid URL: {url!r} ({exc})", pos) from None
        if not self.allow_remote:
            raise PressworkError(
                f"remote resource {url!r} not fetched: set allow_remote = true to allow network access", pos
            )
        if parts.scheme.lower() not in REMOTE_SCHEMES:
            raise PressworkError(f"{parts.scheme}: URLs are not allowed: {url!r}", pos)
        host = (parts.hostname or "").lower()
        if self.remote_hosts and host not in {h.lower() for h in self.remote_hosts}:
            raise PressworkError(
                f"remote host {host!r} of {url!r} is not in remote_hosts ({', '.join(self.remote_hosts)})", pos
            )
        return url

    def fetch(self, url: str, pos: Pos | None = None) -> bytes:
        """Fetch a remote resource, only when ``allow_remote`` is on and the host (also of every
        redirect) is allowed; at most ``remote_max_bytes``, within ``remote_timeout`` seconds in all
        (connecting, redirects, headers and body: a server that sends a byte a second is cut off).

        Each URL is requested at most once per build: its bytes, or the error that refused it
        (a redirect to a host not allowed, a timeout...), are kept and given to every later request.
        """
        url = self.check_remote(url, pos)
        if url in self._cache:
            return self._cache[url]
        refused = self._refused.get(url)
        if refused is not None:
            raise PressworkError(refused.message, pos or refused.pos, refused.column)
        self.remote_requests.append(url)
        try:
            data = download(url, self.remote_timeout, self.remote_max_bytes, _GatedRedirects(self, pos))
            self._cache[url] = self.checked(data, url, pos)
        except RemoteError as exc:
            self._refused[url] = PressworkError(str(exc), pos)
            raise self._refused[url] from None
        except PressworkError as exc:
            self._refused[url] = exc
            raise
        return self._cache[url]

    # ------------------------------------------------------------------ images
    def image_size(self, data: bytes, ref: str, pos: Pos | None = None) -> tuple[int, int]:
        """Pixel size of a raster image, refusing undecodable images and images over ``max_image_pixels``
        (read from the header: the pixels are never decoded here).

        SVG returns (0, 0): it has no pixel size (its declared size is checked by :meth:`checked`).
        """
        if looks_like_markup(data):
            self.checked(data, ref, pos)
            return (0, 0)
        from PIL import Image as PILImage

        try:
            with pil_pixel_limit(None), PILImage.open(io.BytesIO(data)) as img:
                width, height = img.size
                kind = img.format
        except (OSError, ValueError, SyntaxError) as exc:
            raise UnreadableImage(f"image {ref!r} cannot be read: {exc}", pos) from exc
        except Exception as exc:  # noqa: BLE001 - Pillow plug-ins raise assorted errors on hostile files
            raise UnreadableImage(f"image {ref!r} cannot be read: {type(exc).__name__}: {exc}", pos) from exc
        if kind in _NEEDS_A_PROGRAM:
            raise UnreadableImage(
                f"image {ref!r} is {_NEEDS_A_PROGRAM[kind]}, which only an outside program can draw; "
                "convert it to SVG or PNG",
                pos,
            )
        if width * height > self.max_image_pixels:
            raise PressworkError(
                f"image {ref!r} has {width}x{height} = {width * height:,} pixels, over max_image_pixels "
                f"({self.max_image_pixels:,})",
                pos,
            )
        return width, height


class _GatedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to a URL the gate allows (scheme and host)."""

    def __init__(self, gate: AssetGate, pos: Pos | None) -> None:
        self.gate, self.pos = gate, pos

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        self.gate.check_remote(urllib.parse.urljoin(req.full_url, newurl), self.pos)
        self.gate.remote_requests.append(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)
