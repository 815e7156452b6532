"""Tree traversal: walk (rebuild bottom-up) with and without the enclosing block's position."""

from __future__ import annotations

import dataclasses

from presswork.core.tree import (
    Attr,
    Block,
    BlockQuote,
    Chapter,
    CodeBlock,
    Div,
    Document,
    Emphasis,
    Figure,
    Heading,
    Image,
    Link,
    MathBlock,
    Meta,
    Note,
    Paragraph,
    Pos,
    Span,
    Table,
    Text,
)
from presswork.core.walk import query, shared_walks, types_with_fields, walk, walk_with_positions


def test_walk_rebuilds_bottom_up_and_keeps_untouched_nodes() -> None:
    quote = BlockQuote((Paragraph((Text("a"), Emphasis((Text("b"),)))),), pos=Pos("x.md", 3))
    out = walk((quote,), lambda n: Text(n.text.upper()) if isinstance(n, Text) else n)
    assert [t.text for t in query(out, Text)] == ["A", "B"]
    assert out[0].pos == Pos("x.md", 3)
    assert walk((quote,), lambda n: n)[0] is quote


def test_positions_are_those_of_the_nearest_block() -> None:
    seen: list[tuple[str, Pos | None]] = []

    def note(node: object, pos: Pos | None) -> object:
        if isinstance(node, Text):
            seen.append((node.text, pos))
        return node

    doc = Document(
        Meta(),
        (
            Chapter(
                "c",
                (Text("title"),),
                "c.md",
                (
                    Paragraph((Text("p"),), pos=Pos("c.md", 2)),
                    BlockQuote((Paragraph((Span(Attr(), (Text("q"),)),)),), pos=Pos("c.md", 5)),
                ),
            ),
        ),
    )
    walk_with_positions(doc, note)
    assert seen == [("title", Pos("c.md")), ("p", Pos("c.md", 2)), ("q", Pos("c.md", 5))]
    seen.clear()
    walk_with_positions(doc.chapters[0].blocks, note)
    assert seen[0] == ("p", Pos("c.md", 2))


def _book() -> tuple[Block, ...]:
    """Blocks with links, notes and tables at several depths."""
    link = Link((Text("see"),), "#x")
    return (
        Heading(1, (Text("Title"),), Attr("t"), pos=Pos("c.md", 1)),
        Paragraph((Text("a "), Emphasis((link, Text("b"))), Note((Paragraph((Link((), "#n"),)),))), pos=Pos("c.md", 3)),
        Table((), ("",), (((Text("h"),),),), (((Text("c"), Link((Text("l"),), "#t")),), ((),)), pos=Pos("c.md", 5)),
        BlockQuote((Paragraph((Text("q"),)),), pos=Pos("c.md", 9)),
    )


def _calls(blocks: tuple[Block, ...], kinds: tuple[type, ...] | None) -> tuple[object, list[tuple[str, Pos | None]]]:
    """The tree a walk that marks every Link gives, and the calls of its function (type, position) for Links."""
    seen: list[tuple[str, Pos | None]] = []

    def fix(node: object, pos: Pos | None) -> object:
        if isinstance(node, Link):
            seen.append((node.url, pos))
            return dataclasses.replace(node, url=node.url + "!")
        return node

    return walk_with_positions(blocks, fix, kinds=kinds), seen


def test_a_walk_with_kinds_gives_what_a_full_walk_gives() -> None:
    blocks = _book()
    full, full_calls = _calls(blocks, None)
    only, only_calls = _calls(blocks, (Link,))
    assert only == full and only_calls == full_calls
    assert [n.url for n in query(only, Link)] == ["#x!", "#n!", "#t!"]
    assert only[0] is blocks[0] and only[3] is blocks[3]  # no link inside: the same objects
    called: list[object] = []
    walk(blocks, lambda n: called.append(n) or n, (Heading, Table))
    assert [type(n) for n in called] == [Heading, Table]


def test_shared_walks_skip_subtrees_without_the_kinds_and_give_the_same_result() -> None:
    blocks = _book()
    with shared_walks():
        first, first_calls = _calls(blocks, (Link,))
        again, again_calls = _calls(first, (Link,))  # a rebuilt tree: its new nodes are looked at too
        visited: list[object] = []
        walk(first, lambda n: visited.append(n) or n, (CodeBlock,))
    assert (first, first_calls) == _calls(blocks, (Link,))
    assert (again, again_calls) == _calls(_calls(blocks, None)[0], None)
    assert visited == []
    assert first[0] is blocks[0] and first[3] is blocks[3]


def test_types_with_fields() -> None:
    assert Link in types_with_fields("children") and Text not in types_with_fields("children")
    assert set(types_with_fields("attr")) >= {Heading, Image, Span, Div, Figure, Table, CodeBlock, MathBlock}
