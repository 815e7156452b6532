"""Pictures for the slides: images read through the asset gate, SVG and TeX rasterised to PNG, with their sizes."""

from __future__ import annotations

import functools
import io
import math
import re
from importlib.metadata import version

from presswork.cache.store import cache_key, code_fingerprint
from presswork.cache.usercache import DiskCache
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Pos
from presswork.exporters.common import mathrender
from presswork.exporters.common.mathrender import MathError, tex_to_svg, tex_to_svg_document
from presswork.project.assets import AssetGate

#: Size in points display math is laid out at before it is rasterised.
MATH_SIZE = 28


class PictureStore:
    """Reads images through the gate and rasterises SVG and TeX to PNG (print quality), with sizes."""

    SCALE = 4  # SVG/TeX rendered at 4x their CSS pixel size (~380 dpi when placed at natural size)

    def __init__(self, gate: AssetGate, reporter: Reporter) -> None:
        self.gate, self.reporter = gate, reporter
        self.cache: dict[tuple[str, str], tuple[bytes, tuple[float, float]] | None] = {}
        #: When a dict: every (kind, src) asked for, in order (what a kept chapter's slides depend on).
        self.log: dict[tuple[str, str], None] | None = None

    def size(self, kind: str, src: str, pos: Pos | None) -> tuple[float, float] | None:
        """Natural size in CSS pixels (None when the picture cannot be placed: warned)."""
        got = self.get(kind, src, pos)
        return got[1] if got else None

    def get(self, kind: str, src: str, pos: Pos | None) -> tuple[bytes, tuple[float, float]] | None:
        """(PNG/JPEG bytes, natural size) of a picture."""
        key = (kind, src)
        if self.log is not None:
            self.log[key] = None
        if key not in self.cache:
            try:
                self.cache[key] = self._load(kind, src, pos)
            except PressworkError as exc:
                self.reporter.warn(f"picture not placed on the slides: {exc.message}", pos or exc.pos, "pptx")
                self.cache[key] = None
        return self.cache[key]

    def _load(self, kind: str, src: str, pos: Pos | None) -> tuple[bytes, tuple[float, float]]:
        if kind in ("math", "inline-math"):  # kept across builds: a rebuild need not even import ziamath
            key = cache_key(code_fingerprint(__name__, mathrender.__name__), _versions(), kind, str(self.SCALE), src)
            png = _MATH_PNG.get(key)
            if png is not None:
                from PIL import Image as PILImage

                with PILImage.open(io.BytesIO(png)) as img:
                    w, h = img.size
                return png, (w / self.SCALE, h / self.SCALE)
            got = self._render(kind, src, pos)
            _MATH_PNG.put(key, got[0])
            return got
        return self._render(kind, src, pos)

    def _render(self, kind: str, src: str, pos: Pos | None) -> tuple[bytes, tuple[float, float]]:
        if kind == "inline-math":
            try:
                svg = tex_to_svg(src, display=False)
            except MathError as exc:
                raise PressworkError(f"cannot typeset math {src!r}: {exc}", pos) from exc
            svg = re.sub(
                r'(width|height)="([\d.]+)em"', lambda m: f'{m.group(1)}="{float(m.group(2)) * MATH_SIZE:.2f}"', svg
            )
            return rasterise(svg, pos, self.SCALE)
        if kind == "math":
            try:
                svg = tex_to_svg_document(src, MATH_SIZE)
            except MathError as exc:
                raise PressworkError(f"cannot typeset math {src!r}: {exc}", pos) from exc
            return rasterise(svg, pos, self.SCALE)
        data = self.gate.read_bytes(src, pos=pos)
        w, h = self.gate.image_size(data, src, pos)
        if (w, h) == (0, 0):
            return rasterise(data.decode("utf-8", "replace"), pos, self.SCALE)
        if not data.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8")):  # webp and others -> PNG
            from PIL import Image as PILImage

            out = io.BytesIO()
            with PILImage.open(io.BytesIO(data)) as img:
                img.save(out, "PNG")
            data = out.getvalue()
        return data, (float(w), float(h))


#: Slide pictures of formulas (PNG), in the user cache folder.
_MATH_PNG = DiskCache("pptx-math", ".png", keep=20000)


@functools.cache
def _versions() -> str:
    """The versions of the libraries a formula's picture depends on (part of its key)."""
    return "|".join(version(name) for name in ("ziamath", "ziafont", "resvg-py", "pillow"))


_UNSAFE_HREF = re.compile(r"""(?:xlink:)?href\s*=\s*(["'])(?!#|data:)[^"']*\1""", re.I)


#: Most pixels a picture rasterised for a slide may have: a 16:9 slide (13.33 x 7.5 in) at 240 dpi.
#: A larger SVG (a 5000 x 5000 drawing at 4x would be 400 megapixels) is rendered at a lower scale
#: instead: it still fills the slide at full sharpness, and its natural size stays the same.
MAX_RASTER_PIXELS = 3200 * 1800
#: Zoom of the first, tiny rendering that measures an SVG (its size as resvg itself reads it).
_PROBE_ZOOM = 1 / 64


def rasterise(svg: str, pos: Pos | None, scale: float) -> tuple[bytes, tuple[float, float]]:
    """Render SVG text to PNG at ``scale`` x its size (less when that would pass :data:`MAX_RASTER_PIXELS`);
    external references are removed first (sandbox)."""
    import resvg_py

    safe = _UNSAFE_HREF.sub('href="#"', svg)
    safe = re.sub(r"<!DOCTYPE[^>]*(\[[^\]]*\])?>", "", safe, flags=re.S)
    import tempfile

    try:
        with tempfile.TemporaryDirectory() as empty:  # nothing to resolve relative references against
            zoom = _capped_zoom(safe, scale, empty)
            png = bytes(resvg_py.svg_to_bytes(svg_string=safe, zoom=zoom, resources_dir=empty))
    except Exception as exc:  # resvg raises plain exceptions on bad SVG
        raise PressworkError(f"cannot render SVG: {exc}", pos) from exc
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as img:
        w, h = img.size
    return png, (w / zoom, h / zoom)


def _capped_zoom(svg: str, scale: float, resources: str) -> float:
    """``scale``, or the lower zoom at which the SVG's picture has at most :data:`MAX_RASTER_PIXELS`.

    The size is measured by resvg itself on a rendering at 1/64 (without fonts: they do not change
    the size), taken one probe pixel larger each way so that it is never underestimated."""
    import resvg_py

    try:
        probe = bytes(
            resvg_py.svg_to_bytes(svg_string=svg, zoom=_PROBE_ZOOM, resources_dir=resources, skip_system_fonts=True)
        )
    except Exception:  # noqa: BLE001 - too small to measure at 1/64 (or broken: the real rendering says so)
        return scale
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(probe)) as img:
        w, h = ((n + 1) / _PROBE_ZOOM for n in img.size)
    if w * h * scale * scale <= MAX_RASTER_PIXELS:
        return scale
    return math.sqrt(MAX_RASTER_PIXELS / (w * h))
