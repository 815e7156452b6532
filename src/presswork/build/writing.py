"""Writing the planned formats: each staged beside its target, side by side or one after another, then
committed together, so a failed build leaves every earlier output as it was."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from presswork.build import staging
from presswork.build.exporting import run_exporter
from presswork.build.failures import FormatFailed
from presswork.build.parallel import can_run_in_parallel, run_parallel
from presswork.build.result import BuildResult
from presswork.build.sharing import prefetch_remote, share_print_layout
from presswork.core.diagnostics import PressworkError, Reporter, StrictError
from presswork.core.tree import Document
from presswork.exporters.base import BuildContext, Exporter
from presswork.exporters.common import pagination
from presswork.project.assets import AssetGate


def write_outputs(
    doc: Document,
    exporters: Mapping[str, type[Exporter[Any]]],
    outputs: Mapping[str, tuple[Path, BuildContext[Any]]],
    gate: AssetGate,
    result: BuildResult,
    jobs: int,
    stage: Callable[[str], None],
) -> list[FormatFailed]:
    """Write every format of ``outputs`` (name -> target, context) and commit those that were written into
    ``result.outputs``; return the formats whose exporter failed unexpectedly, in order (their previous
    outputs are left as they were). A ``PressworkError``, Ctrl-C or ``--strict`` commits nothing."""
    if not outputs:
        return []
    reporter = next(iter(outputs.values()))[1].reporter
    staged: list[staging.Staged] = []
    tasks: dict[str, Callable[[], None]] = {}
    failed: dict[str, FormatFailed] = {}
    out_root = next(iter(outputs.values()))[0].parent
    try:
        for name, (target, ctx) in outputs.items():
            cls = exporters[name]
            item = staging.stage(name, target, cls.folder)
            staged.append(item)
            item.reserve(out_root)
            tasks[name] = functools.partial(run_exporter, cls, name, doc, ctx, item.tmp, item.target)
        # The PDF, and the EPUB's page list, compile Typst with the Typst engine.
        typst = any(ctx.config.format_options.get("pdf", {}).get("engine") == "typst" for _, ctx in outputs.values())
        if jobs > 1 and len(tasks) > 1 and can_run_in_parallel(compiles_typst=typst):
            failed = _side_by_side(doc, exporters, tasks, gate, reporter, result, jobs, stage)
        else:
            failed = _one_by_one(tasks, reporter, result, stage)
        _fail_if_strict(reporter, 0)  # every warning of the build, not only the first
        done = [item for item in staged if item.name not in failed]  # a failed format keeps its old output
        for item in done:
            if not item.written():
                raise PressworkError(f"the {item.name} exporter wrote no file")
        for item in done:
            item.commit()
            result.outputs[item.name] = item.target
    finally:
        for item in staged:
            item.discard()
    return [failed[name] for name in tasks if name in failed]


def _side_by_side(
    doc: Document,
    exporters: Mapping[str, type[Exporter[Any]]],
    tasks: dict[str, Callable[[], None]],
    gate: AssetGate,
    reporter: Reporter,
    result: BuildResult,
    jobs: int,
    stage: Callable[[str], None],
) -> dict[str, FormatFailed]:
    """The formats in worker processes: the print layout's maker first, then the formats that do not wait
    for it, then those that do (an EPUB started early would hold a worker idle while the PDF is laid out)."""
    stage(f"writing {', '.join(tasks)} side by side")
    started = time.perf_counter()
    try:
        first = share_print_layout(tasks, exporters, gate.root)
        waiting = [name for name in tasks if exporters[name].uses_print_layout]
        order = [*first, *(n for n in tasks if n not in first and n not in waiting), *waiting]
        prefetch_remote(doc, gate)
        return run_parallel(tasks, reporter, jobs, order)
    finally:
        pagination.forget_layout()
        result.seconds["all"] = time.perf_counter() - started


def _one_by_one(
    tasks: dict[str, Callable[[], None]], reporter: Reporter, result: BuildResult, stage: Callable[[str], None]
) -> dict[str, FormatFailed]:
    """The formats one after another in this process, each timed and with its warnings counted."""
    failed: dict[str, FormatFailed] = {}
    for number, (name, task) in enumerate(tasks.items(), 1):
        stage(f"writing {name} ({number}/{len(tasks)})")
        started, before = time.perf_counter(), len(reporter.warnings)
        try:
            task()
        except FormatFailed as exc:  # this format only: the others are still written
            failed[name] = exc
        result.seconds[name] = time.perf_counter() - started
        result.warning_counts[name] = len(reporter.warnings) - before
    return failed


def _fail_if_strict(reporter: Reporter, since: int) -> None:
    """With ``--strict``, stop on the warnings reported since ``since``: every one of them is in the error."""
    if reporter.strict and len(reporter.warnings) > since:
        raise StrictError(reporter.warnings[since:])
