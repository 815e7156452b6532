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
    assert data["presswork-tree"] == "1.1"
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
    assert "presswork.toml: unknown configuration key 'titel' (did you mean 'title'?)" in result.err


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
    result = presswork("build", book, "--format", "epub")
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
    proc = subprocess.run([sys.executable, "-m", "presswork", "build", str(tmp_path)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "a.md" in proc.stderr


def test_watch_rebuilds_when_a_chapter_changes(make_book) -> None:
    """watch builds once, rebuilds after an edit, reports a broken edit and keeps watching."""
    import time

    book = make_book({"01-a.md": "# A\n\nfirst version\n"})
    epub = book / "output" / "a.epub"  # named after the book's title, "A"
    proc = subprocess.Popen([sys.executable, "-m", "presswork", "watch", str(book), "--format", "epub"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    assert "01-a.md:3: file not found: 'missing.png'" in err
    assert "Traceback" not in err


def test_a_documentation_folder_gets_a_chapter_per_page(presswork, make_book) -> None:
    """Pages with front matter titles and ### sections (as npm's docs): one chapter each, and the
    first page's title does not become the book's."""
    book = make_book({"config.md": "---\ntitle: config\n---\n### Description\n\ntext\n\n### Settings\n\nmore\n",
                      "scope.md": "---\ntitle: scope\n---\n### Description\n\nscoped\n"}, name="npm-docs")
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

    from presswork.watch import watch

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

    thread = threading.Thread(target=watch, args=([book], book / "output", slow_build, lines.append),
                              kwargs={"status": lines.append, "stop_event": stop}, daemon=True)
    thread.start()
    thread.join(timeout=20)
    stop.set()
    thread.join(timeout=5)
    assert builds == ["# A\n\nfirst\n", "# A\n\nsaved during the build\n"]
    assert lines == ["01-a.md changed; rebuilding"]


def test_watch_prints_a_neutral_status_line_per_rebuild(presswork, make_book, monkeypatch) -> None:
    """The CLI's watch loop: one plain line per rebuild (no red 'changed:'), errors still reported."""
    import presswork.build as build_module
    from presswork.build import BuildResult
    from presswork.diagnostics import PressworkError

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


def test_counts_are_in_the_singular_for_one(presswork, make_book) -> None:
    book = make_book({"a.md": "# A\n\n[broken](#nowhere)\n"})
    assert presswork("check", book).out.strip() == "1 chapter, 1 warning"
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err
    assert "built 1 output in " in result.err and "output(s)" not in result.err


def test_quiet_prints_warnings_but_no_progress(presswork, make_book) -> None:
    book = make_book({"a.md": "# A\n\n[broken](#nowhere)\n"})
    result = presswork("build", book, "--format", "epub", "--quiet")
    assert result.status == 0
    assert result.err.strip().splitlines() == ["a.md:3: warning: broken internal link '#nowhere': no heading or anchor with id 'nowhere'"]


@pytest.mark.parametrize("no_color", ["", "1"])
def test_no_color_turns_off_every_style(presswork, monkeypatch, no_color: str) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # as on a terminal
    monkeypatch.setenv("NO_COLOR", no_color)
    result = presswork("formats")
    assert result.status == 0
    assert ("\x1b[" in result.out) is not bool(no_color)  # the dim plug-in module names
