"""Compare an MkDocs project as MkDocs shows it with presswork's EPUB, page by page: words and headings.

usage: python benchmarks/mkdocs_compare.py PROJECT --mkdocs PYTHON [--work DIR] [--show N] [--drop EXTENSION]

PYTHON is an interpreter with ``mkdocs`` (and the project's theme, e.g. ``mkdocs-material``)
installed, kept apart from presswork's own environment. The project is copied to ``DIR`` with its
plug-ins and hooks left out of its ``mkdocs.yml`` (a test copy cannot install
them), built to HTML by MkDocs and to an EPUB by presswork. For each page it prints the words of
MkDocs' page that presswork's chapter lacks and the headings it lacks (words compared lower-cased,
as sets; headings by their words). Exit status 1 when some page misses words or headings.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html

from presswork.build.pipeline import build
from presswork.exporters.common.contents import chapter_files

_WORD = re.compile(r"[^\W_]+")
_TOP_KEY = re.compile(r"^[A-Za-z_]+:")
#: Top-level keys of mkdocs.yml a test copy drops: they run code presswork never runs.
_DROPPED_KEYS = ("plugins", "hooks")
#: MkDocs theme chrome inside a page's content: permalinks, edit buttons, file dates, code copy buttons.
_CHROME = (
    "//a[contains(@class, 'headerlink')]",
    "//*[contains(@class, 'md-source-file')]",
    "//a[contains(@class, 'md-content__button')]",
    "//*[contains(@class, 'md-annotation__index')]",
    "//script",
    "//style",
    "//svg",
)


@dataclass
class PageResult:
    """What presswork's chapter lacks of one MkDocs page."""

    source: str
    words: int
    missing_words: list[str]
    missing_headings: list[str]


def test_copy(project: Path, work: Path, drop: tuple[str, ...] = ()) -> Path:
    """A copy of ``project`` whose mkdocs.yml has no plug-ins or hooks, nor the Markdown extensions ``drop``."""
    target = work / "site-source"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(project, target, ignore=shutil.ignore_patterns(".git", "node_modules", "site", "output"))
    config = next(p for p in (target / "mkdocs.yml", target / "mkdocs.yaml") if p.is_file())
    kept: list[str] = []
    skipping = False
    dropped_indent: int | None = None
    for line in config.read_text(encoding="utf-8").splitlines():
        indent = len(line) - len(line.lstrip())
        if dropped_indent is not None and (not line.strip() or indent > dropped_indent):
            continue  # the options of a dropped extension
        dropped_indent = None
        if _TOP_KEY.match(line):
            skipping = line.split(":", 1)[0] in _DROPPED_KEYS
        item = re.match(r"^\s*-\s*([\w.-]+)\s*:?\s*$", line)
        if item and item.group(1) in drop:
            dropped_indent = indent
            continue
        if skipping:
            continue
        kept.append(line)
    config.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


def mkdocs_site(copy: Path, python: str) -> Path:
    """Build the test copy with MkDocs; the site folder. (The ``mkdocs`` script beside ``python`` is run, not
    ``python -m mkdocs``, which would import a project's own folders, such as Material's ``material/``, first.)"""
    site = copy / "site"
    script = Path(python).parent / "mkdocs"
    command = [str(script)] if script.is_file() else [python, "-m", "mkdocs"]
    subprocess.run([*command, "build", "-q", "-d", str(site)], cwd=copy, check=True)
    return site


def page_file(site: Path, source: str, docs_dir: str) -> Path:
    """The HTML file MkDocs writes for ``source`` (directory URLs: ``a/b.md`` -> ``a/b/index.html``)."""
    rel = Path(source).relative_to(docs_dir)
    if rel.stem.lower() in ("index", "readme"):
        return site / rel.parent / "index.html"
    return site / rel.with_suffix("") / "index.html"


def content(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The page's content element (Material's article, MkDocs' main) without the theme's chrome."""
    found = root.xpath("//article[contains(@class, 'md-content__inner')]") or root.xpath("//*[@role='main']")
    element = found[0] if found else root
    for path in _CHROME:
        for node in element.xpath("." + path):
            node.drop_tree()
    return element


#: Elements whose text is never part of the word before or after them (tab labels, a code block's title).
_SEPARATE = frozenset(
    "address article aside blockquote br dd details div dl dt figcaption figure h1 h2 h3 h4 h5 h6 hr label li "
    "ol p pre section summary table td th tr ul".split()
)


def text_of(element: lxml_html.HtmlElement) -> str:
    """The text of ``element``, with a space around block elements, labels and titles but none around inline
    markup (``2<sup>nd</sup>``, a highlighted token), so that words read as a reader reads them."""
    parts: list[str] = []

    def walk(el: lxml_html.HtmlElement) -> None:
        if not isinstance(el.tag, str):
            return  # a comment or processing instruction: no words of the page
        tag = el.tag
        classes = set((el.get("class") or "").split())
        # a footnote mark is no part of the word it follows (MkDocs: sup#fnref:1 > a.footnote-ref; EPUB: a.noteref)
        note = bool(classes & {"noteref", "footnote-ref"}) or (
            tag == "sup" and (el.get("id") or "").startswith("fnref")
        )
        separate = tag in _SEPARATE or "filename" in classes or note
        parts.append(" " if separate else "")
        parts.append(el.text or "")
        for child in el:
            walk(child)
            parts.append(child.tail or "")
        parts.append(" " if separate else "")

    walk(element)
    return "".join(parts)


def words_of(element: lxml_html.HtmlElement) -> set[str]:
    return {w.lower() for w in _WORD.findall(text_of(element))}


def headings_of(element: lxml_html.HtmlElement) -> list[str]:
    return [" ".join(_WORD.findall(text_of(h))).lower() for h in element.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6")]


def compare(project: Path, python: str, work: Path, drop: tuple[str, ...] = ()) -> list[PageResult]:
    """Build both and compare every page presswork reads (``drop``: Markdown extensions MkDocs cannot load here)."""
    copy = test_copy(project, work, drop)
    site = mkdocs_site(copy, python)
    result = build(project, formats=["epub"], out=work / "presswork")
    doc = result.document
    files = chapter_files(doc, "EPUB/text/", ".xhtml")
    docs_dir = result.project.config.content if result.project else "docs"
    chapters: dict[str, list[lxml_html.HtmlElement]] = {}
    with zipfile.ZipFile(result.outputs["epub"]) as epub:
        for chapter in doc.chapters:
            xhtml = epub.read(files[chapter.id])
            body = lxml_html.fromstring(xhtml).xpath("//body")
            chapters.setdefault(chapter.source, []).extend(body)
    results = []
    for source, bodies in chapters.items():
        page = page_file(site, source, str(docs_dir))
        if not page.is_file():
            continue
        theirs = content(lxml_html.fromstring(page.read_bytes()))
        ours_words = set().union(*(words_of(b) for b in bodies))
        ours_headings = {h for b in bodies for h in headings_of(b)}
        missing_words = sorted(words_of(theirs) - ours_words)
        missing_headings = [h for h in headings_of(theirs) if h and h not in ours_headings]
        results.append(PageResult(source, len(words_of(theirs)), missing_words, missing_headings))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--mkdocs", required=True, help="a Python interpreter with mkdocs installed")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--show", type=int, default=10, help="pages to list with what they miss")
    parser.add_argument("--drop", action="append", default=[], help="a Markdown extension to leave out (repeatable)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="mkdocs-compare-"))
    results = compare(args.project.resolve(), args.mkdocs, work, tuple(args.drop))
    words = [r for r in results if r.missing_words]
    headings = [r for r in results if r.missing_headings]
    for r in sorted(results, key=lambda r: -len(r.missing_words) - 10 * len(r.missing_headings))[: args.show]:
        if r.missing_words or r.missing_headings:
            print(f"{r.source}: {len(r.missing_words)}/{r.words} words missing {r.missing_words[:12]}")
            if r.missing_headings:
                print(f"    headings missing: {r.missing_headings[:6]}")
    total = sum(len(r.missing_words) for r in results)
    print(
        f"{len(results)} pages compared; {len(words)} miss words ({total} distinct words in all), "
        f"{len(headings)} miss headings"
    )
    return 1 if words or headings else 0


if __name__ == "__main__":
    sys.exit(main())
