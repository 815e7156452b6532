"""Page furniture in layers: which margin boxes of a page draw its folio and which its running heads, and each layer's key.

A page's margin boxes are cut, edge by edge, into layers that depend on one thing each:
  - the folio layer: edges whose boxes show counters (``counter(page)``) and no named strings;
    it is keyed by the page style and the values of those counters;
  - the head layer: edges whose boxes show named strings (``string(chapter)``) or fixed text and no
    counters; it is keyed by the page style and the strings as the boxes resolve them;
  - the page layer: edges that mix both, or show anything else (quotes, attributes): keyed by
    everything the page's boxes could show.
The boxes of one edge size one another (CSS Paged Media, 6.3.2), so an edge is never cut; two edges
never touch each other's layout. The page style is the list of ``@page`` rules that apply to the page
(rules that only set counters left out), so a chapter's first page and its other right-hand pages
share their folio style, and every left-hand page showing the book's title shares one head layer.

When a page number moves, only the folio layers of numbers no page had before are new: the heads
(the same strings on the same sides) and the other numbers are found in the cache.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from presswork.compat.weasyprint import (
    margin_contents,
    page_geometry,
    page_style_rules,
    page_style_signature,
    resolve_string,
)

#: The margin boxes of each edge and corner (an edge's boxes are laid out together).
EDGES: dict[str, tuple[str, ...]] = {
    "top": ("@top-left", "@top-center", "@top-right"),
    "bottom": ("@bottom-left", "@bottom-center", "@bottom-right"),
    "left": ("@left-top", "@left-middle", "@left-bottom"),
    "right": ("@right-top", "@right-middle", "@right-bottom"),
    "top-left-corner": ("@top-left-corner",),
    "top-right-corner": ("@top-right-corner",),
    "bottom-left-corner": ("@bottom-left-corner",),
    "bottom-right-corner": ("@bottom-right-corner",),
}
AT_KEYWORDS = tuple(k for keys in EDGES.values() for k in keys)
#: Content items whose value is fixed text or comes from a counter or a named string.
_FIXED = frozenset({"string", "url()", "leader()"})
_COUNTERS = frozenset({"counter()", "counters()"})
#: Layers in the order they are drawn.
KINDS = ("head", "folio", "page")
#: Folio and page layers are stored in chunks of this many page numbers.
CHUNK_NUMBERS = 16
#: Head layers are stored in this many chunks (by their strings).
HEAD_CHUNKS = 16


@dataclass(frozen=True)
class EdgeUse:
    """What one edge's boxes show: counters by name, named strings by (name, keyword), anything else."""

    counters: frozenset[str] = frozenset()
    strings: frozenset[tuple[str, str]] = frozenset()
    other: bool = False

    @property
    def kind(self) -> str:
        """The layer this edge belongs to."""
        if self.other or (self.counters and self.strings):
            return "page"
        return "folio" if self.counters else "head"


@dataclass
class Layer:
    """One layer of one page: its kind, its edges' margin boxes, its key, the chunk it is stored in, and its place
    among the chunk's pages."""

    kind: str
    at_keywords: tuple[str, ...]
    key: str
    chunk: str
    #: An unsalted hash of what the layer shows: its chunk's pages are in this order. The key is salted with the
    #: code's version and install path, and the order of a chunk's pages reaches its bytes (the order in which
    #: its font's characters are first drawn, so their ToUnicode map): in key order, one book's PDF had other
    #: bytes when presswork was installed in another folder.
    order: str = ""


@dataclass
class PageLayers:
    """The layers of one stamped page, and the inputs its margin boxes are made from (to make them)."""

    page_type: Any  # the PageType fields, on the book's side
    state: Any  # the page maker state, renumbered
    strings: dict[str, dict[int, list[str]]]  # its batch's named strings, by page number in the batch
    number: int  # its page number in its batch's layout (1-based)
    layers: list[Layer] = field(default_factory=list)


def edge_uses(contents: dict[str, Any]) -> dict[str, EdgeUse]:
    """What each edge with boxes shows, from the computed ``content`` of its boxes."""
    out = {}
    for edge, at_keywords in EDGES.items():
        counters: set[str] = set()
        strings: set[tuple[str, str]] = set()
        other = False
        present = False
        for at_keyword in at_keywords:
            for kind, value in contents.get(at_keyword, ()):
                present = True
                if kind in _COUNTERS:
                    counters.add(str(value[0]))
                elif kind == "string()":
                    strings.add((str(value[0]), str(value[1]) if len(value) > 1 else "first"))
                elif kind not in _FIXED:
                    other = True
        if present:
            out[edge] = EdgeUse(frozenset(counters), frozenset(strings), other)
    return out


class PageStyles:
    """The page styles of one stylesheet: each page type's signature and what its edges show."""

    def __init__(self, style_for: Any, html: Any) -> None:
        self.style_for = style_for
        self.html = html
        self.rules = page_style_rules(style_for)
        self.uses: dict[tuple[int, ...], dict[str, EdgeUse]] = {}
        self.signatures: dict[Any, tuple[int, ...]] = {}
        self.geometries: dict[Any, tuple[Any, ...]] = {}

    def geometry(self, page_type: Any) -> tuple[Any, ...]:
        """The size and margins of a page of ``page_type``."""
        if page_type not in self.geometries:
            self.geometries[page_type] = page_geometry(self.style_for, self.html, page_type)
        return self.geometries[page_type]

    def signature(self, page_type: Any) -> tuple[int, ...]:
        """The rules that decide how ``page_type``'s margin boxes look."""
        if page_type not in self.signatures:
            self.signatures[page_type] = page_style_signature(self.rules, page_type)
        return self.signatures[page_type]

    def edges(self, page_type: Any, signature: tuple[int, ...]) -> dict[str, EdgeUse]:
        """What each edge of a page of ``signature`` shows (``page_type`` is one such page)."""
        if signature not in self.uses:
            self.uses[signature] = edge_uses(margin_contents(self.style_for, self.html, page_type, AT_KEYWORDS))
        return self.uses[signature]


def plan_layers(
    styles: PageStyles, pages: Sequence[PageLayers], digest: Any, counter_value: Any, page_type_of: Any
) -> None:
    """Fill in each page's layers (``digest`` hashes strings; ``counter_value(state, name)`` reads a counter;
    ``page_type_of(fields)`` makes a PageType)."""
    for page in pages:
        page_type = page_type_of(page.page_type)
        signature = styles.signature(page_type)
        by_kind: dict[str, list[str]] = defaultdict(list)
        uses: dict[str, list[EdgeUse]] = defaultdict(list)
        for edge, use in styles.edges(page_type, signature).items():
            by_kind[use.kind] += EDGES[edge]
            uses[use.kind].append(use)
        number = counter_value(page.state, "page")
        for kind in KINDS:
            if kind not in by_kind:
                continue
            counters = sorted({c for u in uses[kind] for c in u.counters})
            strings = sorted({s for u in uses[kind] for s in u.strings})
            inputs: dict[str, Any] = {
                "counters": {c: counter_value(page.state, c, every=True) for c in counters},
                "strings": {f"{n}|{k}": resolve_string(_store(page.strings), page.number, n, k) for n, k in strings},
            }
            if any(u.other for u in uses[kind]):
                inputs["state"] = json.dumps(page.state, sort_keys=True)
                inputs["all strings"] = _prefix(page.strings, page.number)
            shows = json.dumps(inputs, sort_keys=True)
            key = digest("layer", json.dumps(signature), kind, shows)
            order = hashlib.sha256(f"{json.dumps(signature)}|{kind}|{shows}".encode()).hexdigest()
            if kind == "head":
                # Unsalted, so a head keeps its chunk whatever the code version or install path.
                shown = hashlib.sha256(json.dumps(inputs["strings"], sort_keys=True).encode()).hexdigest()
                chunk = f"head-{int(shown, 16) % HEAD_CHUNKS}"
            else:
                chunk = f"{kind}-{number // CHUNK_NUMBERS}"
            page.layers.append(Layer(kind, tuple(by_kind[kind]), key, chunk, order))


def _store(strings: dict[str, dict[int, list[str]]]) -> Any:
    store: Any = defaultdict(dict)
    for name, pages in strings.items():
        store[name] = dict(pages)
    return store


def _prefix(strings: dict[str, dict[int, list[str]]], number: int) -> Any:
    """The named strings set on pages up to ``number`` (everything a margin box there could see)."""
    return {name: sorted((n, v) for n, v in pages.items() if n <= number) for name, pages in sorted(strings.items())}


def batch_strings(pages: Sequence[Any]) -> dict[str, dict[int, list[str]]]:
    """A batch's named strings by name and page number (1-based), as its own layout set them."""
    strings: dict[str, dict[int, list[str]]] = defaultdict(dict)
    for n, page in enumerate(pages, start=1):
        for name, values in page.strings.items():
            strings[name][n] = list(values)
    return dict(strings)
