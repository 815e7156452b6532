"""``presswork watch``: rebuild a book whenever its sources, configuration or theme change."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from .diagnostics import PressworkError

#: File suffixes whose changes trigger a rebuild.
WATCHED_SUFFIXES = (".md", ".markdown", ".toml", ".css", ".html", ".xhtml", ".j2", ".png", ".jpg", ".jpeg",
                    ".gif", ".svg", ".webp", ".pptx", ".potx")


def watched(path: str, out_dir: Path) -> bool:
    """True for a change that should trigger a rebuild (not our own outputs or temporary files)."""
    p = Path(path)
    return p.suffix.lower() in WATCHED_SUFFIXES and not p.name.startswith(".") and not p.is_relative_to(out_dir)


def watch(folders: Sequence[Path], out_dir: Path, rebuild: Callable[[], None],
          report: Callable[[str], None], stop_event: threading.Event | None = None) -> None:
    """Run ``rebuild`` once, then after every batch of relevant changes, until interrupted.

    Build errors are reported and watching goes on; the previous outputs stay in place.
    """
    from watchfiles import watch as watch_changes

    def run() -> None:
        try:
            rebuild()
        except PressworkError as exc:
            report(str(exc))

    run()
    for changes in watch_changes(*folders, stop_event=stop_event, debounce=300):
        changed = sorted({p for _, p in changes if watched(p, out_dir.resolve())})
        if changed:
            report(f"changed: {', '.join(Path(p).name for p in changed[:5])}{' ...' if len(changed) > 5 else ''}")
            run()
