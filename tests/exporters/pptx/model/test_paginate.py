"""Deck pagination: a flow of items laid out on slides of a frame, continued where it does not fit."""

from __future__ import annotations

from presswork.exporters.pptx.model.deck import (
    CalloutBox,
    CodeBox,
    Frame,
    PictureBox,
    Run,
    TableBox,
    TextBox,
    Token,
)
from presswork.exporters.pptx.model.flow import Anchor, FlowItem, SlideBreak, SpeakerNote, run_in_title
from presswork.exporters.pptx.model.measure import GAP, measure_table, text_height
from presswork.exporters.pptx.model.paginate import Pager, paginate, with_fixed_sizes
from tests.support.deckmodel import para, words

FRAME = Frame()


def no_pictures(kind: str, src: str, pos: object) -> None:
    return None


def heights_fit(pages: list, frame: Frame) -> bool:
    return all(
        sum(b.height for b in boxes) + GAP * (len(boxes) - 1) <= frame.height + 0.01 for boxes, _notes, _ids in pages
    )


def test_a_short_flow_takes_one_slide_in_the_templates_size() -> None:
    [(boxes, notes, ids)] = paginate([para("Hello"), Anchor("x"), SpeakerNote("say hi")], FRAME, no_pictures)
    [box] = boxes
    assert isinstance(box, TextBox) and box.paras[0].size == FRAME.sizes[0]
    assert notes == ["say hi"] and ids == ["x"]


def test_a_long_flow_continues_on_balanced_slides_in_normal_type() -> None:
    items: list[FlowItem] = [para(words(30, 30 * i)) for i in range(12)]
    pages = paginate(items, FRAME, no_pictures)
    assert len(pages) > 1 and heights_fit(pages, FRAME)
    shown = " ".join(
        "".join(r.text for r in p.runs)
        for boxes, _, _ in pages
        for b in boxes
        if isinstance(b, TextBox)
        for p in b.paras
    )
    assert shown.split() == words(360).split()  # every word once, in order
    sizes = {p.size for boxes, _, _ in pages for b in boxes for p in b.paras}  # type: ignore[union-attr]
    assert len(sizes) == 1 and 18 <= sizes.pop() <= FRAME.sizes[0]  # one size, stepped down at most to 18 pt
    fill = [sum(b.height for b in boxes) for boxes, _, _ in pages]
    assert min(fill) > 0.5 * max(fill)  # balanced: no nearly empty last slide


def test_a_paragraph_taller_than_a_slide_is_split_by_words() -> None:
    pages = Pager(FRAME, no_pictures).lay(with_fixed_sizes([para(words(400))], FRAME))
    assert len(pages) >= 2 and heights_fit(pages, FRAME)
    texts = ["".join(r.text for r in b.paras[0].runs) for boxes, _, _ in pages for b in boxes]  # type: ignore[union-attr]
    assert " ".join(texts).split() == words(400).split()


def test_slide_break_starts_a_new_slide_but_never_an_empty_one() -> None:
    pages = Pager(FRAME, no_pictures).lay(
        [SlideBreak(), para("a"), SlideBreak(), SlideBreak(), para("b"), SlideBreak()]
    )
    assert [["".join(r.text for r in p.runs) for b in boxes for p in b.paras] for boxes, _, _ in pages] == [
        ["a"],
        ["b"],
    ]  # type: ignore[union-attr]


def test_a_subheading_is_not_left_alone_at_the_bottom() -> None:
    filler = [para(words(25, i * 25)) for i in range(5)]
    items: list[FlowItem] = [*filler, para("Subheading", role="subhead"), para(words(40, 500))]
    pages = Pager(FRAME, no_pictures).lay(with_fixed_sizes(items, FRAME))
    for boxes, _, _ in pages:
        last = boxes[-1]
        assert not (isinstance(last, TextBox) and last.paras[-1].role == "subhead"), "subheading at a slide's foot"


def test_code_splits_by_lines_and_tables_repeat_their_header() -> None:
    code = CodeBox([(Token(f"line {i}"),) for i in range(60)], FRAME.code_size)
    pages = Pager(FRAME, no_pictures).lay([code])
    parts = [b for boxes, _, _ in pages for b in boxes]
    assert len(parts) > 1 and sum(len(p.lines) for p in parts) == 60  # type: ignore[union-attr]
    head = [((Run("Name"),), (Run("Value"),))]
    body = [((Run(f"row {i}"),), (Run(str(i)),)) for i in range(40)]
    table = measure_table(head, body, ("", ""), FRAME)
    pages = Pager(FRAME, no_pictures).lay([table])
    tables = [b for boxes, _, _ in pages for b in boxes if isinstance(b, TableBox)]
    assert len(tables) > 1 and all(t.head == head for t in tables)
    assert [r for t in tables for r in t.body] == body and heights_fit(pages, FRAME)


def test_a_picture_that_cannot_be_placed_becomes_its_alt_text() -> None:
    [(boxes, _, _)] = Pager(FRAME, no_pictures).lay([PictureBox("image", "x.png", "A chart", ())])
    assert isinstance(boxes[0], TextBox) and boxes[0].paras[0].runs[0].text == "A chart"


def test_a_picture_is_scaled_into_the_room_left() -> None:
    pages = Pager(FRAME, lambda kind, src, pos: (4000.0, 3000.0)).lay([PictureBox("image", "x.png", "big", ())])
    [picture] = pages[0][0]
    assert isinstance(picture, PictureBox) and picture.width <= FRAME.width and picture.height <= FRAME.height


def test_a_callout_taller_than_a_slide_splits_by_paragraphs_keeping_its_title() -> None:
    paras = [para("Title", role="callout-title"), *(para(words(40, i * 40)) for i in range(8))]
    pages = Pager(FRAME, no_pictures).lay([CalloutBox("note", paras)])
    parts = [b for boxes, _, _ in pages for b in boxes]
    assert len(parts) > 1 and all(isinstance(p, CalloutBox) and p.paras[0].role == "callout-title" for p in parts)
    assert all(p.height == text_height(p.paras, FRAME, FRAME.width, inset=FRAME.callout_inset) for p in parts)  # type: ignore[union-attr]


def test_a_callout_with_its_title_set_in_repeats_only_the_title_on_its_further_parts() -> None:
    box = run_in_title(
        CalloutBox("note", [para("Title", role="callout-title"), *(para(words(40, i * 40)) for i in range(8))])
    )
    assert box.paras[0].runs[0].text == "Title" and box.title_chars == len("Title: ")
    parts = [b for boxes, _, _ in Pager(FRAME, no_pictures).lay([box]) for b in boxes]
    assert len(parts) > 1 and isinstance(parts[0], CalloutBox) and parts[0].paras[0].runs[-1].text == words(40)
    for part in parts[1:]:
        assert isinstance(part, CalloutBox) and part.title_chars == 0
        assert [r.text for r in part.paras[0].runs] == ["Title"] and part.paras[0].role == "callout-title"
    shown = " ".join(r.text for p in parts if isinstance(p, CalloutBox) for q in p.paras for r in q.runs)
    assert shown.count(words(40)) == 1, "the first paragraph is repeated on a further part"


def test_a_long_list_of_short_items_takes_two_balanced_columns_not_a_continuation() -> None:
    items: list[FlowItem] = [para(f"Item number {i}", bullet="bullet") for i in range(16)]
    assert len(Pager(FRAME, no_pictures).lay(with_fixed_sizes(items, FRAME))) > 1  # one column needs two slides
    [(boxes, _, _)] = paginate(items, FRAME, no_pictures)
    [box] = boxes
    assert isinstance(box, TextBox) and box.split == 8  # balanced halves
    assert ["".join(r.text for r in p.runs) for p in box.paras] == [f"Item number {i}" for i in range(16)]
    assert box.height <= FRAME.height


def test_long_items_do_not_go_into_columns() -> None:
    items: list[FlowItem] = [para(f"Item {i} " + words(14), bullet="bullet") for i in range(14)]
    pages = paginate(items, FRAME, no_pictures)
    assert len(pages) > 1 and all(b.split == 0 for boxes, _, _ in pages for b in boxes)  # type: ignore[union-attr]


def test_a_code_line_taller_than_a_slide_is_spread_over_slides_cut_at_spaces() -> None:
    """A notebook's one-line output of a long list wraps past a whole slide: it is cut at spaces into
    visual lines and continued, never run off the slide (osllmai/inDox docs)."""
    from presswork.exporters.pptx.model.measure import _cut_line

    long = (Token("x = ['", "0000AA"), Token(words(1500), "AA0000"), Token("']"))
    code = CodeBox([(Token("short line"),), long, (Token("end"),)], FRAME.code_size)
    pages = paginate([code], FRAME, no_pictures)
    assert len(pages) > 1 and heights_fit(pages, FRAME)
    parts = [b for boxes, _, _ in pages for b in boxes if isinstance(b, CodeBox)]
    lines = ["".join(t.text for t in line) for part in parts for line in part.lines]
    assert lines[0] == "short line" and lines[-1] == "end"
    assert " ".join(lines[1:-1]).split() == "".join(t.text for t in long).split()  # every word, none cut inside
    assert {t.color for part in parts for line in part.lines[1:-1] for t in line} >= {"0000AA", "AA0000"}
    assert ["".join(t.text for t in p) for p in _cut_line((Token("a" * 25),), 10)] == ["a" * 10, "a" * 10, "a" * 5]
