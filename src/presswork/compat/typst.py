"""The ``typst`` compiler (PyPI ``typst``, 0.15.x) behind one class: compile a book to PDF, query where its labels landed.

Typst compiles in-process from a main file inside ``root``; it reads nothing outside ``root``
(the PDF exporter makes ``root`` a private folder holding only the book's generated source, the
theme's template and the files the gate let through) and fetches no packages. Errors come back
as ``typst.TypstError``; they are turned into :class:`~presswork.core.diagnostics.PressworkError`
naming the engine and the place in the generated source.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from presswork.compat.versions import Range
from presswork.core.diagnostics import OutputFailed

__all__ = ["RANGE", "TypstBook", "serve", "serve_fds", "threads_started"]

#: The typst versions this module was written for (pyproject.toml bounds the same).
RANGE = Range("typst", "0.15", "0.16")


#: Set once this process has made a Typst compiler (see :func:`threads_started`).
_STARTED = [False]


def threads_started() -> bool:
    """True once this process has made a Typst compiler: its thread pool does not survive a fork, so a
    child forked afterwards that compiles Typst can wait forever (a long-lived process: a test run, watch)."""
    return _STARTED[0]


def _typst() -> Any:
    RANGE.require()
    import typst

    return typst


def _error(exc: Exception) -> OutputFailed:
    """The error of a failed compile: Typst's message with the place in the source it names."""
    diagnostic = str(getattr(exc, "diagnostic", "") or exc)
    lines = [line.strip() for line in diagnostic.splitlines() if line.strip() and set(line.strip()) - set("│┌─^ ")]
    text = " ".join(lines[:4])
    return OutputFailed(f"the Typst engine could not compile the book: {text[:600]}")


class TypstBook:
    """One book's Typst source compiled once (a ``typst.Compiler``); its labels queried from the same layout."""

    def __init__(self, main: Path, root: Path, font_paths: Sequence[Path]) -> None:
        typst = _typst()
        self._error_type: type[Exception] = typst.TypstError
        _STARTED[0] = True
        self._compiler = typst.Compiler(str(main), root=str(root), font_paths=[str(p) for p in font_paths])

    def pdf(self, timestamp: datetime | None, standards: Sequence[str] = ()) -> bytes:
        """The PDF (tagged), dated ``timestamp`` when the build is reproducible, conforming to
        ``standards`` (Typst's names: "ua-1", "a-3u"...)."""
        try:
            out = self._compiler.compile(
                format="pdf",
                timestamp=int(timestamp.timestamp()) if timestamp is not None else None,
                pdf_tags=True,
                pdf_standards=list(standards),
            )
        except self._error_type as exc:
            raise _error(exc) from exc
        return without_false_suspects(bytes(out))

    def query(self, selector: str, field: str | None = None) -> list[Any]:
        """What ``selector`` (e.g. ``<pw-mark>``) matches in the laid-out document, as JSON values."""
        try:
            out = self._compiler.query(selector, field=field)
        except self._error_type as exc:
            raise _error(exc) from exc
        found = json.loads(out)
        return found if isinstance(found, list) else []


#: Typst 0.15 writes ``/MarkInfo<</Marked true/Suspects false>>``: valid, and the default, but poppler
#: 22 (Debian 12's pdftotext, pdfinfo, pdftoppm) prints "Syntax Error: Suspects object is wrong type
#: (boolean)" for it on every run.
_FALSE_SUSPECTS = b"/MarkInfo<</Marked true/Suspects false>>"


def without_false_suspects(pdf: bytes) -> bytes:
    """``pdf`` with the catalog's ``/Suspects false`` blanked out (same length, so every offset holds)."""
    return pdf.replace(_FALSE_SUSPECTS, b"/MarkInfo<</Marked true" + b" " * len(b"/Suspects false") + b">>", 1)


def serve(conn: Any) -> None:
    """A compile worker's loop (a process of its own, not forked: a forked one could inherit a lock held by
    one of the parent's compiler threads): each job ``(number, root, source, selectors, timestamp)`` read
    from ``conn`` is written as this worker's main file in ``root``, compiled to a PDF (tagged, dated
    ``timestamp``: a datetime, or None for now) and queried, and
    ``(number, "ok", (pdf, [values per selector]))`` or ``(number, "error", message)`` sent back. One
    compiler serves every job in a root (fonts are loaded once, and what earlier jobs laid out is
    remembered; Typst's memoization never changes a result). It ends when ``conn`` is closed (also when
    the parent dies) or sends None."""
    import os

    from presswork.core import files

    compilers: dict[str, tuple[TypstBook, Path]] = {}
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        number, root, source, selectors, timestamp = job
        try:
            if root not in compilers:
                main = Path(root) / f"worker-{os.getpid()}.typ"
                files.write_into(main, source.encode("utf-8"), Path(root), durable=False)
                compilers[root] = (TypstBook(main, Path(root), font_paths=()), main)
            book, main = compilers[root]
            files.write_into(main, source.encode("utf-8"), Path(root), durable=False)
            result = (book.pdf(timestamp), [book.query(selector, field="value") for selector in selectors])
            conn.send((number, "ok", result))
        except Exception as exc:  # noqa: BLE001 - the parent reports it
            conn.send((number, "error", getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"))


class _Pipes:
    """Two one-way connections used as one (what :func:`serve` reads and writes)."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        from multiprocessing.connection import Connection

        self._in = Connection(read_fd, writable=False)
        self._out = Connection(write_fd, readable=False)

    def recv(self) -> Any:
        return self._in.recv()

    def send(self, value: Any) -> None:
        self._out.send(value)


def serve_fds(read_fd: int, write_fd: int) -> None:
    """:func:`serve` on the pipe ends a parent passed to a new interpreter (``python -c``)."""
    serve(_Pipes(read_fd, write_fd))
