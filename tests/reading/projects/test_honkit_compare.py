"""GitBook books as HonKit itself shows them: page by page, every word and heading of HonKit's HTML is in the
chapter presswork's EPUB makes of the same file.

Marked ``realbooks`` (deselected by default): it needs the book in /work/corpus (or $PRESSWORK_CORPUS) and
the ``honkit`` command (``npm install honkit``; $HONKIT names the command when it is not on PATH). The
book's plug-ins are dropped from a copy of its book.json, as HonKit cannot install them here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree, html

from presswork.build.pipeline import build
from presswork.project.kinds import detect

CORPUS = Path(os.environ.get("PRESSWORK_CORPUS", "/work/corpus"))
#: GitBook books that HonKit builds without their plug-ins.
BOOKS = ["docker_practice"]

pytestmark = [pytest.mark.realbooks, pytest.mark.slow]

_WORD = re.compile(r"\w+")
_PAGEBREAK = re.compile(rb"<span[^>]*pagebreak[^>]*?(?:/>|></span>)")


@dataclass
class Page:
    """What a reader finds on one page: its words and its headings (depth in the page's outline, text)."""

    words: set[str] = field(default_factory=set)
    headings: list[tuple[int, str]] = field(default_factory=list)


def _outline(levels_and_texts: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Headings with their levels replaced by their depth among the levels the page uses (1, 2, ...)."""
    ranks = {level: rank for rank, level in enumerate(sorted({lv for lv, _ in levels_and_texts}), start=1)}
    return [(ranks[lv], " ".join(_WORD.findall(text.lower()))) for lv, text in levels_and_texts]


def _page(root: etree._Element, namespace: str = "") -> Page:
    heads = [(int(h.tag[-1]), "".join(h.itertext())) for h in root.iter(*(f"{namespace}h{n}" for n in range(1, 7)))]
    return Page(set(_WORD.findall(" ".join(root.itertext()).lower())), _outline(heads))


def honkit_pages(book: Path, out: Path) -> list[Page]:
    """HonKit's pages of the book's chapters in SUMMARY order (their ``.markdown-section``)."""
    project = detect(book)
    assert project is not None
    pages = []
    for entry in project.entries:
        rel = entry.path.relative_to(project.content).with_suffix(".html")
        name = rel.with_name("index.html") if rel.stem.lower() == "readme" else rel
        tree = html.parse(str(out / name))
        section = tree.xpath("//section[contains(@class, 'markdown-section')]")[0]
        pages.append(_page(section))
    return pages


def epub_pages(epub: Path) -> list[Page]:
    """presswork's chapter documents of the EPUB in reading order."""
    ns = "{http://www.w3.org/1999/xhtml}"
    with zipfile.ZipFile(epub) as z:
        numbered = [(re.search(r"/ch(\d+)-[^/]*\.xhtml$", n), n) for n in z.namelist()]
        names = [n for m, n in sorted((int(m.group(1)), n) for m, n in numbered if m)]
        return [_page(etree.fromstring(_PAGEBREAK.sub(b"", z.read(n))), ns) for n in names]


def compare(theirs: list[Page], ours: list[Page]) -> tuple[list[int], list[int]]:
    """The pages (0-based) whose words, and whose heading tree, HonKit shows and presswork does not."""
    missing_words = [i for i, (a, b) in enumerate(zip(theirs, ours, strict=True)) if a.words - b.words]
    # presswork's chapter title is the page's first heading; the tree of the rest must be HonKit's
    missing_heads = [
        i
        for i, (a, b) in enumerate(zip(theirs, ours, strict=True))
        if [t for _, t in a.headings] != [t for _, t in b.headings][: len(a.headings)]
        and [t for _, t in a.headings] != [t for _, t in b.headings][1:]
    ]
    return missing_words, missing_heads


def _prepare(name: str, tmp_path: Path) -> Path:
    honkit = os.environ.get("HONKIT") or shutil.which("honkit")
    if not honkit:
        pytest.skip("honkit is not installed (npm install honkit; set HONKIT to its command)")
    source = CORPUS / name
    if not source.is_dir():
        pytest.skip(f"{source} not present (see /work/corpus/MANIFEST.md)")
    book = tmp_path / name
    shutil.copytree(source, book, ignore=shutil.ignore_patterns(".git", "_book", "node_modules"))
    config = book / "book.json"
    data = json.loads(config.read_text()) if config.is_file() else {}
    data["plugins"] = []
    data.pop("pluginsConfig", None)
    config.write_text(json.dumps(data, ensure_ascii=False))
    subprocess.run([honkit, "build", ".", "_book"], cwd=book, check=True, capture_output=True, timeout=1800)
    return book


@pytest.mark.parametrize("name", BOOKS)
def test_every_honkit_page_keeps_its_words_and_headings(name: str, tmp_path: Path) -> None:
    book = _prepare(name, tmp_path)
    theirs = honkit_pages(book, book / "_book")
    shutil.rmtree(book / "_book")
    ours = epub_pages(build(book, ["epub"], out=tmp_path / "out").outputs["epub"])
    assert len(ours) == len(theirs)
    words, headings = compare(theirs, ours)
    assert (words, headings) == ([], [])
