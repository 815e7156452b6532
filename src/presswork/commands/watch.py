"""``presswork watch``: rebuild a book whenever its sources, configuration or theme change."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

from presswork.core.diagnostics import PressworkError

#: File suffixes whose changes trigger a rebuild.
WATCHED_SUFFIXES = (
    ".md",
    ".markdown",
    ".qmd",
    ".rmd",
    ".toml",
    ".yml",
    ".yaml",
    ".json",
    ".css",
    ".html",
    ".xhtml",
    ".j2",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".svg",
    ".webp",
    ".pptx",
    ".potx",
)

#: How long (ms) the watcher waits for more changes before a rebuild starts, so that an editor's
#: save (often several writes) or a ``git checkout`` gives one rebuild.
DEBOUNCE_MS = 300

#: How long (ms) one wait for changes lasts before the loop looks again; the first wait ends the
#: watcher's start-up, which must come before the first build.
WAIT_MS = 250


def watched(path: str | Path, out_dir: Path, folders: Sequence[Path] = (), included: Collection[Path] = ()) -> bool:
    """True for a change that should trigger a rebuild: a source, configuration or theme file,
    or a file the last build included (``{{#include x.rs}}``, whatever its suffix); not our own
    outputs, and nothing hidden (temporary files, ``.git``, ``.venv``, ``.presswork-cache``)
    inside the watched ``folders``."""
    p = Path(path)
    if p in included or p.resolve() in included:
        return True
    if p.suffix.lower() not in WATCHED_SUFFIXES or p.is_relative_to(out_dir):
        return False
    inside = next((p.relative_to(f) for f in folders if p.is_relative_to(f)), Path(p.name))
    return not any(part.startswith(".") for part in inside.parts)


def describe(paths: Iterable[str]) -> str:
    """One neutral status line for a rebuild: ``01-intro.md, 02-setup.md changed; rebuilding``."""
    names = sorted({Path(p).name for p in paths})
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"{shown} changed; rebuilding"


def watch(
    folders: Sequence[Path],
    out_dir: Path,
    rebuild: Callable[[], None],
    report: Callable[[PressworkError], None],
    status: Callable[[str], None],
    stop_event: threading.Event | None = None,
    included: Collection[Path] = (),
) -> None:
    """Run ``rebuild`` once, then after every batch of relevant changes, until interrupted
    (or until ``stop_event`` is set).

    The watcher starts before the first build and keeps recording changes while a build
    runs, so an edit saved during a build triggers the next one. ``report`` gets build
    errors, all of a ``--strict`` build's warnings included (watching goes on; the previous
    outputs stay in place); ``status`` gets one line
    per rebuild naming the changed files. ``included`` holds the files the last build
    included (updated by ``rebuild``): a change to one triggers a rebuild too.
    """
    from watchfiles import watch as watch_changes

    out = out_dir.resolve()
    roots = [f.resolve() for f in folders]

    def run() -> None:
        try:
            rebuild()
        except PressworkError as exc:
            report(exc)

    changes = watch_changes(
        *roots, stop_event=stop_event, debounce=DEBOUNCE_MS, rust_timeout=WAIT_MS, yield_on_timeout=True
    )
    try:
        next(changes, None)  # starts the watcher (changes so far are in the first build anyway)
        if stop_event is not None and stop_event.is_set():
            return
        run()
        for batch in changes:
            changed = {p for _, p in batch if watched(p, out, roots, included)}
            if changed:
                status(describe(changed))
                run()
    finally:
        changes.close()
