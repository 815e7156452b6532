"""The command-line contract: commands, exit statuses, and clean errors on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def test_formats_lists_the_three_builtin_exporters(presswork) -> None:
    result = presswork("formats")
    assert result.status == 0
    names = [line.split()[0] for line in result.out.splitlines()]
    assert {"pdf", "epub", "pptx"} <= set(names)


def test_tree_prints_versioned_json(presswork, make_book) -> None:
    book = make_book({"a.md": "# Title\n\nHello *world*.\n"})
    result = presswork("tree", book)
    assert result.status == 0, result.err
    data = json.loads(result.out)
    assert data["presswork-tree"] == "1.5"
    chapter = data["document"]["chapters"][0]
    assert chapter["title"] == [{"t": "Text", "text": "Title"}]
    assert chapter["blocks"][0]["t"] == "Paragraph"
    assert chapter["blocks"][0]["pos"] == ["a.md", 3]


def test_unknown_format_is_a_usage_error_listing_choices(presswork, make_book) -> None:
    book = make_book({"a.md": "# T\n\ntext\n"})
    result = presswork("build", book, "--format", "pfd")
    assert result.status == 2
    assert "unknown format 'pfd' (did you mean 'pdf'?)" in result.err and "epub" in result.err


def test_unknown_theme_is_a_usage_error_listing_choices(presswork, make_book) -> None:
    book = make_book({"a.md": "# T\n\ntext\n"})
    result = presswork("build", book, "--theme", "defualt", "--format", "epub")
    assert result.status == 2
    assert "unknown theme 'defualt' (did you mean 'default'?)" in result.err


def test_unknown_config_key_is_a_usage_error(presswork, make_book) -> None:
    book = make_book({"presswork.toml": 'titel = "x"\n', "a.md": "# T\n"})
    result = presswork("build", book)
    assert result.status == 2
    assert "presswork.toml:1: unknown configuration key 'titel' (did you mean 'title'?)" in result.err


def test_malformed_front_matter_names_file_and_line(presswork, make_book) -> None:
    book = make_book({"01-a.md": "---\ntitle: [unclosed\ndate: x\n---\n\n# A\n"})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert "01-a.md:" in result.err and "Traceback" not in result.err
    assert not (book / "output").exists()


def test_unknown_date_names_file_and_field(presswork, make_book) -> None:
    book = make_book({"01-a.md": '---\npublishDate: "sometime soon"\n---\n\n# A\n\ntext\n'})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert "01-a.md:1: publishDate: unknown date format 'sometime soon'" in result.err


def test_missing_image_names_file_and_line(presswork, make_book) -> None:
    book = make_book({"01-a.md": "# A\n\nSome text.\n\n![Alt](images/missing.png)\n"})
    result = presswork("build", book, "--format", "epub", "--strict")
    assert result.status == 1
    assert "01-a.md:5: file not found: 'images/missing.png'" in result.err


def test_missing_chapter_file_names_config_and_file(presswork, make_book) -> None:
    book = make_book({"presswork.toml": 'chapters = ["01-a.md", "02-b.md"]\n', "01-a.md": "# A\n\ntext\n"})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert "presswork.toml: chapter file '02-b.md' not found" in result.err


def test_drafts_are_left_out_unless_asked(presswork, make_book) -> None:
    book = make_book({"01-a.md": "# A\n\nkept\n", "02-b.md": "---\ndraft: true\n---\n# B\n\ndrafted\n"})
    result = presswork("tree", book)
    assert [c["id"] for c in json.loads(result.out)["document"]["chapters"]] == ["a"]
    result = presswork("tree", book, "--drafts")
    assert [c["id"] for c in json.loads(result.out)["document"]["chapters"]] == ["a", "b"]


def test_strict_turns_warnings_into_errors(presswork, make_book) -> None:
    book = make_book({"01-a.md": "# A\n\n[broken](#nowhere)\n"})
    assert presswork("check", book).status == 0
    result = presswork("check", book, "--strict")
    assert result.status == 1
    assert "01-a.md:3: warning: broken internal link '#nowhere'" in result.err


def test_binary_and_non_utf8_input_is_a_clean_error(presswork, make_book) -> None:
    book = make_book({"01-a.md": b"# A\n\n\xff\xfe caf\xe9\n"})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert "01-a.md" in result.err and "UTF-8" in result.err and "Traceback" not in result.err


def test_utf8_bom_is_accepted(presswork, make_book) -> None:
    book = make_book({"01-a.md": "\ufeff# Título\n\ntext\n".encode()})
    result = presswork("tree", book)
    assert result.status == 0
    assert json.loads(result.out)["document"]["chapters"][0]["title"][0]["text"] == "Título"


def test_empty_input_is_a_clear_error(presswork, make_book) -> None:
    book = make_book({"01-a.md": ""})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert "the book is empty: 01-a.md has no text" in result.err


def test_single_file_source_builds_next_to_it(presswork, make_book) -> None:
    book = make_book({"notes.md": "# Notes\n\nJust one file.\n"})
    result = presswork("build", book / "notes.md", "--format", "epub", "--out", book / "out")
    assert result.status == 0, result.err
    assert (book / "out" / "notes.epub").is_file()


def test_no_traceback_from_a_subprocess_even_on_internal_errors(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\n: : :\n---\n")
    proc = subprocess.run(
        [sys.executable, "-m", "presswork", "build", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "a.md" in proc.stderr


def test_watch_rebuilds_when_a_chapter_changes(make_book) -> None:
    """watch builds once, rebuilds after an edit, reports a broken edit and keeps watching."""
    import time

    book = make_book({"01-a.md": "# A\n\nfirst version\n"})
    epub = book / "output" / "a.epub"  # named after the book's title, "A"
    proc = subprocess.Popen(
        [sys.executable, "-m", "presswork", "watch", str(book), "--format", "epub"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not epub.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        first = epub.stat().st_mtime_ns
        (book / "01-a.md").write_text("# A\n\n![x](missing.png)\n")
        time.sleep(2)
        (book / "01-a.md").write_text("# A\n\nsecond version\n")
        while epub.stat().st_mtime_ns == first and time.monotonic() < deadline:
            time.sleep(0.2)
        assert epub.stat().st_mtime_ns != first
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "01-a.md:3: warning: file not found: 'missing.png'" in err
    assert "Traceback" not in err


def test_a_documentation_folder_gets_a_chapter_per_page(presswork, make_book) -> None:
    """Pages with front matter titles and ### sections (as npm's docs): one chapter each, and the
    first page's title does not become the book's."""
    book = make_book(
        {
            "config.md": "---\ntitle: config\n---\n### Description\n\ntext\n\n### Settings\n\nmore\n",
            "scope.md": "---\ntitle: scope\n---\n### Description\n\nscoped\n",
        },
        name="npm-docs",
    )
    doc = json.loads(presswork("tree", book).out)["document"]
    assert [c["title"][0]["text"] for c in doc["chapters"]] == ["config", "scope"]
    assert doc["meta"]["title"] == "npm-docs"


def test_an_empty_heading_in_a_two_file_book_is_no_crash(presswork, make_book) -> None:
    """Found by Hypothesis: a first chapter with an empty title and no front matter title."""
    book = make_book({"01-a.md": "\n", "02-b.md": "#  \n"})
    result = presswork("check", book)
    assert result.status in (0, 1) and "Traceback" not in result.err and "internal error" not in result.err


def test_watch_picks_up_an_edit_saved_during_the_first_build(tmp_path: Path) -> None:
    """The watcher starts before the first build, so a save while it runs gives one more build."""
    import threading

    from presswork.commands.watch import watch

    book = tmp_path / "book"
    book.mkdir()
    (book / "01-a.md").write_text("# A\n\nfirst\n")
    (book / ".notes.md.swp").write_text("")
    stop = threading.Event()
    builds: list[str] = []
    lines: list[str] = []

    def slow_build() -> None:
        builds.append((book / "01-a.md").read_text())
        if len(builds) == 1:
            (book / "01-a.md").write_text("# A\n\nsaved during the build\n")
            (book / ".notes.md.swp").write_text("an editor's temporary file: ignored")
            (book / "output").mkdir()
            (book / "output" / "a.md").write_text("our own output: ignored")
            stop.wait(0.5)  # the build goes on for a while after the save
        else:
            stop.set()

    thread = threading.Thread(
        target=watch,
        args=([book], book / "output", slow_build, lines.append),
        kwargs={"status": lines.append, "stop_event": stop},
        daemon=True,
    )
    thread.start()
    thread.join(timeout=20)
    stop.set()
    thread.join(timeout=5)
    assert builds == ["# A\n\nfirst\n", "# A\n\nsaved during the build\n"]
    assert lines == ["01-a.md changed; rebuilding"]


def test_watch_prints_a_neutral_status_line_per_rebuild(presswork, make_book, monkeypatch) -> None:
    """The CLI's watch loop: one plain line per rebuild (no red 'changed:'), errors still reported."""
    import presswork.build.pipeline as build_module
    from presswork.build.result import BuildResult
    from presswork.core.diagnostics import PressworkError

    book = make_book({"01-a.md": "# A\n\ntext\n"})
    calls: list[int] = []

    def fake_build(*args, **kwargs) -> BuildResult:
        calls.append(1)
        if len(calls) == 1:
            (book / "01-a.md").write_text("# A\n\nedited\n")
            raise PressworkError("broken", "01-a.md:3")
        raise KeyboardInterrupt  # the author presses Ctrl-C after the rebuild

    monkeypatch.setattr(build_module, "build", fake_build)
    result = presswork("watch", book, "--format", "epub")
    assert result.status == 130 and len(calls) == 2
    lines = result.err.splitlines()
    assert lines[0].startswith("watching ") and "01-a.md:3: broken" in lines
    assert "01-a.md changed; rebuilding" in lines and not any("changed:" in line for line in lines)


def test_watch_strict_lists_every_warning(presswork, make_book, monkeypatch) -> None:
    """A ``--strict`` rebuild in watch prints all its warnings, as ``build --strict`` does."""
    import presswork.build.pipeline as build_module
    from presswork.build.result import BuildResult
    from presswork.core.diagnostics import StrictError, Warning_
    from presswork.core.tree import Pos

    book = make_book({"01-a.md": "# A\n\ntext\n"})

    def fake_build(*args, **kwargs) -> BuildResult:
        raise StrictError([Warning_("second", Pos("01-a.md", 9)), Warning_("first", Pos("01-a.md", 3))])

    monkeypatch.setattr(build_module, "build", fake_build)
    monkeypatch.setattr(
        "presswork.commands.watch.watch", lambda folders, out, rebuild, report, **kw: rebuild_once(rebuild, report)
    )

    def rebuild_once(rebuild, report) -> None:
        try:
            rebuild()
        except StrictError as exc:
            report(exc)

    result = presswork("watch", book, "--strict")
    lines = [line for line in result.err.splitlines() if "01-a.md:" in line or "with --strict" in line]
    assert lines == [
        "01-a.md:3: first (--strict turns warnings into errors)",
        "01-a.md:9: second (--strict turns warnings into errors)",
        "presswork: error: 2 warnings with --strict",
    ], result.err


def test_counts_are_in_the_singular_for_one(presswork, make_book) -> None:
    book = make_book({"a.md": "# A\n\n[broken](#nowhere)\n"})
    assert presswork("check", book).out.strip().splitlines() == [
        "a.md: 3 words, 0 lost",
        "1 chapter, 1 warning, 0 words lost",
    ]
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err
    assert "built 1 output in " in result.err and "output(s)" not in result.err


def test_quiet_prints_warnings_but_no_progress(presswork, make_book) -> None:
    book = make_book({"a.md": "# A\n\n[broken](#nowhere)\n"})
    result = presswork("build", book, "--format", "epub", "--quiet")
    assert result.status == 0
    assert result.err.strip().splitlines() == [
        "a.md:3: warning: broken internal link '#nowhere': no heading or anchor with id 'nowhere'",
        "   3 | [broken](#nowhere)",
        "     |          ^~~~~~~~",
    ]


@pytest.mark.parametrize("no_color", ["", "1"])
def test_no_color_turns_off_every_style(presswork, monkeypatch, no_color: str) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # as on a terminal
    monkeypatch.setenv("NO_COLOR", no_color)
    result = presswork("formats")
    assert result.status == 0
    assert ("\x1b[" in result.out) is not bool(no_color)  # the dim plug-in module names


# ----------------------------------------------------------------------------- errors like a compiler's

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_warnings_are_sorted_by_file_and_line_each_once_with_the_source_line(presswork, make_book) -> None:
    book = make_book(
        {
            "01-a.md": "# A\n\n[late](#nowhere)\n",
            "02-b.md": "# B\n\n![](p.png)\n\n[x](#gone)\n",
            "p.png": PNG,
            "00-first.md": "# First\n\n\n\n\n[early](#missing)\n",
        }
    )
    result = presswork("build", book, "--format", "epub", "--quiet")
    assert result.status == 0, result.err
    warnings = [line for line in result.err.splitlines() if ": warning: " in line]
    assert [w.split(": warning:")[0] for w in warnings] == ["00-first.md:6", "01-a.md:3", "02-b.md:3", "02-b.md:5"]
    assert sum("has no alt text" in w for w in warnings) == 1, "a missing alt text is reported once"
    lines = result.err.splitlines()
    assert lines[lines.index(warnings[2]) + 1] == "   3 | ![](p.png)"


def test_strict_lists_every_warning_not_the_first_and_a_count(presswork, make_book) -> None:
    book = make_book({"a.md": "# A\n\n[one](#nowhere)\n\n[two](#gone)\n\n![](p.png)\n", "p.png": PNG})
    result = presswork("build", book, "--format", "epub", "--strict")
    assert result.status == 1
    assert "more)" not in result.err
    for where in (
        "a.md:3: broken internal link '#nowhere'",
        "a.md:5: broken internal link '#gone'",
        "a.md:7: image 'p.png' has no alt text",
    ):
        assert where in result.err
    assert "presswork: error: 3 warnings with --strict" in result.err
    assert not (book / "output").exists() or not list((book / "output").iterdir())


def test_an_error_shows_its_source_line_and_a_caret_where_the_column_is_known(presswork, make_book) -> None:
    book = make_book({"presswork.toml": 'title = "T"\nformats = ["pdf"\nauthor = 1\n', "a.md": "# A\n"})
    result = presswork("check", book)
    assert result.status == 1
    lines = result.err.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("presswork.toml:"))
    assert lines[at + 1].startswith("   3 | author = 1") or lines[at + 1].startswith("   2 | ")
    assert lines[at + 2].strip().startswith("|") and lines[at + 2].rstrip().endswith("^")
    missing = make_book({"a.md": "# A\n\n![a picture](missing.png)\n"}, name="other")
    result = presswork("build", missing, "--format", "epub", "--strict")
    assert "a.md:3: file not found: 'missing.png'" in result.err
    assert "   3 | ![a picture](missing.png)" in result.err.splitlines()


def test_verbose_tracebacks_are_not_wrapped(presswork, make_book, monkeypatch) -> None:
    import presswork.build.pipeline as build_module

    book = make_book({"a.md": "# A\n"})

    def broken(*args, **kwargs):
        raise RuntimeError("x" * 150)

    monkeypatch.setattr(build_module, "build", broken)
    result = presswork("build", book, "--verbose")
    assert "Traceback (most recent call last):" in result.err
    assert "RuntimeError: " + "x" * 150 in result.err.splitlines()


def test_a_build_shows_its_stages_and_a_summary_of_each_output(presswork, make_book) -> None:
    book = make_book({"a.md": "# A\n\nText.\n", "b.md": "# B\n\n[x](#nowhere)\n"})
    result = presswork("build", book, "--format", "pptx,html", "--jobs", "1")  # one after another: a stage each
    assert result.status == 0, result.err
    lines = result.err.splitlines()
    for stage in ("reading 2 files", "transforming", "writing pptx (1/2)", "writing html (2/2)"):
        assert stage in lines
    pptx = next(line for line in lines if line.startswith("wrote ") and ".pptx" in line)
    site = next(line for line in lines if line.startswith("wrote ") and "-site/" in line)
    assert " slides, " in pptx and " KB, " in pptx and " s, 0 warnings)" in pptx
    assert "3 pages" in site  # two chapters and the index
    assert lines[-1].startswith("built 2 outputs in ") and lines[-1].endswith(", 1 warning")


# ----------------------------------------------------------------------------- documentation


def _subparsers() -> dict[str, object]:
    import argparse

    from presswork.commands.cli import _parser

    parser = _parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_option_the_readme_mentions_exists_in_the_parser() -> None:
    import re

    from tests.support import REPO

    # the README and the user guide; the benchmark's page and the maintainers' guide document
    # benchmarks/run.py's and Pandoc's options, not presswork's
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    readme = "\n".join(p.read_text(encoding="utf-8") for p in pages if p.name != "performance.md")
    assert "--jobs" in readme and "--port" in readme
    known = {opt for sp in _subparsers().values() for a in sp._actions for opt in a.option_strings}  # type: ignore[attr-defined]
    # presswork's own command lines and option mentions (pip's and pytest's options are not presswork's)
    mentioned = set()
    for line in readme.splitlines():
        if re.search(r"\b(pip|pytest|apt-get|ruff|mypy)\b|benchmarks/", line):  # the benchmark has options of its own
            continue
        mentioned |= set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", line))
    assert mentioned, "the README mentions options"
    assert mentioned - known == set(), f"options in the README that no command has: {sorted(mentioned - known)}"
    # and each command the README shows exists
    fenced = "\n".join(re.findall(r"^```[a-z]*\n(.*?)^```", readme, re.S | re.M))
    commands = set(re.findall(r"^presswork (\w+)", fenced, re.M)) | set(re.findall(r"`presswork (\w+)[ `]", readme))
    assert commands <= set(_subparsers()), commands - set(_subparsers())


@pytest.mark.parametrize("command", ["build", "watch", "preview", "check", "tree", "new", "formats", "themes"])
def test_every_help_has_an_example_and_lists_the_choices(presswork, command: str) -> None:
    with pytest.raises(SystemExit) as info:
        presswork(command, "--help")
    assert info.value.code == 0
    from presswork.commands.cli import _parser  # noqa: F401 - the help went to stdout through argparse

    text = _subparsers()[command].format_help()  # type: ignore[attr-defined]
    assert "example" in text and f"presswork {command}" in text
    if command in ("build", "watch", "preview"):
        assert "epub, html, pdf, pptx" in text and "default, handout" in text


def test_on_a_terminal_the_summary_is_a_table(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from presswork.build.pipeline import build
    from presswork.commands.cli import _print_summary

    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    result = build(tmp_path / "book", formats=["html"], out=tmp_path / "out")
    buffer = io.StringIO()
    _print_summary(Console(file=buffer, force_terminal=True, width=100, color_system="standard"), result, 1.0)
    text = buffer.getvalue()
    for heading in ("Output", "Size", "Contents", "Time", "Warnings"):
        assert heading in text
    assert "a-site/" in text and "2 pages" in text and "built 1 output in 1.0 s, 0 warnings" in text
    assert "wrote " not in text, "a table, not the plain lines"


def test_verbose_says_how_the_pdf_was_laid_out(presswork, make_book) -> None:
    book = make_book({"a.md": "# A\n\nText.\n", "presswork.toml": 'title = "T"\n[pdf]\nengine = "typst"\n'})
    result = presswork("build", book, "--format", "pdf", "--verbose")
    assert result.status == 0, result.err
    assert "note: Typst: the book is compiled whole: a short book (" in result.err, result.err
    quiet = presswork("build", book, "--format", "pdf")
    assert "note:" not in quiet.err, "notes printed without --verbose after a verbose build"


def test_verbose_notes_are_printed_once_when_a_library_gave_the_root_logger_a_handler(presswork, make_book) -> None:
    """ziafont logs through the root logger (``logging.warning``), which gives it a handler printing to stderr."""
    import logging
    import sys

    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    book = make_book({"a.md": "# A\n\nText.\n", "presswork.toml": 'title = "T"\n[pdf]\nengine = "typst"\n'})
    root.addHandler(handler)
    try:
        result = presswork("build", book, "--format", "pdf", "--verbose")
    finally:
        root.removeHandler(handler)
    assert result.status == 0, result.err
    assert result.err.count("the book is compiled whole") == 1, result.err


def test_the_command_leaves_at_once_with_its_status_and_every_line_said(tmp_path: Path) -> None:
    """``presswork`` leaves without freeing the book's objects one by one (``console``), yet keeps what a
    normal exit keeps: the status (0, 1, and 2 for a usage error) and every line written to a pipe."""
    (tmp_path / "01-a.md").write_text("# A\n\nSome text.\n")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "presswork", *args], capture_output=True, text=True, timeout=120, check=False
        )

    built = run("build", str(tmp_path), "--format", "epub", "--verbose")
    assert built.returncode == 0, built.stderr
    assert "wrote" in built.stdout + built.stderr and built.stderr.rstrip().endswith("0 warnings")
    assert (tmp_path / "output" / "a.epub").is_file()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.md").write_text("---\n: : :\n---\n")
    failed = run("build", str(broken))
    assert failed.returncode == 1 and "a.md" in failed.stderr
    assert run("build", str(tmp_path / "missing")).returncode == 2
    assert run("build", str(tmp_path), "--no-such-option").returncode == 2
    listed = run("formats")
    assert listed.returncode == 0 and "pptx" in listed.stdout
    # It leaves without the interpreter's own way out (no exit handlers, no freeing of every object).
    code = "import atexit; from presswork.commands.cli import console; atexit.register(print, 'unwound'); console(['formats'])"
    left = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert left.returncode == 0 and "pptx" in left.stdout and "unwound" not in left.stdout
