"""The build pipeline: project -> reader -> tree -> transforms -> exporters -> atomic outputs."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from presswork.build import staging
from presswork.build.exporting import check_named_files, open_project, output_path, select_exporters
from presswork.build.failures import FormatsFailed
from presswork.build.limits import build_time, resource_limits
from presswork.build.result import BuildResult
from presswork.build.session import in_process, reuse_theme
from presswork.build.staging import check_out_dir
from presswork.build.writing import write_outputs
from presswork.cache.store import StageCache
from presswork.core.config import format_options
from presswork.core.diagnostics import PressworkError, Reporter, UsageError
from presswork.core.leftovers import let_go
from presswork.core.tree import Document, Pos, plain_text
from presswork.exporters.base import BuildContext, Exporter
from presswork.exporters.registry import exporter_entry_points, load_exporter
from presswork.project.assets import AssetGate
from presswork.project.gate import make_gate
from presswork.project.load import Project
from presswork.project.metadata import build_meta
from presswork.project.sources import read_sources
from presswork.project.theme import Theme, load_theme
from presswork.reading.structure import make_chapters, slugify
from presswork.transforms import apply_transforms


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
    for path in project.unread:
        reporter.warn(
            "MDX (Markdown with JSX) is not read: its words are not in the book (a file without JSX or "
            "import lines reads as Markdown once renamed .md)",
            Pos(path.relative_to(project.root).as_posix()),
            "project",
        )
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


@dataclass
class Plan:
    """What a build is asked to make, known before a word is read: the project, where outputs go, the
    formats' exporters and options, the theme, and the reporter and file gate every stage shares."""

    project: Project
    out_dir: Path
    exporters: dict[str, type[Exporter[Any]]]
    options: dict[str, object]
    theme: Theme
    reporter: Reporter
    gate: AssetGate


def plan_build(
    source: Path | str,
    formats: Sequence[str] | None,
    out: Path | str | None,
    theme: str | None,
    strict: bool,
    profile: str | None,
) -> Plan:
    """Open the project and check everything a build needs that reading the book does not tell: the output
    folder and name, the formats and their options (usage errors come before any work)."""
    if out is not None:
        check_out_dir(Path(out))
    available = exporter_entry_points()
    overrides: dict[str, Any] = {"theme": theme} if theme else {}
    if profile:
        overrides["profile"] = profile
    project = open_project(Path(source), overrides)
    config = project.config
    config_pos = Pos(config.config_file.name) if config.config_file else None
    if out is None:
        check_out_dir(project.out_dir, config_pos)
        out_dir = staging.default_out_dir(project.out_dir, project.out_base, config.out, config_pos)
    else:
        out_dir = Path(out).resolve()
    if config.output_name:
        staging.check_output_name(config.output_name, config_pos or Pos("presswork.toml"))
    chosen = select_exporters(formats, config, list(available))
    exporters = {name: load_exporter(available[name]) for name in chosen}
    options = {name: format_options(config, name, exporters[name].Options) for name in chosen}
    theme_obj = reuse_theme(project.root, load_theme(config.theme, project.root))
    reporter = Reporter(strict=strict)
    return Plan(project, out_dir, exporters, options, theme_obj, reporter, make_gate(config, theme_obj, reporter))


def plan_outputs(plan: Plan, doc: Document) -> dict[str, tuple[Path, BuildContext[Any]]]:
    """Each format's target file (named after the book, or after the one chapter built) and its context."""
    config, project = plan.project.config, plan.project
    when, reproducible = build_time(doc)
    where = Pos(config.config_file.name if config.config_file else "presswork.toml")
    stem = (
        staging.safe_stem(project.chapter_only)
        if project.chapter_only
        else staging.output_stem(config.output_name, slugify(doc.meta.title), plan.reporter, where)
    )
    out_root = staging.make_out_dir(plan.out_dir)
    planned = {
        name: (
            output_path(out_root, stem, cls, name),
            BuildContext(
                config=config,
                theme=plan.theme,
                gate=plan.gate,
                reporter=plan.reporter,
                build_time=when,
                reproducible=reproducible,
                options=plan.options[name],
            ),
        )
        for name, cls in plan.exporters.items()
    }
    staging.remove_debris(out_root, [target for target, _ctx in planned.values()])
    return planned


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
    let_go()  # what an earlier build in this process was done with
    if jobs < 1:
        raise UsageError(f"--jobs must be a whole number of 1 or more, not {jobs}")
    plan = plan_build(source, formats, out, theme, strict, profile)
    if jobs > 1 and in_process(plan.project.root, plan.options):
        jobs = 1  # watch/preview with the Typst engine: the compiler stays warm in this process
    stage = on_stage or (lambda text: None)
    with resource_limits(plan.project.config):
        files = len(plan.project.files)
        stage(f"reading {files} {'file' if files == 1 else 'files'}")
        doc = read_document(plan.project, plan.gate, plan.reporter, drafts, on_stage=stage)
        check_named_files(plan.project, doc, plan.gate, plan.exporters)
        result = BuildResult(doc, reporter=plan.reporter, project=plan.project)
        outputs = plan_outputs(plan, doc)
        failed = write_outputs(doc, plan.exporters, outputs, plan.gate, result, jobs, stage)
    if on_output:
        for name, target in result.outputs.items():
            on_output(name, target)
    if failed:
        raise FormatsFailed(failed, list(result.outputs), result)
    return result
