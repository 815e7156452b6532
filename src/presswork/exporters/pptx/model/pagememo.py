"""Paginations remembered by content: a chapter's slide groups laid out once each, however often the search asks.

Laying a chapter out paginates the same flows again and again: the sub-section search lays a run of
segments out to count its thin slides and then again to keep it, a chapter with a divider is laid out with
and without it, and a talk deck's condensing steps lay out every group that a step leaves unchanged anew.
Pagination is a pure function of the items' content, the frame and the picture sizer, so one result per
distinct input is enough; callers get their own copy of it, since they edit the slides they keep.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Hashable

from presswork.exporters.pptx.model.deck import Box, Frame, Para, PictureSizer
from presswork.exporters.pptx.model.flow import FlowItem
from presswork.exporters.pptx.model.paginate import Page, Pager, paginate, thin_pages, with_fixed_sizes

#: What a pagination depends on: the frame, the picture sizer and the items' content (as interned numbers).
Key = tuple[Frame, PictureSizer, tuple[int, ...]]


class PageMemo:
    """Paginations (and one-slide checks) of flows, by content; meant to live as long as one chapter's layout.

    Each item's content is numbered once, when the memo first meets the item (flow items are not edited
    once built: the pager lays out copies), so that a key is hashed and compared as a tuple of numbers."""

    def __init__(self) -> None:
        self._pages: dict[Key, list[Page]] = {}
        #: The plain layouts the one-slide checks made (pagination starts from them).
        self._plain: dict[Key, Pager] = {}
        #: Content key of an item -> its number.
        self._numbers: dict[Hashable, int] = {}
        #: id of an item met -> (the item, kept so that its id stays its own; its number).
        self._met: dict[int, tuple[FlowItem, int]] = {}

    def _key(self, items: list[FlowItem], frame: Frame, sizer: PictureSizer) -> Key:
        numbers = []
        for it in items:
            met = self._met.get(id(it))
            if met is None or met[0] is not it:
                number = self._numbers.setdefault(item_key(it), len(self._numbers))
                met = self._met[id(it)] = (it, number)
            numbers.append(met[1])
        return frame, sizer, tuple(numbers)

    def paginate(self, items: list[FlowItem], frame: Frame, sizer: PictureSizer) -> list[Page]:
        """:func:`paginate`'s slides of ``items``, the caller's own copy (it may edit them)."""
        return _copy_pages(self._paginated(items, frame, sizer))

    def thin_count(self, items: list[FlowItem], frame: Frame, sizer: PictureSizer) -> int:
        """How many of the slides :func:`paginate` lays ``items`` out on are thin (:func:`thin_pages`)."""
        return len(thin_pages(self._paginated(items, frame, sizer), frame))

    def fits_one(self, items: list[FlowItem], frame: Frame, sizer: PictureSizer) -> bool:
        """True when the pager, at the frame's own sizes, lays ``items`` out on one slide."""
        key = self._key(items, frame, sizer)
        pages = self._pages.get(key)
        if pages is not None and len(pages) > 1:  # pagination never takes more slides than the plain layout
            return False
        plain = self._plain.get(key)
        if plain is None:
            plain = self._plain[key] = Pager(frame, sizer)
            plain.lay(with_fixed_sizes(items, frame))
        return len(plain.pages) == 1

    def _paginated(self, items: list[FlowItem], frame: Frame, sizer: PictureSizer) -> list[Page]:
        """The remembered slides of ``items`` (not to be edited)."""
        key = self._key(items, frame, sizer)
        pages = self._pages.get(key)
        if pages is None:
            pages = self._pages[key] = paginate(items, frame, sizer, self._plain.get(key))
        return pages


def item_key(item: FlowItem) -> Hashable:
    """A hashable key equal for two flow items exactly when they are of the same type with equal fields."""
    if isinstance(item, Para):  # frozen: hashed and compared by its fields
        return item
    # every attribute (a flow item is a plain dataclass: its fields), lists as tuples; a string keeps its
    # type (a note that is a point to say is not a plain note)
    return (type(item), *map(_value, vars(item).values()))


def _value(value: object) -> Hashable:
    if isinstance(value, list):
        return (list, *map(_value, value))
    if isinstance(value, str):
        return (type(value), value)
    assert isinstance(value, Hashable)
    return value


def _copy_pages(pages: list[Page]) -> list[Page]:
    """Slides the caller may edit: boxes copied with their lists (what the lists hold is immutable)."""
    return [([_copy_box(b) for b in boxes], list(notes), list(ids)) for boxes, notes, ids in pages]


def _copy_box(box: Box) -> Box:
    new = copy.copy(box)
    for f in dataclasses.fields(box):
        value = getattr(box, f.name)
        if isinstance(value, list):
            setattr(new, f.name, list(value))
    return new
