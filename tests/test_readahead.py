"""A long book's later files are read ahead in a forked child: the build's warnings and outputs stay exactly a serial read's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.outputs import assert_same_files

PARAGRAPH = "The pipeline reads each chapter, checks its links and writes every format from one tree. " * 15


def long_book(root: Path) -> Path:
    """Twelve chapters of about 14 KB each (over the read-ahead's threshold), each with an unused footnote
    (a warning at a known line) in both halves of the book."""
    root.mkdir(parents=True)
    (root / "presswork.toml").write_text('title = "Long"\ndate = "2025-01-02"\n', encoding="utf-8")
    for n in range(1, 13):
        body = "\n\n".join(f"{PARAGRAPH} ({n}.{k})" for k in range(10))
        (root / f"{n:02d}-chapter.md").write_text(
            f"# Chapter {n}\n\n{body}\n\n[^unused{n}]: A note nobody cites.\n", encoding="utf-8"
        )
    return root


#: Builds the book in argv[1] into argv[2] with the read-ahead counted, then (argv[3] == "serial") with it
#: off; prints where the child started (-1: none) and the warnings. A fresh interpreter, as a build runs:
#: a test process may have started threads (or a Typst compiler) that rightly keep the read-ahead off.
BUILD = """
import json, sys
import presswork.project.readahead as readahead
import presswork.project.sources as sources
from presswork.build.pipeline import build

started = []
real = readahead.read_ahead
def counted(*args, **kwargs):
    ahead = real(*args, **kwargs)
    started.append(ahead.first if ahead is not None else -1)
    return ahead
sources.read_ahead = counted
if sys.argv[3] == "serial":
    readahead.MIN_FILES = 10**6
result = build(sys.argv[1], formats=["html"], out=sys.argv[2])
warnings = [f"{w.pos.file}:{w.pos.line}: {w.message}" for w in result.reporter.warnings if w.pos]
print(json.dumps({"started": started, "warnings": warnings, "site": str(result.outputs["html"])}))
"""


def _build(book: Path, out: Path, mode: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "SOURCE_DATE_EPOCH": "1700000000"}
    proc = subprocess.run(
        [sys.executable, "-c", BUILD, str(book), str(out), mode], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: dict[str, Any] = json.loads(proc.stdout.splitlines()[-1])
    return result


def test_a_read_ahead_build_warns_and_writes_exactly_as_a_serial_one(tmp_path: Path) -> None:
    ahead = _build(long_book(tmp_path / "ahead"), tmp_path / "out-ahead", "ahead")
    assert len(ahead["started"]) == 1 and 1 < ahead["started"][0] < 12, f"no read-ahead child: {ahead['started']}"
    serial = _build(long_book(tmp_path / "serial"), tmp_path / "out-serial", "serial")
    assert serial["started"] == [-1]
    assert ahead["warnings"] == serial["warnings"]
    assert [w.split(":")[0] for w in serial["warnings"]] == [f"{n:02d}-chapter.md" for n in range(1, 13)]
    site, other = Path(ahead["site"]), Path(serial["site"])
    pages = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert pages and pages == sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file())
    for page in pages:
        assert_same_files(site / page, other / page)


def test_a_file_the_child_cannot_read_is_reported_once_by_the_build(tmp_path: Path) -> None:
    """The eleventh file is over the size budget: the child (reading the second half) stops quietly, and the
    build reports the file as a serial build does: one message, exit 1, no traceback."""
    book = long_book(tmp_path / "book")
    config = book / "presswork.toml"
    config.write_text(config.read_text(encoding="utf-8") + "max_file_bytes = 20000\n", encoding="utf-8")
    (book / "11-chapter.md").write_text("# Big\n\n" + PARAGRAPH * 30, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-m", "presswork", "build", str(book), "--format", "html"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    problems = [line for line in proc.stderr.splitlines() if "11-chapter.md" in line]
    assert len(problems) == 1 and "max_file_bytes" in problems[0], proc.stderr
    assert not (book / "output").exists() or not any((book / "output").iterdir())
    shutil.rmtree(book)
