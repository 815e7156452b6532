"""Thin last slides mended: a picture shrinks to take a closing line, a slide before a thin one ends earlier,
tall wrapped code lines fill a slide's end; cases found in the DjangoGirls tutorial and the inDox docs."""

from __future__ import annotations

from presswork.core.tree import CodeBlock
from presswork.exporters.pptx.model.deck import CodeBox, DeckOptions, Frame, PictureBox, Run, TextBox, Token
from presswork.exporters.pptx.model.flow import FlowBuilder, FlowItem
from presswork.exporters.pptx.model.paginate import (
    MIN_PICTURE_SHARE,
    THIN,
    Pager,
    page_fill,
    paginate,
    with_fixed_sizes,
)
from tests.support.deckmodel import para, words

FRAME = Frame()


def landscape(kind: str, src: str, pos: object) -> tuple[float, float]:
    return (400.0, 300.0)


def shown(pages: list) -> list[str]:  # type: ignore[type-arg]
    return [
        "".join(r.text for r in p.runs)
        for boxes, _, _ in pages
        for b in boxes
        if isinstance(b, TextBox)
        for p in b.paras
    ]


def test_a_closing_line_after_a_picture_joins_it_as_the_picture_shrinks_a_little() -> None:
    """DjangoGirls: "It will look like this:", a screenshot, then "OK, let's start at the beginning…" alone
    on a continuation slide. The picture gives up the line's height (it keeps most of its size) instead."""
    items: list[FlowItem] = [
        para(words(30)),
        para("It will (more or less) look like this:"),
        PictureBox("image", "blog.png", "the blog", (Run("Figure 1"),)),
        para("OK, let's start at the beginning."),
    ]
    plain = Pager(FRAME, landscape)
    assert len(plain.lay(with_fixed_sizes(items, FRAME))) == 2  # the picture takes all the room left
    [page] = paginate(items, FRAME, landscape)
    assert shown([page])[-1] == "OK, let's start at the beginning."
    [picture] = [b for b in page[0] if isinstance(b, PictureBox)]
    was = plain.placed_pictures[0]
    assert MIN_PICTURE_SHARE * (was.height - was.caption_height) <= picture.height - picture.caption_height
    assert picture.height < was.height and page_fill(page) <= FRAME.height


def test_a_picture_does_not_shrink_below_its_share_to_save_a_slide() -> None:
    items: list[FlowItem] = [
        PictureBox("image", "big.png", "chart", ()),
        para(words(60)),
        para(words(20, 60)),
    ]
    pages = paginate(items, FRAME, lambda kind, src, pos: (1200.0, 700.0))
    [picture] = [b for boxes, _, _ in pages for b in boxes if isinstance(b, PictureBox)]
    assert len(pages) == 2 and picture.height >= MIN_PICTURE_SHARE * FRAME.height * 0.9
    assert " ".join(shown(pages)).split() == words(80).split()


def test_a_thin_last_slide_shares_the_text_of_the_slide_before_it() -> None:
    """DjangoGirls "How the Internet works": slides of pictures, then a slide of prose and a last one of two
    short lines. The slide before the last ends earlier so that both are evenly filled; the pictures'
    slides stay as they were."""
    items: list[FlowItem] = [PictureBox("image", "net.png", "the internet", ())]
    items += [para(words(20, 20 * i)) for i in range(5)] + [para("Enough talk: time to create.")]
    plain = Pager(FRAME, landscape).lay(with_fixed_sizes(items, FRAME))
    assert page_fill(plain[-1]) < THIN * FRAME.height  # the case: a thin last slide
    pages = paginate(items, FRAME, landscape)
    assert len(pages) == len(plain) and pages[0][0][0].height == plain[0][0][0].height  # picture untouched
    assert min(page_fill(p) for p in pages[-2:]) >= THIN * FRAME.height
    assert " ".join(shown(pages)).split() == (words(100) + " Enough talk: time to create.").split()


def test_tall_wrapped_code_lines_fill_a_slides_end_instead_of_leaving_it_half_empty() -> None:
    """inDox: notebook logs where each "Documentation:" line is followed by one enormous wrapped line. Whole,
    such a line cannot start at a slide's middle, so slides were a third full; cut into visual lines it can."""
    lines: list[tuple[Token, ...]] = []
    for i in range(6):
        lines += [(Token(f"2024-06-30 INFO: response {i}"),), (Token("Documentation:"),), (Token(words(260, i)),)]
    pages = paginate([CodeBox(lines, FRAME.code_size)], FRAME, landscape)
    fills = [page_fill(p) for p in pages]
    assert all(f >= THIN * FRAME.height for f in fills), fills
    text = " ".join("".join(t.text for t in ln) for boxes, _, _ in pages for b in boxes for ln in b.lines)  # type: ignore[union-attr]
    assert text.split() == " ".join("".join(t.text for t in ln) for ln in lines).split()


def test_an_empty_code_block_shows_no_empty_box() -> None:
    flow = FlowBuilder(FRAME, DeckOptions(), lambda m, p: None, [0], lambda code, lang: [(Token(code),)])
    flow.blocks((CodeBlock(code="\n", language="python"), CodeBlock(code="x = 1", language="python")))
    assert [len(it.lines) for it in flow.items if isinstance(it, CodeBox)] == [1]
