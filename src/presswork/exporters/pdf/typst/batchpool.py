"""Typst batches compiled in worker processes (at most one per job slot) and cached in ``.presswork-cache/typst-batches/`` by their own source, template, fonts and typst version."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import multiprocessing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from presswork.cache.store import code_fingerprint, prune_folder, read_cached, seal, unseal, write_atomically
from presswork.compat.typst import RANGE, TypstBook
from presswork.compat.versions import installed_version
from presswork.core import files
from presswork.core.diagnostics import OutputFailed, PressworkError
from presswork.core.lifeline import forking
from presswork.exporters.common.pagination import CACHE_DIR
from presswork.exporters.pdf.typst.batches import Batch, Fallback, LaidBatch

__all__ = ["BatchStore", "batch_key", "lay_out_batches"]


@functools.cache
def _salt() -> str:
    """What every batch key holds besides its own files: this code, the typst version and the installed fonts."""
    from presswork.exporters.common.fonts import installed_faces

    fonts = hashlib.sha256(repr(installed_faces()).encode()).hexdigest()
    return f"{code_fingerprint(__name__)}|{installed_version(RANGE.distribution)}|{fonts}"


def batch_key(source: str, folder: Path) -> str:
    """The cache key of a batch: its source, every file of the compile folder it may read (the template, and
    images named by their content hash in the source), the typst version, fonts and code. Not its place in the
    book, nor the build's date (a batch's own document information is not kept by the merge)."""
    digest = hashlib.sha256(f"{_salt()}|".encode())
    digest.update(source.encode())
    template = folder / "theme" / "book.typ"
    digest.update(hashlib.sha256(template.read_bytes()).digest() if template.is_file() else b"-")
    return digest.hexdigest()[:32]


class BatchStore:
    """Laid-out batches under ``<project>/.presswork-cache/typst-batches/`` (best effort: a read-only
    project simply caches nothing)."""

    def __init__(self, project: Path, name: str = "typst-batches") -> None:
        self.folder = project / CACHE_DIR / name
        self.root = files.cache_root(project)

    def get(self, key: str) -> LaidBatch | None:
        """The batch laid out under ``key``, or None."""
        pdf, facts = (read_cached(self.folder / f"{key}.{ext}", self.root) for ext in ("pdf", "json"))
        if pdf is None or facts is None:
            return None
        pdf_bytes, data = unseal(pdf, f"{key}.pdf"), unseal(facts, f"{key}.json")
        if pdf_bytes is None or data is None:
            return None
        try:
            value = json.loads(data)
            return LaidBatch(pdf_bytes, int(value["pages"]), value["events"], value["labels"], value["places"])
        except (ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, laid: LaidBatch) -> None:
        """Keep ``laid`` under ``key`` (each file signed and written atomically)."""
        facts = {"pages": laid.pages, "events": laid.events, "labels": laid.labels, "places": laid.places}
        for name, data in ((f"{key}.pdf", laid.pdf), (f"{key}.json", json.dumps(facts).encode())):
            sealed = seal(data, name)
            if sealed is not None:
                write_atomically(self.folder / name, sealed, self.root)

    def prune(self, keep: set[str]) -> None:
        """Remove every cached batch not in ``keep`` (the folder holds one book's batches)."""
        prune_folder(self.folder, self.root, lambda name: name.split(".", 1)[0] in keep)


#: What a batch is asked after its layout: its marks and labels, and where its blocks landed (the EPUB's page list).
SELECTORS = ("<pw-batch-facts>", "<pw-block-places>")


def read_facts(pdf: bytes, found: Sequence[Any]) -> LaidBatch:
    """A laid-out batch from its PDF and the values of :data:`SELECTORS`."""
    facts, places = (values[0] if values and isinstance(values[0], dict) else None for values in found)
    if facts is None or places is None:
        raise Fallback("a batch did not report its layout")
    return LaidBatch(pdf, int(facts["pages"]), facts["events"], facts["labels"], places.get("places", []))


def compile_batch(main: Path, folder: Path) -> LaidBatch:
    """Lay out one batch source in this process and read back its facts."""
    book = TypstBook(main, folder, font_paths=())
    return read_facts(book.pdf(None), [book.query(selector, field="value") for selector in SELECTORS])


def lay_out_batches(batches: Sequence[Batch], folder: Path, project: Path, jobs: int) -> list[LaidBatch]:
    """Every batch laid out: from the cache, else compiled (each in a worker process, at most ``jobs`` at
    once; in this process when only one needs compiling) and cached."""
    store = BatchStore(project)
    keys = [batch_key(b.source, folder) for b in batches]
    laid: dict[int, LaidBatch] = {}
    todo: list[int] = []
    for n, key in enumerate(keys):
        hit = store.get(key)
        if hit is None:
            todo.append(n)
        else:
            laid[n] = hit
    mains = {}
    for n in todo:
        mains[n] = folder / f"batch-{n}.typ"
        files.write_into(mains[n], batches[n].source.encode("utf-8"), folder, durable=False)
    if len(todo) == 1 or jobs < 2:
        for n in todo:
            laid[n] = compile_batch(mains[n], folder)
            store.put(keys[n], laid[n])
    else:
        _in_workers(todo, mains, folder, jobs, laid, lambda n: store.put(keys[n], laid[n]))
    store.prune(set(keys))
    return [laid[n] for n in range(len(batches))]


def _in_workers(
    todo: list[int], mains: dict[int, Path], folder: Path, jobs: int, laid: dict[int, LaidBatch], done: Any
) -> None:
    """Compile the batches ``todo`` in ``jobs`` spawned worker processes (``compat.typst.serve``), each
    taking the next batch in book order when it is free."""
    from multiprocessing.connection import wait

    from presswork.compat.typst import serve

    context = multiprocessing.get_context("spawn")
    waiting = list(todo)
    workers: list[tuple[Any, Any]] = []
    try:
        for _ in range(min(jobs, len(todo))):
            parent, child = context.Pipe()
            process = context.Process(target=serve, args=(child,), daemon=True)
            with forking():
                process.start()
            child.close()
            workers.append((parent, process))
        busy: dict[Any, int] = {}
        for free, _ in workers:
            if waiting:
                n = waiting.pop(0)
                free.send((n, str(mains[n]), str(folder), SELECTORS))
                busy[free] = n
        while busy:
            for ready in wait(list(busy)):
                conn: Any = ready
                del busy[conn]
                try:
                    n, tag, value = conn.recv()
                except EOFError:
                    raise PressworkError("a Typst batch worker stopped unexpectedly") from None
                if tag != "ok":
                    raise OutputFailed(str(value))
                laid[n] = read_facts(*value)
                done(n)
                if waiting:
                    n = waiting.pop(0)
                    conn.send((n, str(mains[n]), str(folder), SELECTORS))
                    busy[conn] = n
    finally:
        for pipe, process in workers:
            with contextlib.suppress(OSError):
                pipe.send(None)
            pipe.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
