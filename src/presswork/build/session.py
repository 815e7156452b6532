"""What a watch or preview keeps between rebuilds: the Typst compile session, and the formats written in-process."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from presswork.exporters.pdf.typst import session as typst_session

__all__ = ["in_process", "rebuild_session"]


@contextlib.contextmanager
def rebuild_session(project: Path) -> Iterator[None]:
    """Keep what rebuilds of ``project`` can share while the block runs (a watch or a preview): with the
    Typst PDF engine, one compile folder and one warm ``typst.Compiler``."""
    with typst_session.kept(project):
        yield


def in_process(project: Path, options: Mapping[str, object]) -> bool:
    """True when this build must write its formats in this process rather than in forked workers: a
    rebuild session is open and the PDF is compiled with Typst (a worker's compiler would die with it,
    and forking costs more than the few tenths of a second the formats take together)."""
    pdf = options.get("pdf")
    return typst_session.current(project) is not None and getattr(pdf, "engine", None) == "typst"
