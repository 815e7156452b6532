"""The deck model: the tree laid out as slides, measured with real font metrics. Pure: no python-pptx.

Pipeline: chapters cut into slide groups (``slides``) -> each group's blocks to a flow of items
(``flow``, text via ``text``) -> the flow paginated onto slides (``paginate``) by measured heights
(``measure``, with the font metrics of ``fit``).
"""

from __future__ import annotations

from presswork.exporters.pptx.model.deck import Deck, DeckOptions, Frame
from presswork.exporters.pptx.model.slides import (
    auto_slide_level,
    book_order,
    budgets,
    build_deck,
    chapter_slides,
    front_slides,
    highlight,
    plain_code,
)

__all__ = [
    "Deck",
    "DeckOptions",
    "Frame",
    "auto_slide_level",
    "book_order",
    "budgets",
    "build_deck",
    "chapter_slides",
    "front_slides",
    "highlight",
    "plain_code",
]
