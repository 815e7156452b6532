"""The document tree: JSON round trip, the node-type unions, plain text."""

from __future__ import annotations

import dataclasses
import json

import pytest

from presswork.core.tree import (
    FORMAT_VERSION,
    NODE_TYPES,
    Attr,
    Block,
    BlockNode,
    Code,
    Document,
    Heading,
    Inline,
    InlineNode,
    LineBreak,
    Math,
    Meta,
    Note,
    Paragraph,
    Pos,
    RawInline,
    Table,
    Text,
    blocks_text,
    from_json,
    plain_text,
    to_json,
)
from presswork.core.walk import iter_nodes
from tests.support.trees import every_node_document, feature_document


@pytest.mark.parametrize("make", [feature_document, every_node_document])
def test_json_round_trip_keeps_every_node_and_position(make: object) -> None:
    doc: Document = make()  # type: ignore[operator]
    doc = dataclasses.replace(
        doc,
        chapters=tuple(
            dataclasses.replace(
                ch, blocks=tuple(dataclasses.replace(b, pos=Pos(ch.source, i + 1)) for i, b in enumerate(ch.blocks))
            )
            for ch in doc.chapters
        ),
    )
    text = to_json(doc)
    back = from_json(text)
    assert back == doc
    assert [b.pos for ch in back.chapters for b in ch.blocks] == [b.pos for ch in doc.chapters for b in ch.blocks]
    assert to_json(back) == text  # stable
    assert json.loads(text)["presswork-tree"] == FORMAT_VERSION
    assert {type(n).__name__ for n in iter_nodes(back)} <= set(NODE_TYPES)


def test_every_node_type_survives_json() -> None:
    names = {type(n).__name__ for n in iter_nodes(from_json(to_json(every_node_document())))}
    assert names == set(NODE_TYPES)


def test_json_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="format '9.0' is not supported"):
        from_json('{"presswork-tree": "9.0", "document": {}}')
    with pytest.raises(ValueError, match="unknown node type 'Blink'"):
        from_json(f'{{"presswork-tree": "{FORMAT_VERSION}", "document": {{"t": "Blink"}}}}')
    with pytest.raises(ValueError, match="does not hold a Document"):
        from_json(f'{{"presswork-tree": "{FORMAT_VERSION}", "document": {{"t": "Meta"}}}}')


def test_unions_hold_exactly_the_node_types() -> None:
    from typing import get_args

    inline, block = set(get_args(InlineNode)), set(get_args(BlockNode))
    assert inline | block == set(NODE_TYPES.values()) and not inline & block
    assert all(issubclass(c, Inline) for c in inline) and all(issubclass(c, Block) for c in block)


def test_plain_text_with_and_without_notes_and_math() -> None:
    inlines = (
        Text("a "),
        Code("b"),
        LineBreak(),
        Math(r"\alpha"),
        Note((Paragraph((Text("n"),)),)),
        RawInline("html", "<x>"),
    )
    assert plain_text(inlines) == r"a b \alpha"
    assert plain_text(inlines, notes=True, math=lambda tex: "α") == "a b α (n)"


def test_blocks_text_one_line_per_block() -> None:
    blocks = (
        Heading(2, (Text("Title"),), Attr(id="t")),
        Paragraph((Text("Body"),)),
        Table((Text("Cap"),), ("", ""), (((Text("h1"),), (Text("h2"),)),), (((Text("c1"),), (Text("c2"),)),)),
    )
    assert blocks_text(blocks) == "Title\nBody\nh1 | h2\nc1 | c2\nCap"
    assert blocks_text(()) == "" and Meta().language == "en"
