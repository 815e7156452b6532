"""Book parts and appendices: nested contents, part openings, appendix letters, deck dividers, tree JSON."""

from __future__ import annotations

from presswork.core.config import Config
from presswork.core.tree import Chapter, Document, Meta, Paragraph, Text, from_json, to_json
from presswork.exporters.common.contents import book_contents, chapter_files, part_openings
from presswork.exporters.epub.nav import build_toc
from presswork.transforms.numbering import appendix_letter, number


def chapter(ident: str, part: str = "", appendix: bool = False) -> Chapter:
    return Chapter(
        ident, (Text(ident.title()),), f"{ident}.md", (Paragraph((Text("x"),)),), part=part, appendix=appendix
    )


DOC = Document(
    Meta(title="B"),
    (
        chapter("intro"),
        chapter("a", "One"),
        chapter("b", "One"),
        chapter("c", "Two"),
        chapter("keywords", appendix=True),
        chapter("glossary", appendix=True),
    ),
)


def test_parts_open_at_their_first_chapter() -> None:
    assert part_openings(DOC) == ["", "One", "", "Two", "", ""]


def test_contents_nest_chapters_in_parts_only_when_asked() -> None:
    flat = book_contents(DOC, 1, "print")
    assert [e.id for e in flat] == ["intro", "a", "b", "c", "keywords", "glossary"]
    nested = book_contents(DOC, 1, "print", parts=True)
    assert [(e.level, e.id, e.title, [c.id for c in e.children]) for e in nested] == [
        (1, "intro", "Intro", []),
        (0, "part-1", "One", ["a", "b"]),
        (0, "part-2", "Two", ["c"]),
        (1, "keywords", "Keywords", []),
        (1, "glossary", "Glossary", []),
    ]


def test_epub_nav_nests_parts_linking_to_their_first_chapter() -> None:
    files = chapter_files(DOC, "text/", ".xhtml")
    toc = build_toc(DOC, files, 1)
    assert toc[1].label == "One" and toc[1].href == files["a"]
    assert [c.href for c in toc[1].children] == [files["a"], files["b"]]


def test_appendices_are_lettered_after_numbered_chapters() -> None:
    numbered = number(list(DOC.chapters), Config(number_sections=True))
    assert [c.number for c in numbered] == ["1", "2", "3", "4", "A", "B"]
    plain = number(list(DOC.chapters), Config())
    assert [c.number for c in plain] == ["", "", "", "", "A", "B"]
    assert [appendix_letter(n) for n in (1, 26, 27)] == ["A", "Z", "AA"]


def test_part_and_appendix_survive_the_json_round_trip() -> None:
    assert from_json(to_json(DOC)) == DOC


def test_deck_has_a_divider_per_part() -> None:
    from presswork.exporters.pptx.model import Frame, build_deck
    from presswork.exporters.pptx.model.deck import DeckOptions

    deck = build_deck(DOC, Frame(), DeckOptions(), lambda kind, src, pos: None, lambda msg, pos: None)
    sections = [(s.title, s.subtitle[0].runs[0].text if s.subtitle else "") for s in deck.slides if s.kind == "section"]
    # one-slide chapters get no divider of their own (issue 13); each part opens with one
    assert sections == [("One", "Part 1"), ("Two", "Part 2")]
    # a title repeated in the deck (chapter "B" in the book "B") takes its part's title in front: "One › B"
    titles = [s.title.split(" › ")[-1].split(" (")[0] for s in deck.slides if s.kind in ("section", "content")]
    assert titles.index("One") < titles.index("A") < titles.index("B") < titles.index("Two") < titles.index("C")
