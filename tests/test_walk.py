"""Tree traversal: walk (rebuild bottom-up) with and without the enclosing block's position."""

from __future__ import annotations

from presswork.core.tree import Attr, BlockQuote, Chapter, Document, Emphasis, Meta, Paragraph, Pos, Span, Text
from presswork.core.walk import query, walk, walk_with_positions


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
