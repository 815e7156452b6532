"""The page starts cached for the EPUB's page list: one layout's, the book's current one, not one file per edit."""

from __future__ import annotations

from pathlib import Path

from presswork.exporters.common.pagination import CACHE_DIR, PageStart, load, locked, store


def test_storing_a_layout_forgets_the_others_and_nothing_else(tmp_path: Path) -> None:
    cache = tmp_path / CACHE_DIR
    (cache / "read").mkdir(parents=True)
    (cache / "read" / "entry.pickle").write_bytes(b"x")
    (cache / "font-coverage-1.json").write_text("{}", encoding="utf-8")
    (cache / "print-layout.lock").write_bytes(b"")
    starts = [PageStart("1", "ch1", 0, 0), None]
    for key in ("first", "second", "third"):
        with locked(tmp_path, key):
            store(tmp_path, key, starts)
    assert load(tmp_path, "third") == starts
    assert load(tmp_path, "first") is None and load(tmp_path, "second") is None
    assert sorted(p.name for p in cache.iterdir()) == [
        "font-coverage-1.json",
        "pagination-third.json",
        "pagination-third.lock",
        "print-layout.lock",
        "read",
    ]
    assert (cache / "read" / "entry.pickle").is_file()


def test_a_book_edited_and_built_again_keeps_one_layout(make_book, presswork) -> None:
    book = make_book(
        {
            "presswork.toml": 'title = "T"\n\n[pdf]\nengine = "typst"\n',
            "01-one.md": "# One\n\nA first chapter.\n",
            "02-two.md": "# Two\n\nA second chapter.\n",
        }
    )
    for edit in ("", "\nOne more sentence.\n", "\nAnd another.\n"):
        with (book / "02-two.md").open("a", encoding="utf-8") as chapter:
            chapter.write(edit)
        assert presswork("build", book, "--format", "pdf,epub").status == 0
    assert len(list((book / CACHE_DIR).glob("pagination-*.json"))) == 1


def test_the_files_digest_names_every_local_file_the_html_includes_with_its_bytes(tmp_path: Path) -> None:
    from presswork.exporters.common.pagination import files_digest

    for name in ("a.png", "b.svg", "c.woff2", "outside.png"):
        (tmp_path / name).write_bytes(name.encode())
    html = (
        '<img src="a.png"/><svg><image xlink:href="b.svg"/></svg><object data="c.woff2"></object>'
        '<a href="#note-1">1</a><a href="https://example.org/a.png">web</a><img src="outside.png"/>'
    )
    base = tmp_path.as_uri() + "/"
    allowed = lambda path: path.name != "outside.png"  # noqa: E731 - the gate's answer
    lines = files_digest(html, base, allowed).splitlines()
    assert [line.split()[0].rsplit("/", 1)[1] for line in lines] == ["a.png", "b.svg", "c.woff2", "outside.png"]
    assert lines[-1].endswith(" -")  # refused by the gate: named, never read
    before = files_digest(html, base, allowed)
    (tmp_path / "b.svg").write_bytes(b"changed")
    assert files_digest(html, base, allowed) != before
