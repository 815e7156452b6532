"""Outputs staged beside their targets and renamed into place: the output folder, safe output names,
temporary files reserved through the file gate, clear messages for a full or read-only disk, and the
removal of what killed builds left behind."""

from __future__ import annotations

import contextlib
import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

from presswork.core import files
from presswork.core.diagnostics import PressworkError, Reporter, UsageError
from presswork.core.tree import Pos

#: The longest output name kept, in UTF-8 bytes (a file name holds 255, and the temporary name adds
#: a dot, the extension, a process id and a random part).
MAX_STEM_BYTES = 150
_SEPARATORS = re.compile(r"[/\\]+")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


def safe_stem(name: str) -> str:
    """``name`` reduced to one safe file name segment: no folder separators, ``.``/``..`` parts, control
    characters, leading dots (hidden files) or trailing dots and spaces; "" when nothing is left."""
    parts = [p.strip() for p in _SEPARATORS.split(_UNSAFE.sub("", name))]
    stem = "-".join(p for p in parts if p and p not in (".", ".."))
    stem = stem.lstrip(". ").rstrip(". ")
    while len(stem.encode("utf-8")) > MAX_STEM_BYTES:
        stem = stem[:-1].rstrip(". ")
    return stem


def output_stem(output_name: str, fallback: str, reporter: Reporter, pos: Pos) -> str:
    """The stem of the output names: ``output_name`` made safe (:func:`safe_stem`, with a warning when it
    had to change), else ``fallback`` (a slug of the title). A name with nothing safe in it is a usage error."""
    if not output_name:
        return fallback
    stem = check_output_name(output_name, pos)
    if stem != output_name:
        reporter.warn(f"output_name {output_name!r} is not a plain file name; the outputs are named {stem!r}", pos)
    return stem


def check_output_name(output_name: str, pos: Pos) -> str:
    """``output_name`` made safe (:func:`safe_stem`); a usage error when nothing safe is left (checked before
    the book is read)."""
    stem = safe_stem(output_name)
    if not stem:
        raise UsageError(f"output_name {output_name!r} has nothing that can be used as a file name", pos)
    return stem


def default_out_dir(out_dir: Path, base: Path, setting: str, pos: Pos | None) -> Path:
    """The real path of the output folder the project chose (``out``, or ``./output``), which must lie
    inside ``base`` (the project folder, or the current folder): a project cannot send its outputs
    elsewhere, through ``..``, an absolute path or a link. ``--out`` is not checked: it is the user's."""
    real = Path(os.path.realpath(out_dir))
    if not files.within(real, [files.real_root(base)]):
        raise PressworkError(
            f"out: {setting!r} leads outside the project folder (a build writes only inside it); "
            "choose another folder with --out",
            pos,
        )
    return real


def make_out_dir(out_dir: Path) -> Path:
    """Create the output folder; its real path (a folder that cannot be created is a clear error)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PressworkError(f"cannot create the output folder {shown(out_dir)}: {exc.strerror or exc}") from None
    return Path(os.path.realpath(out_dir))


def shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it, else absolute."""
    with contextlib.suppress(ValueError):
        return path.relative_to(Path.cwd().resolve()).as_posix() or "."
    return str(path)


@dataclass
class Staged:
    """One output on its way: the exporter writes ``tmp`` (a reserved empty file, or a folder it makes),
    which :meth:`commit` renames over ``target``."""

    name: str
    tmp: Path
    target: Path
    folder: bool

    def written(self) -> bool:
        """Whether the exporter wrote something (a folder, or a file that is not empty)."""
        try:
            return self.tmp.is_dir() if self.folder else self.tmp.stat().st_size > 0
        except OSError:
            return False

    def commit(self) -> None:
        """Flush ``tmp`` to disk and rename it over ``target`` (atomic on POSIX and Windows).

        A folder output (a site) cannot be renamed over a folder that has files: the old folder
        is first renamed aside, the new one renamed into place, then the old one removed, so
        ``target`` is only missing for the moment between two renames and never half written.
        A link planted at ``target`` is replaced, never followed.
        """
        tmp, target = self.tmp, self.target
        try:
            if self.folder:
                old = files.temporary_path(target) if os.path.lexists(target) else None
                if old is not None:
                    os.replace(target, old)
                try:
                    os.replace(tmp, target)
                except OSError:
                    if old is not None:
                        os.replace(old, target)
                    raise
                if old is not None:
                    files.remove(old)
                return
            with open(tmp, "rb") as fh:
                try:
                    os.fsync(fh.fileno())
                except OSError as exc:  # a file system without fsync is no reason to fail
                    if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
                        raise
            os.replace(tmp, target)
        except OSError as exc:
            raise write_error(exc, target) from None

    def reserve(self, out_root: Path) -> None:
        """Make ``tmp`` in the output folder ``out_root`` (a real path): a new empty file made through the
        file gate (``O_EXCL | O_NOFOLLOW``); a folder output makes its folder itself. Kept in the build's
        list before this runs, so that an interrupt in between still removes it."""
        if not self.folder:
            try:
                files.reserve(self.tmp, out_root)
            except OSError as exc:
                raise write_error(exc, self.target) from None

    def discard(self) -> None:
        """Remove ``tmp`` (nothing when it was committed or never made)."""
        files.remove(self.tmp)


def stage(name: str, target: Path, folder: bool) -> Staged:
    """The staged output of ``target``: a fresh temporary name beside it (:meth:`Staged.reserve` makes it)."""
    return Staged(name, files.temporary_path(target), target, folder)


def write_error(exc: OSError, target: Path) -> PressworkError:
    """A clear error for an output that cannot be written (full disk, read-only folder...)."""
    return PressworkError(f"cannot write {shown(target)}: {exc.strerror or exc}; earlier outputs are intact")


def remove_debris(out_dir: Path, targets: list[Path]) -> int:
    """Remove the temporary outputs of ``targets`` that builds killed before they could clean up left in
    ``out_dir`` (their process is gone); how many."""
    return files.remove_stale(out_dir, [t.name for t in targets])


def check_out_dir(path: Path, pos: Pos | None = None) -> None:
    """Refuse an output folder that is, or lies below, an existing file: a usage error found
    before anything is read (``pos``: the project file that configured it, if any)."""
    for folder in (path, *path.parents):
        if folder.exists():
            if not folder.is_dir():
                message = (
                    f"{str(path)!r} is a file, not a folder"
                    if folder == path
                    else f"cannot create {str(path)!r}: {str(folder)!r} is a file"
                )
                if pos is not None:
                    raise PressworkError(f"out: {message}", pos)
                raise UsageError(f"--out: {message}")
            return
