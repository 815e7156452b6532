"""The page memo: a flow paginated once per distinct content, each caller given slides of its own."""

from __future__ import annotations

from presswork.exporters.pptx.model.deck import CodeBox, Frame, TextBox, Token
from presswork.exporters.pptx.model.flow import FlowItem, SpeakerNote
from presswork.exporters.pptx.model.pagememo import PageMemo
from presswork.exporters.pptx.model.paginate import paginate
from presswork.exporters.pptx.model.talk import Point
from tests.support.deckmodel import para, words

FRAME = Frame()


def no_pictures(kind: str, src: str, pos: object) -> None:
    return None


def test_an_equal_flow_gets_the_same_slides_as_its_own_copy() -> None:
    memo = PageMemo()
    flow: list[FlowItem] = [para(words(30, 30 * i)) for i in range(12)]
    first = memo.paginate(flow, FRAME, no_pictures)
    assert first == paginate(flow, FRAME, no_pictures) and len(first) > 1
    box = first[0][0][0]
    assert isinstance(box, TextBox)
    del box.paras[0]  # a caller edits its slides (a subheading moved into the title)
    first[0][1].append("edited")
    again = memo.paginate([para(words(30, 30 * i)) for i in range(12)], FRAME, no_pictures)
    assert again == paginate(flow, FRAME, no_pictures)


def test_flows_that_differ_in_one_field_are_told_apart() -> None:
    memo = PageMemo()
    point: list[FlowItem] = [para("Hello"), SpeakerNote(Point("Say hello"))]
    plain: list[FlowItem] = [para("Hello"), SpeakerNote("Say hello")]
    assert type(memo.paginate(point, FRAME, no_pictures)[0][1][0]) is Point
    assert type(memo.paginate(plain, FRAME, no_pictures)[0][1][0]) is str  # a note, not a point to say
    red = [(Token("let x = 1;", "FF0000"),)] * 3
    blue = [(Token("let x = 1;", "0000FF"),)] * 3
    [[[code]]] = [[page[0] for page in memo.paginate([CodeBox(red, 16.0)], FRAME, no_pictures)]]
    [[[other]]] = [[page[0] for page in memo.paginate([CodeBox(blue, 16.0)], FRAME, no_pictures)]]
    assert isinstance(code, CodeBox) and isinstance(other, CodeBox)
    assert code.lines[0][0].color == "FF0000" and other.lines[0][0].color == "0000FF"


def test_one_slide_checks_agree_with_the_pager() -> None:
    memo = PageMemo()
    short: list[FlowItem] = [para("Hello")]
    long: list[FlowItem] = [para(words(30, 30 * i)) for i in range(12)]
    assert memo.fits_one(short, FRAME, no_pictures)
    assert not memo.fits_one(long, FRAME, no_pictures)
    memo.paginate(long, FRAME, no_pictures)
    assert not memo.fits_one([para(words(30, 30 * i)) for i in range(12)], FRAME, no_pictures)
