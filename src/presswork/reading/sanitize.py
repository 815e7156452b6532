"""What untrusted markup may not carry into an output: unsafe elements, event attributes, script
URLs in raw HTML, and scripts or external references inside SVG images."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from presswork.core.urls import url_scheme

#: Elements removed with everything inside them (each removal is a warning).
UNSAFE_TAGS: frozenset[str] = frozenset(
    "script style iframe frame frameset object embed applet form input button select option optgroup "
    "textarea base link meta noscript template svg canvas audio video source track portal dialog "
    "param noembed noframes bgsound marquee keygen isindex xmp plaintext listing image picture".split()
)

#: Attributes that carry URLs and are checked for script schemes.
URL_ATTRS: frozenset[str] = frozenset(
    (
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "background",
        "cite",
        "srcset",
        "ping",
        "longdesc",
        "lowsrc",
        "dynsrc",
        "usemap",
        "data",
        "codebase",
        "archive",
        "manifest",
        "icon",
        "profile",
    )
)

#: Attributes never copied into a node's key-value attributes.
DROPPED_ATTRS: frozenset[str] = frozenset(("style", "id", "class", "markdown")) | URL_ATTRS

_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
#: Schemes that run code in some reader (refused in raw HTML with a warning; every URL written into
#: an output passes :mod:`presswork.core.urls` besides).
_SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "mocha"})
_RASTER_DATA = re.compile(r"^data:image/(png|jpe?g|gif|webp)[;,]", re.I)


def is_event_attr(name: str) -> bool:
    """Whether ``name`` is an event-handler attribute such as ``onclick``."""
    return name.lower().startswith("on")


def is_unsafe_url(url: str) -> bool:
    """Whether ``url`` uses a scheme that runs code or smuggles a document (``javascript:``,
    ``vbscript:``, ``data:`` other than a PNG/JPEG/GIF/WebP image ...)."""
    scheme = url_scheme(url)
    return scheme in _SCRIPT_SCHEMES or (scheme == "data" and not _RASTER_DATA.match(_CONTROL.sub("", url)))


# ---------------------------------------------------------------------------- SVG

#: SVG elements removed with their content: they run code or embed other documents.
SVG_UNSAFE_TAGS: frozenset[str] = frozenset(
    "script foreignObject iframe object embed handler listener audio video canvas".split()
)
_SVG_ANIMATIONS = frozenset(("set", "animate", "animateTransform", "animateMotion"))
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(?!#)[^)]*?\1\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.I)
_LENGTH = re.compile(r"^\s*([0-9.eE+-]+)\s*(px|pt|pc|in|cm|mm|em|ex)?\s*$")
_UNIT_PX = {
    None: 1.0,
    "px": 1.0,
    "pt": 96 / 72,
    "pc": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "em": 16.0,
    "ex": 8.0,
}


class SvgError(ValueError):
    """An SVG image that cannot be parsed safely."""


@dataclass(frozen=True)
class CleanSvg:
    """A sanitised SVG: its bytes (the original bytes when nothing was removed), what was
    removed, and its size in CSS pixels ((0, 0) when it declares none)."""

    data: bytes
    removed: tuple[str, ...]
    size: tuple[float, float]


def looks_like_markup(data: bytes) -> bool:
    """Whether ``data`` is XML/HTML text rather than a binary image (BOM and whitespace allowed)."""
    return data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<"


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1] if isinstance(name, str) else ""


def _safe_ref(value: str) -> bool:
    """Whether an SVG ``href``/``src`` stays inside the image: a ``#id``, or a raster ``data:`` image."""
    scheme = url_scheme(value)
    if scheme == "data":
        return bool(_RASTER_DATA.match(_CONTROL.sub("", value)))
    return not scheme and _CONTROL.sub("", value).startswith("#")


def _length(value: str | None) -> float | None:
    m = _LENGTH.match(value or "")
    if not m:
        return None
    try:
        return abs(float(m.group(1))) * _UNIT_PX[m.group(2) and m.group(2).lower()]
    except ValueError:
        return None


def _svg_size(root: etree._Element) -> tuple[float, float]:
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            bw, bh = abs(float(box[2])), abs(float(box[3]))
        except ValueError:
            bw = bh = 0.0
        if width is None and height is None:
            width, height = bw, bh
        elif width is None and height is not None and bh:
            width = height * bw / bh
        elif height is None and width is not None and bw:
            height = width * bh / bw
    return (width or 0.0, height or 0.0)


def clean_svg(data: bytes) -> CleanSvg:
    """Remove from an SVG image everything that runs code or reaches outside it: scripts,
    foreign objects, event attributes, animations of links, references to other files or URLs
    (``href``, CSS ``url()`` and ``@import``), and the DOCTYPE with its entities.

    Raises SvgError when ``data`` is not well-formed SVG.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SvgError(f"not a well-formed SVG image: {exc}") from None
    if _local(root.tag) != "svg":
        raise SvgError(f"not an SVG image (its root element is <{_local(root.tag)}>)")
    removed: list[str] = []
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        removed.append("DOCTYPE")
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # entity references (never expanded) and the like
            if isinstance(el, etree._Entity):
                removed.append(f"entity &{el.name};")
                _drop(el)
            continue
        name = _local(el.tag)
        if name in SVG_UNSAFE_TAGS or (name in _SVG_ANIMATIONS and _local(el.get("attributeName", "")) == "href"):
            removed.append(f"<{name}>")
            _drop(el)
            continue
        if name == "style" and el.text and (_CSS_URL.search(el.text) or _CSS_IMPORT.search(el.text)):
            removed.append("external url() in <style>")
            el.text = _CSS_URL.sub("none", _CSS_IMPORT.sub("", el.text))
        for attr, value in list(el.attrib.items()):
            local = _local(attr)
            if is_event_attr(local):
                removed.append(f"{local} attribute")
                del el.attrib[attr]
            elif local in ("href", "src") and not _safe_ref(value):
                removed.append(f"reference {value[:60]!r}")
                del el.attrib[attr]
                if name != "a":  # an <image> or <use> without its target shows nothing: drop it
                    _drop(el)
                    break
            elif _CSS_URL.search(value) or _CSS_IMPORT.search(value):
                removed.append(f"external url() in {local}")
                el.set(attr, _CSS_URL.sub("none", _CSS_IMPORT.sub("", value)))
    size = _svg_size(root)
    if not removed:
        return CleanSvg(data, (), size)
    clean = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    return CleanSvg(clean, tuple(dict.fromkeys(removed)), size)


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:  # keep the text that followed the removed element
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
