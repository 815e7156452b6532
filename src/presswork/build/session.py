"""What a watch or preview keeps between rebuilds: the Typst compile session, the theme, and the formats written in-process."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from presswork.exporters.pdf.typst import session as typst_session
from presswork.project.theme import Theme

__all__ = ["in_process", "rebuild_session", "reuse_theme"]

#: Per open session (by the real path of its project): the last build's theme and the state of its folders.
_themes: dict[Path, tuple[tuple[object, ...], Theme]] = {}


@contextlib.contextmanager
def rebuild_session(project: Path) -> Iterator[None]:
    """Keep what rebuilds of ``project`` can share while the block runs (a watch or a preview): with the
    Typst PDF engine, one compile folder and one warm ``typst.Compiler``; with any engine, the theme and
    its compiled templates while none of its files changes."""
    key = Path(os.path.realpath(project))
    with typst_session.kept(project):
        try:
            yield
        finally:
            _themes.pop(key, None)


def in_process(project: Path, options: Mapping[str, object]) -> bool:
    """True when this build must write its formats in this process rather than in forked workers: a
    rebuild session is open and the PDF is compiled with Typst (a worker's compiler would die with it,
    and forking costs more than the few tenths of a second the formats take together)."""
    pdf = options.get("pdf")
    return typst_session.current(project) is not None and getattr(pdf, "engine", None) == "typst"


def reuse_theme(project: Path, theme: Theme) -> Theme:
    """``theme``, or in a rebuild session the previous build's equal theme when no file in its folders was
    added, removed or changed since (its Jinja templates are compiled already)."""
    if typst_session.current(project) is None:
        return theme
    key = Path(os.path.realpath(project))
    state = (theme.name, tuple(theme.dirs), repr(theme.options), theme.root, _folders_state(theme.dirs))
    kept = _themes.get(key)
    if kept is not None and kept[0] == state:
        return kept[1]
    _themes[key] = (state, theme)
    return theme


def _folders_state(folders: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Every file under ``folders`` with its modification time and size."""
    found: list[tuple[str, int, int]] = []
    for folder in folders:
        for dirpath, _dirs, names in os.walk(folder):
            for name in names:
                path = os.path.join(dirpath, name)
                with contextlib.suppress(OSError):
                    st = os.stat(path)
                    found.append((path, st.st_mtime_ns, st.st_size))
    return tuple(sorted(found))
