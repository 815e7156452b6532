"""Outputs are written atomically, concurrent builds do not corrupt each other, and builds with
SOURCE_DATE_EPOCH are byte-identical."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from presswork.core.diagnostics import PressworkError
from presswork.exporters.epub import EpubExporter
from presswork.exporters.pptx import PptxExporter
from tests.support.cli import problem_lines
from tests.support.outputs import assert_same_files
from tests.support.safety import check_outputs_valid


def hashes(folder: Path) -> dict[str, str]:
    """Name -> SHA-256 of every file in ``folder`` (hidden temporary files included)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def half_then(exc: BaseException):
    """An export method that writes half a file, then raises ``exc``."""

    def export(self, doc, ctx, target: Path) -> None:
        target.write_bytes(b"PK\x03\x04 half a file")
        raise exc

    return export


@pytest.fixture
def built(presswork, make_book) -> Path:
    """A small book built once into EPUB and PPTX."""
    book = make_book({"01-a.md": "# A\n\nFirst version.\n"})
    assert presswork("build", book, "--format", "epub,pptx").status == 0
    (book / "01-a.md").write_text("# A\n\nSecond version, never written.\n")
    return book


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), PressworkError("bad")])
def test_failed_build_leaves_previous_outputs_intact(
    presswork, built: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    """The EPUB is written first and succeeds; the PPTX stops the build midway. Neither output changes."""
    before = hashes(built / "output")
    monkeypatch.setattr(PptxExporter, "export", half_then(exc))
    result = presswork("build", built, "--format", "epub,pptx")
    assert hashes(built / "output") == before  # byte-for-byte, and no temporary file left behind
    assert "Traceback" not in result.err
    if isinstance(exc, KeyboardInterrupt):
        assert result.status == 130
        assert "presswork: interrupted; earlier outputs are intact" in result.err
    else:
        assert result.status == 1 and problem_lines(result.err) == ["presswork: error: bad"]
    monkeypatch.undo()
    assert presswork("build", built, "--format", "epub,pptx").status == 0
    assert hashes(built / "output").keys() == before.keys() and hashes(built / "output") != before


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_format_that_fails_unexpectedly_leaves_the_others_written(
    presswork, make_book, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    """A bug in the deck writer: the PDF and EPUB are still written, the old deck is left as it was,
    and the build ends with status 1 naming the format, without a traceback."""
    book = make_book({"01-a.md": "# A\n\nFirst version.\n\n```yaml\nkey: value\n```\n"})
    assert presswork("build", book, "--format", "pptx").status == 0
    deck = book / "output" / "a.pptx"
    old_deck = deck.read_bytes()
    (book / "01-a.md").write_text("# A\n\nSecond version.\n\n```yaml\nkey: value\n```\n")

    def broken(self, doc, ctx, target: Path) -> None:
        from presswork.core.tree import CodeBlock
        from presswork.core.walk import query

        target.write_bytes(b"PK\x03\x04 half a deck")
        for block in query(doc, CodeBlock):
            if block.language == "yaml":
                raise KeyError("Token.Literal.Scalar.Plain")

    monkeypatch.setattr(PptxExporter, "export", broken)
    result = presswork("build", book, "--format", "pdf,epub,pptx", "--jobs", jobs)
    assert result.status == 1
    assert "Traceback" not in result.err
    problems = [line for line in problem_lines(result.err) if "error" in line]
    assert problems == [
        "presswork: error: pptx: could not be written: KeyError: 'Token.Literal.Scalar.Plain' (this is a bug in "
        "the pptx exporter; run with --verbose for the traceback and please report it) (01-a.md:5)",
        "presswork: error: pptx could not be written; pdf, epub were written",
    ]
    assert deck.read_bytes() == old_deck
    assert sorted(p.name for p in (book / "output").iterdir()) == ["a.epub", "a.pdf", "a.pptx"]
    check_outputs_valid(book / "output")
    assert (
        "Second version."
        in subprocess.run(
            ["pdftotext", str(book / "output" / "a.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
    )


def test_exporter_writing_nothing_is_an_error(presswork, built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = hashes(built / "output")
    monkeypatch.setattr(EpubExporter, "export", lambda self, doc, ctx, target: None)
    result = presswork("build", built, "--format", "epub")
    assert result.status == 1 and "the epub exporter wrote no file" in result.err
    assert hashes(built / "output") == before


def run_build(book: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "presswork", "build", str(book), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_midway_leaves_previous_outputs_intact(features_book: Path, jobs: str) -> None:
    """Ctrl-C as a terminal sends it (SIGINT to the build's whole process group, its workers too)
    while the build is under way: the first format's temporary output is on disk, others still to come."""
    first = run_build(features_book, "--format", "pdf,epub,pptx")
    assert first.wait(timeout=300) == 0, first.stderr.read()
    out = features_book / "output"
    before = hashes(out)
    (features_book / "chapters" / "01-basics.md").write_text("# Changed\n\nNew text.\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "presswork", "build", str(features_book), "--format", "pdf,epub,pptx", "--jobs", jobs],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell gives a foreground job
        # as on a terminal: a runner started in the background (`cmd &`) ignores SIGINT, and children inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not any(p.name.endswith(".tmp") for p in out.iterdir()):
        assert proc.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=120) == 130, proc.stderr.read()
    assert "interrupted; earlier outputs are intact" in proc.stderr.read()
    assert hashes(out) == before


@pytest.mark.slow
def test_concurrent_builds_do_not_corrupt_outputs(features_book: Path) -> None:
    procs = [run_build(features_book, "--format", "pdf,epub,pptx") for _ in range(2)]
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
    out = features_book / "output"
    assert sorted(p.name for p in out.iterdir()) == ["features.epub", "features.pdf", "features.pptx"]
    check_outputs_valid(out)


@pytest.mark.slow
def test_builds_with_source_date_epoch_are_byte_identical(features_book: Path, tmp_path: Path) -> None:
    """Two builds in separate processes, with different hash seeds, seconds apart, of the same book
    in two folders (another checkout: WeasyPrint named images after their absolute URLs)."""
    import shutil

    moved = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(features_book, moved, ignore=shutil.ignore_patterns(".presswork-cache", "output"))
    runs = []
    for n, (seed, book) in enumerate((("1", features_book), ("2", moved))):
        out = tmp_path / f"run{n}"
        proc = run_build(
            book,
            "--format",
            "pdf,epub,pptx",
            "--out",
            str(out),
            env={"SOURCE_DATE_EPOCH": "1700000000", "PYTHONHASHSEED": seed},
        )
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
        runs.append(out)  # each build takes seconds: a clock leaking into the output would differ
    assert sorted(p.name for p in runs[0].iterdir()) == ["features.epub", "features.pdf", "features.pptx"]
    assert_same_files(runs[0], runs[1])
