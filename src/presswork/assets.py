"""The one gate through which a build opens files or URLs named by content or configuration."""

from __future__ import annotations

import io
import urllib.parse
import urllib.request
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .diagnostics import PressworkError
from .tree import Pos

REMOTE_SCHEMES = ("http", "https")
IMAGE_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".svg": "image/svg+xml", ".webp": "image/webp",
}


def is_remote(ref: str) -> bool:
    """True for http(s) URLs (also protocol-relative ``//host/x``)."""
    return ref.startswith("//") or urllib.parse.urlsplit(ref).scheme.lower() in REMOTE_SCHEMES


def media_type(name: str) -> str:
    """The media type of an image file name ("application/octet-stream" when unknown)."""
    return IMAGE_TYPES.get(PurePosixPath(name.lower()).suffix, "application/octet-stream")


@dataclass
class AssetGate:
    """Resolves and reads resources, allowing only files inside the project and theme
    folders (after resolving symlinks) and, when configured, remote http(s) URLs."""

    root: Path
    theme_dirs: Sequence[Path] = ()
    allow_remote: bool = False
    remote_hosts: Sequence[str] = ()
    remote_timeout: float = 10.0
    remote_max_bytes: int = 20_000_000
    max_image_pixels: int = 50_000_000
    remote_requests: list[str] = field(default_factory=list)  # every URL actually fetched

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.theme_dirs = [Path(d).resolve() for d in self.theme_dirs]

    # ------------------------------------------------------------------ local files
    def allowed_dirs(self) -> list[Path]:
        """Folders a build may read from."""
        return [self.root, *self.theme_dirs]

    def is_allowed(self, path: Path) -> bool:
        """True when ``path`` (symlinks resolved) lies inside the project or a theme folder."""
        real = path.resolve()
        return any(real == d or real.is_relative_to(d) for d in self.allowed_dirs())

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
        if clean.startswith("/") or Path(clean).is_absolute():
            candidate = Path(clean)
        else:
            folder = (self.root / base).parent if base else self.root
            candidate = folder / clean
        if not self.is_allowed(candidate):
            raise PressworkError(f"{ref!r} is outside the project folder; a build reads only files inside it", pos)
        real = candidate.resolve()
        if not real.is_file():
            raise PressworkError(f"file not found: {ref!r}", pos)
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
        """The bytes of a local file (through :meth:`resolve`) or, if allowed, a remote URL."""
        if is_remote(ref):
            return self.fetch(ref, pos)
        path = self.resolve(ref, base, pos)
        try:
            return path.read_bytes()
        except OSError as exc:
            raise PressworkError(f"cannot read {ref!r}: {exc.strerror}", pos) from exc

    # ------------------------------------------------------------------ network
    def fetch(self, url: str, pos: Pos | None = None) -> bytes:
        """Fetch a remote resource, only when ``allow_remote`` is on and the host is allowed."""
        if url.startswith("//"):
            url = "https:" + url
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
        if not self.allow_remote:
            raise PressworkError(f"remote resource {url!r} not fetched: set allow_remote = true to allow network access", pos)
        if self.remote_hosts and host not in {h.lower() for h in self.remote_hosts}:
            raise PressworkError(f"remote host {host!r} is not in remote_hosts", pos)
        self.remote_requests.append(url)
        try:
            with urllib.request.urlopen(url, timeout=self.remote_timeout) as response:  # noqa: S310 (scheme checked)
                data = response.read(self.remote_max_bytes + 1)
        except (OSError, ValueError) as exc:
            raise PressworkError(f"cannot fetch {url!r}: {exc}", pos) from exc
        if len(data) > self.remote_max_bytes:
            raise PressworkError(f"{url!r} is larger than remote_max_bytes ({self.remote_max_bytes})", pos)
        return data

    # ------------------------------------------------------------------ images
    def image_size(self, data: bytes, ref: str, pos: Pos | None = None) -> tuple[int, int]:
        """Pixel size of a raster image, refusing undecodable images and images over ``max_image_pixels``.

        SVG returns (0, 0): it has no pixel size.
        """
        if data.lstrip()[:5] in (b"<?xml", b"<svg ") or data.lstrip().startswith(b"<svg"):
            return (0, 0)
        from PIL import Image as PILImage

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", PILImage.DecompressionBombWarning)
                with PILImage.open(io.BytesIO(data)) as img:
                    width, height = img.size
        except PILImage.DecompressionBombError as exc:
            raise PressworkError(f"image {ref!r} is too large: {exc}", pos) from exc
        except (PILImage.DecompressionBombWarning, OSError, ValueError, SyntaxError) as exc:
            raise PressworkError(f"image {ref!r} cannot be read: {exc}", pos) from exc
        if width * height > self.max_image_pixels:
            raise PressworkError(
                f"image {ref!r} has {width}x{height} = {width * height:,} pixels, over max_image_pixels "
                f"({self.max_image_pixels:,})", pos)
        return width, height
