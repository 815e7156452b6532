"""A one-word edit under ``presswork watch``: seconds from saving until every output is replaced, per PDF engine.

usage: python benchmarks/watch_edit.py [--edits N] [--engines weasyprint typst typst-no-page-list]
                                       [--phases] [--json FILE]

The book is the sample guide (content/ with the repository's configuration) copied into a temporary
folder, with ``[pdf] engine`` set per row; ``typst-no-page-list`` also sets ``[epub] page_list = false``
(the EPUB's page list is then not taken from a second, WeasyPrint, layout of the book).

For each engine a real ``python -m presswork watch`` runs in a fresh process. Once its first build has
written the PDF, EPUB and PPTX, one word of a paragraph is changed ``--edits`` times (saved like an
editor does), and each time the script waits until all three outputs have been replaced: that wall
time, the watcher's own debounce included, is what a writer waits. ``--phases`` also calls the
rebuild function the watcher calls (``build`` inside ``rebuild_session``) in this process and prints
how long each stage and format took after the same edit.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ENGINES = ("weasyprint", "typst", "typst-no-page-list")
SUFFIXES = (".pdf", ".epub", ".pptx")


def sample_project(folder: Path, engine: str) -> Path:
    """A copy of the sample guide configured for ``engine`` (a row name of :data:`ENGINES`)."""
    project = folder / f"sample-{engine}"
    shutil.copytree(REPO / "content", project / "content")
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    table = pyproject.split("[tool.presswork]\n", 1)[1].split("\n[", 1)[0]
    extra = f'\n[pdf]\nengine = "{engine.split("-")[0]}"\n'
    if engine.endswith("no-page-list"):
        extra += "\n[epub]\npage_list = false\n"
    (project / "presswork.toml").write_text(table + extra, encoding="utf-8")
    return project


def edits(source: Path, count: int) -> Iterator[str]:
    """``count`` versions of ``source``, each one word different from the one before and from every
    earlier one (a version seen before would be a cache hit, not an edit)."""
    text = source.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[-1]
    match = re.search(r"(?m)^[A-Z][^\n]* ([a-z]{7,}) ", body)
    assert match, "the sample has a paragraph with a long word"
    word = match.group(1)
    for i in range(count):
        suffix = chr(ord("a") + i % 26) * (1 + i // 26)
        yield text.replace(f" {word} ", f" {word}{suffix} ", 1)


def outputs(out: Path) -> dict[Path, int]:
    """Each output file and its modification time."""
    return {p: p.stat().st_mtime_ns for p in out.glob("*") if p.suffix in SUFFIXES}


def watch_row(work: Path, engine: str, count: int) -> dict[str, Any]:
    """Seconds from each saved edit until all three outputs were replaced, under a real ``presswork watch``."""
    project = sample_project(work, engine)
    out = work / f"out-{engine}"
    log_path = work / f"watch-{engine}.log"
    source = project / "content" / "ai-engineering-guide.md"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONHASHSEED": "0"}
    cmd = [sys.executable, "-m", "presswork", "watch", str(project), "--out", str(out), "--quiet"]
    times: list[float] = []
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=work, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            started = time.perf_counter()
            deadline = time.monotonic() + 600
            while len(outputs(out)) < len(SUFFIXES):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"presswork watch did not build the sample (see {log_path})")
                time.sleep(0.02)
            first = time.perf_counter() - started
            time.sleep(2.0)  # the first build is over (its PDF may be written before the others)
            for text in edits(source, count):
                before = outputs(out)
                start = time.perf_counter()
                source.write_text(text, encoding="utf-8")
                deadline = time.monotonic() + 300
                while any(outputs(out).get(p) == mtime for p, mtime in before.items()):
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"presswork watch did not rebuild (see {log_path})")
                    time.sleep(0.005)
                times.append(time.perf_counter() - start)
                time.sleep(1.0)
        finally:
            proc.terminate()
            proc.wait(30)
    return {"engine": engine, "first_build": round(first, 2), "edits": [round(t, 3) for t in times]}


def phase_row(work: Path, engine: str, count: int) -> dict[str, Any]:
    """In this process, the rebuild function the watcher calls, timed by stage and format after each edit."""
    from presswork.build.pipeline import build
    from presswork.build.session import rebuild_session

    project = sample_project(work / "phases", engine)
    out = work / f"phases-out-{engine}"
    source = project / "content" / "ai-engineering-guide.md"
    rows: list[dict[str, float]] = []
    with rebuild_session(project):
        build(project, out=out, jobs=2)
        for text in edits(source, count):
            source.write_text(text, encoding="utf-8")
            marks: list[tuple[str, float]] = []
            start = time.perf_counter()
            result = build(project, out=out, jobs=2, on_stage=functools.partial(_mark, marks))
            total = time.perf_counter() - start
            reading = next((t for s, t in marks if s.startswith("writing")), start + total) - start
            rows.append({"read+transform": reading, **result.seconds, "total": total})
    return {"engine": engine, "phases": {k: round(statistics.median(r.get(k, 0.0) for r in rows), 3) for k in rows[0]}}


def _mark(marks: list[tuple[str, float]], stage: str) -> None:
    marks.append((stage, time.perf_counter()))


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table of the watch rows."""
    lines = [
        "| PDF engine | first build s | one-word edit, median s | min s | max s |",
        "|---|--:|--:|--:|--:|",
    ]
    for row in rows:
        e = row["edits"]
        lines.append(
            f"| {row['engine']} | {row['first_build']:.2f} | {statistics.median(e):.2f} | {min(e):.2f} | {max(e):.2f} |"
        )
    return "\n".join(lines)


def phase_table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table of the in-process stages (median seconds after an edit)."""
    keys = list(dict.fromkeys(k for row in rows for k in row["phases"]))
    lines = ["| PDF engine | " + " | ".join(keys) + " |", "|---|" + "--:|" * len(keys)]
    for row in rows:
        lines.append(f"| {row['engine']} | " + " | ".join(f"{row['phases'].get(k, 0.0):.3f}" for k in keys) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5, help="one-word edits per engine (default 5)")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--phases", action="store_true", help="also time the rebuild's stages in this process")
    parser.add_argument("--json", type=Path, help="write the measurements to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="presswork-watch-bench-") as tmp:
        work = Path(tmp)
        rows = [watch_row(work, engine, args.edits) for engine in args.engines]
        print(table(rows))
        phases: list[dict[str, Any]] = []
        if args.phases:
            with contextlib.redirect_stderr(sys.stdout):
                phases = [phase_row(work, engine, args.edits) for engine in args.engines]
            print()
            print(phase_table(phases))
    if args.json:
        args.json.write_text(json.dumps({"watch": rows, "phases": phases}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
