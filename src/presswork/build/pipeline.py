"""The build pipeline: project -> reader -> tree -> transforms -> exporters -> atomic outputs."""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from presswork.build import staging
from presswork.build.exporting import check_named_files, open_project, output_path, run_exporter, select_exporters
from presswork.build.failures import FormatFailed, FormatsFailed
from presswork.build.limits import build_time, resource_limits
from presswork.build.parallel import can_run_in_parallel, run_parallel
from presswork.build.sharing import prefetch_remote, share_print_layout
from presswork.build.staging import check_out_dir
from presswork.cache.store import StageCache
from presswork.core.config import format_options
from presswork.core.diagnostics import PressworkError, Reporter, StrictError, UsageError
from presswork.core.tree import Document, Pos, plain_text
from presswork.exporters.base import BuildContext, Exporter
from presswork.exporters.common import pagination
from presswork.exporters.registry import exporter_entry_points, load_exporter
from presswork.project.assets import AssetGate
from presswork.project.gate import make_gate
from presswork.project.load import Project
from presswork.project.metadata import build_meta
from presswork.project.sources import read_sources
from presswork.project.theme import load_theme
from presswork.reading.structure import make_chapters, slugify
from presswork.transforms import apply_transforms


@dataclass
class BuildResult:
    """What a build wrote and what it warned about."""

    document: Document
    outputs: dict[str, Path] = field(default_factory=dict)
    reporter: Reporter = field(default_factory=Reporter)
    project: Project | None = None
    #: Seconds each format took to write (``"all"`` when they were written side by side).
    seconds: dict[str, float] = field(default_factory=dict)
    #: Warnings each format added (not known for formats written side by side).
    warning_counts: dict[str, int] = field(default_factory=dict)


def read_document(
    project: Project,
    gate: AssetGate,
    reporter: Reporter,
    drafts: bool = False,
    on_stage: Callable[[str], None] | None = None,
) -> Document:
    """Read and transform the whole book into its finished document tree."""
    book = project.book
    if book is not None:
        for file, line, message in book.notes:
            reporter.warn(message, Pos(file, line), "project")
    cache = StageCache(project.root, "read")
    sources = read_sources(project, reporter, drafts, gate, cache)
    cache.prune()
    if not sources:
        raise PressworkError(
            "every chapter file is a draft; build with --drafts to include them",
            Pos(project.files[0].relative_to(project.root).as_posix()),
        )
    entries = {e.path.relative_to(project.root).as_posix(): e for e in book.entries} if book else {}
    chapters, proposed_title = make_chapters(sources, {rel: e.title for rel, e in entries.items()} if book else None)
    if entries:
        chapters = [
            dataclasses.replace(
                ch, part=entries[ch.source].part, appendix=entries[ch.source].appendix, depth=entries[ch.source].depth
            )
            if ch.source in entries
            else ch
            for ch in chapters
        ]
    if not chapters:
        names = ", ".join(s.path for s in sources)
        raise PressworkError(f"the book is empty: {names} {'has' if len(sources) == 1 else 'have'} no text")
    first = sources[0]
    front = dict(first.front_matter)
    page_title = str(front.get("title") or "").strip()
    if len(sources) > 1 and page_title and page_title == plain_text(chapters[0].title):
        del front["title"]  # it titles the first chapter (a page of a documentation set), not the book
    fallback = proposed_title or (plain_text(chapters[0].title) if len(chapters) == 1 else project.root.name)
    meta = build_meta(project.config, front, Pos(first.path, 1), fallback, reporter)
    if on_stage:
        on_stage("transforming")
    return apply_transforms(chapters, meta, project.config, gate, reporter)


def read_project(source: Path | str, drafts: bool = False) -> Document:
    """The finished document tree of a project (a convenience for tools and tests)."""
    project = open_project(Path(source))
    theme = load_theme(project.config.theme, project.root)
    reporter = Reporter()
    return read_document(project, make_gate(project.config, theme, reporter), reporter, drafts)


def build(
    source: Path | str = ".",
    formats: Sequence[str] | None = None,
    out: Path | str | None = None,
    theme: str | None = None,
    strict: bool = False,
    drafts: bool = False,
    on_output: Callable[[str, Path], None] | None = None,
    jobs: int = 1,
    on_stage: Callable[[str], None] | None = None,
    profile: str | None = None,
) -> BuildResult:
    """Build a book. Raises PressworkError (or UsageError) on failure.

    Every output is written to a temporary file beside its target; only when all of them
    have been written are they renamed into place, so a failed or interrupted build leaves
    the previous outputs byte-for-byte intact and no temporary file behind. With
    ``jobs`` > 1 the formats are written side by side in worker processes. ``on_stage``
    hears each stage as it starts ("reading 3 files", "transforming", "writing pdf (1/3)").
    ``profile`` names the edition (``--profile``).

    A format whose exporter fails unexpectedly (:class:`FormatFailed`) does not stop the others:
    they are written, its previous output is left as it was, and :class:`FormatsFailed` is raised
    at the end (with the :class:`BuildResult` of what was written).
    """
    if jobs < 1:
        raise UsageError(f"--jobs must be a whole number of 1 or more, not {jobs}")
    if out is not None:
        check_out_dir(Path(out))
    available = exporter_entry_points()
    overrides: dict[str, Any] = {"theme": theme} if theme else {}
    if profile:
        overrides["profile"] = profile
    project = open_project(Path(source), overrides)
    config = project.config
    if out is None:
        config_pos = Pos(config.config_file.name) if config.config_file else None
        check_out_dir(project.out_dir, config_pos)
        out_dir = staging.default_out_dir(project.out_dir, project.out_base, config.out, config_pos)
    else:
        out_dir = Path(out).resolve()
    if config.output_name:
        staging.check_output_name(
            config.output_name, Pos(config.config_file.name if config.config_file else "presswork.toml")
        )
    chosen = select_exporters(formats, config, list(available))
    exporters = {name: load_exporter(available[name]) for name in chosen}
    chosen_options = {name: format_options(config, name, exporters[name].Options) for name in chosen}  # before reading
    theme_obj = load_theme(config.theme, project.root)
    reporter = Reporter(strict=strict)
    gate = make_gate(config, theme_obj, reporter)
    stage = on_stage or (lambda text: None)
    with resource_limits(config):
        stage(f"reading {len(project.files)} {'file' if len(project.files) == 1 else 'files'}")
        doc = read_document(project, gate, reporter, drafts, on_stage=stage)
        check_named_files(project, doc, gate, exporters)
        when, reproducible = build_time(doc)
        where = Pos(config.config_file.name if config.config_file else "presswork.toml")
        stem = (
            staging.safe_stem(project.chapter_only)
            if project.chapter_only
            else staging.output_stem(config.output_name, slugify(doc.meta.title), reporter, where)
        )
        result = BuildResult(doc, reporter=reporter, project=project)
        planned: list[tuple[str, type[Exporter[Any]], BuildContext[Any]]] = []
        for name in chosen:
            cls = exporters[name]
            options: object = chosen_options[name]
            ctx = BuildContext(
                config=config,
                theme=theme_obj,
                gate=gate,
                reporter=reporter,
                build_time=when,
                reproducible=reproducible,
                options=options,
            )
            planned.append((name, cls, ctx))
        out_root = staging.make_out_dir(out_dir)
        targets = {name: output_path(out_root, stem, cls, name) for name, cls, _ctx in planned}
        staging.remove_debris(out_root, list(targets.values()))
        staged: list[staging.Staged] = []
        tasks: dict[str, Callable[[], None]] = {}
        failed: dict[str, FormatFailed] = {}
        try:
            for name, cls, ctx in planned:
                item = staging.stage(name, targets[name], cls.folder)
                staged.append(item)
                item.reserve(out_root)
                tasks[name] = functools.partial(run_exporter, cls, name, doc, ctx, item.tmp, item.target)
            if jobs > 1 and len(tasks) > 1 and can_run_in_parallel():
                stage(f"writing {', '.join(tasks)} side by side")
                started = time.perf_counter()
                try:
                    first = share_print_layout(tasks, exporters, gate.root)
                    # The print layout first, then the formats that do not wait for it, then those that do
                    # (an EPUB started early would hold a worker idle while the PDF is laid out).
                    waiting = [name for name in tasks if exporters[name].uses_print_layout]
                    order = [*first, *(n for n in tasks if n not in first and n not in waiting), *waiting]
                    prefetch_remote(doc, gate)
                    failed = run_parallel(tasks, reporter, jobs, order)
                finally:
                    pagination.forget_layout()
                result.seconds["all"] = time.perf_counter() - started
            else:
                for number, (name, task) in enumerate(tasks.items(), 1):
                    stage(f"writing {name} ({number}/{len(tasks)})")
                    started, before = time.perf_counter(), len(reporter.warnings)
                    try:
                        task()
                    except FormatFailed as exc:  # this format only: the others are still written
                        failed[name] = exc
                    result.seconds[name] = time.perf_counter() - started
                    result.warning_counts[name] = len(reporter.warnings) - before
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
    if on_output:
        for name, target in result.outputs.items():
            on_output(name, target)
    if failed:
        raise FormatsFailed([failed[name] for name in tasks if name in failed], list(result.outputs), result)
    return result


def _fail_if_strict(reporter: Reporter, since: int) -> None:
    """With ``--strict``, stop on the warnings reported since ``since``: every one of them is in the error."""
    if reporter.strict and len(reporter.warnings) > since:
        raise StrictError(reporter.warnings[since:])
