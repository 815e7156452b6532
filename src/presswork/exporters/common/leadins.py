"""Lead-ins: a short paragraph ending in a colon that introduces the display after it ("...like this:"), kept with it in print."""

from __future__ import annotations

from presswork.core.tree import Block, BulletList, CodeBlock, MathBlock, OrderedList, Paragraph, Table, plain_text

__all__ = ["LEAD_IN_CHARS", "introduces"]

#: The longest lead-in an engine that keeps it whole (Typst: a sticky block) keeps with its display, in
#: characters (about four lines): a longer one breaks as any other paragraph, so that moving it never leaves
#: a large gap at a page foot. CSS needs no limit: ``break-after: avoid`` may break inside the paragraph,
#: and its last lines (``widows``) go with the display.
LEAD_IN_CHARS = 320

#: What a lead-in introduces: a listing, a displayed formula, a table or a list.
_DISPLAYS = (CodeBlock, MathBlock, Table, BulletList, OrderedList)


def introduces(block: Block, following: Block | None, longest: int | None = None) -> bool:
    """Whether ``block`` is a lead-in of ``following``: a paragraph that ends in a colon (of at most ``longest``
    characters), right before a listing, a formula, a table or a list."""
    if not isinstance(block, Paragraph) or not isinstance(following, _DISPLAYS):
        return False
    text = plain_text(block.children).rstrip()
    return text.endswith((":", "：")) and (longest is None or len(text) <= longest)
