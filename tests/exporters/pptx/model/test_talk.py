"""The talk deck: what reaches the slides, the notes that help the speaker, the budget and the book's outline."""

from __future__ import annotations

import re

from presswork.core.tree import (
    BulletList,
    Chapter,
    CodeBlock,
    Document,
    Heading,
    ListItem,
    Meta,
    Paragraph,
    Text,
)
from presswork.core.walk import iter_nodes
from presswork.exporters.pptx.model import build_deck, highlight
from presswork.exporters.pptx.model.deck import CodeBox, Deck, Frame, TextBox, slide_words
from presswork.exporters.pptx.model.deck import DeckOptions as Options
from presswork.exporters.pptx.model.talk import FULL_TEXT, code_head, lead_length
from tests.support.trees import feature_document

FRAME = Frame(width=873.6, height=367.2)
TALK = Options(deck="talk")


def sizer(kind: str, src: str, pos: object) -> tuple[float, float]:
    return (800.0, 400.0)


def P(text: str) -> Paragraph:
    return Paragraph((Text(text),))


def H(level: int, text: str) -> Heading:
    return Heading(level, (Text(text),))


def deck_of(*chapters: Chapter, opts: Options = TALK, budget: int = 0) -> Deck:
    doc = Document(Meta(title="T"), chapters)
    return build_deck(doc, FRAME, opts, sizer, lambda m, p: None, highlight, budget)


def shown(slide) -> str:  # type: ignore[no-untyped-def]
    return " ".join("".join(r.text for r in p.runs) for b in slide.boxes if isinstance(b, TextBox) for p in b.paras)


def norm(word: str) -> str:
    return re.sub(r"\W+", "", word.lower())


def test_a_talk_slide_shows_the_lead_sentence_and_the_notes_give_the_points_then_the_full_text() -> None:
    para = "Ownership is Rust's most unusual feature. It enables memory safety. It needs no garbage collector."
    deck = deck_of(Chapter("c", (Text("Own"),), "c.md", (P(para), BulletList((ListItem((P("a list item"),)),)))))
    [slide] = [s for s in deck.slides if s.kind == "content"]
    assert shown(slide) == "Ownership is Rust's most unusual feature. a list item"
    assert slide.notes == ["It enables memory safety. It needs no garbage collector.", FULL_TEXT, para]


def test_a_long_first_sentence_is_cut_at_its_lead_clause() -> None:
    text = (
        "Cargo is the build system and package manager of Rust: it builds your code, downloads the libraries "
        "your code depends on and builds those libraries too."
    )
    cut = lead_length(text, len(text))
    assert text[:cut] == "Cargo is the build system and package manager of Rust"


def test_long_code_shows_its_first_top_level_items_and_the_whole_listing_is_in_the_notes() -> None:
    fns = "\n\n".join(f'fn f{i}() {{\n    let x = {i};\n    println!("{{x}}");\n}}' for i in range(6))
    assert code_head(fns, 14) == "\n\n".join(fns.split("\n\n")[:3])  # whole functions, never inside one
    deck = deck_of(Chapter("c", (Text("Code"),), "c.md", (P("Six functions."), CodeBlock(fns, "rust"))))
    [slide] = [s for s in deck.slides if s.kind == "content"]  # one slide, not the listing cut over several
    [box] = [b for b in slide.boxes if isinstance(b, CodeBox)]
    lines = ["".join(t.text for t in line) for line in box.lines]
    head = "\n\n".join(fns.split("\n\n")[:2]).split("\n")
    assert lines == [*head[:-1], head[-1] + "  …"]  # the elision mark closes the last line shown
    assert fns in slide.notes


def test_every_word_of_the_feature_book_is_on_a_talk_slide_or_in_its_notes() -> None:
    doc = feature_document()
    deck = build_deck(doc, FRAME, TALK, sizer, lambda m, p: None, highlight, 5)
    seen = " ".join(norm(w) for s in deck.slides for w in slide_words(s))
    source = {norm(w) for node in iter_nodes(doc) if isinstance(node, Text) for w in node.text.split()} - {""}
    assert [w for w in source if w not in seen] == []
    for s in deck.slides:
        if s.kind == "content":
            assert s.notes and FULL_TEXT in s.notes  # notes on every content slide


def test_the_budget_is_met_by_moving_content_to_the_notes() -> None:
    sections: list[Paragraph | Heading | BulletList] = []
    for i in range(8):
        items = tuple(ListItem((P(f"point {i}.{k} " + "word " * 8),)) for k in range(12))
        sections += [H(2, f"Section {i}"), P(f"Section {i} opens. " + "More words here. " * 10), BulletList(items)]
    ch = Chapter("c", (Text("Big"),), "c.md", tuple(sections))
    unlimited = deck_of(ch)
    budgeted = deck_of(ch, budget=12)
    assert len(unlimited.slides) > 12 >= len(budgeted.slides)

    def words(deck: Deck) -> set[str]:
        return {w for s in deck.slides for w in slide_words(s) if not re.fullmatch(r"\(\d+/\d+\)", w)}

    assert words(unlimited) <= words(budgeted)  # nothing lost, only moved
    for s in budgeted.slides:
        for b in s.boxes:
            if isinstance(b, TextBox):
                assert all(FRAME.size_of(p) >= FRAME.sizes[2] for p in b.paras)  # type never below the body


def _outline() -> tuple[Chapter, ...]:
    # mdBook: "Getting Started" is short and opens sub-chapters; "Installation" is one of them
    getting = Chapter("gs", (Text("Getting Started"),), "gs.md", (P("Let's start your Rust journey!"),))
    install = Chapter(
        "inst",
        (Text("Installation"),),
        "inst.md",
        (P("The first step is to install Rust."), H(2, "On Linux"), P("Run rustup."), H(2, "On Windows"), P("Go.")),
        depth=2,
    )
    return getting, install


def test_dividers_for_chapters_that_open_sub_chapters_never_for_a_sub_chapter() -> None:
    for opts in (TALK, Options(deck="full")):
        deck = deck_of(*_outline(), opts=opts)
        dividers = [s.title for s in deck.slides if s.kind == "section"]
        assert dividers == ["Getting Started"], opts.deck


def test_no_divider_is_followed_by_a_slide_of_its_own_title() -> None:
    links = BulletList(tuple(ListItem((P(f"Resource number {i} " + "word " * 10),)) for i in range(18)))
    resources = Chapter("res", (Text("Additional Resources"),), "r.md", (P("Here are some:"), links))
    opening = P("Welcome to the course. " + "It has many words in its opening. " * 12)
    welcome = Chapter(
        "w", (Text("Welcome"),), "w.md", (opening, opening, H(2, "First"), P("One."), H(2, "Second"), P("Two."))
    )
    for opts in (TALK, Options(deck="full")):
        deck = deck_of(resources, welcome, opts=opts)
        slides = deck.slides
        for a, b in zip(slides, slides[1:], strict=False):
            if a.kind == "section":
                assert re.sub(r" \(\d+/\d+\)$", "", b.title) != a.title, (opts.deck, a.title)


def test_a_listing_that_fits_a_slide_of_its_own_is_not_cut() -> None:
    lead = P("Request and response extensions provide an untyped space where more information may be added.")
    code = "\n".join(f"x{k} = {k}" for k in range(11))
    more = "\n".join(f"y{k} = {k}" for k in range(5))
    blocks = (lead, CodeBlock(code, "python"), CodeBlock(more, "python"))
    for opts in (TALK, Options(deck="full")):
        deck = deck_of(Chapter("c", (Text("Code"),), "c.md", blocks), opts=opts)
        boxes = [b for s in deck.slides for b in s.boxes if isinstance(b, CodeBox)]
        assert [len(b.lines) for b in boxes] == [11, 5], opts.deck  # was cut 7 + 4 over two slides
