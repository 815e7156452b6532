"""The deck model (tree -> slides) is pure: slide derivation, splitting and measured fitting."""

from __future__ import annotations

import dataclasses
import re

from presswork.core.tree import (
    Attr,
    BulletList,
    Chapter,
    CodeBlock,
    Div,
    Document,
    Heading,
    ListItem,
    Meta,
    OrderedList,
    Paragraph,
    Span,
    Table,
    Text,
)
from presswork.core.walk import iter_nodes
from presswork.exporters.pptx.model import auto_slide_level, build_deck, highlight
from presswork.exporters.pptx.model.deck import CodeBox, Frame, Para, Run, TableBox, TextBox, slide_words
from presswork.exporters.pptx.model.deck import DeckOptions as Options
from presswork.exporters.pptx.model.measure import text_height
from tests.support.trees import feature_document

FRAME = Frame(width=873.6, height=367.2)


def sizer(kind: str, src: str, pos: object) -> tuple[float, float]:
    return (800.0, 400.0)


DEFAULTS = Options()


def deck_of(*blocks, opts: Options = DEFAULTS, frame: Frame = FRAME, chapters: tuple[Chapter, ...] = ()):
    doc = Document(Meta(title="T"), chapters or (Chapter("c", (Text("Chap"),), "c.md", tuple(blocks)),))
    warnings: list[str] = []
    return build_deck(doc, frame, opts, sizer, lambda m, p: warnings.append(m), highlight), warnings


def P(text: str) -> Paragraph:
    return Paragraph((Text(text),))


def content(deck) -> list:
    return [s for s in deck.slides if s.kind == "content"]


def paras(slide) -> list[Para]:
    return [p for b in slide.boxes if isinstance(b, TextBox) for p in b.paras]


def norm(word: str) -> str:
    return re.sub(r"\W+", "", word.lower())


def test_long_ordered_list_continues_numbering_across_slides() -> None:
    items = tuple(ListItem((P(f"Item number {i} of the long list"),)) for i in range(1, 41))
    deck, _ = deck_of(Heading(2, (Text("Steps"),)), OrderedList(items, start=1))
    slides = content(deck)
    assert len(slides) >= 3
    assert [s.title for s in slides] == [f"Steps ({i}/{len(slides)})" for i in range(1, len(slides) + 1)]
    numbers = [p.number for s in slides for p in paras(s)]
    texts = ["".join(r.text for r in p.runs) for s in slides for p in paras(s)]
    assert numbers == list(range(1, 41))
    assert texts == [f"Item number {i} of the long list" for i in range(1, 41)]
    for s in slides:  # every slide fits its content area
        assert sum(b.height for b in s.boxes) <= FRAME.height
    counts = [len(paras(s)) for s in slides]
    assert max(counts) - min(counts) <= 2  # balanced continuation slides


def test_long_code_block_splits_by_lines() -> None:
    code = "\n".join(f"value_{i} = compute({i})  # step {i}" for i in range(60))
    deck, _ = deck_of(Heading(2, (Text("Code"),)), CodeBlock(code, "python"))
    boxes = [b for s in content(deck) for b in s.boxes if isinstance(b, CodeBox)]
    assert len(boxes) >= 3
    lines = ["".join(t.text for t in line) for b in boxes for line in b.lines]
    assert lines == code.split("\n")
    assert all(b.size >= 12 for b in boxes)
    assert any(t.color for b in boxes for line in b.lines for t in line)  # Pygments colours


def test_long_code_lines_shrink_to_no_less_than_14_pt() -> None:
    code = "x = '" + "a" * 150 + "'"
    deck, _ = deck_of(CodeBlock(code, "python"))
    (box,) = [b for s in content(deck) for b in s.boxes if isinstance(b, CodeBox)]
    assert box.size == 14.0  # legible from the back of a room: wraps rather than shrinks below 14 pt
    assert box.height > 14 * 2  # the line wraps


def test_long_table_splits_with_header_repeated() -> None:
    head = (((Text("Name"),), (Text("Value"),)),)
    body = tuple((((Text(f"row {i}"),), (Text(f"value number {i}"),))) for i in range(50))
    deck, _ = deck_of(Table((), ("left", "right"), head, body))
    tables = [b for s in content(deck) for b in s.boxes if isinstance(b, TableBox)]
    assert len(tables) >= 3

    def text(rows):
        return [["".join(r.text for r in cell) for cell in row] for row in rows]

    assert all(text(t.head) == [["Name", "Value"]] for t in tables)
    assert [row for t in tables for row in text(t.body)] == [[f"row {i}", f"value number {i}"] for i in range(50)]
    assert all(t.size >= 12 and t.height <= FRAME.height for t in tables)


def test_slide_level_detected_from_sample_structure() -> None:
    roles = []
    for i in range(1, 4):
        roles += [
            Heading(2, (Text(f"{i}. Role"),)),
            BulletList(tuple(ListItem((P(f"duty {i}.{k}"),)) for k in range(5))),
        ]
    chapters = (
        Chapter("intro", (Text("Introduction"),), "a.md", (P("Short intro."),)),
        Chapter("roles", (Text("Key Roles"),), "a.md", tuple(roles)),
    )
    doc = Document(Meta(title="T"), chapters)
    assert auto_slide_level(doc) == 2
    deck, _ = deck_of(chapters=chapters)
    # a one-slide chapter needs no divider: its opening is a content slide
    assert [s.title for s in content(deck)] == ["Introduction", "1. Role", "2. Role", "3. Role"]
    assert [s.title for s in deck.slides if s.kind == "section"] == ["Key Roles"]
    assert deck.slides[1].kind == "agenda"


def test_prose_lead_keeps_first_sentence_and_notes_get_all() -> None:
    long = ("First sentence is the lead of this paragraph. " + "Then many more words follow here " * 10).strip()
    deck, _ = deck_of(Heading(2, (Text("Prose"),)), P(long), P("A short paragraph stays."))
    (slide,) = content(deck)
    shown = ["".join(r.text for r in p.runs) for p in paras(slide)]
    assert shown == ["First sentence is the lead of this paragraph.", "A short paragraph stays."]
    assert long in slide.notes
    deck, _ = deck_of(Heading(2, (Text("Prose"),)), P(long), opts=Options(prose="slide"))
    assert "".join(r.text for s in content(deck) for p in paras(s) for r in p.runs) == long
    points = BulletList((ListItem((P("a point"),)),))
    deck, _ = deck_of(Heading(2, (Text("Prose"),)), P(long), P("Short one."), points, opts=Options(prose="notes"))
    (slide,) = content(deck)  # all prose in the notes; the slide keeps the list
    assert [("".join(r.text for r in p.runs)) for p in paras(slide)] == ["a point"]
    assert long in slide.notes and "Short one." in slide.notes
    deck, _ = deck_of(Heading(2, (Text("Prose"),)), P(long), opts=Options(prose="notes"))
    (slide,) = content(deck)  # a slide with nothing else shows the lead rather than nothing
    assert [("".join(r.text for r in p.runs)) for p in paras(slide)] == [
        "First sentence is the lead of this paragraph."
    ]


def test_divs_notes_breaks_and_no_slides() -> None:
    deck, _ = deck_of(
        Heading(2, (Text("D"),)),
        P("one"),
        Div(Attr(classes=("slide-break",)), ()),
        P("two"),
        Div(Attr(classes=("notes",)), (P("say this"),)),
        Div(Attr(classes=("no-slides",)), (P("print only"),)),
        Div(Attr(classes=("only-slides",)), (P("slides only"),)),
    )
    slides = content(deck)
    assert [[("".join(r.text for r in p.runs)) for p in paras(s)] for s in slides] == [["one"], ["two", "slides only"]]
    assert "say this" in slides[1].notes and "print only" in slides[1].notes


def test_details_show_their_summary_and_put_the_body_in_the_notes() -> None:
    summary = P("")
    summary = dataclasses.replace(summary, children=(Span(Attr(classes=("summary",)), (Text("Open me"),)),))
    deck, _ = deck_of(Heading(2, (Text("D"),)), Div(Attr(classes=("details",)), (summary, P("the hidden body"))))
    (slide,) = content(deck)
    assert [["".join(r.text for r in p.runs) for p in paras(slide)]] == [["Open me"]]
    assert "the hidden body" in slide.notes


def test_every_word_of_the_feature_book_is_on_a_slide_or_in_notes() -> None:
    doc = feature_document()
    deck = build_deck(doc, FRAME, Options(), sizer, lambda m, p: None, highlight)
    shown = " ".join(norm(w) for s in deck.slides for w in slide_words(s))
    source = {norm(w) for node in iter_nodes(doc) if isinstance(node, Text) for w in node.text.split()} - {""}
    assert [w for w in source if w not in shown] == []  # (H₂O shows "h" and "o" inside one word)
    for s in deck.slides:
        for b in s.boxes:
            assert b.height <= FRAME.height + 0.01
        for p in paras(s):
            assert FRAME.size_of(p) >= 18


def test_measured_height_grows_with_text_and_narrower_boxes() -> None:
    para = Para((Run("word"),))
    words = Para((Run("word " * 60),))
    assert text_height([words], FRAME, 400) > text_height([words], FRAME, 800) > text_height([para], FRAME, 800)


def test_slide_text_keeps_hyphenated_words_whole() -> None:
    from presswork.exporters.pptx.model.text import slide_text

    # quotes arrive typographic from the reader (and build_meta); the deck only joins hyphenated words
    assert slide_text("\u201cproblem-solving\u201d isn\u2019t long-term") == (
        "\u201cproblem-\u2060solving\u201d isn\u2019t long-\u2060term"
    )
    assert slide_text("a - b and -x") == "a - b and -x"  # only hyphens between letters


def _text(p: Para) -> str:
    return "".join(r.text for r in p.runs)


def test_a_leadin_shares_its_slide_with_the_list_it_introduces() -> None:
    for filler in range(3, 12):  # wherever the lead-in falls, it never ends a slide
        blocks = [P(f"Point {i} " + "word " * 25) for i in range(filler)]
        blocks += [P("These are the steps:"), BulletList(tuple(ListItem((P(f"step {k}"),)) for k in range(6)))]
        deck, _ = deck_of(*blocks, opts=Options(prose="slide"))
        for s in content(deck):
            last = s.boxes[-1]
            assert not (isinstance(last, TextBox) and _text(last.paras[-1]).endswith(":")), s.title


def test_a_subsection_starting_a_slide_titles_it_and_counts_within_its_title() -> None:
    blocks = [
        Heading(2, (Text("Stations"),)),
        P("Intro " + "word " * 30),
        Heading(3, (Text("A long procedure"),)),
        OrderedList(tuple(ListItem((P(f"Step {k} " + "word " * 12),)) for k in range(24))),
    ]
    deck, _ = deck_of(*blocks, opts=Options(prose="slide", slide_level=2))
    titles = [s.title for s in content(deck)]
    sub = [t for t in titles if "A long procedure" in t]
    assert len(sub) >= 2 and all(t.startswith("Stations › A long procedure (") for t in sub)
    assert sub[-1].endswith(f"({len(sub)}/{len(sub)})")
    # the sub-section's title is the slide's title, not a subheading repeated under it
    assert all(_text(p) != "A long procedure" for s in content(deck) for p in paras(s))


def test_short_subsections_share_a_slide_titled_by_them() -> None:
    blocks = [Heading(2, (Text("Plugins"),))]
    for name in ("Alpha", "Beta"):
        blocks += [Heading(3, (Text(name),)), P(f"{name} does one thing.")]
    deck, _ = deck_of(*blocks, opts=Options(slide_level=2))
    [slide] = content(deck)
    assert slide.title == "Plugins › Alpha, Beta"


def test_a_one_slide_chapter_gets_no_divider() -> None:
    one = Chapter("one", (Text("Short"),), "a.md", (P("Only this."), BulletList((ListItem((P("a"),)),))))
    paras = tuple(P(f"Para {i} " + "word " * 30) for i in range(12))
    two = Chapter("two", (Text("Long"),), "b.md", (*paras, Heading(2, (Text("Section"),)), *paras))
    deck, _ = deck_of(chapters=(one, two), opts=Options(prose="slide"))
    sections = [s.title for s in deck.slides if s.kind == "section"]
    assert sections == ["Long"]
    assert "one" in content(deck)[0].anchors  # links to the chapter land on its slide


def test_highlighting_keeps_a_console_line_without_its_newline() -> None:
    code = "SSL_CERT_FILE=/x python -c 'import httpx'"
    lines = highlight(code, "console")
    assert "".join(t.text for line in lines for t in line) == code


def test_columns_div_makes_one_two_column_box() -> None:
    left = Div(Attr(classes=("column",)), (BulletList(tuple(ListItem((P(f"pro {i}"),)) for i in range(3))),))
    right = Div(Attr(classes=("column",)), (BulletList(tuple(ListItem((P(f"con {i}"),)) for i in range(2))),))
    deck, _ = deck_of(P("Weigh them:"), Div(Attr(classes=("columns",)), (left, right)), P("Then decide."))
    [slide] = content(deck)
    [box] = [b for b in slide.boxes if isinstance(b, TextBox) and b.split]
    assert box.split == 3 and [_text(p) for p in box.paras] == ["pro 0", "pro 1", "pro 2", "con 0", "con 1"]
    assert [_text(p) for b in slide.boxes if isinstance(b, TextBox) and not b.split for p in b.paras] == [
        "Weigh them:",
        "Then decide.",
    ]


def test_highlighting_yaml_whose_tokens_no_style_lists() -> None:
    """Pygments' YAML lexer emits ``Literal.Scalar.Plain``, a subtype no style names: it takes its parent's colours."""
    from presswork.exporters.pptx.model.slides import highlight

    lines = highlight("Package: demo\nDepends:\n    R (>= 3.5)\n", "yaml")
    assert "".join(t.text for t in lines[0]) == "Package: demo"
    assert "".join(t.text for t in lines[2]) == "    R (>= 3.5)"
