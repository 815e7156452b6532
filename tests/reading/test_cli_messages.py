"""Command-line messages are printed literally, and usage errors are found before the project is read."""

from __future__ import annotations

from pathlib import Path


def test_warning_at_line_100_is_printed_literally(presswork, make_book) -> None:
    filler = "".join(f"Line {i}.\n\n" for i in range(49))
    book = make_book({"01-a.md": "# A\n" + filler + "[^x]: never used [b] *[c]*\n"})
    result = presswork("check", book)
    assert result.status == 0, result.err
    assert "01-a.md:100: warning: footnote [^x] is defined but never used" in result.err
    assert "💯" not in result.err


def test_markup_in_messages_is_not_interpreted(presswork, make_book) -> None:
    book = make_book({"01-a.md": "# A\n\n[^red]: [bold]x[/bold] :smile:\n"})
    result = presswork("check", book)
    assert "footnote [^red] is defined but never used" in result.err


def test_unknown_format_is_a_usage_error_before_reading(presswork, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = presswork("build", empty, "--format", "pfd")
    assert result.status == 2
    assert "unknown format 'pfd'" in result.err and "did you mean 'pdf'" in result.err


def test_check_reports_the_audit_per_file(presswork, make_book) -> None:
    book = make_book({"01-a.md": "# A\n\nSome words here.\n", "02-b.md": "# B\n\nMore words.\n"})
    result = presswork("check", book)
    assert result.status == 0, result.err
    assert "01-a.md: " in result.out and "02-b.md: " in result.out and "0 lost" in result.out
    assert "0 words lost" in result.out


def test_unknown_reader_is_a_usage_error(presswork, make_book) -> None:
    book = make_book({"presswork.toml": 'markdown = "commonmark"\n', "01-a.md": "# A\n\ntext\n"})
    result = presswork("check", book)
    assert result.status == 2
    assert "unknown Markdown reader 'commonmark'" in result.err and "gfm" in result.err
