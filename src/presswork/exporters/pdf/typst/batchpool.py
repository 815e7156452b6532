"""Typst batches compiled in worker processes (at most one per job slot) and cached in ``.presswork-cache/typst-batches/`` by their own source, template, fonts and typst version."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from presswork.cache.store import code_fingerprint, prune_folder, read_cached, seal, unseal, write_atomically
from presswork.compat.typst import RANGE
from presswork.compat.versions import installed_version
from presswork.core import files
from presswork.core.diagnostics import OutputFailed, PressworkError
from presswork.exporters.common.pagination import CACHE_DIR
from presswork.exporters.pdf.typst.batches import Batch, Fallback, LaidBatch

__all__ = ["BatchStore", "batch_key", "close_spares", "compile_later", "lay_out_batches", "prestart"]


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
            pages, events, labels, places = int(value["pages"]), value["events"], value["labels"], value["places"]
            return LaidBatch(pdf_bytes, pages, events, labels, places, _marked(value.get("marked")))
        except (ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, laid: LaidBatch) -> None:
        """Keep ``laid`` under ``key`` (each file signed and written atomically)."""
        sealed = seal(laid.pdf, f"{key}.pdf")
        if sealed is not None:
            write_atomically(self.folder / f"{key}.pdf", sealed, self.root)
        self.put_facts(key, laid)

    def put_facts(self, key: str, laid: LaidBatch) -> None:
        """Keep the facts of ``laid`` under ``key`` again, its PDF already kept (the merge found more of them)."""
        facts = {"pages": laid.pages, "events": laid.events, "labels": laid.labels, "places": laid.places}
        if laid.marked is not None:
            facts["marked"] = laid.marked
        sealed = seal(json.dumps(facts).encode(), f"{key}.json")
        if sealed is not None:
            write_atomically(self.folder / f"{key}.json", sealed, self.root)

    def empty(self) -> bool:
        """Whether no batch is cached (a clean build)."""
        try:
            return not any(self.folder.iterdir())
        except OSError:
            return True

    def prune(self, keep: set[str]) -> None:
        """Remove every cached batch not in ``keep`` (the folder holds one book's batches)."""
        prune_folder(self.folder, self.root, lambda name: name.split(".", 1)[0] in keep)


def _marked(value: Any) -> list[tuple[int, int]] | None:
    """A batch's cached structure elements to rename (object numbers), or None when absent or not such a list
    (the merge then walks the batch's structure tree)."""
    if not isinstance(value, list):
        return None
    if not all(isinstance(v, list) and len(v) == 2 and all(type(n) is int for n in v) for v in value):
        return None
    return [(v[0], v[1]) for v in value]


#: What a batch is asked after its layout: its marks and labels, and where its blocks landed (the EPUB's page list).
SELECTORS = ("<pw-batch-facts>", "<pw-block-places>")


def read_facts(pdf: bytes, found: Sequence[Any]) -> LaidBatch:
    """A laid-out batch from its PDF and the values of :data:`SELECTORS`."""
    facts, places = (values[0] if values and isinstance(values[0], dict) else None for values in found)
    if facts is None or places is None:
        raise Fallback("a batch did not report its layout")
    return LaidBatch(pdf, int(facts["pages"]), facts["events"], facts["labels"], places.get("places", []))


def lay_out_batches(
    batches: Sequence[Batch],
    folder: Path,
    project: Path,
    jobs: int,
    ready: Callable[[int, LaidBatch], None] = lambda n, laid: None,
) -> list[LaidBatch]:
    """Every batch laid out: from the cache, else compiled in worker processes (at most ``jobs`` at once) and
    cached. The main process never compiles (a process that ran Typst could not fork the formats that follow,
    see ``compat.typst.threads_started``).

    When fewer batches compile than there are processors (a rebuild), a processor is free: ``ready`` is called
    with each batch in book order as soon as it and those before it are laid out, so the merge goes on while
    the rest compile, and the worker is kept for the skeleton (its fonts loaded). Otherwise every processor
    compiles, and merging alongside would only hold the merge's memory while the workers hold theirs: the
    workers end (each keeps what it laid out, about 160 MiB on the 100-chapter book) and a fresh one sets
    the skeleton (its start overlaps the merge). The caller merges whatever ``ready`` did not
    get once this returns (the skeleton, which needs every batch, starts before that)."""
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
    given = 0  # how many batches ``ready`` has had, in book order
    early = len(todo) < jobs  # a processor is free while the batches compile

    def deliver() -> None:
        nonlocal given
        while early and given in laid:
            ready(given, laid[given])
            given += 1

    if todo:
        sources = {n: batches[n].source for n in todo}

        def done(n: int) -> None:
            store.put(keys[n], laid[n])
            if len(laid) < len(batches):
                deliver()

        _in_workers(todo, sources, folder, max(1, jobs), laid, done, deliver, keep=early)
    store.prune(set(keys))
    return [laid[n] for n in range(len(batches))]


#: A compile worker: a new interpreter running ``compat.typst.serve`` on two inherited pipe ends (not
#: multiprocessing's spawn, which would import the parent's main script again).
_WORKER = "import sys; from presswork.compat.typst import serve_fds; serve_fds(int(sys.argv[1]), int(sys.argv[2]))"


class Worker:
    """One compile worker process and the two ends of its pipes."""

    def __init__(self) -> None:
        from multiprocessing.connection import Connection

        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        try:
            self.process = subprocess.Popen(  # noqa: S603 - this interpreter running presswork's own worker
                [sys.executable, "-c", _WORKER, str(to_child), str(from_child)],
                pass_fds=(to_child, from_child),
                env=env,
                stdin=subprocess.DEVNULL,
            )
        finally:
            os.close(to_child)
            os.close(from_child)
        self.jobs = Connection(from_parent, readable=False)
        self.results = Connection(to_parent, writable=False)

    def close(self) -> None:
        """Tell the worker to end, and wait for it (killed if it does not)."""
        with contextlib.suppress(OSError):
            self.jobs.send(None)
        self.jobs.close()
        self.results.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


#: Workers started before the batches are known (:func:`prestart`), taken by the first batches to compile.
_SPARES: list[Worker] = []


def prestart(jobs: int) -> None:
    """Start up to ``jobs`` compile workers now, while the book's source is still being written: a new
    interpreter takes about 0.3 s to import Typst, which then overlaps the writing instead of following it.
    The caller closes those left untaken with :func:`close_spares`."""
    while len(_SPARES) < jobs:
        _SPARES.append(Worker())


def close_spares() -> None:
    """End every worker started by :func:`prestart` and not taken."""
    while _SPARES:
        _SPARES.pop().close()


def _in_workers(
    todo: list[int],
    sources: dict[int, str],
    folder: Path,
    jobs: int,
    laid: dict[int, LaidBatch],
    done: Callable[[int], None],
    started: Callable[[], None],
    keep: bool,
) -> None:
    """Compile the batches ``todo`` in ``jobs`` worker processes, each taking the next batch in book order
    when it is free; ``started`` is called once every worker has its first batch, ``done`` with each batch
    laid out once the worker that laid it out has its next one (both do the main process's work meanwhile).
    ``keep``: the workers are kept as spares afterwards (else they end)."""
    from multiprocessing.connection import wait

    waiting = list(todo)
    workers: list[Worker] = []
    ended = False
    try:
        for _ in range(min(jobs, len(todo))):
            workers.append(_SPARES.pop() if _SPARES else Worker())
        busy: dict[Any, tuple[Worker, int]] = {}

        def give(worker: Worker) -> None:
            if waiting:
                n = waiting.pop(0)
                worker.jobs.send((n, str(folder), sources[n], SELECTORS, None))
                busy[worker.results] = (worker, n)

        for worker in workers:
            give(worker)
        started()
        while busy:
            for ready in wait(list(busy)):
                worker, _ = busy.pop(ready)
                try:
                    n, tag, value = worker.results.recv()
                except EOFError:
                    raise PressworkError("a Typst batch worker stopped unexpectedly") from None
                if tag != "ok":
                    raise OutputFailed(str(value))
                laid[n] = read_facts(*value)
                give(worker)
                done(n)
        ended = True
    finally:
        for worker in workers:
            if ended and keep:
                _SPARES.append(worker)  # kept for the skeleton (ended by :func:`close_spares`)
            else:
                worker.close()


def compile_later(folder: Path, source: str, timestamp: datetime | None) -> Callable[[], bytes]:
    """Start compiling ``source`` (in the compile folder ``folder``) to a PDF dated ``timestamp`` in a worker
    process, and return what waits for it: the PDF, or :class:`OutputFailed`. The caller does other work in
    between (the merge of the batches while the skeleton is set)."""
    worker = _SPARES.pop() if _SPARES else Worker()
    try:
        worker.jobs.send((-1, str(folder), source, (), timestamp))
    except OSError:
        worker.close()
        raise PressworkError("a Typst worker stopped unexpectedly") from None

    def result() -> bytes:
        try:
            _, tag, value = worker.results.recv()
        except (EOFError, OSError):
            worker.close()
            raise PressworkError("a Typst worker stopped unexpectedly") from None
        _SPARES.append(worker)
        if tag != "ok":
            raise OutputFailed(str(value))
        pdf: bytes = value[0]
        return pdf

    return result
