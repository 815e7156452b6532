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
from dataclasses import dataclass
from typing import Any

from presswork.compat.weasyprint import import_weasyprint, layout_hooks, page_type_like, shift_page_counter
from presswork.core.diagnostics import Reporter
from presswork.exporters.pdf.batches.cutting import Fallback
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
    """The margin boxes of every page of the stamped batches, one PDF page each, and the folios they print."""

    pdf: bytes
    folios: list[Folio | None]


def _skeleton(head: str, stamps: Sequence[Stamp]) -> str:
    """One empty page per stamped page, each on its own named page (so its geometry is its page's)."""
    divs = []
    for stamp in stamps:
        for page in stamp.pages:
            name = decode(page.page_type)[2]
            style = "break-before: page" + (f"; page: {name}" if name else "")
            divs.append(f'<div style="{style}"></div>')
    return head + "".join(divs) + "</body></html>"


def counters(stamp: Stamp) -> list[int]:
    """The page counter of each page of ``stamp`` in the book (checked to run on without a reset)."""
    from presswork.compat.weasyprint import page_counter

    own = [page_counter(decode(p.state)) for p in stamp.pages]
    if stamp.first_counter is None:
        return own
    if any(b - a != 1 for a, b in zip(own[1:], own[2:], strict=False)):
        raise Fallback("a batch's page counter does not run on")
    return [stamp.first_counter + i for i in range(len(own))]


def make_furniture(
    head: str, css: str, base_url: str, css_base_url: str, gate: Any, stamps: Sequence[Stamp], epoch: int | None
) -> Furniture:
    """The margin boxes of every page of ``stamps``, laid out on empty pages with the book's stylesheet."""
    import_weasyprint()
    from weasyprint import CSS, HTML
    from weasyprint.document import Page
    from weasyprint.layout import make_margin_boxes
    from weasyprint.layout.background import layout_backgrounds
    from weasyprint.text.fonts import FontConfiguration

    from presswork.exporters.pdf.fetcher import GateFetcher
    from presswork.exporters.pdf.timestamps import font_timestamps

    fetcher = GateFetcher(gate, Reporter())
    fonts = FontConfiguration()
    held: list[tuple[Any, Any, Any, int]] = []

    def hold(context: Any, page: Any, state: Any) -> None:
        held.append((context, page, state, context.current_page))

    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        sheet = CSS(string=css, base_url=css_base_url, url_fetcher=fetcher, font_config=fonts)
        source = HTML(string=_skeleton(head, stamps), base_url=base_url, url_fetcher=fetcher)
        with layout_hooks(lambda name: None, hold, None):
            document = source.render(stylesheets=[sheet], font_config=fonts)
        total = sum(len(s.pages) for s in stamps)
        if len(held) != total or len(document.pages) != total:
            raise Fallback("the furniture's empty pages did not lay out one to one")
        boxes = []
        at = 0
        for stamp in stamps:
            own = counters(Stamp(stamp.pages, None, True))
            book = counters(stamp)
            first_type = decode(stamp.pages[0].page_type) if stamp.pages else None
            flip = first_type is not None and (first_type[0] == "right") != stamp.first_right
            for n, furniture in enumerate(stamp.pages):
                context, page, _state, number = held[at + n]
                page_type = page_type_like(decode(furniture.page_type), flip, source, context)
                before, after = context.style_for(page.page_type), context.style_for(page_type)
                for key in ("size", "margin_top", "margin_bottom", "margin_left", "margin_right"):
                    if before[key] != after[key]:
                        raise Fallback("left and right pages differ in geometry")
                page.page_type = page_type
                state = decode(furniture.state)
                if book[n] != own[n]:
                    state = shift_page_counter(state, book[n] - own[n])
                strings: Any = defaultdict(lambda: defaultdict(list))
                for k, other in enumerate(stamp.pages):
                    for name, values in other.strings.items():
                        strings[name][number - n + k] = list(values)
                context.string_set = strings  # only this batch's strings, as in its own layout
                context.current_page = number
                margins = tuple(make_margin_boxes(context, page, copy.deepcopy(state)))
                page.children = (page.children[0], *margins)
                layout_backgrounds(page, context.get_image_from_uri)
                # The batch page draws the page's background and body; the furniture only its margin boxes.
                page.children = margins
                page.background = None
                page.canvas_background = None
                boxes.append(page)
            at += len(stamp.pages)
        document.pages = [Page(page) for page in boxes]
        out = io.BytesIO()
        stamp_time = None
        if epoch is not None:
            from datetime import UTC, datetime

            stamp_time = datetime.fromtimestamp(epoch, UTC)
        with font_timestamps(stamp_time):
            document.write_pdf(out)
    finally:
        logger.setLevel(level)
    return Furniture(out.getvalue(), printed_folios(document.pages))
