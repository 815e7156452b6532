"""Watch and preview rebuilds with the Typst engine: one warm compiler and compile folder kept between
rebuilds, only changed files rewritten into it, and outputs equal to a clean build's byte for byte."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from presswork.build.failures import FormatsFailed
from presswork.build.pipeline import build
from presswork.build.session import rebuild_session
from presswork.exporters.pdf.typst import session as typst_session
from tests.support.outputs import pdf_text

CONFIG = """title = "Session Book"
language = "en"
formats = ["pdf", "epub", "pptx"]

[pdf]
engine = "typst"
"""

CHAPTERS = {
    "01-first.md": "# First chapter\n\nThe quick brown fox jumps over the lazy dog.\n\n## A section\n\nMore words here.\n",
    "02-second.md": "# Second chapter\n\nAnother chapter that the edit does not touch.\n",
}


def digests(folder: Path) -> dict[str, str]:
    """Name -> SHA-256 of every output file in ``folder``."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def mtimes(folder: Path) -> dict[str, int]:
    """Relative path -> modification time (ns) of every file under ``folder``."""
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def book(make_book, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return make_book({"presswork.toml": CONFIG, **CHAPTERS})


@pytest.mark.slow
def test_rebuilds_share_one_compiler_and_equal_a_clean_build(book: Path, tmp_path: Path) -> None:
    """Two rebuilds after one-word edits reuse the session's compiler, write their formats in-process
    (even when asked for two jobs) and leave outputs identical to a fresh build of the edited book."""
    out = tmp_path / "watch-out"
    with rebuild_session(book):
        session = typst_session.current(book)
        assert session is not None
        first = build(book, out=out, jobs=2)
        assert set(first.outputs) == {"pdf", "epub", "pptx"}
        folder = session.folder
        before = mtimes(folder)
        assert "book.typ" in before and "theme/book.typ" in before

        chapter = book / "01-first.md"
        chapter.write_text(chapter.read_text().replace("lazy", "sleepy"))
        second = build(book, out=out, jobs=2)
        assert set(second.seconds) == {"pdf", "epub", "pptx"}  # one by one in this process, not forked workers
        after = mtimes(folder)
        assert after["book.typ"] != before["book.typ"]  # the edited source was rewritten...
        assert after["theme/book.typ"] == before["theme/book.typ"]  # ...the unchanged template was not

        chapter.write_text(chapter.read_text().replace("sleepy", "drowsy"))
        build(book, out=out, jobs=2)
        assert (session.started, session.reused) == (1, 2)  # one compiler, made once, reused twice
        watched = digests(out)
    assert not folder.exists()  # the session's folder goes with it
    assert typst_session.current(book) is None

    assert "drowsy" in pdf_text(out / "session-book.pdf") and "sleepy" not in pdf_text(out / "session-book.pdf")
    clean = tmp_path / "clean-out"
    shutil.rmtree(book / ".presswork-cache", ignore_errors=True)
    build(book, out=clean)
    assert watched == digests(clean)


def test_a_changed_template_is_written_again(book: Path, tmp_path: Path) -> None:
    """A theme template edited during a watch reaches the compile folder (its name is stable, its content not)."""
    with rebuild_session(book):
        session = typst_session.current(book)
        assert session is not None
        root = session.root(gate=None)  # type: ignore[arg-type]  # write() never asks the gate
        assert root.write("theme/book.typ", b"// one") == "/theme/book.typ"
        root.write("theme/book.typ", b"// two")
        assert (session.folder / "theme" / "book.typ").read_bytes() == b"// two"


def test_no_session_outside_watch_and_in_forked_workers(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain build has no session; a forked worker does not inherit its parent's (another pid)."""
    assert typst_session.current(book) is None
    with rebuild_session(book):
        assert typst_session.current(book) is not None
        monkeypatch.setattr(typst_session.os, "getpid", lambda: -1)
        assert typst_session.current(book) is None


@pytest.mark.slow
def test_a_failed_compile_does_not_end_the_session(book: Path, tmp_path: Path) -> None:
    """A build whose source does not compile keeps it in last-failed/; the next good build makes the
    session's folder and compiler again and writes the PDF."""
    theme = book / "themes" / "broken"
    shutil.copytree(Path(__file__).parents[1] / "themes" / "default", theme)
    good = (theme / "typst" / "book.typ").read_text()
    (book / "presswork.toml").write_text(CONFIG.replace("[pdf]", 'theme = "themes/broken"\n\n[pdf]'))
    out = tmp_path / "out"
    with rebuild_session(book):
        session = typst_session.current(book)
        assert session is not None
        (theme / "typst" / "book.typ").write_text(good + "\n#let broken = (\n")
        with pytest.raises(FormatsFailed) as failed:
            build(book, out=out, formats=["pdf"])
        assert "Typst engine could not compile" in str(failed.value.failures[0])
        assert (book / ".presswork-cache" / "typst" / "last-failed" / "book.typ").is_file()
        (theme / "typst" / "book.typ").write_text(good)
        result = build(book, out=out, formats=["pdf"])
        assert "quick brown fox" in pdf_text(result.outputs["pdf"])
        assert session.started == 2


def test_the_theme_is_kept_until_one_of_its_files_changes(book: Path) -> None:
    """In a session the theme (and the Jinja templates it compiled) is reused while its folders are unchanged;
    a file added to it makes the next build load it afresh. Outside a session every build loads its own."""
    from presswork.build.pipeline import plan_build

    def theme() -> object:
        return plan_build(book, None, None, "themes/mine", False, None).theme

    shutil.copytree(Path(__file__).parents[1] / "themes" / "default", book / "themes" / "mine")
    assert theme() is not theme()
    with rebuild_session(book):
        first = theme()
        assert theme() is first
        (book / "themes" / "mine" / "extra.css").write_text("p { color: red }\n")
        assert theme() is not first


def test_a_killed_watchers_folder_is_removed_by_the_next_session(book: Path) -> None:
    """A watcher killed with -9 leaves its session folder; the next session of the project removes it,
    and leaves the folder of a watcher that still runs."""
    import os
    import subprocess
    import sys

    typst_dir = book / ".presswork-cache" / "typst"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = typst_dir / f"session-{int(gone.stdout)}"
    living = typst_dir / f"session-{os.getppid()}"
    for folder in (dead, living):
        (folder / "theme").mkdir(parents=True)
        (folder / "book.typ").write_text("= Old\n")
    with rebuild_session(book):
        assert not dead.exists()
        assert living.is_dir()


@pytest.mark.slow
def test_presswork_watch_rebuilds_with_one_compiler(presswork, book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``presswork watch`` itself: its rebuild after an edit compiles with the compiler of its first build,
    in its own process though ``--jobs 2`` is asked, and the session is closed when the watch ends."""
    import presswork.build.pipeline as build_module

    real_build = build_module.build
    seen: list[tuple[int, int, set[str]]] = []

    def build_and_edit(*args, **kwargs):
        result = real_build(*args, **kwargs)
        session = typst_session.current(book)
        assert session is not None
        seen.append((session.started, session.reused, set(result.seconds)))
        if len(seen) == 1:
            (book / "02-second.md").write_text(CHAPTERS["02-second.md"].replace("touch", "reach"))
        else:
            raise KeyboardInterrupt  # the author presses Ctrl-C after the rebuild
        return result

    monkeypatch.setattr(build_module, "build", build_and_edit)
    result = presswork("watch", book, "--jobs", "2", "--quiet")
    assert result.status == 130, result.err
    assert seen == [(1, 0, {"pdf", "epub", "pptx"}), (1, 1, {"pdf", "epub", "pptx"})]
    assert typst_session.current(book) is None
    assert not list((book / ".presswork-cache" / "typst").glob("session-*"))
    assert "reach" in pdf_text(book / "output" / "session-book.pdf")
