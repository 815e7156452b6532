"""Hostile projects against the file gate: links planted where presswork reads or writes.

Nothing outside the project is read (the audit hook sees every open; the secret never shows in a
message or an output) and nothing outside ``--out`` and the project's ``.presswork-cache`` is written.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from presswork.core import files
from presswork.exporters.common import pagination
from tests.support.safety import MARKER, RECORDER, Secret, find_in_outputs, plant_secret

CHAPTER = "# A\n\nSome text.\n\n## B\n\nMore text.\n"


@pytest.fixture
def secret(tmp_path: Path) -> Secret:
    return plant_secret(tmp_path)


def assert_nothing_leaked(result, book: Path, secret: Secret) -> None:
    """No traceback, no open outside the project, the secret in no message and no output."""
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    assert RECORDER.opened_under(secret.folder) == []
    assert MARKER not in result.out + result.err
    if (book / "output").exists():
        assert find_in_outputs(book / "output", [MARKER.encode()]) == []


def victim(secret: Secret, name: str, text: str) -> Path:
    """A file outside the project that a planted link points to."""
    path = secret.folder / name
    path.write_text(text, encoding="utf-8")
    return path


# Each case: the project's files, the project file that is a link, and what the file outside holds
# (a valid file of that kind, so that following the link would put the secret in the book).
LINKED_PROJECT_FILES = {
    "presswork.toml": ({"01-a.md": CHAPTER}, f"machine example.org login me password {MARKER}\n"),
    "pyproject.toml": ({"01-a.md": CHAPTER}, f'[tool.presswork]\ntitle = "{MARKER}"\n'),
    "book.toml": (
        {"src/SUMMARY.md": "# Summary\n\n- [A](a.md)\n", "src/a.md": CHAPTER},
        f'[book]\ntitle = "{MARKER}"\n',
    ),
    "book.json": ({"SUMMARY.md": "# Summary\n\n* [A](a.md)\n", "a.md": CHAPTER}, f'{{"title": "{MARKER}"}}\n'),
    "mkdocs.yml": ({"docs/index.md": CHAPTER}, f"site_name: {MARKER}\n"),
    "_quarto.yml": ({"a.md": CHAPTER}, f"book:\n  title: {MARKER}\n  chapters:\n    - a.md\n"),
    "src/SUMMARY.md": (
        {"book.toml": '[book]\ntitle = "T"\n', "src/a.md": CHAPTER},
        f"# Summary\n\n- [{MARKER}](a.md)\n",
    ),
}


@pytest.mark.parametrize("name", list(LINKED_PROJECT_FILES))
def test_a_project_file_linked_outside_is_refused_unread(presswork, make_book, secret: Secret, name: str) -> None:
    """The issue's netrc case: the linked file's content never reaches a message, a title or an output."""
    project, outside = LINKED_PROJECT_FILES[name]
    book = make_book(project)
    (book / name).parent.mkdir(parents=True, exist_ok=True)
    (book / name).symlink_to(victim(secret, Path(name).name, outside))
    with RECORDER.recording():
        result = presswork("build", book, "--format", "epub")
    assert result.status == 1, result.err
    assert "is a link to a file outside the project folder" in result.err
    assert result.err.strip().splitlines()[-1].startswith(f"{name}: ")
    assert_nothing_leaked(result, book, secret)


# Each case: a book project listing a chapter outside it on line 4 of its project file.
LISTED_OUTSIDE = {
    "mdbook": (
        "src/SUMMARY.md",
        {"book.toml": '[book]\ntitle = "T"\n', "src/a.md": CHAPTER},
        "# Summary\n\n- [A](a.md)\n- [S](../../outside/secret.md)\n",
    ),
    "gitbook": (
        "SUMMARY.md",
        {"book.json": '{"title": "T"}', "a.md": CHAPTER},
        "# Summary\n\n* [A](a.md)\n* [S](../outside/secret.md)\n",
    ),
    "mkdocs": (
        "mkdocs.yml",
        {"docs/a.md": CHAPTER},
        "site_name: T\nnav:\n  - A: a.md\n  - S: ../../outside/secret.md\n",
    ),
    "quarto": (
        "_quarto.yml",
        {"a.md": CHAPTER},
        "book:\n  title: T\n  chapters:\n    - a.md\n    - ../outside/secret.md\n",
    ),
}


@pytest.mark.parametrize("kind", list(LISTED_OUTSIDE))
def test_a_chapter_listed_outside_the_project_is_an_error_at_its_line(
    presswork, make_book, secret: Secret, kind: str
) -> None:
    listing, project, text = LISTED_OUTSIDE[kind]
    victim(secret, "secret.md", f"# {MARKER}\n\n{MARKER}\n")
    book = make_book({**project, listing: text})
    with RECORDER.recording():
        result = presswork("build", book, "--format", "epub")
    assert result.status == 1, result.err
    line = 5 if kind == "quarto" else 4
    assert f"{listing}:{line}: chapter file " in result.err and "is outside the project folder" in result.err
    assert_nothing_leaked(result, book, secret)


def test_a_chapter_listed_in_the_summary_that_is_a_link_outside_is_refused(
    presswork, make_book, secret: Secret
) -> None:
    book = make_book({"book.json": '{"title": "T"}', "a.md": CHAPTER, "SUMMARY.md": "* [A](a.md)\n* [B](b.md)\n"})
    (book / "b.md").symlink_to(victim(secret, "secret.md", f"# {MARKER}\n"))
    with RECORDER.recording():
        result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert "SUMMARY.md:2: chapter file 'b.md' listed in the summary is a link to a file outside" in result.err
    assert_nothing_leaked(result, book, secret)


def test_a_planted_lock_link_truncates_nothing(presswork, make_book, secret: Secret) -> None:
    """``.presswork-cache/print-layout.lock`` (taken when PDF and EPUB are written side by side) and a layout
    lock as links to a file outside: the build replaces the links, the file keeps its bytes."""
    target = victim(secret, "precious.txt", f"{MARKER}\n")
    book = make_book({"01-a.md": CHAPTER})
    (book / ".presswork-cache").mkdir()
    (book / ".presswork-cache" / "print-layout.lock").symlink_to(target)
    result = presswork("build", book, "--format", "pdf,epub", "--jobs", "2")
    assert result.status == 0, result.err
    (book / ".presswork-cache" / "pagination-k.lock").symlink_to(target)
    with pagination.locked(book, "k"):
        pass
    assert target.read_text() == f"{MARKER}\n"
    assert not (book / ".presswork-cache" / "print-layout.lock").is_symlink()


def test_a_linked_cache_folder_gets_no_file_and_loses_none(presswork, make_book, secret: Secret) -> None:
    """``.presswork-cache`` as a link to a folder outside: nothing is written there, and pruning the cache
    deletes nothing there (the build just runs without a cache)."""
    elsewhere = secret.folder / "cache"
    for folder in ("read", "print-chapters", "pdf-batches", "epub-chapters", "pptx-chapters"):
        (elsewhere / folder).mkdir(parents=True)
        (elsewhere / folder / "keep.pickle").write_text("mine")
    before = sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*"))
    book = make_book({"01-a.md": CHAPTER, "02-b.md": "# B\n\nText.\n"})
    (book / ".presswork-cache").symlink_to(elsewhere)
    for _ in range(2):
        result = presswork("build", book, "--format", "pdf,epub,pptx,html")
        assert result.status == 0, result.err
    assert sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*")) == before
    assert all(p.read_text() == "mine" for p in elsewhere.rglob("*.pickle"))


def test_the_project_cannot_send_its_outputs_outside(presswork, make_book, secret: Secret) -> None:
    """An ``output`` folder that is a link to a folder outside, or ``out`` leading out of the project: refused
    before anything is written there; ``--out`` (the user's own choice) still writes anywhere."""
    book = make_book({"presswork.toml": 'title = "T"\n', "01-a.md": CHAPTER})
    (book / "output").symlink_to(secret.folder)
    before = sorted(p.name for p in secret.folder.iterdir())
    result = presswork("build", book, "--format", "epub,html")
    assert result.status == 1
    assert "presswork.toml: out: 'output' leads outside the project folder" in result.err
    (book / "presswork.toml").write_text('title = "T"\nout = "../outside"\n')
    result = presswork("build", book, "--format", "epub,html")
    assert result.status == 1 and "out: '../outside' leads outside the project folder" in result.err
    assert sorted(p.name for p in secret.folder.iterdir()) == before
    chosen = book.parent / "chosen"
    assert presswork("build", book, "--format", "epub", "--out", chosen).status == 0
    assert (chosen / "t.epub").is_file()


# ---------------------------------------------------------------------------- the gate itself


def test_the_gate_reads_only_regular_files_inside_its_roots(tmp_path: Path, secret: Secret) -> None:
    root = tmp_path / "book"
    (root / "sub").mkdir(parents=True)
    (root / "a.md").write_text("inside")
    (root / "link.md").symlink_to(secret.text)
    (root / "sub" / "up").symlink_to(tmp_path)
    os.mkfifo(root / "pipe.md")
    roots = [files.real_root(root)]
    assert files.read_bytes(root / "a.md", roots) == b"inside"
    with RECORDER.recording():
        for path in (root / "link.md", root / "sub" / "up" / "outside" / "secret.txt", root / ".." / "outside"):
            with pytest.raises(files.Refused, match="outside the project folder"):
                files.read_bytes(path, roots)
    assert RECORDER.opened_under(secret.folder) == []
    with pytest.raises(OSError, match="not a regular file"):  # a FIFO never blocks the build
        files.read_bytes(root / "pipe.md", roots)


def test_the_gate_writes_only_inside_its_root_and_never_through_a_link(tmp_path: Path, secret: Secret) -> None:
    out = tmp_path / "out"
    out.mkdir()
    root = files.real_root(out)
    (out / "linked").symlink_to(secret.folder)
    (out / "planted.tmp").symlink_to(secret.text)
    with pytest.raises(files.Refused, match="is a link to a folder outside the output folder"):
        files.write_atomic(out / "linked" / "x.pdf", b"data", root)
    with pytest.raises(files.Refused):
        files.make_dirs(out / "linked" / "deeper", root)
    with pytest.raises(OSError) as info:  # O_EXCL | O_NOFOLLOW: an existing name, a link above all, is refused
        files.open_new(out / "planted.tmp", root)
    assert info.value.errno == errno.EEXIST
    files.write_atomic(out / "planted.tmp", b"new", root)  # replaces the link itself
    assert not (out / "planted.tmp").is_symlink() and secret.text.read_text() == f"{MARKER}\n"
    assert sorted(p.name for p in secret.folder.iterdir()) == ["evil.css", "secret.png", "secret.txt"]


def test_an_atomic_write_that_fails_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = files.real_root(tmp_path)
    (tmp_path / "a.pdf").write_bytes(b"old")

    def full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="No space left"):
        files.write_atomic(tmp_path / "a.pdf", b"new", root)
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"] and (tmp_path / "a.pdf").read_bytes() == b"old"
