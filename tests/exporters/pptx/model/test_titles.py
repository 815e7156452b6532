"""Unique slide titles: repeats take the title of the part they are in, or a number."""

from __future__ import annotations

from presswork.exporters.pptx.model.deck import Para, Slide, TextBox
from presswork.exporters.pptx.model.titles import TitleBook, unique_titles
from tests.support.deckmodel import para


def test_a_repeated_title_takes_its_dividers_title_or_a_number() -> None:
    slides = [
        Slide("section", "Getting Started"),
        Slide("content", "Summary"),
        Slide("section", "Ownership"),
        Slide("content", "Summary"),
        Slide("content", "Summary (1/2)"),
        Slide("content", "Summary (2/2)"),
        Slide("section", "Ownership"),
        Slide("content", "Ownership"),
    ]
    unique_titles(slides)
    titles = [s.title for s in slides]
    assert titles == [
        "Getting Started",
        "Summary",
        "Ownership",
        "Ownership › Summary",
        "Summary (1/2)",
        "Summary (2/2)",
        "Ownership (2)",
        "Ownership (3)",
    ]
    assert len(set(titles)) == len(titles)


def test_chapters_added_one_by_one_stay_unique_against_the_earlier_ones() -> None:
    book = TitleBook()
    first = [Slide("section", "Basics"), Slide("content", "Summary")]
    second = [Slide("section", "Advanced"), Slide("content", "Summary")]
    assert book.add(first) == ("basics", "summary")
    titles, lookups = book.add_recorded(second)
    assert second[1].title == "Advanced › Summary" and titles == ("advanced", "advanced › summary")
    # A kept chapter depends only on the earlier titles it asked about: "summary" (taken) and its crumb (free).
    assert dict(lookups.asked) == {"advanced": False, "summary": True, "advanced › summary": False}
    other = TitleBook()  # other titles before it, and the same last divider
    other.add([Slide("content", "Unrelated"), Slide("content", "Summary"), Slide("section", "Basics")])
    assert other.replays(lookups)  # the same answers: the kept slides are used again
    fresh = TitleBook()
    fresh.add([Slide("section", "Basics")])  # no "Summary" before it: the chapter's slide would keep its title
    assert not fresh.replays(lookups)
    fresh.replay(titles, lookups)
    assert {"advanced", "advanced › summary"} <= fresh.seen


def test_a_run_depends_on_the_last_divider_only_when_it_reads_it() -> None:
    book = TitleBook()
    book.add([Slide("section", "Basics"), Slide("content", "Summary")])
    # No repeated title: the last divider ("Basics") is not read, any other will do, and it stays the last.
    _, lookups = book.add_recorded([Slide("content", "Closures")], "Closures")
    assert lookups.divider is None and lookups.divider_after is None
    other = TitleBook()
    other.add([Slide("section", "Traits")])
    assert other.replays(lookups)
    other.replay(("closures",), lookups)
    assert other.divider == "Traits"
    # A repeated title whose chapter crumb is taken reads it: "Basics › Summary" is the answer.
    book.add([Slide("content", "Summary")], "Tools")
    _, lookups = book.add_recorded([Slide("content", "Summary")], "Tools")
    assert lookups.divider == "Basics" and not other.replays(lookups)
    # A run that opens its own divider before reading one leaves it as the last.
    _, lookups = book.add_recorded([Slide("section", "Tools"), Slide("content", "Summary")], "Tools")
    assert lookups.divider is None and lookups.divider_after == "Tools"


def content(title: str, *paras: Para) -> Slide:
    return Slide("content", title, [TextBox(list(paras))])


def test_a_sub_chapters_repeated_title_takes_the_sub_chapters_or_the_last_dividers_title() -> None:
    """The Rust book: "Summary" closes several sub-chapters (no divider of their own), once "Summary (2)"
    and "Summary (3)"; the nomicon: a sub-chapter "Layout" whose section "Layout" repeats an earlier one."""
    book = TitleBook()
    book.add([Slide("section", "Common Concepts"), content("Summary", para("One."))], "Common Concepts")
    assert book.add([content("Summary", para("Two."))], "Control Flow") == ("control flow › summary",)
    book.add([Slide("section", "Implementing Vec"), content("Layout", para("Vec."))], "Implementing Vec")
    book.add([Slide("section", "Implementing Arc")], "Implementing Arc")
    assert book.add([content("Layout", para("Arc."))], "Layout") == ("implementing arc › layout",)


def test_a_repeated_continuation_keeps_its_count_at_the_end() -> None:
    book = TitleBook()
    book.add([content("Deref (1/2)"), content("Deref (2/2)")], "Implementing Vec")
    again = [content("Deref (1/2)"), content("Deref (2/2)")]
    book.add(again, "Implementing Arc")
    assert [s.title for s in again] == ["Implementing Arc › Deref (1/2)", "Implementing Arc › Deref (2/2)"]


def test_a_chapter_named_like_the_book_is_titled_by_its_subheading_or_as_the_books_front_matter() -> None:
    """The Rust book's title page and the nomicon's opening chapter repeat the book's title: "The
    Rustonomicon (2)" said nothing, nor did the title page's byline ("by Steve Klabnik, …") or "The Rust
    Programming Language (1/2)" in the full deck. Such a slide takes its first subheading, else "About
    This Book", its continuations too."""
    book = TitleBook()
    book.add([Slide("title", "The Rustonomicon"), Slide("agenda", "Agenda")])
    dark = [content("The Rustonomicon", para("The Dark Arts of Unsafe Rust", role="subhead"), para("Text."))]
    book.add(dark, "The Rustonomicon")
    assert dark[0].title == "The Dark Arts of Unsafe Rust"
    other = TitleBook()
    other.add([Slide("title", "The Book")])
    byline = para("by Ada Writer and Ed Itor, with contributions from many readers. More.")
    talk = [content("The Book", byline)]
    other.add(talk, "The Book")
    assert talk[0].title == "About This Book", f"the byline titled the slide: {talk[0].title!r}"
    full = TitleBook()
    full.add([Slide("title", "The Book")])
    parts = [content("The Book (1/2)", byline), content("The Book (2/2)", para("More."))]
    full.add(parts, "The Book")
    assert [s.title for s in parts] == ["About This Book (1/2)", "About This Book (2/2)"]
    opener = TitleBook()  # the nomicon's full deck: a divider "The Rustonomicon (2)" before its sections
    opener.add([Slide("title", "The Rustonomicon")])
    divided = [Slide("section", "The Rustonomicon"), content("The Dark Arts of Unsafe Rust (1/2)")]
    opener.add(divided, "The Rustonomicon")
    assert [s.title for s in divided] == ["About This Book", "The Dark Arts of Unsafe Rust (1/2)"]
