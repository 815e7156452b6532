"""Which content each output shows: the one rule for ``notes`` and the ``only-*``/``no-*`` divs,
and for the parts of ``<details>`` (the summary is shown everywhere; its body is off the slides).

``::: only-pdf``, ``only-epub`` and ``only-slides`` show their content in that output only;
``no-pdf``, ``no-epub`` and ``no-slides`` in every output but that one. (Profiles,
``only-profile-NAME``, are settled before the exporters run: see ``transforms.apply_profile``.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from presswork.core.tree import Block, Blocks, Div, Inlines, Paragraph, Span

#: An output as far as visibility goes: the printed book, the e-book, the slides.
Target = Literal["print", "epub", "slides"]

#: Div classes whose content a target leaves out. On slides, such content goes to the
#: speaker notes instead; in print and EPUB it is not rendered at all.
HIDDEN_CLASSES: dict[Target, frozenset[str]] = {
    "print": frozenset({"notes", "only-slides", "only-epub", "no-pdf", "no-print"}),
    "epub": frozenset({"notes", "only-slides", "only-pdf", "only-print", "no-epub"}),
    "slides": frozenset({"notes", "no-slides", "only-pdf", "only-print", "only-epub"}),
}


def is_hidden(block: Block, target: Target) -> bool:
    """True when ``block`` is a Div whose content ``target`` does not show."""
    return isinstance(block, Div) and not HIDDEN_CLASSES[target].isdisjoint(block.attr.classes)


def outline_blocks(blocks: tuple[Block, ...], target: Target) -> Iterator[Block]:
    """The blocks of a chapter's outline as ``target`` shows it: top-level blocks, with visible
    Divs opened (their blocks take the Div's place) and hidden Divs left out."""
    for block in blocks:
        if isinstance(block, Div):
            if not is_hidden(block, target):
                yield from outline_blocks(block.blocks, target)
        else:
            yield block


def details_parts(node: Div) -> tuple[Inlines | None, Blocks]:
    """The summary and body of a ``<details>`` block (a Div of class ``details`` whose first block is
    a paragraph holding a ``summary`` span), or ``(None, blocks)`` for any other Div."""
    if "details" in node.attr.classes and node.blocks:
        first = node.blocks[0]
        if (
            isinstance(first, Paragraph)
            and len(first.children) == 1
            and isinstance(first.children[0], Span)
            and "summary" in first.children[0].attr.classes
        ):
            return first.children[0].children, node.blocks[1:]
    return None, node.blocks
