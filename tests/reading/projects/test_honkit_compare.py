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
from tests.support.outputs import markdown_words

CORPUS = Path(os.environ.get("PRESSWORK_CORPUS", "/work/corpus"))
#: Books HonKit builds without plug-ins, with what their copy's book.json must say. rust-lang/api-guidelines
#: is an mdBook: its copy, without book.toml, is a GitBook with its root in src/ and about.md as README.
#: (yeasy/docker_practice works too, but HonKit takes over 15 minutes on it here.)
BOOKS = {"api-guidelines": {"root": "src", "title": "Rust API Guidelines", "structure": {"readme": "about.md"}}}

pytestmark = [pytest.mark.realbooks, pytest.mark.slow]

_WORD = re.compile(r"\w+")
_REFERENCE = re.compile(r"(?m)^ {0,3}\[[^\]]+\]:\s*\S+.*$")  # a link reference definition: a URL, no prose
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


def honkit_pages(book: Path, out: Path, readme: str = "README.md") -> dict[int, Page]:
    """HonKit's pages of the book's chapters (their ``.markdown-section``) by the chapter's place in the
    SUMMARY; a chapter HonKit makes no page of (a link outside the list) has none."""
    project = detect(book)
    assert project is not None
    pages = {}
    for index, entry in enumerate(project.entries):
        rel = entry.path.relative_to(project.content)
        name = Path("index.html") if rel.as_posix() == readme else rel.with_suffix(".html")
        if (out / name).is_file():
            tree = html.parse(str(out / name))
            section = tree.xpath("//section[contains(@class, 'markdown-section')]")[0]
            pages[index] = _page(section)
    return pages


def epub_pages(epub: Path) -> list[Page]:
    """presswork's chapter documents of the EPUB in reading order."""
    ns = "{http://www.w3.org/1999/xhtml}"
    with zipfile.ZipFile(epub) as z:
        numbered = [(re.search(r"/ch(\d+)-[^/]*\.xhtml$", n), n) for n in z.namelist()]
        names = [n for m, n in sorted((int(m.group(1)), n) for m, n in numbered if m)]
        return [_page(etree.fromstring(_PAGEBREAK.sub(b"", z.read(n))), ns) for n in names]


def compare(theirs: dict[int, Page], ours: list[Page], sources: list[set[str]]) -> tuple[list[int], list[int]]:
    """The pages (by chapter, 0-based) whose words, and whose headings, HonKit shows and presswork does not.

    Words count when the source's prose has them (not the parts of a URL or an HTML attribute HonKit
    prints as text where it misreads a block). Each heading HonKit shows must be presswork's, in the
    same order and at the same depth, presswork's chapter title aside (a page without a heading of its
    own is titled by the SUMMARY); presswork may show more (HonKit reads a heading under an HTML line
    as part of the HTML)."""
    missing_words = [i for i, page in theirs.items() if (page.words & sources[i]) - ours[i].words]
    missing_heads = [
        i
        for i, page in theirs.items()
        if not (_within(page.headings, ours[i].headings) or _within(page.headings, _after_title(ours[i])))
    ]
    return missing_words, missing_heads


def _after_title(page: Page) -> list[tuple[int, str]]:
    return [(depth - 1, text) for depth, text in page.headings[1:]]


def _within(part: list[tuple[int, str]], whole: list[tuple[int, str]]) -> bool:
    """Whether ``part`` is ``whole`` with some of its entries left out (a subsequence)."""
    rest = iter(whole)
    return all(any(item == other for other in rest) for item in part)


def _prepare(name: str, book_json: dict[str, object], tmp_path: Path) -> Path:
    honkit = os.environ.get("HONKIT") or shutil.which("honkit")
    if not honkit:
        pytest.skip("honkit is not installed (npm install honkit; set HONKIT to its command)")
    source = CORPUS / name
    if not source.is_dir():
        pytest.skip(f"{source} not present (see /work/corpus/MANIFEST.md)")
    book = tmp_path / name
    shutil.copytree(source, book, ignore=shutil.ignore_patterns(".git", "_book", "node_modules"))
    (book / "book.toml").unlink(missing_ok=True)
    config = book / "book.json"
    data = json.loads(config.read_text()) if config.is_file() else {}
    data.update(book_json)
    data["plugins"] = []
    data.pop("pluginsConfig", None)
    config.write_text(json.dumps(data, ensure_ascii=False))
    subprocess.run([honkit, "build", ".", "_book"], cwd=book, check=True, capture_output=True, timeout=1800)
    return book


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_every_honkit_page_keeps_its_words_and_headings(name: str, tmp_path: Path) -> None:
    book = _prepare(name, BOOKS[name], tmp_path)
    structure = BOOKS[name].get("structure")
    readme = str(structure.get("readme", "README.md")) if isinstance(structure, dict) else "README.md"
    theirs = honkit_pages(book, book / "_book", readme)
    shutil.rmtree(book / "_book")
    ours = epub_pages(build(book, ["epub"], out=tmp_path / "out").outputs["epub"])
    project = detect(book)
    assert project is not None and len(ours) == len(project.entries) and len(theirs) >= len(ours) - 2
    sources = [set(markdown_words(_REFERENCE.sub("", e.path.read_text(encoding="utf-8")))) for e in project.entries]
    words, headings = compare(theirs, ours, sources)
    assert (words, headings) == ([], [])
