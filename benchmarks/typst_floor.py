"""How far below a clean build a Typst rebuild can go: the floors under a page-count edit, in one run.

usage: python benchmarks/typst_floor.py [--chapters N] [--edits K] [--json FILE]

The book is the benchmark's generated book (``run.py``'s N copies of the template chapter) with
``[pdf] engine = "typst"``. One run measures, on the same machine and book:

- presswork's clean build of all three formats (the denominator of "a rebuild in at most 0.1 of a clean build");
- a rebuild with nothing changed: a new process that reads the book from its cache and writes every output from
  its caches, the least any rebuild by a new process does;
- the interpreter starting and importing presswork's command line, and nothing else;
- Typst alone, warm: the whole book's Typst source (as presswork writes it) compiled once by one
  ``typst.Compiler``, then, after the same page-count edit the benchmark makes (nine paragraphs appended to the
  middle chapter, in the source), compiled again by that compiler, whose memoization re-lays only what the edit
  touched. That is the least a Typst pipeline does after the edit, even in a process kept running (``watch``).

Each floor is printed with its share of the clean build.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402 - the benchmark's book and its page of text


def timed(cmd: list[str], cwd: Path) -> float:
    """Wall seconds of ``cmd`` (which must succeed)."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def build_cmd(project: Path, out: Path) -> list[str]:
    """presswork's build of all three formats."""
    return [sys.executable, "-m", "presswork", "build", str(project), "-f", "pdf,epub,pptx", "-o", str(out), "-q"]


def typst_source(project: Path, folder: Path) -> Path:
    """The book's Typst source as presswork compiles it, copied into ``folder`` (its main file returned): a PDF
    build inside a rebuild session, whose compile folder stays while the session is open."""
    from presswork.build.pipeline import build
    from presswork.build.session import rebuild_session

    with rebuild_session(project):
        build(project, out=folder.parent / "session-out", formats=["pdf"], jobs=1)
        compiled = next((project / ".presswork-cache" / "typst").glob("session-*"))
        shutil.copytree(compiled, folder)
    return folder / "book.typ"


def chapter_end(source: str, number: int) -> int:
    """Where chapter ``number`` of the generated book ends in its Typst source (the next chapter's call)."""
    after = source.index(f'"Chapter {number}: ')
    following = source.find(f'"Chapter {number + 1}: ', after)
    if following < 0:
        raise SystemExit(f"chapter {number + 1} not found in the Typst source")
    return source.rindex("\n#pw-chapter(", 0, following)


def typst_alone(main: Path, middle: int, edits: int) -> tuple[float, list[float]]:
    """Typst's own cold compile of ``main``, then its warm recompiles after ``edits`` page-count edits (each
    different: nine paragraphs of text appended to chapter ``middle``), all by one compiler."""
    import typst

    original = main.read_text(encoding="utf-8")
    at = chapter_end(original, middle)
    compiler = typst.Compiler(str(main), root=str(main.parent))
    start = time.perf_counter()
    compiler.compile()
    cold = time.perf_counter() - start
    warm: list[float] = []
    try:
        for k in range(edits):
            added = "".join(f"\n\n{run.PAGE_OF_TEXT} ({k}.{n})" for n in range(9))
            main.write_text(original[:at] + added + "\n" + original[at:], encoding="utf-8")
            start = time.perf_counter()
            compiler.compile()
            warm.append(time.perf_counter() - start)
    finally:
        main.write_text(original, encoding="utf-8")
    return cold, warm


def measure(chapters: int, edits: int, work: Path) -> dict[str, Any]:
    """Every floor of the book of ``chapters`` chapters, in seconds."""
    book = run.generated_book(work / "book", chapters, pdf_engine="typst")
    out = work / "out"
    clean = timed(build_cmd(book.project, out), run.REPO)
    unchanged = statistics.median(timed(build_cmd(book.project, out), run.REPO) for _ in range(3))
    startup = statistics.median(
        timed([sys.executable, "-c", "import presswork.commands.cli"], run.REPO) for _ in range(3)
    )
    main = typst_source(book.project, work / "typst-source")
    # In a fresh interpreter: Typst's memoization is the process's, and this one compiled the book already.
    alone = subprocess.run(
        [sys.executable, __file__, "--typst-alone", str(main), str((chapters + 1) // 2), str(edits)],
        check=True,
        capture_output=True,
        text=True,
    )
    cold, warm = json.loads(alone.stdout)
    return {
        "chapters": chapters,
        "clean": clean,
        "unchanged": unchanged,
        "startup": startup,
        "typst_cold": cold,
        "typst_warm_edit": statistics.median(warm),
        "typst_warm_edits": warm,
    }


def table(result: dict[str, Any]) -> str:
    """The Markdown table of the floors and their share of the clean build."""
    clean = result["clean"]
    rows = [
        ("presswork, clean build, all three formats", clean),
        ("0.1 of it: the target for a rebuild after a page-count edit", 0.1 * clean),
        ("presswork, rebuilt with nothing changed (a new process)", result["unchanged"]),
        ("the interpreter, importing presswork's command line", result["startup"]),
        ("Typst alone, the book's source compiled cold", result["typst_cold"]),
        ("Typst alone, warm, recompiled after a page-count edit (median)", result["typst_warm_edit"]),
    ]
    lines = [f"| {result['chapters']} chapters, Typst engine | s | share of the clean build |", "|---|--:|--:|"]
    lines += [f"| {name} | {value:.2f} | {value / clean:.2f} |" for name, value in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=100, help="chapters of the generated book (default 100)")
    parser.add_argument("--edits", type=int, default=3, help="page-count edits Typst recompiles (default 3)")
    parser.add_argument("--json", type=Path, help="write the measurements to this file")
    parser.add_argument("--typst-alone", nargs=3, metavar=("MAIN", "CHAPTER", "EDITS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.typst_alone:  # the Typst part, run by measure() in its own process
        main_file, chapter, edits = args.typst_alone
        print(json.dumps(typst_alone(Path(main_file), int(chapter), int(edits))))
        return 0
    with tempfile.TemporaryDirectory(prefix="presswork-typst-floor-") as tmp:
        result = measure(args.chapters, args.edits, Path(tmp))
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
