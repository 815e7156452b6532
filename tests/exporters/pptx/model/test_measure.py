"""Measuring deck content: text heights, titles, tables and code sized to fit the frame."""

from __future__ import annotations

import dataclasses

from presswork.exporters.pptx.model import fit
from presswork.exporters.pptx.model.deck import CodeBox, Frame, Para, Run, Token
from presswork.exporters.pptx.model.measure import (
    HEIGHT_SAFETY,
    code_line_heights,
    code_size,
    measure_table,
    para_height,
    text_height,
    title_lines,
    title_size,
)

FRAME = Frame()


def test_text_is_measured_with_real_metrics() -> None:
    wide, narrow = fit.text_width("WWWW", fit.Style("Calibri", 20)), fit.text_width("iiii", fit.Style("Calibri", 20))
    assert wide > 2 * narrow > 0
    assert fit.text_width("abc", fit.Style("Calibri", 40)) == 2 * fit.text_width("abc", fit.Style("Calibri", 20))
    assert fit.text_width("abc", fit.Style("Calibri", 20, bold=True)) > fit.text_width("abc", fit.Style("Calibri", 20))


def test_wrapping_counts_lines_at_spaces_and_breaks_overlong_words() -> None:
    style = fit.Style("Calibri", 20)
    one = fit.text_width("word ", style)
    assert fit.wrap_count([("word " * 4, style)], one * 4.5) == 1
    assert fit.wrap_count([("word " * 8, style)], one * 4.5) == 2
    assert fit.wrap_count([("a\nb", style)], 1000) == 2
    assert fit.wrap_count([("x" * 200, style)], 100) > 1


def test_a_paragraph_is_one_line_high_until_it_wraps() -> None:
    p = Para((Run("Short"),))
    line = FRAME.sizes[0] * fit.line_factor(FRAME.body_font)
    assert para_height(p, FRAME, FRAME.width, first=True) == line
    long = Para((Run("word " * 200),))
    assert para_height(long, FRAME, FRAME.width, first=True) > 5 * line
    assert para_height(long, FRAME, FRAME.width / 2, first=True) > para_height(long, FRAME, FRAME.width, first=True)
    box = text_height([p, p], FRAME, FRAME.width)
    inner = (2 * line + FRAME.space_of(p, first=False)) * HEIGHT_SAFETY
    assert abs(box - (inner + 2 * FRAME.inset_y)) < 1e-6


def test_titles_shrink_to_fit_and_not_below_the_minimum() -> None:
    assert title_size("Short", FRAME) == FRAME.title_size
    long = "A very long title " * 4
    size = title_size(long, FRAME)
    assert FRAME.min_title_size <= size < FRAME.title_size and title_lines(long, FRAME, size) <= 2
    assert title_size("x" * 400, FRAME) == FRAME.min_title_size


def test_tables_fit_the_width_shrinking_type_only_as_needed() -> None:
    head = [((Run("Name"),), (Run("Value"),))]
    narrow = measure_table(head, [((Run("a"),), (Run("1"),))], ("", ""), FRAME)
    assert narrow.size == FRAME.table_size and sum(narrow.col_widths) <= FRAME.width
    cells = tuple((Run("longword " * 12),) for _ in range(6))
    wide = measure_table([cells], [cells], ("",) * 6, FRAME)
    assert sum(wide.col_widths) <= FRAME.width + 1e-6 and wide.size <= FRAME.table_size
    assert wide.height == sum(wide.head_heights) + sum(wide.row_heights) and wide.row_heights[0] > narrow.row_heights[0]


def test_code_shrinks_for_long_lines_and_wraps_below_the_minimum() -> None:
    short = CodeBox([(Token("x = 1"),)], FRAME.code_size)
    assert code_size(short, FRAME) == FRAME.code_size
    long = CodeBox([(Token("y" * 90),)], FRAME.code_size)
    assert FRAME.min_code_size <= code_size(long, FRAME) < FRAME.code_size
    huge = dataclasses.replace(long, lines=[(Token("z" * 400),)], size=FRAME.min_code_size)
    [h] = code_line_heights(huge, FRAME)
    [one] = code_line_heights(dataclasses.replace(short, size=FRAME.min_code_size), FRAME)
    assert h > 2 * one
