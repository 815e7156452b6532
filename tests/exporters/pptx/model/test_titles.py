"""Unique slide titles: repeats take the title of the part they are in, or a number."""

from __future__ import annotations

from presswork.exporters.pptx.model.deck import Slide
from presswork.exporters.pptx.model.titles import TitleBook, unique_titles


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
    before = book.digest()
    assert book.add(first) == ("basics", "summary")
    assert book.digest() != before  # a later chapter's kept slides depend on the titles before it
    book.add(second)
    assert second[1].title == "Advanced › Summary"
