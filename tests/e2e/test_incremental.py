"""An incremental rebuild of all three formats gives the bytes of a clean build, and invalidates exactly what it must.

One book is built, changed and built again in place (with its ``.presswork-cache/``); after each
change the project is built again without its cache, and the two must give the same bytes for the PDF, the EPUB and the deck, and the same warnings.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from presswork.build.pipeline import build
from presswork.cache import store as buildcache

pytestmark = pytest.mark.slow

TEMPLATE = Path(__file__).resolve().parents[2] / "benchmarks" / "template"
CHAPTERS = 2

CONFIG = """title = "Incremental"
authors = ["presswork tests"]
language = "en"
date = "2025-03-04"
content = "chapters"
output_name = "book"

[variables]
edition = "first"

[pdf]
batch = "on"
batch_size = 1
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incremental") / "book"
    (root / "chapters").mkdir(parents=True)
    shutil.copytree(TEMPLATE / "images", root / "chapters" / "images")
    text = (TEMPLATE / "chapter.md").read_text(encoding="utf-8")
    for n in range(1, CHAPTERS + 1):
        body = text.replace("{{N}}", str(n))
        if n == 2:  # an included file and a variable: their changes must reach the outputs
            body += "\n\nThe {{ edition }} edition.\n\n{{< include ../shared/note.md >}}\n"
        (root / "chapters" / f"{n:02d}-chapter.md").write_text(body, encoding="utf-8")
    (root / "shared").mkdir()
    (root / "shared" / "note.md").write_text("A shared note, included in chapter two.\n", encoding="utf-8")
    (root / "presswork.toml").write_text(CONFIG, encoding="utf-8")
    return root


def _build(folder: Path, out: Path) -> tuple[dict[str, bytes], list[str]]:
    result = build(folder, out=out, jobs=2)
    return {fmt: path.read_bytes() for fmt, path in sorted(result.outputs.items())}, [
        str(w) for w in result.reporter.sorted()
    ]


def _clean(folder: Path, tmp: Path) -> tuple[dict[str, bytes], list[str]]:
    """A clean build of ``folder``: its cache deleted (on disk and in this process's memory).

    In the same folder, because WeasyPrint names an image after its absolute URL.
    """
    shutil.rmtree(folder / ".presswork-cache")
    buildcache._MEMORY.clear()
    return _build(folder, tmp / "clean-out")


def _same(rebuilt: tuple[dict[str, bytes], list[str]], clean: tuple[dict[str, bytes], list[str]], step: str) -> None:
    assert sorted(rebuilt[0]) == ["epub", "pdf", "pptx"]
    differ = [fmt for fmt in rebuilt[0] if rebuilt[0][fmt] != clean[0].get(fmt)]
    assert not differ, f"after {step}, the rebuilt {', '.join(differ)} differ from a clean build's"
    assert rebuilt[1] == clean[1], f"after {step}, the rebuild's warnings differ from a clean build's"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_rebuilds_equal_clean_builds(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _build(project, out)
    assert (project / ".presswork-cache").is_dir()

    # A source edit and an included file's edit.
    _edit(project / "chapters" / "02-chapter.md", "The {{ edition }} edition.", "The {{ edition }} edition, revised.")
    _edit(project / "shared" / "note.md", "A shared note", "An edited shared note")
    rebuilt = _build(project, out)
    assert all(rebuilt[0][fmt] != first[0][fmt] for fmt in ("pdf", "epub", "pptx"))
    _same(rebuilt, _clean(project, tmp_path), "editing a chapter and an included file")

    # The configuration (a variable) and the theme (a project theme restyling body text in print and EPUB).
    _edit(project / "presswork.toml", 'edition = "first"', 'edition = "second"')
    theme = project / "themes" / "mine"
    for fmt in ("pdf", "epub"):
        (theme / fmt).mkdir(parents=True)
        (theme / fmt / "book.css").write_text("p { color: #202020; }\n", encoding="utf-8")
    (theme / "theme.toml").write_text('name = "mine"\nextends = "default"\n', encoding="utf-8")
    _edit(project / "presswork.toml", 'output_name = "book"', 'output_name = "book"\ntheme = "mine"')
    restyled = _build(project, out)
    assert all(restyled[0][fmt] != rebuilt[0][fmt] for fmt in ("pdf", "epub", "pptx"))
    _same(restyled, _clean(project, tmp_path), "changing a variable and the theme")

    # Nothing changed: the same bytes again, from the cache.
    again = _build(project, out)
    _same(again, restyled, "a rebuild without changes")
