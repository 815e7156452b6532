"""What a Typst rebuild keeps from the last build: highlighted listings, and for each cached batch the structure elements its merge renames; a damaged or wrong entry is recomputed, never trusted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from presswork.cache import store as buildcache
from presswork.commands.cli import main
from presswork.exporters.pdf.batches import structure
from presswork.exporters.pdf.typst import code
from presswork.exporters.pdf.typst.batches import LaidBatch
from presswork.exporters.pdf.typst.batchpool import BatchStore
from presswork.exporters.pdf.typst.codecache import CodeCache

LISTING = "def total(values):\n    return sum(v * 2 for v in values)  # a comment long enough to wrap somewhere\n"


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWORK_CACHE_DIR", str(tmp_path / "user"))
    monkeypatch.setattr(buildcache, "_MEMORY", {})


def _no_highlighting(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> str:
        raise AssertionError("highlighted again")

    monkeypatch.setattr(code, "highlighted", refuse)


def test_a_listing_is_highlighted_once_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = CodeCache(tmp_path).highlighted(LISTING, "python", "default", 40)
    assert fresh == code.highlighted(LISTING, "python", "default", 40)
    buildcache._MEMORY.clear()  # a new process: the markup comes from disk
    with monkeypatch.context() as patch:
        _no_highlighting(patch)
        assert CodeCache(tmp_path).highlighted(LISTING, "python", "default", 40) == fresh
    # another wrap width, language or palette is another listing
    other = CodeCache(tmp_path)
    assert other.highlighted(LISTING, "python", "default", 30) == code.highlighted(LISTING, "python", "default", 30)
    assert other.highlighted(LISTING, "text", "default", 40) == code.highlighted(LISTING, "text", "default", 40)
    assert other.highlighted(LISTING, "python", "monokai", 40) == code.highlighted(LISTING, "python", "monokai", 40)


def test_a_damaged_listing_entry_is_highlighted_again(tmp_path: Path) -> None:
    fresh = CodeCache(tmp_path).highlighted(LISTING, "python", "default", 0)
    (entry,) = (tmp_path / ".presswork-cache" / "typst-code").iterdir()
    entry.write_bytes(entry.read_bytes()[:-7] + b"damaged")
    buildcache._MEMORY.clear()
    assert CodeCache(tmp_path).highlighted(LISTING, "python", "default", 0) == fresh


def test_the_listing_cache_keeps_the_listings_of_the_last_book(tmp_path: Path) -> None:
    first = CodeCache(tmp_path)
    first.highlighted(LISTING, "python", "default", 0)
    first.highlighted("print(1)\n", "python", "default", 0)
    first.prune()
    second = CodeCache(tmp_path)
    second.highlighted(LISTING, "python", "default", 0)
    second.prune()
    assert len(list((tmp_path / ".presswork-cache" / "typst-code").iterdir())) == 1


TABLE = "| Name | Value | Unit |\n|:--|--:|:-:|\n" + "".join(f"| row {n} | {n * 7} | ms |\n" for n in range(6))


def _chapter(n: int, paragraphs: int = 2) -> str:
    body = "\n\n".join(f"Paragraph {k} of chapter {n}. " + "Filler text to take room. " * 30 for k in range(paragraphs))
    return f"# Chapter {n}\n\n{body}\n\n{TABLE}\n```python\n{LISTING}```\n\n## Later {n}\n\n{body}\n\n{TABLE}"


def _book(folder: Path) -> Path:
    """Six chapters with tables (their header cells have ids the merge renames) in three batches of two."""
    folder.mkdir(parents=True)
    for n in range(6):
        (folder / f"{n + 1:02d}.md").write_text(_chapter(n), encoding="utf-8")
    (folder / "presswork.toml").write_text(
        'title = "Tables"\nlanguage = "en"\ndate = "2025-01-02"\n[pdf]\nengine = "typst"\nbatch = "on"\nbatch_size = 2\n',
        encoding="utf-8",
    )
    return folder


def _build(folder: Path) -> bytes:
    assert main(["build", str(folder), "-f", "pdf", "-q", "-j1"]) == 0
    return (folder / "output" / "tables.pdf").read_bytes()


def _walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pages of each PDF whose structure tree the merge walks to find the elements it renames."""
    walked: list[int] = []
    real = structure.marked_elements

    def counting(src: Any) -> Any:
        walked.append(len(src.pages))
        return real(src)

    monkeypatch.setattr(structure, "marked_elements", counting)
    return walked


def _cached_facts(folder: Path) -> dict[str, dict[str, Any]]:
    store = BatchStore(folder)
    found = {}
    for path in sorted(store.folder.glob("*.json")):
        data = buildcache.unseal(path.read_bytes(), path.name)
        assert data is not None
        found[path.stem] = json.loads(data)
    return found


@pytest.mark.slow
def test_a_rebuild_merges_cached_batches_without_walking_their_structure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _book(tmp_path / "book")
    walked = _walks(monkeypatch)
    _build(folder)
    assert len(walked) == 4, "a clean build walks every batch's tree and the skeleton's"
    facts = _cached_facts(folder)
    assert len(facts) == 3 and all(f["marked"] for f in facts.values()), "each batch keeps its renamed elements"
    (folder / "03.md").write_text(_chapter(2, 5), encoding="utf-8")  # the second batch grows by pages
    walked.clear()
    rebuilt = _build(folder)
    assert len(walked) == 2, "the rebuild walks the tree of the batch it laid out and the skeleton's, no other"
    shutil.rmtree(folder / ".presswork-cache")
    assert _build(folder) == rebuilt, "the rebuilt PDF differs from a clean build of the edited book"


@pytest.mark.slow
@pytest.mark.parametrize("marked", [[[1, 0]], [[999999, 0]]], ids=["not-an-element", "no-such-object"])
def test_cached_marks_that_name_no_structure_element_are_walked_instead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, marked: list[list[int]]
) -> None:
    folder = _book(tmp_path / "book")
    clean = _build(folder)
    store = BatchStore(folder)
    for key, value in _cached_facts(folder).items():  # signed by this user, but naming the wrong objects
        laid = LaidBatch(b"", value["pages"], value["events"], value["labels"], value["places"], marked)
        store.put_facts(key, laid)
    walked = _walks(monkeypatch)
    merged = folder / ".presswork-cache" / "typst-merged"  # else nothing changed is not merged again at all
    shutil.rmtree(merged)
    assert _build(folder) == clean
    assert len(walked) == 4, "every batch's tree (and the skeleton's) walked again"
    walked.clear()
    shutil.rmtree(merged)
    assert _build(folder) == clean
    assert len(walked) == 1, "the marks found by the walk replaced the wrong ones"
