"""Page furniture (folios, running heads) stamped on batch pages laid out without it.

A chapter batch is laid out once, without margin boxes: its pages do not depend on where the
batch sits in the book. What does (the page counter, the page side) only reaches the margin
boxes, so each page's margin-box inputs are recorded at layout time (:class:`PageFurniture`:
its page type, its page maker state, the named strings set on it) and the margin boxes of every
chapter page of the book are made later, by one cheap layout of empty pages with the same
stylesheet (:func:`make_furniture`), and drawn over the batch pages as artifacts (merge.py).
"""

from __future__ import annotations

import copy
import io
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from presswork.compat.weasyprint import import_weasyprint, layout_hooks, page_type_like
from presswork.core.diagnostics import Reporter
from presswork.exporters.pdf.batches.cutting import Fallback
from presswork.exporters.pdf.batches.layers import PageLayers, PageStyles, batch_strings, plan_layers
from presswork.exporters.pdf.labels import Folio, printed_folios

LOG = logging.getLogger("presswork.batches")


def encode(value: Any) -> Any:
    """``value`` (nested tuples, lists, sets, dicts of strings and numbers) as JSON, its types kept."""
    if isinstance(value, tuple):
        return {"t": [encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {"s": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"d": [[encode(k), encode(v)] for k, v in value.items()]}
    return value


def decode(value: Any) -> Any:
    """The value :func:`encode` turned into ``value``."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "t" in value:
            return tuple(decode(v) for v in value["t"])
        if "s" in value:
            return {decode(v) for v in value["s"]}
        return {decode(k): decode(v) for k, v in value["d"]}
    return value


@dataclass
class PageFurniture:
    """What a page's margin boxes are made of, as laid out in its batch: its page type
    (side, blank, name, index, groups) and page maker state (encoded), and the named
    strings set on it (name -> values in order)."""

    page_type: Any
    state: Any
    strings: dict[str, list[str]]


def record(context: Any, page: Any, state: Any, number: int) -> PageFurniture:
    """The furniture inputs of page ``number`` (1-based) of a laid-out document."""
    strings = {name: list(pages[number]) for name, pages in context.string_set.items() if pages.get(number)}
    return PageFurniture(encode(tuple(page.page_type)), encode(state), strings)


def furniture_from_json(data: dict[str, Any]) -> PageFurniture:
    """A :class:`PageFurniture` read back from the cache."""
    return PageFurniture(data["page_type"], data["state"], data["strings"])


@dataclass
class Stamp:
    """Where a batch's furniture is made for: its pages' furniture, the page counter of its first
    page (None: its own numbering) and whether its first page is a right-hand page."""

    pages: list[PageFurniture]
    first_counter: int | None
    first_right: bool


@dataclass
class Furniture:
    """The margin boxes of every stamped page, as layers: the chunk PDFs that hold them (one page per
    layer), the layers of each page in drawing order (chunk key, page of the chunk) and the folio each
    page prints."""

    chunks: dict[str, bytes]
    pages: list[list[tuple[str, int]]]
    folios: list[Folio | None]
    made: int = 0  # how many chunks were laid out (not taken from the cache)


def counters(stamp: Stamp) -> list[int]:
    """The page counter of each page of ``stamp`` in the book (checked to run on without a reset)."""
    from presswork.compat.weasyprint import page_counter

    return run_on([page_counter(decode(p.state)) for p in stamp.pages], stamp.first_counter)


def run_on(own: list[int], first: int | None) -> list[int]:
    """A batch's page counters in the book, from those its pages had in its own layout (``own``): kept when
    ``first`` is None, else counted on from ``first`` (checked to run on without a reset)."""
    if first is None:
        return own
    if any(b - a != 1 for a, b in zip(own[1:], own[2:], strict=False)):
        raise Fallback("a batch's page counter does not run on")
    return [first + i for i in range(len(own))]


def placed_pages(stamps: Sequence[Stamp], geometry: Any = None) -> list[PageLayers]:
    """Every stamped page with its margin boxes' inputs where it sits in the book: its page type on
    the book's side, its state renumbered, its batch's strings. A batch on the other side than it was
    laid out on must have the same page geometry on both sides (``geometry(page_type)``: its size and
    margins), else its body would sit in the other side's margins: raises Fallback."""
    from presswork.compat.weasyprint import shift_page_counter

    out = []
    for stamp in stamps:
        own = counters(Stamp(stamp.pages, None, True))
        book = counters(stamp)
        first_type = decode(stamp.pages[0].page_type) if stamp.pages else None
        flip = first_type is not None and (first_type[0] == "right") != stamp.first_right
        strings = batch_strings(stamp.pages)
        for n, furniture in enumerate(stamp.pages):
            fields = list(decode(furniture.page_type))
            if flip:
                laid = tuple(fields)
                fields[0] = "left" if fields[0] == "right" else "right"
                if geometry is not None and geometry(_page_type(laid)) != geometry(_page_type(tuple(fields))):
                    raise Fallback("left and right pages differ in geometry")
            state = decode(furniture.state)
            if book[n] != own[n]:
                state = shift_page_counter(state, book[n] - own[n])
            out.append(PageLayers(tuple(fields), state, strings, n + 1))
    return out


def _counter_value(state: Any, name: str, every: bool = False) -> Any:
    values = state[1].get(name) or [0]
    return list(values) if every else int(values[-1])


def _page_type(fields: Any) -> Any:
    from weasyprint.layout.page import PageType

    return PageType(*fields)


class Furnisher:
    """Makes the furniture of a book's stamped pages, taking every chunk it can from the cache."""

    def __init__(self, head: str, css: str, base_url: str, css_base_url: str, gate: Any, epoch: int | None) -> None:
        import_weasyprint()
        from weasyprint import CSS, HTML
        from weasyprint.css import get_all_computed_styles
        from weasyprint.text.fonts import FontConfiguration

        from presswork.exporters.pdf.fetcher import GateFetcher

        self.head = head
        self.base_url = base_url
        self.epoch = epoch
        self.fetcher = GateFetcher(gate, Reporter())
        self.fonts = FontConfiguration()
        self.sheet = CSS(string=css, base_url=css_base_url, url_fetcher=self.fetcher, font_config=self.fonts)
        html = HTML(string=head + "</body></html>", base_url=base_url, url_fetcher=self.fetcher)
        self.styles = PageStyles(get_all_computed_styles(html, [self.sheet], font_config=self.fonts), html)

    def furnish(self, stamps: Sequence[Stamp], digest: Any, cache: Any, keep: set[str]) -> Furniture:
        """The furniture of ``stamps`` (``digest`` hashes a key's parts with the stylesheet's; chunk keys
        go into ``keep``)."""
        pages = placed_pages(stamps, self.styles.geometry)
        plan_layers(self.styles, pages, digest, _counter_value, _page_type)
        members: dict[str, dict[str, str]] = defaultdict(dict)  # chunk name -> its layers' keys and orders
        for page in pages:
            for layer in page.layers:
                members[layer.chunk][layer.key] = layer.order
        chunks: dict[str, tuple[str, list[str]]] = {}  # chunk name -> its key and its layer keys in order
        for name, keys in sorted(members.items()):
            ordered = [key for _order, key in sorted((order, key) for key, order in keys.items())]  # see Layer.order
            chunks[name] = (digest("chunk", name, *ordered), ordered)
        keep.update(key for key, _keys in chunks.values())
        found: dict[str, tuple[bytes, list[Folio | None]]] = {}
        for key, _keys in chunks.values():
            data = cache.get_json(key)
            pdf = cache.get_pdf(key) if data is not None else None
            if data is not None and pdf is not None:
                found[key] = (pdf, [Folio(**f) if f else None for f in data])
        missing = {name: value for name, value in chunks.items() if value[0] not in found}
        if missing:
            made = self._make(pages, missing)
            for key, (pdf, printed) in made.items():
                cache.put(key, [asdict(f) if f else None for f in printed], pdf)
            found.update(made)
        index = {name: {k: n for n, k in enumerate(keys)} for name, (_key, keys) in chunks.items()}
        out_pages: list[list[tuple[str, int]]] = []
        folios: list[Folio | None] = []
        for page in pages:
            drawn = []
            folio = None
            for layer in page.layers:
                key = chunks[layer.chunk][0]
                at = index[layer.chunk][layer.key]
                drawn.append((key, at))
                folio = folio or found[key][1][at]
            out_pages.append(drawn)
            folios.append(folio)
        return Furniture({key: found[key][0] for key, _keys in chunks.values()}, out_pages, folios, len(missing))

    def _make(
        self, pages: Sequence[PageLayers], missing: dict[str, tuple[str, list[str]]]
    ) -> dict[str, tuple[bytes, list[Folio | None]]]:
        """Lay out the layers of the ``missing`` chunks on empty pages, one chunk PDF each."""
        from weasyprint import HTML
        from weasyprint.document import Page
        from weasyprint.layout import make_margin_boxes
        from weasyprint.layout.background import layout_backgrounds

        from presswork.exporters.pdf.timestamps import font_timestamps

        wanted = {k for _key, keys in missing.values() for k in keys}
        exemplars: list[PageLayers] = []
        for page in pages:
            if any(layer.key in wanted for layer in page.layers):
                exemplars.append(page)
                wanted -= {layer.key for layer in page.layers}
        # One empty page per exemplar, on the exemplar's side (an empty filler page between when not).
        slots: list[PageLayers | None] = []
        for page in exemplars:
            if (len(slots) % 2 == 0) != (page.page_type[0] == "right"):
                slots.append(None)
            slots.append(page)
        held: list[tuple[Any, Any, Any]] = []

        def hold(context: Any, page: Any, state: Any) -> None:
            held.append((context, page, state))

        source = HTML(string=_skeleton(self.head, slots), base_url=self.base_url, url_fetcher=self.fetcher)
        with layout_hooks(lambda name: None, hold, None):
            document = source.render(stylesheets=[self.sheet], font_config=self.fonts)
        if len(held) != len(slots) or len(document.pages) != len(slots):
            raise Fallback("the furniture's empty pages did not lay out one to one")
        boxes: dict[str, Any] = {}
        for slot, (context, page, _state) in zip(slots, held, strict=True):
            if slot is None:
                continue
            page_type = page_type_like(slot.page_type, False, source, context)
            before, after = context.style_for(page.page_type), context.style_for(page_type)
            for key in ("size", "margin_top", "margin_bottom", "margin_left", "margin_right"):
                if before[key] != after[key]:
                    raise Fallback("left and right pages differ in geometry")
            page.page_type = page_type
            strings: Any = defaultdict(lambda: defaultdict(list))
            for name, by_page in slot.strings.items():
                for k, values in by_page.items():
                    strings[name][k] = list(values)
            # Only this batch's strings, at their pages in its own layout, and this page at its own: a string set on
            # an earlier page of the batch is found whatever this empty page's place (WeasyPrint looks back to page 1).
            context.string_set = strings
            context.current_page = slot.number
            margins = tuple(make_margin_boxes(context, page, copy.deepcopy(slot.state)))
            page.children = (page.children[0], *margins)
            layout_backgrounds(page, context.get_image_from_uri)
            # The batch page draws the page's background and body; the furniture only its margin boxes.
            page.background = None
            page.canvas_background = None
            for layer in slot.layers:
                if layer.key not in boxes:
                    boxes[layer.key] = page.copy_with_children(
                        [m for m in margins if m.at_keyword in layer.at_keywords]
                    )
        stamp_time = None
        if self.epoch is not None:
            from datetime import UTC, datetime

            stamp_time = datetime.fromtimestamp(self.epoch, UTC)
        made = {}
        for key, keys in missing.values():
            chunk_pages = [Page(boxes[k]) for k in keys]
            out = io.BytesIO()
            with font_timestamps(stamp_time):
                document.copy(chunk_pages).write_pdf(out)
            made[key] = (out.getvalue(), printed_folios(chunk_pages))
        return made


def _skeleton(head: str, slots: Sequence[PageLayers | None]) -> str:
    """One empty page per slot, each on its own named page (so its geometry is its page's)."""
    divs = []
    for slot in slots:
        name = slot.page_type[2] if slot is not None else None
        style = "break-before: page" + (f"; page: {name}" if name else "")
        divs.append(f'<div style="{style}"></div>')
    return head + "".join(divs) + "</body></html>"
