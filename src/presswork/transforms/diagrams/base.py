"""The interface every diagram renderer implements, and the SVG clean-up they share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from lxml import etree


@dataclass(frozen=True)
class DiagramError:
    """Why one diagram could not be rendered (the renderer's own first line of complaint), and the line of
    the diagram's source it names (1 = the first line after the fence; 0 = none)."""

    message: str
    line: int = 0


_LINE = re.compile(r"\b(?:in |on )?line (\d+)", re.I)


def error_at(message: str) -> DiagramError:
    """A DiagramError whose line is the first "line N" the message names."""
    m = _LINE.search(message)
    return DiagramError(message, int(m.group(1)) if m else 0)


class Renderer(Protocol):
    """Turns diagram sources of one language family into SVG documents."""

    #: Short name, part of every cache key ("dot", "mermaid").
    name: str

    def unavailable(self) -> str | None:
        """None when the renderer can run here, else what is missing and how to install it."""
        ...

    def version(self) -> str:
        """What identifies the renderer's output: program version, script digest and options."""
        ...

    def render(self, sources: list[str]) -> list[str | DiagramError]:
        """SVG text (or the error) for each source, in order; one program or browser start for all."""
        ...


_COMMENT_OR_DOCTYPE = re.compile(r"<!--.*?-->|<!DOCTYPE[^>\[]*(\[[^\]]*\])?>|<\?xml[^>]*\?>", re.S)
_NUMBER = re.compile(r"^\s*([0-9.]+)\s*(px|pt)?\s*$")


def normalise_svg(svg: str) -> bytes:
    """A renderer's SVG as a stand-alone, byte-stable file: no DOCTYPE, comments or generator notes, and an
    explicit width and height (from the viewBox when the renderer wrote "100%"), so every format sizes it."""
    text = _COMMENT_OR_DOCTYPE.sub("", svg).strip()
    text = text.replace(
        'stroke="transparent"', 'stroke="none"'
    )  # dot's page background: not every rasteriser knows the word
    root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    for i, key in ((2, "width"), (3, "height")):
        size = _NUMBER.match(root.get(key) or "")
        if size and size.group(2) == "pt":  # dot writes points; some SVG rasterisers take only pixels
            root.set(key, f"{float(size.group(1)) * 96 / 72:g}px")
        elif not size and len(box) == 4:  # mermaid writes "100%": the viewBox gives the natural size
            root.set(key, f"{float(box[i]):g}px")
    style = root.get("style") or ""
    if "max-width" in style:  # mermaid: "max-width: 662px;" (the size is now explicit)
        rest = "; ".join(p.strip() for p in style.split(";") if p.strip() and not p.strip().startswith("max-width"))
        if rest:
            root.set("style", rest)
        else:
            del root.attrib["style"]
    return etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def svg_words(svg: bytes, limit: int = 200) -> str:
    """The text labels of an SVG in document order, each once, joined by commas (at most ``limit`` characters)."""
    root = etree.fromstring(svg, etree.XMLParser(resolve_entities=False, no_network=True))
    seen: dict[str, None] = {}
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        words = " ".join("".join(str(t) for t in el.itertext()).split())
        if words:
            seen.setdefault(words, None)
    text = ", ".join(seen)
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
