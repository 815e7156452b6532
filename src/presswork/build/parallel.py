"""Run exporters side by side in forked worker processes (``presswork build --jobs N``)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from presswork.build.failures import FormatFailed
from presswork.compat.typst import threads_started as typst_threads_started
from presswork.core.diagnostics import Reporter, Warning_
from presswork.core.lifeline import bind_to_parent, forking, parent_token

#: The tasks of the running build, inherited by the forked workers (only names are pickled:
#: the tree, contexts and plug-in classes never need to be).
_TASKS: dict[str, Callable[[], None]] = {}
_REPORTER = Reporter()


def _run(name: str) -> list[Warning_]:
    """In a worker: run one task and return the warnings it added."""
    before = len(_REPORTER.warnings)
    _TASKS[name]()
    return _REPORTER.warnings[before:]


def can_run_in_parallel(compiles_typst: bool = True) -> bool:
    """True where worker processes can be forked (not on Windows), and safely: when the formats compile
    Typst (``compiles_typst``), not once this process has run Typst's threads (a forked format that
    compiles Typst could then wait forever)."""
    return "fork" in multiprocessing.get_all_start_methods() and not (compiles_typst and typst_threads_started())


def run_parallel(
    tasks: dict[str, Callable[[], None]], reporter: Reporter, jobs: int, order: Sequence[str] = ()
) -> dict[str, FormatFailed]:
    """Run every task in its own forked worker, at most ``jobs`` at once, started in ``order``
    (the tasks it does not name come after, in task order; later ones may wait for what earlier
    ones produce).

    The workers exit when all formats are written, so WeasyPrint's memory goes back to
    the system even when presswork runs on (``watch``).
    Warnings come back to ``reporter`` in task order. The tasks that failed with a
    :class:`FormatFailed` are returned by name (the others still ran); any other failure,
    the first in task order, is raised here once all workers have stopped.
    """
    global _TASKS, _REPORTER
    _TASKS, _REPORTER = dict(tasks), reporter
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=bind_to_parent,  # a worker dies with the build, even on kill -9
        initargs=(parent_token(),),
    )
    try:
        rank = {name: i for i, name in enumerate(order)}
        started = sorted(tasks, key=lambda name: rank.get(name, len(rank)))
        with forking():  # the workers are forked at the first submit
            submitted = {name: pool.submit(_run, name) for name in started}
        futures = {name: submitted[name] for name in tasks}  # results in task order
        errors = []
        failed: dict[str, FormatFailed] = {}
        for name, future in futures.items():
            try:
                for w in future.result():
                    reporter.warn(w.message, w.pos, w.category)
            except FormatFailed as exc:
                failed[name] = exc
            except Exception as exc:  # noqa: BLE001 - re-raised below, first in task order
                errors.append(exc)
    except BaseException:  # Ctrl-C, SIGTERM: stop the workers now rather than wait for their formats
        for process in set(multiprocessing.active_children()) - before:
            process.kill()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _TASKS, _REPORTER = {}, Reporter()
    if errors:
        raise errors[0]
    return failed
