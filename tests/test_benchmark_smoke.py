"""The benchmark (benchmarks/run.py) measures what it claims, and runs end to end at N = 1 (CI's smoke test)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support import REPO

SCRIPT = REPO / "benchmarks" / "run.py"


def load_benchmark() -> ModuleType:
    """benchmarks/run.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("presswork_benchmark", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = load_benchmark()


def test_peak_memory_is_the_largest_process_of_the_tree(tmp_path: Path) -> None:
    """A small parent runs two grandchildren of 160 MiB each: the peak is one grandchild's (not the sum)."""
    grandchild = "b = bytearray(160 * 2**20); b[::4096] = b'x' * len(b[::4096]); sum(range(3_000_000))"
    child = (
        f"import subprocess, sys\nfor _ in range(2): subprocess.run([sys.executable, '-c', {grandchild!r}], check=True)"
    )
    # Measured from a small fresh interpreter, as benchmarks/run.py runs: Linux counts the spawning
    # process's own peak into a child's ru_maxrss at exec, and pytest's process grows large.
    probe = (
        f"import importlib.util, json, pathlib, sys\n"
        f"spec = importlib.util.spec_from_file_location('b', {str(SCRIPT)!r})\n"
        f"b = importlib.util.module_from_spec(spec); sys.modules['b'] = b; spec.loader.exec_module(b)\n"
        f"r = b.measure([sys.executable, '-c', {child!r}], pathlib.Path({str(tmp_path)!r}), "
        f"pathlib.Path({str(tmp_path / 'log')!r}))\n"
        f"print(json.dumps([r.ok, r.error, r.peak_mib, r.cpu, r.wall]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO).stdout
    ok, error, peak_mib, cpu, wall = json.loads(out.splitlines()[-1])
    run = bench.Run(wall=wall, cpu=cpu, peak_mib=peak_mib, ok=ok, error=error)
    assert run.ok, run.error
    assert 160 <= run.peak_mib < 250
    assert run.cpu > 0.05
    assert run.wall >= run.cpu * 0.5


def test_tree_memory_sums_forked_workers_alive_together(tmp_path: Path) -> None:
    """Two forked workers of 160 MiB each, alive together: the tree's peak PSS counts both (ru_maxrss one)."""
    # Both workers hold their memory at once (a barrier, not a sleep: the machine may be busy) while the
    # parent waits a second for the sampler to see them together.
    child = (
        "import os, time\n"
        "ready_r, ready_w = os.pipe()\n"
        "go_r, go_w = os.pipe()\n"
        "pids = []\n"
        "for _ in range(2):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        b = bytearray(160 * 2**20); b[::4096] = b'x' * len(b[::4096])\n"
        "        os.write(ready_w, b'r'); os.read(go_r, 1); os._exit(0)\n"
        "    pids.append(pid)\n"
        "got = b''\n"
        "while len(got) < 2: got += os.read(ready_r, 2)\n"
        "time.sleep(1.0)\n"
        "os.write(go_w, b'gg')\n"
        "for pid in pids: os.waitpid(pid, 0)\n"
    )
    run = bench.measure([sys.executable, "-c", child], tmp_path, tmp_path / "log")
    assert run.ok, run.error
    assert run.tree_mib >= 300, run.tree_mib  # one worker alone is about 175 MiB


def test_a_failing_command_is_reported_with_its_output(tmp_path: Path) -> None:
    run = bench.measure(
        [sys.executable, "-c", "import sys; print('broken input'); sys.exit(3)"], tmp_path, tmp_path / "log"
    )
    assert not run.ok
    assert "exit 3" in run.error and "broken input" in run.error


def test_a_chain_adds_times_and_keeps_the_largest_peak() -> None:
    chained = bench.Run.chain([bench.Run(1.0, 0.5, 100.0, True), bench.Run(2.0, 1.5, 300.0, True)])
    assert (chained.wall, chained.cpu, chained.peak_mib, chained.ok) == (3.0, 2.0, 300.0, True)
    assert not bench.Run.chain([bench.Run(1.0, 0.5, 100.0, True), bench.Run(1.0, 1.0, 1.0, False, "x")]).ok


def test_admonitions_become_pandoc_fenced_divs_with_the_same_text() -> None:
    text = 'Before.\n\n!!! note "Measure first"\n    Line one\n    line two.\n\n    Second paragraph.\n\nAfter.\n'
    assert bench.admonitions_for_pandoc(text) == (
        "Before.\n\n::: note\n**Measure first**\n\nLine one\nline two.\n\nSecond paragraph.\n:::\n\nAfter.\n"
    )
    assert bench.admonitions_for_pandoc("!!! tip\n    Body.\n") == "::: tip\nBody.\n:::\n"


def test_generated_book_has_every_feature_in_each_chapter(tmp_path: Path) -> None:
    book = bench.generated_book(tmp_path, 3)
    chapters = sorted((book.project / "chapters").glob("*.md"))
    assert [c.name for c in chapters] == ["001-chapter.md", "002-chapter.md", "003-chapter.md"]
    third = chapters[2].read_text(encoding="utf-8")
    for feature in (
        "# Chapter 3:",
        "```python",
        "|:--|",
        "![",
        "[^3-first]",
        "    - ",
        "- [x]",
        "!!! note",
        "$$",
        "$O(n^2)$",
        "> > ",
    ):
        assert feature in third, feature
    assert "{{N}}" not in third
    assert (book.project / "chapters" / "images" / "chart.png").is_file()
    twin = (book.pandoc_dir / "003-chapter.md").read_text(encoding="utf-8")
    assert "!!!" not in twin and "::: note" in twin
    assert book.pandoc_inputs == [c.name for c in chapters]


def row(chapters: int, wall: float, peak: float) -> dict[str, object]:
    """A minimal all-three-formats result row for the scaling and target checks."""
    side = {"wall": wall / 2, "cpu": wall, "peak_mib": peak, "ok": True}
    return {
        "book": f"{chapters} ch.",
        "chapters": chapters,
        "format": bench.ALL,
        "presswork": side,
        "pandoc": {**side, "wall": 2 * wall},
        "ratio": {"wall": 0.5, "cpu": 0.5, "peak": 1.0},
    }


def test_scaling_tells_linear_from_quadratic_time_and_flat_from_growing_memory() -> None:
    linear = bench.scaling([row(n, 1 + 0.1 * n, 200) for n in (1, 25, 50, 100)])
    assert linear["time_linear"] is True and linear["memory_flat"] is True
    quadratic = bench.scaling([row(n, 1 + 0.01 * n * n, 200 + 5 * n) for n in (1, 25, 50, 100)])
    assert quadratic["time_linear"] is False and quadratic["memory_flat"] is False
    targets = {t["target"]: t["met"] for t in bench.targets([], linear, None)}
    assert targets["scaling: time linear in the number of chapters (CPU s per added chapter)"] is True
    assert targets["100 chapters, PDF alone, wall time vs Pandoc+WeasyPrint"] is None
    watch = "presswork watch: the sample's three formats rebuilt after a one-word edit (seconds, median)"
    assert targets[watch] is None
    assert {t["target"]: t["met"] for t in bench.targets([], linear, None, {"median": 0.7})}[watch] is True
    assert {t["target"]: t["met"] for t in bench.targets([], linear, None, {"median": 1.4})}[watch] is False


@pytest.mark.slow
def test_quick_benchmark_runs_both_tools_end_to_end(tmp_path: Path) -> None:
    """``run.py --quick`` (N = 1): every build of both tools succeeds and the report is complete."""
    pytest.importorskip("pypandoc", reason="the benchmark needs the 'bench' extra: pip install -e '.[bench]'")
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--no-sample", "--json", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["book"], r["format"]) for r in result["rows"]] == [("1 ch.", f) for f in (*bench.FORMATS, bench.ALL)]
    for r in result["rows"]:
        for side in ("presswork", "pandoc"):
            assert r[side]["ok"] and r[side]["wall"] > 0 and r[side]["cpu"] > 0, (r["format"], side)
            assert r[side]["peak_mib"] > 20, (r["format"], side)  # a real process, not the wrapper's rusage
        assert r["ratio"]["wall"] == round(r["presswork"]["wall"] / r["pandoc"]["wall"], 3)
    # Pandoc's "all three" runs the same three commands again, right after presswork's build of all three.
    every = result["rows"][-1]["pandoc"]
    parts = [r["pandoc"] for r in result["rows"][:3]]
    assert every["peak_mib"] == pytest.approx(max(p["peak_mib"] for p in parts), rel=0.2)
    assert every["cpu"] == pytest.approx(sum(p["cpu"] for p in parts), rel=0.5)
    assert result["meta"]["versions"]["pandoc"].startswith("pandoc 3.")
    assert result["incremental"]["rebuild"]["ok"]
    assert len(result["targets"]) == 10
    assert result["watch"] is None  # --quick leaves out the watch measurement (its target: "not measured")
    assert "| 1 ch. | all three |" in proc.stdout and "| target | measured | limit | met |" in proc.stdout


def test_a_pdf_engines_rows_are_judged_against_pandoc_and_pandoc_typst(tmp_path: Path) -> None:
    def measured(book: str, fmt: str, wall: float, peak: float, typst: float | None = None) -> dict:
        out = {"book": book, "format": fmt, "ratio": {"wall": wall, "cpu": wall, "peak": peak}}
        if typst is not None:
            out["pandoc_typst"] = {"wall": 1.0}
            out["ratio"]["wall_vs_typst"] = typst
        return out

    rows = [
        measured("100 ch. (typst)", "pdf", 0.2, 0.9, typst=0.95),
        measured("100 ch. (typst)", bench.ALL, 0.6, 1.1),
        measured("sample guide (typst)", bench.ALL, 0.7, 0.5),
    ]
    judged = {t["target"]: t["met"] for t in bench.targets(rows, {}, None)}
    assert judged["100 chapters, PDF alone with typst, wall time vs Pandoc + Typst (Pandoc's conversion included)"]
    assert judged["100 chapters, all three formats with typst, wall time vs Pandoc"] is False
    assert judged["sample guide, all three formats with typst, wall time vs Pandoc"] is True
    assert judged["100 chapters, PDF alone with typst, peak tree memory vs Pandoc's"] is True
    assert judged["100 chapters, all three formats with typst, peak tree memory vs Pandoc's"] is False
    sample = bench.sample_book(tmp_path / "sample", "typst")
    assert sample.project != REPO and 'engine = "typst"' in (sample.project / "pyproject.toml").read_text()


def test_the_incremental_rebuilds_are_repeated_with_a_new_edit_each_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rounds' bookkeeping, with each build recorded instead of run (the quick benchmark builds for real):
    every measured round starts from the book as it was, with an edit no round made before, and the median of
    the measured rounds is kept."""
    book = bench.generated_book(tmp_path / "book", 1)
    chapter = book.project / "chapters" / "001-chapter.md"
    original = chapter.read_text(encoding="utf-8")
    built: list[tuple[str, str]] = []  # (log name, the chapter's text then)
    walls = iter(float(n) for n in range(1, 100))

    def build(book: object, formats: str, out: Path, log: Path) -> object:
        built.append((log.name, chapter.read_text(encoding="utf-8")))
        return bench.Run(wall=next(walls), cpu=1.0, peak_mib=50.0, ok=True)

    monkeypatch.setattr(bench, "presswork_build", build)
    monkeypatch.setattr(bench, "pdf_pages", lambda pdf: len(chapter.read_text(encoding="utf-8")))
    result = bench.bench_incremental(book, tmp_path, repeat=3, grow=2)
    names = [name for name, _ in built]
    assert names == [
        "incremental-clean.log",
        *(f"incremental-unchanged-{i}.log" for i in range(3)),
        "incremental-rebuild-0.log",
        "incremental-rebuild-back-1.log",
        "incremental-rebuild-1.log",
        "incremental-rebuild-back-2.log",
        "incremental-rebuild-2.log",
        "incremental-before-pages.log",
        "incremental-pages-0.log",
        "incremental-pages-back-1.log",
        "incremental-pages-1.log",
        "incremental-pages-back-2.log",
        "incremental-pages-2.log",
    ]
    texts = dict(built)
    for name in ("rebuild", "pages"):
        edits = [texts[f"incremental-{name}-{i}.log"] for i in range(3)]
        assert len(set(edits)) == 3 and all(t.startswith(original) and t != original for t in edits)
        assert all(texts[f"incremental-{name}-back-{i}.log"] == original for i in (1, 2))
    assert texts["incremental-pages-0.log"].count(bench.PAGE_OF_TEXT) == 2  # --grow paragraphs
    assert result["rebuild"]["wall"] == 7.0  # the median of the measured rounds' 5, 7 and 9 s
    assert chapter.read_text(encoding="utf-8") == original  # the chapter is put back
