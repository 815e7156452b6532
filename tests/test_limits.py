"""The nesting limit of the tree (transforms.limits): the levels counted and the place an error names."""

from __future__ import annotations

import pytest

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Block, BlockQuote, Chapter, Emphasis, Paragraph, Pos, Text
from presswork.transforms.limits import check_nesting


def _quotes(depth: int) -> Block:
    """``depth`` block quotes, one in the other, around a paragraph with emphasis; each at its own line."""
    block: Block = Paragraph((Emphasis((Text("deep"),)),), pos=Pos("c.md", depth + 1))
    for line in range(depth, 0, -1):
        block = BlockQuote((block,), pos=Pos("c.md", line))
    return block


def test_a_tree_as_deep_as_the_limit_passes_and_one_level_more_names_the_deepest_block() -> None:
    shallow = Chapter("a", (Text("A"),), "c.md", (Paragraph((Text("x"),)), _quotes(2)))
    check_nesting([shallow], 3)  # two quotes and the emphasis: three levels
    deep = Chapter("b", (Text("B"),), "c.md", (Paragraph((Text("x"),)), _quotes(3)))
    with pytest.raises(PressworkError) as err:
        check_nesting([shallow, deep], 3)
    assert "nested 4 levels deep (max_nesting = 3" in err.value.message
    assert err.value.pos == Pos("c.md", 4)
