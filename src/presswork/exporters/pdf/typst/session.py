"""A Typst compile session kept between rebuilds (``watch``, ``preview``): one stable compile folder, one compiler.

Outside a session every PDF build with the Typst engine compiles in a fresh folder that is removed
afterwards, with a new ``typst.Compiler`` (which loads every font again). Inside :func:`kept` the
builds of one project share a folder (``.presswork-cache/typst/session-<pid>/``) and one compiler:
only the files whose content changed are rewritten, and Typst's own memoization re-lays only what
an edit touched. The compiler reads the files again on every compile, so its output equals a fresh
compile's byte for byte.

A session belongs to the process that opened it: a forked worker sees none, so
it compiles the old way. The builds of a session run one at a time (watch and preview build serially).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from presswork.compat.typst import TypstBook
from presswork.core import files
from presswork.exporters.pdf.typst.assets import RootFolder
from presswork.project.assets import AssetGate

__all__ = ["SessionRoot", "TypstSession", "current", "kept", "remove_stale"]

#: The open sessions of this process, by the real path of their project.
_open: dict[Path, TypstSession] = {}


class SessionRoot(RootFolder):
    """The session's compile root: a file is rewritten only when its content changed (a stable
    name such as the theme's template or the cover can change between builds). ``written`` is the
    session's record of what each name holds (a digest), kept from build to build."""

    def __init__(self, root: Path, gate: AssetGate, written: dict[str, str]) -> None:
        super().__init__(root, gate)
        self.written = written

    def write(self, name: str, data: bytes) -> str:
        """Write ``data`` as ``name`` under the root unless it already holds exactly that; its path for Typst."""
        path = self.root / name
        digest = hashlib.sha256(data).hexdigest()
        if self.written.get(name) != digest or not path.is_file():
            files.make_dirs(path.parent, self.root, "Typst compile folder")
            files.write_into(path, data, self.root, durable=False)
            self.written[name] = digest
        return "/" + name


class TypstSession:
    """One project's compile folder and compiler, reused by every build of a watch or preview."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.pid = os.getpid()
        self._book: TypstBook | None = None
        self._main: Path | None = None
        self._written: dict[str, str] = {}
        #: How many builds made a new compiler, and how many reused it (for tests and ``--verbose``).
        self.started = 0
        self.reused = 0

    @property
    def folder(self) -> Path:
        """The compile folder, made again (with a new compiler) when it is gone, e.g. kept as ``last-failed``."""
        parent = files.make_dirs(
            files.cache_root(self.project) / "typst", files.real_root(self.project), "cache folder"
        )
        folder = parent / f"session-{self.pid}"
        if not folder.is_dir():
            files.make_dirs(folder, files.real_root(self.project), "cache folder")
            self._book = None
            self._written.clear()
        return folder

    def root(self, gate: AssetGate) -> RootFolder:
        """The compile root for one build: files written only when changed."""
        return SessionRoot(self.folder, gate, self._written)

    def book(self, main: Path, root: Path) -> TypstBook:
        """The session's compiler for ``main`` in ``root`` (made on first use, kept after)."""
        if self._book is None or self._main != main:
            self._book, self._main = TypstBook(main, root, font_paths=()), main
            self.started += 1
        else:
            self.reused += 1
        return self._book

    def close(self) -> None:
        """Drop the compiler and remove the compile folder."""
        self._book = None
        shutil.rmtree(files.cache_root(self.project) / "typst" / f"session-{self.pid}", ignore_errors=True)


def current(project: Path) -> TypstSession | None:
    """The session open for ``project`` in this process, if any (never one inherited by a forked worker)."""
    session = _open.get(Path(os.path.realpath(project)))
    return session if session is not None and session.pid == os.getpid() else None


@contextlib.contextmanager
def kept(project: Path) -> Iterator[TypstSession]:
    """Keep a Typst compile session open for ``project`` while the block runs (a watch, a preview)."""
    key = Path(os.path.realpath(project))
    session = _open.get(key)
    if session is not None and session.pid == os.getpid():
        yield session  # nested: the outer block owns it
        return
    remove_stale(key)
    session = _open[key] = TypstSession(key)
    try:
        yield session
    finally:
        _open.pop(key, None)
        session.close()


def remove_stale(project: Path) -> None:
    """Remove the session folders left by watchers of ``project`` that were killed (their process is gone)."""
    parent = files.cache_root(project) / "typst"
    if not parent.is_dir():
        return
    for folder in parent.glob("session-*"):
        pid = folder.name.removeprefix("session-")
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    """True when a process ``pid`` exists (or may: one we cannot signal)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
