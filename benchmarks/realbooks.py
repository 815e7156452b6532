"""Build real books as a new user would (no configuration) and report the README's "Real books" columns.

    python benchmarks/realbooks.py CORPUS BOOK[:SUBDIR] ... [--out DIR] [--json FILE]

For each book (a folder of CORPUS, optionally a subfolder of it such as ``docs``): its git commit, the
exit status and time of ``presswork build`` (PDF, EPUB and deck), words the audit lost, EPUBCheck
errors and warnings, whether the PDF's page labels rise strictly through the body (arabic folios),
how many top-level contents entries there are and how many distinct pages they name, the depth of
the EPUB's nav against the depth of the book's own table of contents (SUMMARY.md, mkdocs.yml ``nav``,
_quarto.yml ``chapters``, _toc.yml or myst.yml ``toc``), and the warnings by kind. Needs the test extra
(pypdf, epubcheck) and Java.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lxml import etree
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.epubcheck import problems, run_epubcheck  # noqa: E402

_WARNING = re.compile(r"^(?:(?P<where>[^\n:]+):\d+(?::\d+)?: )?warning: (?P<text>.*)$", re.M)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\d+")
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Report:
    """What one real book's build gave."""

    book: str
    commit: str
    status: int = -1
    seconds: float = 0.0
    pdf_pages: int = 0
    slides: int = 0
    lost_words: int = 0
    epubcheck: str = "-"
    labels_rise: bool | None = None
    contents: str = "-"
    nav_depth: int = 0
    toc_depth: int | None = None
    warnings: dict[str, int] = field(default_factory=dict)
    error: str = ""


def warning_kinds(stderr: str) -> Counter[str]:
    """Warnings grouped by their text with names, quotes and numbers left out (``remote image … not fetched``)."""
    kinds: Counter[str] = Counter()
    for match in _WARNING.finditer(stderr):
        kind = _QUOTED.sub("…", match.group("text")).split(":")[0].split("(")[0].strip()
        kinds[" ".join(kind.split()[:8])] += 1
    return kinds


def labels_rise(pdf: PdfReader) -> bool:
    """True when the arabic page labels after the first arabic ``1`` rise by one on every page."""
    labels = list(pdf.page_labels)
    numbers = [int(label) if label.isdigit() else None for label in labels]
    start = next((i for i, n in enumerate(numbers) if n == 1), None)
    if start is None:
        return False
    body = [n for n in numbers[start:] if n is not None]
    return all(b == a + 1 for a, b in zip(body, body[1:], strict=False))


def contents_pages(pdf: PdfReader) -> str:
    """``entries/distinct pages`` of the PDF outline's top level (a part counts by its chapters)."""
    labels = list(pdf.page_labels)
    pages: list[str] = []

    def visit(items: list[Any], depth: int) -> None:
        for i, item in enumerate(items):
            if isinstance(item, list):
                continue
            child = items[i + 1] if i + 1 < len(items) and isinstance(items[i + 1], list) else None
            page = pdf.get_destination_page_number(item)
            if depth == 0 and child and str(item.title).lower().startswith("part"):
                visit(child, 1)  # a part: its chapters are the entries
            elif depth <= 1:
                pages.append(labels[page] if 0 <= page < len(labels) else str(page))

    visit(list(pdf.outline), 0)
    return f"{len(pages)}/{len(set(pages))}"


def nav_depth(epub: Path) -> int:
    """The deepest nesting of chapter entries in the EPUB's toc nav (entries that open a file; the
    sections inside a chapter, linked with ``#``, are not the book's outline)."""
    with zipfile.ZipFile(epub) as z:
        name = next(n for n in z.namelist() if n.endswith("nav.xhtml"))
        tree = etree.fromstring(z.read(name))
    nav = next(n for n in tree.iter(f"{_XHTML}nav") if "toc" in (n.get("{http://www.idpf.org/2007/ops}type") or ""))

    def depth(ol: Any) -> int:
        deepest = 0
        for li in ol.findall(f"{_XHTML}li"):
            link = li.find(f"{_XHTML}a")
            own = 0 if link is not None and "#" in (link.get("href") or "") else 1
            inner = li.find(f"{_XHTML}ol")
            deepest = max(deepest, own + (depth(inner) if inner is not None else 0))
        return deepest

    top = nav.find(f"{_XHTML}ol")
    return depth(top) if top is not None else 0


def _yaml(path: Path) -> Any:
    """A YAML file with unknown tags (``!!python/name``, ``!ENV``) read as plain values."""

    class Loader(yaml.SafeLoader):
        """SafeLoader that reads any tag as the plain node."""

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506 (a SafeLoader subclass)


def toc_depth(book: Path) -> int | None:
    """The nesting depth of the book's own table of contents, or None when it has none."""
    summary = next((p for p in (book / "src" / "SUMMARY.md", book / "SUMMARY.md") if p.is_file()), None)
    if summary is None:
        summary = next(iter(sorted(book.glob("*/SUMMARY.md"))), None)
    if summary is not None:
        indents = sorted(
            {
                len(m.group(1).replace("\t", "    "))
                for m in re.finditer(r"^([ \t]*)[-*+] \[", summary.read_text(), re.M)
            }
        )
        return len(indents) or None
    if (book / "mkdocs.yml").is_file():
        nav = (_yaml(book / "mkdocs.yml") or {}).get("nav")

        def depth(items: Any) -> int:
            if isinstance(items, list):
                return max((depth(i) for i in items), default=0)
            if isinstance(items, dict):
                return max((1 + depth(v) if isinstance(v, list) else 1 for v in items.values()), default=0)
            return 1

        return depth(nav) if nav else None
    if (book / "_toc.yml").is_file():  # Jupyter Book 1: parts, chapters, nested sections
        toc = _yaml(book / "_toc.yml") or {}

        def toc_levels(items: Any) -> int:
            if not isinstance(items, list):
                return 0
            return max(
                (1 + max(toc_levels(i.get(k)) for k in ("sections", "chapters")) for i in items if isinstance(i, dict)),
                default=0,
            )

        parts = toc.get("parts") or []
        if parts:
            return 1 + max(
                (toc_levels(p.get("chapters") or p.get("sections")) for p in parts if isinstance(p, dict)), default=0
            )
        return toc_levels(toc.get("chapters") or toc.get("sections")) or 1
    if (book / "myst.yml").is_file():  # mystmd: project.toc with children
        toc = ((_yaml(book / "myst.yml") or {}).get("project") or {}).get("toc")

        def children(items: Any) -> int:
            if not isinstance(items, list):
                return 0
            return max((1 + children(i.get("children")) for i in items if isinstance(i, dict)), default=0)

        return children(toc) or None
    if (book / "_quarto.yml").is_file():
        chapters = ((_yaml(book / "_quarto.yml") or {}).get("book") or {}).get("chapters") or []
        return 2 if any(isinstance(c, dict) and "part" in c for c in chapters) else 1
    return None


def check(corpus: Path, spec: str, out: Path) -> Report:
    """Build one book and measure it."""
    name, _, sub = spec.partition(":")
    repo = corpus / name
    book = repo / sub if sub else repo
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    report = Report(spec, commit.strip()[:8])
    target = out / name
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "presswork.commands.cli", "build", str(book), "--out", str(target)],
        capture_output=True,
        text=True,
    )
    report.seconds = round(time.monotonic() - started, 1)
    report.status = proc.returncode
    report.warnings = dict(warning_kinds(proc.stderr).most_common())
    report.lost_words = sum(int(m.group(1)) for m in re.finditer(r"(\d+) word\(s\) of the source missing", proc.stderr))
    if proc.returncode:
        report.error = proc.stderr.strip().splitlines()[-1][:200] if proc.stderr.strip() else ""
    for pdf_file in target.glob("*.pdf"):
        pdf = PdfReader(pdf_file)
        report.pdf_pages = len(pdf.pages)
        report.labels_rise = labels_rise(pdf)
        report.contents = contents_pages(pdf)
    for epub in target.glob("*.epub"):
        found = problems(run_epubcheck(epub))
        errors = sum(1 for m in found if m.severity in ("FATAL", "ERROR"))
        report.epubcheck = f"{errors}/{len(found) - errors}"
        report.nav_depth = nav_depth(epub)
    for deck in target.glob("*.pptx"):
        with zipfile.ZipFile(deck) as z:
            report.slides = sum(1 for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n))
    report.toc_depth = toc_depth(book)
    return report


def main(argv: list[str] | None = None) -> int:
    """Check every book named on the command line and print one line per book (and JSON if asked)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("books", nargs="+", help="folder in CORPUS, optionally :SUBFOLDER (httpx:docs)")
    parser.add_argument("--out", type=Path, help="where the outputs go (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="write the reports as JSON here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        reports = []
        for spec in args.books:
            report = check(args.corpus, spec, out)
            reports.append(report)
            kinds = ", ".join(f"{n} {k}" for k, n in list(report.warnings.items())[:6])
            print(
                f"{report.book} @ {report.commit}: exit {report.status} in {report.seconds} s; "
                f"{report.pdf_pages} pages, {report.slides} slides; lost {report.lost_words}; "
                f"EPUBCheck {report.epubcheck}; labels rise {report.labels_rise}; contents {report.contents}; "
                f"nav depth {report.nav_depth} (toc {report.toc_depth}); warnings {sum(report.warnings.values())}"
                f"{': ' + kinds if kinds else ''}{'; ' + report.error if report.error else ''}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in reports], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
