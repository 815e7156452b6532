"""TeX math rendering, for every format: TeX -> SVG (ziamath; print and slides) and TeX -> MathML (latex2mathml; EPUB).

The converters are imported on first use: ziamath alone takes about 0.3 s to import, which a
book without math should not pay on every build. Laying a formula out takes ziamath a few
milliseconds to tens of them, so the print SVG of each formula is kept across builds
(:class:`~.diskcache.DiskCache`, keyed by the TeX, the mode and ziamath's version): a rebuild,
or ``watch``, renders only new formulas.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import xml.etree.ElementTree as ET
from importlib.metadata import version

from presswork.cache.store import code_fingerprint
from presswork.cache.usercache import DiskCache
from presswork.core.urls import is_allowed_url

_LOCK = threading.Lock()
#: Print SVGs of formulas (a book rarely has more than a few thousand distinct ones).
_SVG_CACHE = DiskCache("math", ".svg", keep=20000)
#: Font size ziamath lays math out at; the SVG is then scaled to the text with ``em`` units.
_SIZE = 20.0


class MathError(ValueError):
    """TeX that cannot be converted (the message says why)."""


def tex_to_svg(tex: str, display: bool) -> str:
    """An ``<svg>`` element for ``tex`` sized in ``em`` so it scales with the surrounding text.

    Glyphs are drawn as paths (no ``<symbol>`` ids, so many formulas can share one
    document). Inline formulas sit on the text baseline. Raises MathError on bad TeX.
    """
    if not tex.strip():
        raise MathError("empty formula")
    key = hashlib.sha256(f"{code_fingerprint(__name__)}|{_versions()}|{_SIZE}|{display}|{tex}".encode()).hexdigest()[
        :32
    ]
    cached = _SVG_CACHE.get(key)
    if cached is not None:
        return cached.decode("utf-8")
    svg = _render_svg(tex, display)
    _SVG_CACHE.put(key, svg.encode("utf-8"))
    return svg


@functools.cache
def _versions() -> str:
    """The versions of the libraries the SVG depends on (part of the cache key)."""
    return f"{version('ziamath')}|{version('ziafont')}"


def _render_svg(tex: str, display: bool) -> str:
    """:func:`tex_to_svg` without the cache."""
    from ziafont.config import config as ziafont_config
    from ziamath.zmath import Latex

    try:
        with _LOCK:
            old = ziafont_config.svg2
            ziafont_config.svg2 = False
            try:
                root = Latex(tex, size=_SIZE, inline=not display).svgxml()
            finally:
                ziafont_config.svg2 = old
    except Exception as exc:  # ziamath raises assorted errors on bad input
        raise MathError(_reason(exc)) from exc
    x, y, width, height = (float(v) for v in root.get("viewBox", "0 0 0 0").split())
    if width <= 0 or height <= 0:
        raise MathError("empty formula")
    root.set("width", f"{width / _SIZE:.3f}em")
    root.set("height", f"{height / _SIZE:.3f}em")
    descent = (height + y) / _SIZE  # viewBox starts at -ascent; the rest is below the baseline
    root.set("style", f"vertical-align: {-descent:.3f}em")
    root.set("class", "math-svg")
    root.set("role", "img")
    root.set("aria-label", tex)
    ET.register_namespace("", "http://www.w3.org/2000/svg")
    return ET.tostring(root, encoding="unicode")


def tex_to_svg_document(tex: str, size: float) -> str:
    """A stand-alone SVG document of ``tex`` laid out at ``size`` points (for rasterising to a
    picture, as slides need). Raises MathError on bad TeX."""
    if not tex.strip():
        raise MathError("empty formula")
    from ziamath.zmath import Latex

    try:
        with _LOCK:
            return str(Latex(tex, size=size).svg())
    except Exception as exc:  # ziamath raises assorted errors on bad input
        raise MathError(_reason(exc)) from exc


def tex_to_mathml(tex: str, display: bool) -> str:
    """A ``<math>`` element (MathML namespace) for ``tex``, with the TeX source as ``alttext``.

    Raises MathError on bad TeX, and on a link (``\\href``) the URL allow-list refuses.
    """
    if not tex.strip():
        raise MathError("empty formula")
    import latex2mathml.converter

    try:
        out = latex2mathml.converter.convert(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own exception family and IndexError
        raise MathError(_reason(exc)) from exc
    try:
        root = ET.fromstring(out)
    except ET.ParseError as exc:
        raise MathError(f"converter produced invalid MathML: {exc}") from exc
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.rsplit("}", 1)[-1] == "href" and not is_allowed_url(value):
                raise MathError(f"link {value[:80]!r} not allowed: only http(s), mailto and internal links are kept")
    root.set("alttext", tex)
    ET.register_namespace("", "http://www.w3.org/1998/Math/MathML")
    return ET.tostring(root, encoding="unicode")


def _reason(exc: Exception) -> str:
    text = re.sub(r"\s+", " ", str(exc)).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
