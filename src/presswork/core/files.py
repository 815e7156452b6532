"""The one place presswork opens a file: every read and write confined to the folders allowed for it.

A project folder is untrusted data: any of its files (``presswork.toml``, ``book.toml``, a chapter,
a lock file, the ``.presswork-cache`` folder itself) may be a symbolic link planted to lead elsewhere.
So every path is resolved to its real path and checked against *roots*, the real paths of the folders
allowed for it:

- reads: the project folder and the theme folders (the user cache folder for its own files);
- writes: the output folder (``--out``), the project's ``.presswork-cache/`` and the user cache folder.

A path whose real path leaves its roots is :class:`Refused` (never opened, so its content never shows
in a message). Files are written with ``O_NOFOLLOW`` (and ``O_EXCL`` for new and temporary files), and
replaced atomically (:func:`write_atomic`: a temporary file beside the target, renamed over it). The
project is data on disk, not a running attacker: a check and the open that follows it are not atomic
against a concurrent process swapping folders in between.

Temporary files are named ``.NAME.PID-XXXXXXXX.tmp``: a build removes those of its targets whose
process is gone (:func:`remove_stale`), the debris of a build killed before it could clean up.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos

#: The project's cache folder, the only folder of a project that a build writes to.
CACHE_DIR = ".presswork-cache"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted in the project must not hang the open
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_READ = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY

#: A temporary file of :func:`temporary_path`: the name it stands for and the process that made it.
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{8}\.tmp$")

#: Errors of a disk that cannot take what is written (full, read-only, over quota, too large a file).
DISK_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EROFS, errno.EFBIG, errno.EACCES, errno.EPERM, getattr(errno, "EDQUOT", errno.ENOSPC)}
)


class Refused(PressworkError):
    """A path whose real path leaves the folders allowed for it (through a link, ``..`` or an absolute name)."""


@functools.lru_cache(maxsize=512)
def _realpath(text: str) -> str:
    return os.path.realpath(text)


#: Real paths of the folders met during this build (a project is data at rest: its folders do not move while a
#: build reads them); :func:`forget` empties it when the next build starts.
_FOLDERS: dict[str, str] = {}


def forget() -> None:
    """Start afresh: a new build resolves every folder again (``watch`` builds in the same process)."""
    _FOLDERS.clear()


def realpath(path: Path | str) -> str:
    """``os.path.realpath(path)``, with the real path of each folder resolved once per build: a file that is not
    itself a link costs one ``lstat`` instead of one per folder above it."""
    text = os.fspath(path)
    parent, name = os.path.split(os.path.abspath(text))
    if ".." in Path(text).parts or not name:
        return os.path.realpath(text)
    try:
        if stat.S_ISLNK(os.lstat(text).st_mode):
            return os.path.realpath(text)
    except OSError:
        return os.path.realpath(text)
    folder = _FOLDERS.get(parent)
    if folder is None:
        folder = _FOLDERS[parent] = os.path.realpath(parent)
    return os.path.join(folder, name)


def real_root(folder: Path | str) -> Path:
    """The real path of an allowed folder; resolved once per process (roots do not move during a build)."""
    return Path(_realpath(os.fspath(folder)))


def cache_root(project: Path) -> Path:
    """The project's cache folder as a write root: ``.presswork-cache`` inside the real project folder.

    Not its real path: a ``.presswork-cache`` that is itself a link (to anywhere) makes every cache file
    below it :class:`Refused`, so a planted link cannot send cache files, or their pruning, elsewhere."""
    return real_root(project) / CACHE_DIR


def within(real: str | Path, roots: Iterable[Path]) -> bool:
    """Whether the real path ``real`` is one of ``roots`` or lies below one."""
    text = os.fspath(real)
    for root in roots:
        top = os.fspath(root)
        if text == top or text.startswith(top if top.endswith(os.sep) else top + os.sep):
            return True
    return False


def _refusal(path: Path, display: str | None, where: str, pos: Pos | None, writing: bool = False) -> Refused:
    """The error for ``path`` leaving ``where``: it names the path as written, never what it leads to."""
    name = display if display is not None else path.name
    link = os.path.normpath(os.path.abspath(path)) != os.path.realpath(path)
    what = "a folder" if writing else "a file"
    how = f"is a link to {what} outside" if link else "is outside"
    rule = "a build writes only inside it" if writing else "a build reads only files inside it"
    subject = "this file" if pos is not None and pos.file == name and not pos.line else repr(name)
    return Refused(f"{subject} {how} the {where}; {rule}", pos)


def check_read(
    path: Path, roots: Iterable[Path], display: str | None = None, pos: Pos | None = None, where: str = "project folder"
) -> Path:
    """The real path of ``path`` when it lies inside one of ``roots`` (real paths), else :class:`Refused`."""
    real = realpath(path)
    if not within(real, roots):
        raise _refusal(path, display, where, pos)
    return Path(real)


def open_read(
    path: Path, roots: Iterable[Path], display: str | None = None, pos: Pos | None = None, where: str = "project folder"
) -> IO[bytes]:
    """``path`` opened for reading when it is a regular file inside ``roots`` (:class:`Refused` when it
    leaves them; OSError when it cannot be read or is not a regular file: a FIFO never blocks the build)."""
    real = check_read(path, roots, display, pos, where)
    fd = os.open(real, _READ)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EISDIR if real.is_dir() else errno.EINVAL, "not a regular file", str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(
    path: Path, roots: Iterable[Path], display: str | None = None, pos: Pos | None = None, where: str = "project folder"
) -> bytes:
    """The bytes of the regular file ``path`` inside ``roots`` (see :func:`open_read`)."""
    with open_read(path, roots, display, pos, where) as fh:
        return fh.read()


def read_text(
    path: Path,
    roots: Iterable[Path],
    display: str | None = None,
    pos: Pos | None = None,
    encoding: str = "utf-8",
) -> str:
    """The text of the file ``path`` inside ``roots`` (UnicodeDecodeError when it is not ``encoding``)."""
    return read_bytes(path, roots, display, pos).decode(encoding)


# --------------------------------------------------------------------------- writes


def check_write(path: Path, root: Path, where: str = "output folder") -> Path:
    """``path`` with its folder's real path, when that folder is ``root`` (a real path) or lies below it,
    else :class:`Refused`; the file itself is opened without following a link (see :func:`open_new`)."""
    if path.name in ("", ".", ".."):
        raise Refused(f"{str(path)!r} is not a file name")
    folder = realpath(path.parent)
    if not within(folder, (root,)):
        raise _refusal(path.parent, str(path.parent), where, None, writing=True)
    return Path(folder) / path.name


def make_dirs(folder: Path, root: Path, where: str = "output folder") -> Path:
    """Create ``folder`` (and its parents) inside ``root``; its real path, or :class:`Refused`."""
    real = os.path.realpath(folder)
    if not within(real, (root,)):
        raise _refusal(folder, str(folder), where, None, writing=True)
    os.makedirs(real, exist_ok=True)
    return Path(real)


def temporary_path(target: Path) -> Path:
    """A fresh hidden temporary name beside ``target``: ``.NAME.PID-XXXXXXXX.tmp`` (see :data:`TEMPORARY`)."""
    return target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def open_new(path: Path, root: Path, mode: int = 0o666) -> int:
    """Create the new file ``path`` inside ``root`` (``O_EXCL | O_NOFOLLOW``: never an existing file or
    a link) and return its descriptor, open for writing."""
    return os.open(check_write(path, root), _NEW, mode)


def reserve(path: Path, root: Path) -> Path:
    """Create ``path`` empty (see :func:`open_new`) for a writer that takes a file name; returns it."""
    os.close(open_new(path, root))
    return path


def write_new(path: Path, data: bytes, root: Path) -> None:
    """Write ``data`` to the new file ``path`` inside ``root`` (the file must not exist)."""
    with os.fdopen(open_new(path, root), "wb") as fh:
        fh.write(data)


def write_into(path: Path, data: bytes, root: Path, durable: bool = True) -> None:
    """Replace the content of the file ``path`` inside ``root`` (created if missing, never through a link)."""
    fd = os.open(check_write(path, root), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | _CLOEXEC | _BINARY, 0o666)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        if durable:
            os.fsync(fh.fileno())


def write_atomic(path: Path, data: bytes, root: Path, durable: bool = True) -> None:
    """Write ``data`` to ``path`` inside ``root`` atomically: a temporary file beside it (``O_EXCL``),
    flushed to disk when ``durable`` (outputs; a signed cache file needs no flush: a torn one is a miss),
    then renamed over ``path`` (replacing a link planted there, never following it). Nothing is left
    behind on failure."""
    target = check_write(path, root)
    tmp = temporary_path(target)
    try:
        with os.fdopen(os.open(tmp, _NEW, 0o666), "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def open_lock(path: Path, root: Path) -> IO[bytes]:
    """The lock file ``path`` inside ``root``, opened for ``fcntl.flock`` without following a link: a link
    planted in its place is removed (the folder is presswork's own) and a real file made instead."""
    real = check_write(path, root, "cache folder")
    flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC
    try:
        fd = os.open(real, flags, 0o666)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        os.unlink(real)
        fd = os.open(real, flags | os.O_EXCL, 0o666)
    return os.fdopen(fd, "r+b", buffering=0)


def remove(path: Path) -> None:
    """Remove a file, a link or a whole folder (never what a link leads to); nothing if it is gone (also on a
    read-only disk, where removing a missing name is an error of its own)."""
    if not os.path.lexists(path):
        return
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` is running (a process of another user counts as running)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_temporaries(folder: Path, names: Iterable[str] | None = None) -> Iterator[Path]:
    """The temporary files (or folders) of :func:`temporary_path` in ``folder`` whose process is gone,
    only those standing for one of ``names`` when given."""
    wanted = set(names) if names is not None else None
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        found = TEMPORARY.match(entry.name)
        if found is None or (wanted is not None and found.group("name") not in wanted):
            continue
        if int(found.group("pid")) != os.getpid() and not process_alive(int(found.group("pid"))):
            yield Path(entry.path)


def remove_stale(folder: Path, names: Iterable[str] | None = None) -> int:
    """Remove the debris of earlier builds that were killed (see :func:`stale_temporaries`); how many."""
    count = 0
    for path in stale_temporaries(folder, names):
        remove(path)
        count += 1
    return count


def write_problem(exc: OSError) -> str | None:
    """A short reason when ``exc`` says the disk cannot take a write (full, read-only, over quota, not
    allowed), else None."""
    if exc.errno in DISK_ERRNOS:
        return exc.strerror or os.strerror(exc.errno or 0)
    return None
