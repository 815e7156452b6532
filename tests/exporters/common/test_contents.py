"""The one contents builder: what it lists, how it nests, and that every format uses it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from presswork.core.tree import (
    Attr,
    Author,
    BlockQuote,
    Chapter,
    Div,
    Document,
    Heading,
    Meta,
    Paragraph,
    Text,
)
from presswork.exporters.common.contents import book_contents, chapter_contents, section_headings
from presswork.exporters.epub import EpubExporter
from presswork.exporters.pdf import PdfExporter
from presswork.exporters.pdf.document import document_html, geometry
from presswork.exporters.pptx.model import Frame, build_deck
from presswork.exporters.pptx.model.deck import DeckOptions
from tests.support.trees import make_context


def H(level: int, title: str, ident: str = "", number: str = "") -> Heading:
    return Heading(level, (Text(title),), Attr(id=ident or title.lower().replace(" ", "-")), number=number)


def P(text: str) -> Paragraph:
    return Paragraph((Text(text),))


def chapter(*blocks: object, ident: str = "ch", title: str = "Chapter", number: str = "") -> Chapter:
    return Chapter(ident, (Text(title),), f"{ident}.md", tuple(blocks), number)  # type: ignore[arg-type]


#: A heading inside speaker notes: the book never shows it, so no contents may list it.
NOTES_BOOK = Document(
    Meta(title="Notes", authors=(Author("A"),)),
    (
        chapter(
            P("Intro."),
            H(2, "Shown"),
            P("Text."),
            Div(Attr(classes=("notes",)), (H(2, "Secret notes heading", "secret"), P("Say this."))),
            Div(Attr(classes=("only-slides",)), (H(2, "Slides only", "slides-only"),)),
            Div(Attr(classes=("no-slides",)), (H(2, "Book only", "book-only"),)),
            ident="one",
            title="One",
            number="1",
        ),
        chapter(P("More."), ident="two", title="Two", number="2"),
    ),
)


def test_sections_nest_by_level_down_to_the_depth() -> None:
    ch = chapter(
        H(2, "A", number="1.1"), H(3, "A1"), H(4, "deep"), H(3, "A2"), H(2, "B"), H(3, "B1"), number="1", title="First"
    )
    entry = chapter_contents(ch, 3, "print")
    assert (entry.id, entry.number, entry.title, entry.level, entry.label) == ("ch", "1", "First", 1, "1 First")
    assert [(c.title, [g.title for g in c.children]) for c in entry.children] == [("A", ["A1", "A2"]), ("B", ["B1"])]
    assert entry.children[0].label == "1.1 A"
    assert [s.title for s in entry.sections] == ["A", "A1", "A2", "B", "B1"]
    assert [e.children for e in book_contents(Document(Meta(), (ch,)), 1, "epub")] == [[]]


def test_a_skipped_level_nests_under_the_nearest_shallower_heading() -> None:
    entry = chapter_contents(chapter(H(4, "Deep first"), H(2, "Then two"), H(3, "Under two")), 6, "epub")
    assert [(c.title, c.level) for c in entry.children] == [("Deep first", 4), ("Then two", 2)]
    assert [c.title for c in entry.children[1].children] == ["Under two"]


def test_only_outline_headings_are_listed() -> None:
    ch = chapter(
        H(2, "Top"),
        Div(Attr(classes=("aside",)), (H(2, "In a plain div"),)),
        BlockQuote((H(2, "Quoted"),)),
        Heading(2, (Text("No id"),)),
    )
    assert [h.attr.id for h in section_headings(ch, "print")] == ["top", "in-a-plain-div"]


@pytest.mark.parametrize(
    ("target", "listed"),
    [
        ("print", ["shown", "book-only"]),
        ("epub", ["shown", "book-only"]),
        ("slides", ["shown", "slides-only"]),
    ],
)
def test_hidden_content_is_left_out_per_format(target: str, listed: list[str]) -> None:
    [one, _two] = book_contents(NOTES_BOOK, 3, target)  # type: ignore[arg-type]
    assert [s.id for s in one.sections] == listed


def test_notes_heading_is_in_neither_the_pdf_contents_nor_the_epub_nav(tmp_path: Path) -> None:
    """Regression: a heading inside ``::: notes`` was listed in the PDF's contents page (linking to an
    id that is never rendered) but not in the EPUB's, because each built its own contents."""
    ctx = make_context(tmp_path, PdfExporter)
    html = document_html(NOTES_BOOK, ctx, geometry(ctx.options))
    root = etree.fromstring(html.encode("utf-8"), etree.HTMLParser())
    contents = root.xpath("//nav[contains(@class, 'contents')]//a/@href")
    assert "#shown" in contents and "#book-only" in contents
    assert not any(h in contents for h in ("#secret", "#slides-only"))
    assert not root.xpath("//*[@id='secret']")  # the heading itself is not printed either

    target = tmp_path / "book.epub"
    EpubExporter().export(NOTES_BOOK, make_context(tmp_path, EpubExporter), target)
    with zipfile.ZipFile(target) as z:
        nav = z.read("EPUB/nav.xhtml").decode("utf-8")
        ncx = z.read("EPUB/toc.ncx").decode("utf-8")
    for listing in (nav, ncx):
        assert "#shown" in listing and "#book-only" in listing
        assert "#secret" not in listing and "Secret notes heading" not in listing


def test_the_deck_agenda_lists_the_chapters_from_the_same_contents() -> None:
    deck = build_deck(NOTES_BOOK, Frame(), DeckOptions(), lambda kind, src, pos: None, lambda msg, pos: None)
    [agenda] = [s for s in deck.slides if s.kind == "agenda"]
    paras = agenda.boxes[0].paras  # type: ignore[union-attr]
    assert [("".join(r.text for r in p.runs), p.runs[0].url, p.number) for p in paras] == [
        (e.title, "#" + e.id, int(e.number)) for e in book_contents(NOTES_BOOK, 1, "slides")
    ]
