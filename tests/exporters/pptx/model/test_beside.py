"""Two Content chosen by content: text beside a picture or a short code block when that suits it better than
stacking, and its rendering on the template's Two Content layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.exporters.pptx.model.deck import CodeBox, Frame, PictureBox, Run, TextBox, Token
from presswork.exporters.pptx.model.flow import FlowItem, SpeakerNote
from presswork.exporters.pptx.model.layouts import BESIDE_GAIN, beside_page
from presswork.exporters.pptx.model.paginate import Pager, column_width, with_fixed_sizes
from tests.support.deckmodel import para, words

FRAME = Frame()


def portrait(kind: str, src: str, pos: object) -> tuple[float, float]:
    return (300.0, 420.0)


def landscape(kind: str, src: str, pos: object) -> tuple[float, float]:
    return (1000.0, 400.0)


def code(n: int) -> CodeBox:
    return CodeBox([(Token(f"print({i})"),) for i in range(n)], FRAME.code_size, "python")


def test_a_tall_picture_squeezed_under_text_goes_beside_it() -> None:
    items: list[FlowItem] = [para(words(40)), PictureBox("image", "p.png", "a phone", (Run("The app"),))]
    stacked = Pager(FRAME, portrait)
    assert len(stacked.lay(with_fixed_sizes(items, FRAME))) == 1  # it fits stacked, but small
    page = beside_page(items, FRAME, portrait)
    assert page is not None
    text, pic = page[0]
    assert isinstance(text, TextBox) and isinstance(pic, PictureBox)
    below = stacked.placed_pictures[0]
    assert pic.width * (pic.height - pic.caption_height) >= BESIDE_GAIN * below.width * (
        below.height - below.caption_height
    )
    assert pic.width <= column_width(FRAME) + 0.01 and pic.height <= FRAME.height
    assert text.height <= FRAME.height and text.paras[0].size == FRAME.sizes[0]


def test_a_wide_picture_that_fits_below_the_text_stays_below_it() -> None:
    items: list[FlowItem] = [para(words(20)), PictureBox("image", "w.png", "a chart", ())]
    assert beside_page(items, FRAME, landscape) is None


def test_text_and_a_short_code_block_that_need_two_slides_stacked_share_one_side_by_side() -> None:
    items: list[FlowItem] = [para(words(30)), para(words(25, 30)), code(10), SpeakerNote("say it")]
    assert len(Pager(FRAME, portrait).lay(with_fixed_sizes(items, FRAME))) == 2
    page = beside_page(items, FRAME, portrait)
    assert page is not None and page[1] == ["say it"]
    text, box = page[0]
    assert isinstance(box, CodeBox) and len(box.lines) == 10 and box.size == FRAME.code_size  # its own size
    assert isinstance(text, TextBox) and " ".join("".join(r.text for r in p.runs) for p in text.paras) == words(55)


def test_a_block_before_its_text_stays_first() -> None:
    page = beside_page([code(10), para(words(30)), para(words(25, 30))], FRAME, portrait)
    assert page is not None and [type(b).__name__ for b in page[0]] == ["CodeBox", "TextBox"]


def test_long_or_wide_code_keeps_the_whole_width() -> None:
    assert beside_page([para(words(60)), code(20)], FRAME, portrait) is None  # too many lines for a column
    wide = CodeBox([(Token("x = " + "a_long_name + " * 6),)] * 4, FRAME.code_size)
    assert beside_page([para(words(80)), wide], FRAME, portrait) is None  # would wrap or shrink in half the width


def test_an_author_may_force_text_beside_a_picture() -> None:
    items: list[FlowItem] = [para(words(10)), PictureBox("image", "w.png", "a chart", ())]
    page = beside_page(items, FRAME, landscape, force=True)
    assert page is not None and isinstance(page[0][1], PictureBox)


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image

    from presswork.commands.cli import main

    book = tmp_path_factory.mktemp("beside")
    Image.new("RGB", (300, 420), "steelblue").save(book / "phone.png")
    (book / "book.md").write_text(
        "# Apps\n\n## Before\n\n- zero\n- naught\n\n## On the phone\n\n" + words(40) + "\n\n![The app](phone.png)\n\n"
        "## Hello code\n\n"
        + words(30)
        + "\n\n"
        + words(25, 30)
        + "\n\n```python\n"
        + "".join(f"print({i})\n" for i in range(10))
        + "```\n\n## Code first\n\n```python\n"
        + "".join(f"print({i})\n" for i in range(10))
        + "```\n\n"
        + words(30)
        + "\n\n"
        + words(25, 30)
        + "\n\n"
        + "## Afterwards\n\n- one\n- two\n\n## And then\n\n- three\n- four\n\n## At last\n\n- five\n- six\n",
        encoding="utf-8",
    )
    assert main(["build", str(book / "book.md"), "--format", "pptx", "--out", str(book / "out")]) == 0
    [pptx] = (book / "out").glob("*.pptx")
    return pptx


def test_the_writer_sets_text_and_block_side_by_side_on_the_two_content_layout(deck: Path) -> None:
    from pptx import Presentation

    prs = Presentation(str(deck))
    titles = ("On the phone", "Hello code", "Code first")
    beside = [s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text_frame.text in titles]
    assert len(beside) == 3
    middle = prs.slide_width / 2
    for slide in beside:
        first = slide.shapes.title.text_frame.text == "Code first"
        assert slide.slide_layout.name == "Two Content"
        body = [sh for sh in slide.shapes if sh.has_text_frame and sh != slide.shapes.title and "words" not in sh.name]
        text = [sh for sh in body if "word0" in sh.text_frame.text]
        block = [sh for sh in slide.shapes if sh.shape_type == 13 or sh.name == "Code"]
        assert len(text) == 1 and len(block) == 1
        left, right = (block[0], text[0]) if first else (text[0], block[0])  # in the source's order
        assert left.left + left.width <= middle < right.left
        assert abs(text[0].top - block[0].top) < 12700 * 2  # both at the top of the content area


def test_slides_beside_other_slides_keep_unique_ids_and_parts(deck: Path) -> None:
    """Two Content slides come from the writer's slide factory like every other slide: ids and part names stay unique."""
    from pptx import Presentation

    prs = Presentation(str(deck))
    ids = [s.slide_id for s in prs.slides]
    names = [str(s.part.partname) for s in prs.slides]
    assert len(ids) >= 5 and len(set(ids)) == len(ids) and len(set(names)) == len(names)
