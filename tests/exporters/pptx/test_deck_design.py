"""Slide design on one built deck: inline math on the baseline, layouts chosen by content or forced by class,
an intro line above two columns, template sizes inherited, and the cover design on the title slide."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Pt

import presswork
from presswork.exporters.pptx import PptxExporter
from presswork.exporters.pptx.model.deck import Frame, Para, Run
from presswork.exporters.pptx.model.inlinemath import has_math, math_lines, math_metrics
from presswork.exporters.pptx.model.measure import para_height
from presswork.exporters.pptx.model.text import tex_to_text
from tests.support.decks import lost_words
from tests.support.trees import make_context, write_images

BOOK = """\
# Design

## Slopes

The slope is $a = \\frac{T_2 - T_1}{R_2 - R_1}$ for two readings.

- Energy: $E = mc^2$ holds.
- Plain item with $x$ and $y_1$.

## Choosing a database

Pros:

- Mature tooling and backups
- Transactions across tables
- Well-known query language

Cons:

- Schema changes need migrations
- Harder to scale writes
- Another service to run

## The chart

![A bar chart](images/chart.png)

## Forced columns {.layout-two-content}

- One
- Two
- Three
- Four

## A quiet moment {.layout-section}

A short statement on a section slide.

## Wide table {.layout-title-only}

Some text on a title-only layout.

## Languages to learn

Most teams that build machine learning systems in production ask for a few of these languages, and knowing two is a good start:

- Python
- Java
- Go
- Rust
- SQL
- Scala
- Julia
- Kotlin
- Haskell
- TypeScript

## Odd {.layout-nonsense}

Text.

## Further reading

For those who want more, here are some valuable resources:

1. Courses:
   - Deep Learning Specialization
   - Fast.ai Courses
   - Machine Learning Crash Course
2. Books:
   - "Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow"
   - "Deep Learning" by Ian Goodfellow
   - "The Hundred-Page Machine Learning Book"
3. Communities:
   - Kaggle
   - Machine Learning subreddit
   - Papers with Code

# Second chapter

The end.
"""


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, Path]:
    tmp = tmp_path_factory.mktemp("design")
    write_images(tmp)
    (tmp / "book.md").write_text(BOOK, encoding="utf-8")
    doc = presswork.read(str(tmp / "book.md"))
    ctx = make_context(tmp, PptxExporter, deck="full")  # the design of the deck that shows every word
    target = tmp / "design.pptx"
    PptxExporter().export(doc, ctx, target)
    return target, ctx, tmp


def slide_by_title(prs: Presentation, title: str):  # type: ignore[no-untyped-def]
    return next(s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text == title)


def test_layouts_follow_the_content_and_the_authors_classes(deck: tuple[Path, object, Path]) -> None:
    path, ctx, _ = deck
    prs = Presentation(str(path))
    layout = {s.shapes.title.text: s.slide_layout.name for s in prs.slides if s.shapes.title is not None}
    assert layout["Choosing a database"] == "Comparison"
    assert layout["The chart"] == "Picture with Caption"
    assert layout["Forced columns"] == "Two Content"
    assert layout["A quiet moment"] == "Section Header"
    assert layout["Wide table"] == "Title Only"
    assert layout["Languages to learn"] == "Two Content"
    warnings = [str(w) for w in ctx.reporter.warnings]  # type: ignore[attr-defined]
    assert any("book.md:58: warning: unknown slide layout class 'layout-nonsense'" in w for w in warnings), warnings
    compare = slide_by_title(prs, "Choosing a database")
    heads = sorted((s for s in compare.placeholders if s.placeholder_format.idx in (1, 3)), key=lambda s: s.left)
    assert [h.text_frame.text for h in heads] == ["Pros:", "Cons:"]
    chart = slide_by_title(prs, "The chart")
    assert [s.name for s in chart.shapes if s.shape_type == 13] == ["Picture"]
    assert "Figure 1.1: A bar chart" in " ".join(s.text_frame.text for s in chart.placeholders if s.has_text_frame)


def test_intro_line_spans_the_two_columns(deck: tuple[Path, object, Path]) -> None:
    prs = Presentation(str(deck[0]))
    slide = slide_by_title(prs, "Languages to learn")
    chrome = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)
    texts = [s for s in slide.shapes if s.has_text_frame]
    texts = sorted(
        (s for s in texts if not s.is_placeholder or s.placeholder_format.type not in chrome), key=lambda s: s.top
    )
    intro, columns = texts[0], texts[1:]
    assert intro.text_frame.text.startswith("Most teams") and intro.width > 2 * columns[0].width
    assert len(columns) == 2 and all(c.is_placeholder and c.top > intro.top for c in columns)
    assert columns[0].top == columns[1].top and columns[0].left != columns[1].left
    for c in columns:  # the placeholders' own sizes apply: no explicit size on their runs
        assert all(r.font.size is None for p in c.text_frame.paragraphs for r in p.runs)


def test_a_list_of_short_groups_runs_in_two_columns_rather_than_spilling(deck: tuple[Path, object, Path]) -> None:
    """Nine resources under three headings: one slide in two columns, even though one book's title wraps
    to two lines in a column (it once made "(1/2)" with one group and "(2/2)" with the rest)."""
    prs = Presentation(str(deck[0]))
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    assert "Further reading" in titles and not any(t.startswith("Further reading (") for t in titles)
    slide = slide_by_title(prs, "Further reading")
    bodies = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text]
    columns = [s for s in bodies if "Courses:" in s.text_frame.text or "Communities:" in s.text_frame.text]
    assert len(columns) == 2 and columns[0].top == columns[1].top and columns[0].left != columns[1].left


def test_inline_math_is_a_picture_on_the_baseline(deck: tuple[Path, object, Path]) -> None:
    prs = Presentation(str(deck[0]))
    slide = slide_by_title(prs, "Slopes")
    pictures = [s for s in slide.shapes if s.shape_type == 13 and s.name == "Inline math"]
    descr = [p._element.xpath("./p:nvPicPr/p:cNvPr/@descr")[0] for p in pictures]
    assert "a = \\frac{T_2 - T_1}{R_2 - R_1}" in descr and len(pictures) == 4
    body = next(s for s in slide.shapes if s.has_text_frame and "slope" in s.text_frame.text)
    assert "frac" not in body.text_frame.text and "T2" not in body.text_frame.text  # never set as text
    for pic in pictures:  # each picture lies inside the text box, on one of its lines
        assert body.left <= pic.left and pic.left + pic.width <= body.left + body.width
        assert body.top <= pic.top and pic.top + pic.height <= body.top + body.height


def test_title_slide_on_the_cover_design(deck: tuple[Path, object, Path]) -> None:
    prs = Presentation(str(deck[0]))
    first = prs.slides[0]
    cover = [s for s in first.shapes if s.shape_type == 13]
    assert [c.name for c in cover] == ["Cover"]
    assert cover[0].width == prs.slide_width and cover[0].height == prs.slide_height
    assert first.shapes[0].name == "Cover"  # behind the text
    assert first.shapes.title.text == prs.core_properties.title and first.shapes.title.top > Pt(100)


@pytest.mark.slow  # among the slowest of the fast tier: renders the deck with LibreOffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed")
def test_every_word_visible_after_a_render(deck: tuple[Path, object, Path]) -> None:
    path, _, tmp = deck
    _, lost, per_slide = lost_words(path, tmp)
    assert lost == 0, per_slide


def test_linear_math_keeps_a_fractions_grouping() -> None:
    assert tex_to_text(r"a = \frac{T_2 - T_1}{R_2 - R_1}") == "a = (T₂ - T₁)/(R₂ - R₁)"
    assert tex_to_text(r"\frac{a}{b}") == "a/b"


def test_math_lines_grow_for_a_fraction_and_count_in_the_height() -> None:
    frame = Frame()
    plain = Para((Run("The slope is x for two readings."),))
    tex = r"a = \frac{T_2 - T_1}{R_2 - R_1}"
    with_math = Para((Run("The slope is "), Run(tex_to_text(tex), math=tex), Run(" for two readings.")))
    assert has_math(with_math) and not has_math(plain)
    lines = math_lines(with_math, frame, frame.width)
    assert len(lines) == 1 and lines[0].slot_size > frame.sizes[0]  # the fraction's line is taller
    assert para_height(with_math, frame, frame.width) > para_height(plain, frame, frame.width)
    slot = next(a for a in lines[0].atoms if a.run.math)
    metrics = math_metrics(tex)
    assert metrics is not None and slot.width == pytest.approx(metrics.width * frame.sizes[0])
    narrow = math_lines(with_math, frame, 260.0)
    assert len(narrow) > 1 and sum(a.run.math == tex for line in narrow for a in line.atoms) == 1
