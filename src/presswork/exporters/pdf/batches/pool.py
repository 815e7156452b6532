"""Worker processes for the batched layout, at most one per job slot, each watched by the parent; spares started ahead."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
from dataclasses import dataclass
from typing import Any

from presswork.core.diagnostics import PressworkError
from presswork.core.lifeline import forking, parent_token
from presswork.exporters.pdf.batches.cutting import Fallback
from presswork.exporters.pdf.batches.worker import (
    BODY,
    BatchBody,
    BatchResult,
    Job,
    Laid,
    LayoutReport,
    Place,
    spare_main,
    worker_main,
)

LOG = logging.getLogger("presswork.batches")


@dataclass
class Running:
    process: Any
    conn: Any
    report: LayoutReport | None = None
    sent: bool = False


class Pool:
    """At most ``jobs`` worker processes, each running one :class:`Job` to completion.

    ``in_process`` runs the jobs in this process instead (one at a time; for tests and
    platforms without ``fork``), with exactly the same two steps.
    """

    def __init__(self, jobs: int, in_process: bool = False) -> None:
        self.jobs = max(1, jobs)
        self.in_process = in_process or "fork" not in multiprocessing.get_all_start_methods()
        self.context = None if self.in_process else multiprocessing.get_context("fork")
        self.running: dict[int, Running] = {}
        self.local: dict[int, Laid] = {}

    def start(self, job: Job) -> None:
        """Start ``job`` (the caller keeps at most ``jobs`` running): in a spare started ahead, else in a new worker."""
        if self.in_process:
            self.local[job.index] = Laid(job)
            self.running[job.index] = Running(None, None, self.local[job.index].report())
            return
        while _SPARES:
            spare = _SPARES.pop(0)
            if spare.take(job):
                self.running[job.index] = Running(spare.process, spare.conn)
                return
        assert self.context is not None
        parent, child = self.context.Pipe()
        process = self.context.Process(target=worker_main, args=(job, child, parent_token()), daemon=True)
        with forking():
            process.start()
        child.close()
        self.running[job.index] = Running(process, parent)

    def report(self, index: int) -> LayoutReport:
        """Step 1's report of job ``index`` (waits for it)."""
        run = self.running[index]
        if run.report is None:
            run.report = self._receive(run, "report")
        return run.report

    def finish(self, index: int, place: Place | None) -> BatchResult | None:
        """Step 2 of job ``index`` (None: the job only reports); the job is over afterwards."""
        run = self.running.pop(index)
        if self.in_process:
            laid = self.local.pop(index)
            return None if place is None else laid.finish(place)
        try:
            if place is None:
                return None
            run.conn.send(place)
            result = self._receive(run, "result")
            assert isinstance(result, BatchResult)
            return result
        finally:
            run.conn.close()
            run.process.join()

    def ask_body(self, index: int) -> None:
        """Start step 2 of chapter batch ``index`` without a place: its worker writes its pages while the
        caller goes on (:meth:`body` collects them)."""
        run = self.running[index]
        if not self.in_process and not run.sent:
            run.conn.send(BODY)
            run.sent = True

    def body(self, index: int) -> BatchBody:
        """Step 2 of chapter batch ``index`` without a place: its pages without furniture; the job is over afterwards."""
        self.ask_body(index)
        run = self.running.pop(index)
        if self.in_process:
            return self.local.pop(index).body()
        try:
            result = self._receive(run, "result")
            assert isinstance(result, BatchBody)
            return result
        finally:
            run.conn.close()
            run.process.join()

    def _receive(self, run: Running, kind: str) -> Any:
        try:
            tag, value = run.conn.recv()
        except EOFError:
            raise PressworkError("a PDF layout worker stopped unexpectedly") from None
        if tag == "fallback":
            raise Fallback(value)
        if tag == "error":
            raise value
        assert tag == kind, (tag, kind)
        return value

    def close(self) -> None:
        """Stop every job still running (after an error or a fallback)."""
        for run in self.running.values():
            if run.process is not None:
                with contextlib.suppress(Exception):
                    run.conn.close()
                run.process.kill()
                run.process.join()
        self.running.clear()
        self.local.clear()


class Spare:
    """A worker process started before its job is known, importing WeasyPrint (0.5 s) meanwhile: started as
    the PDF exporter begins, it is ready by the time the book's HTML is written (:func:`prestart`)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=spare_main, args=(child, parent_token()), daemon=True)
        with forking():
            self.process.start()
        child.close()

    def take(self, job: Job) -> bool:
        """Give it ``job``; False when it has ended (the job then goes to a new worker)."""
        try:
            self.conn.send(job)
        except OSError:  # it has ended (a broken pipe)
            self.close()
            return False
        return True

    def close(self) -> None:
        """End it unused."""
        with contextlib.suppress(Exception):
            self.conn.send(None)
        with contextlib.suppress(Exception):
            self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


#: The spares started by :func:`prestart` and not yet given a job.
_SPARES: list[Spare] = []


def prestart(jobs: int) -> None:
    """Start up to ``jobs`` spare workers now (none where there is no ``fork``): the first batches laid out
    take them instead of starting a worker that imports WeasyPrint first. :func:`close_spares` ends those
    left untaken."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return
    while len(_SPARES) < jobs:
        _SPARES.append(Spare())


def close_spares() -> None:
    """End every spare started by :func:`prestart` and not taken."""
    while _SPARES:
        _SPARES.pop().close()
