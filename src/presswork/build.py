"""The build pipeline: project -> reader -> tree -> transforms -> exporters -> atomic outputs."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from presswork import files as files_gate
from presswork import staging
from presswork.assets import AssetGate, is_remote, pil_pixel_limit
from presswork.buildcache import StageCache
from presswork.config import Config, discover_config, format_options, make_config, suggest
from presswork.diagnostics import PressworkError, Reporter, StrictError, UsageError
from presswork.exporters.base import BuildContext, Exporter
from presswork.exporters.common import pagination
from presswork.metadata import build_meta
from presswork.parallel import can_run_in_parallel, run_parallel
from presswork.reading import SourceFile, decode
from presswork.reading.cache import read_cached
from presswork.reading.includes import Expanded, expand, has_includes
from presswork.reading.projects import BookProject, detect
from presswork.reading.variables import autodoc_directives, gitbook_tags, quarto_cells, substitute
from presswork.registry import exporter_entry_points, load_exporter
from presswork.structure import make_chapters, slugify
from presswork.theme import Theme, load_theme
from presswork.transforms import apply_transforms
from presswork.tree import Document, Image, Pos, plain_text
from presswork.walk import query, walk

MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass
class Project:
    """A book to build: its folder, configuration and chapter files in reading order."""

    root: Path  #: The project folder (of the project file; of SOURCE when there is none).
    config: Config
    files: list[Path]
    #: Where outputs go by default: the configured ``out`` of the project, or ``./output``
    #: of the current folder for a plain folder or file (never inside the sources).
    out_dir: Path = Path("output")
    #: A line for the user when SOURCE took its settings from a project file above it, else "".
    note: str = ""
    #: The book project of another tool (mdBook, GitBook/HonKit, MkDocs, Quarto) found at ``root``, if any.
    book: BookProject | None = None
    #: Files included by the chapters in the last read (``presswork watch`` rebuilds when one changes).
    included: list[Path] = field(default_factory=list)
    #: The folder that the default ``out_dir`` must stay inside (links included): the project folder when
    #: ``out`` comes from its settings, else the current folder. ``--out`` is the user's own choice.
    out_base: Path = Path(".")


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


def _natural_key(path: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", path.name)]


def _markdown_files(folder: Path) -> list[Path]:
    """The chapter files of a folder: its Markdown files in natural order (README.md, hidden
    and ``_`` files left out)."""
    return sorted(
        (
            p
            for p in folder.iterdir()
            if p.suffix.lower() in MARKDOWN_SUFFIXES
            and p.is_file()
            and not p.name.startswith((".", "_"))
            and p.name.lower() != "readme.md"
        ),
        key=_natural_key,
    )


def _display(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it, else absolute."""
    with contextlib.suppress(ValueError):
        return path.relative_to(Path.cwd().resolve()).as_posix() or "."
    return str(path)


def load_project(source: Path, overrides: dict[str, Any] | None = None, format_names: Sequence[str] = ()) -> Project:
    """Find the project for SOURCE: a project folder, a folder of Markdown files or one Markdown file.

    The settings come from the nearest project file at or above SOURCE (see
    :func:`~presswork.config.discover_config`), so a chapter file or the ``content`` folder
    of a project builds with the project's title, theme, options and output folder.
    """
    source = Path(source)
    files_gate.forget()  # a new build: every folder is resolved again
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    single = source.is_file()
    if single and source.suffix.lower() not in MARKDOWN_SUFFIXES:
        raise UsageError(f"{source}: not a Markdown file (expected .md)")
    start = (source.parent if single else source).resolve()
    file, table = discover_config(start)
    root = file.parent if file else start
    book: BookProject | None = None
    if not single:
        # the chapter folder of a book project (mdBook's src/, MkDocs' docs/): the project is above it
        for folder in list(start.parents)[:2]:
            above = detect(folder) if _may_be_book(folder) else None
            if above is not None and above.content == start:
                root, book = folder, above
                break
        else:
            book = detect(start)
            if book is not None:
                root = start
    if book is not None and file is not None and not (file.parent == root):
        file, table = None, {}  # a presswork project further up does not configure this book
    config = make_config(
        root,
        file,
        table,
        format_names or ("pdf", "epub", "pptx"),
        overrides,
        defaults=book.settings if book else None,
        defaults_file=book.file.relative_to(root).as_posix() if book and book.file.is_relative_to(root) else "",
    )
    if book is not None and book.variables:
        config = dataclasses.replace(config, variables={**book.variables, **config.variables})
    out_base = root if file or book else Path.cwd().resolve()
    out_dir = (root / config.out).resolve() if file or book else out_base / "output"
    note = f"using the project settings in {_display(file)}" if file and (single or start != root) else ""
    if book is not None:
        note = "; ".join(filter(None, [note, f"{book.name} book ({_display(book.file)})"]))
    content = (root / config.content).resolve()
    if single:
        files = [source.resolve()]
    elif start == root or start == content:
        files = _project_files(root, config, source, book)
    else:  # another folder inside the project: its own Markdown files, with the project's settings
        files = _markdown_files(start)
        if not files:
            raise PressworkError(f"no Markdown files (*.md) in {_display(start)}", Pos(str(source)))
    check_format_tables(config)
    real_root = files_gate.real_root(root)
    for path in files:
        if not files_gate.within(files_gate.realpath(path), [real_root]):
            shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
            raise PressworkError(
                "chapter file is a link to a file outside the project folder; a build reads only files inside it",
                Pos(shown),
            )
    return Project(root, config, files, out_dir, note, book if not single else None, out_base=out_base)


def check_format_tables(config: Config) -> None:
    """Validate every ``[format]`` table of the configuration against its exporter's options, built
    this time or not, so that a bad value is refused when the project is loaded (the exporters of
    those tables are imported for it)."""
    available = exporter_entry_points()
    for name in config.format_options:
        if name in available:
            format_options(config, name, load_exporter(available[name]).Options)


def _may_be_book(folder: Path) -> bool:
    """Whether ``folder`` holds the project file of another tool (cheap test before parsing it)."""
    return any(
        (folder / n).is_file()
        for n in ("book.toml", "book.json", "mkdocs.yml", "mkdocs.yaml", "_quarto.yml", "_quarto.yaml")
    )


def _project_files(root: Path, config: Config, source: Path, book: BookProject | None = None) -> list[Path]:
    """The chapter files of the project at ``root``: the profile's or the configured ``chapters``,
    else the book project's (SUMMARY.md, nav...), else every Markdown file of the ``content`` folder."""
    content = (root / config.content).resolve()
    where = Pos(config.config_file.name if config.config_file else str(source))
    if not content.is_relative_to(root) or not content.is_dir():
        raise PressworkError(f"content folder {config.content!r} does not exist inside the project", where)
    chapters = config.chapters
    if config.profile and config.profiles.get(config.profile, {}).get("chapters"):
        chapters = config.profiles[config.profile]["chapters"]
    if not chapters and book is not None:
        if not book.entries:
            raise PressworkError(f"the {book.name} book lists no chapters", Pos(book.file.relative_to(root).as_posix()))
        return [e.path for e in book.entries]
    if chapters:
        files = []
        for name in chapters:
            path = (content / name).resolve()
            if not path.is_relative_to(root):
                raise PressworkError(f"chapter {name!r} is outside the project folder", where)
            if not path.is_file():
                raise PressworkError(f"chapter file {name!r} not found in {config.content!r}", where)
            files.append(path)
        return files
    files = _markdown_files(content)
    if not files:
        hint = ""
        nested = content / "content"
        if config.config_file is None and nested.is_dir() and _markdown_files(nested):
            hint = (
                f"; the chapters seem to be in {_display(nested)}: build that folder, or set "
                'content = "content" in a presswork.toml here'
            )
        raise PressworkError(f"no Markdown files (*.md) in {config.content!r}{hint}", where)
    return files


def read_sources(
    project: Project,
    reporter: Reporter,
    drafts: bool = False,
    gate: AssetGate | None = None,
    cache: StageCache | None = None,
) -> list[SourceFile]:
    """Read every chapter file (size-checked), leaving out drafts unless asked.

    Before a file is read its includes are expanded (through ``gate``, see
    :mod:`presswork.reading.includes`), its ``{{ name }}`` variables substituted and the plug-in
    syntax of its project kind handled (:mod:`presswork.reading.variables`); positions in the
    tree and in warnings then point into the file each line came from. With ``cache``, a text read
    by an earlier build is not parsed again (:mod:`presswork.reading.cache`).
    """
    sources = []
    config = project.config
    project.included.clear()
    for path in project.files:
        rel = path.relative_to(project.root).as_posix()
        size = path.stat().st_size
        if size > config.max_file_bytes:
            raise PressworkError(f"file is {size:,} bytes, over max_file_bytes ({config.max_file_bytes:,})", Pos(rel))
        try:
            data = files_gate.read_bytes(path, [files_gate.real_root(project.root)], rel, Pos(rel))
        except OSError as exc:
            raise PressworkError(f"cannot read file: {exc.strerror or exc}", Pos(rel)) from None
        text = decode(data, rel).removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        expanded: Expanded | None = None
        if has_includes(text):
            resolver = gate.resolve if gate is not None else AssetGate(project.root, []).resolve
            expanded = expand(text, rel, resolver, project.root, config.max_file_bytes)
            text = expanded.text
            project.included.extend(expanded.included)

        def where(line: int, rel: str = rel, expanded: Expanded | None = expanded) -> Pos:
            return (expanded.origin(line) if expanded else None) or Pos(rel, line)

        syntax = project.book.syntax if project.book else set()
        text = substitute(text, config.variables, where)
        if "quarto-cells" in syntax or path.suffix.lower() == ".qmd":
            text = quarto_cells(text, where, reporter)
        if "mkautodoc" in syntax:
            text = autodoc_directives(text, where, reporter)
        if "gitbook-tags" in syntax:
            text = gitbook_tags(text, where, reporter)
        since = len(reporter.warnings)
        source = read_cached(cache, text, rel, reporter, config.max_nesting, config.markdown)
        if expanded is not None:
            source = _relocate(source, expanded, reporter, since)
            if expanded.title and not source.front_matter.get("title"):
                source = dataclasses.replace(source, front_matter={**source.front_matter, "title": expanded.title})
        if source.front_matter.get("draft") is True and not (drafts or config.drafts):
            reporter.warn("draft left out (build with --drafts to include it)", Pos(rel), "draft")
            continue
        sources.append(source)
    return sources


def _relocate(source: SourceFile, expanded: Expanded, reporter: Reporter, since: int) -> SourceFile:
    """Point the positions of blocks and of the warnings given while reading into the files their lines came from."""

    def fix(node: Any) -> Any:
        pos = getattr(node, "pos", None)
        if isinstance(pos, Pos) and pos.file == source.path and pos.line:
            origin = expanded.origin(pos.line)
            if origin is not None and origin != pos:
                return dataclasses.replace(node, pos=origin)
        return node

    for i in range(since, len(reporter.warnings)):
        warning = reporter.warnings[i]
        if warning.pos is not None and warning.pos.file == source.path and warning.pos.line:
            origin = expanded.origin(warning.pos.line)
            if origin is not None:
                reporter.warnings[i] = dataclasses.replace(warning, pos=origin)
    return dataclasses.replace(source, blocks=walk(source.blocks, fix))


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
            dataclasses.replace(ch, part=entries[ch.source].part, appendix=entries[ch.source].appendix)
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


def make_gate(config: Config, theme: Theme, reporter: Reporter | None = None) -> AssetGate:
    """The asset gate for a project and its theme folders (checked: no link inside a theme
    folder may lead out of the allowed folders)."""
    gate = AssetGate(
        config.root,
        theme.dirs,
        allow_remote=config.allow_remote,
        remote_hosts=config.remote_hosts,
        remote_timeout=config.remote_timeout,
        remote_max_bytes=config.remote_max_bytes,
        max_image_pixels=config.max_image_pixels,
        reporter=reporter,
    )
    check_theme_links(theme, gate)
    return gate


def check_theme_links(theme: Theme, gate: AssetGate) -> None:
    """Refuse a theme folder holding a symbolic link to a file outside the project and theme
    folders (templates and stylesheets are read without the gate, so they are checked here)."""
    for folder in theme.dirs:
        for dirpath, dirnames, filenames in os.walk(folder):
            for name in (*dirnames, *filenames):
                path = Path(dirpath) / name
                if path.is_symlink() and not gate.is_allowed(path):
                    raise PressworkError(
                        f"theme file {name!r} is a link to {os.readlink(path)!r}, outside the "
                        "project and theme folders",
                        Pos(str(path)),
                    )


def read_project(source: Path | str, drafts: bool = False) -> Document:
    """The finished document tree of a project (a convenience for tools and tests)."""
    project = load_project(Path(source))
    theme = load_theme(project.config.theme, project.root)
    reporter = Reporter()
    return read_document(project, make_gate(project.config, theme, reporter), reporter, drafts)


def build_time(doc: Document) -> tuple[datetime, bool]:
    """The time stamped into outputs and whether the build is reproducible.

    ``SOURCE_DATE_EPOCH`` wins; else the book's modified or publication date (so a book
    with a date always builds byte-identically); else the current time.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC), True
        except (ValueError, OverflowError, OSError) as exc:
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from exc
    for value in (doc.meta.modified, doc.meta.date):
        if value:
            return datetime.fromisoformat(value).replace(tzinfo=UTC), True
    return datetime.now(UTC).replace(microsecond=0), False


def select_exporters(names: Sequence[str] | None, config: Config, available: Sequence[str]) -> list[str]:
    """The formats to build: the command line's, else the configuration's; unknown ones are a usage error."""
    wanted = list(names) if names else list(config.formats)
    for name in wanted:
        if name not in available:
            raise UsageError(
                f"unknown format {name!r}{suggest(name, available)}; installed formats: {', '.join(available)}"
            )
    return list(dict.fromkeys(wanted))


def check_named_files(
    project: Project, doc: Document, gate: AssetGate, exporters: dict[str, type[Exporter[Any]]]
) -> None:
    """Check the files named in the configuration or front matter (the cover, an exporter's
    ``template`` or ``cover`` option) through the gate before any exporter runs, so that a
    refusal names the file that asked for it."""
    config = project.config
    config_pos = Pos(config.config_file.name if config.config_file else "presswork.toml")
    named: list[tuple[str, str, Pos]] = []
    if config.cover:
        named.append(("cover", config.cover, config_pos))
    elif doc.meta.cover:
        named.append(("cover", doc.meta.cover, Pos(project.files[0].relative_to(project.root).as_posix(), 1)))
    for name in exporters:
        for key in ("template", "cover"):
            value = config.format_options.get(name, {}).get(key)
            if isinstance(value, str) and value:
                named.append((f"[{name}] {key}", value, config_pos))
    for key, ref, pos in named:
        try:
            gate.read_bytes(ref, pos=pos)
        except PressworkError as exc:
            raise PressworkError(f"{key}: {exc.message}", pos) from None


def output_path(out_dir: Path, stem: str, cls: type[Exporter[Any]], name: str) -> Path:
    """Where an exporter's output goes: ``<stem>.<extension>``, or the folder ``<stem>-<extension>``."""
    extension = cls.extension or name
    return out_dir / (f"{stem}-{extension}" if cls.folder else f"{stem}.{extension}")


@contextlib.contextmanager
def resource_limits(config: Config) -> Iterator[None]:
    """Limits for the duration of a build: Pillow decodes images up to ``max_image_pixels``
    (never fewer than its own default), and the recursion limit leaves room for
    ``max_nesting`` levels in every exporter."""
    from PIL import Image as PILImage

    pil_limit = max(PILImage.MAX_IMAGE_PIXELS or 0, config.max_image_pixels)
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(max(saved, 1000 + 25 * config.max_nesting))
    try:
        with pil_pixel_limit(pil_limit):
            yield
    finally:
        sys.setrecursionlimit(saved)


def run_exporter(
    cls: type[Exporter[Any]], name: str, doc: Document, ctx: BuildContext[Any], target: Path, final: Path | None = None
) -> None:
    """Run one exporter writing ``target`` (the temporary output of ``final``); a failure other than a
    PressworkError becomes one (the original exception is chained, so ``--verbose`` shows its traceback),
    and a disk that cannot take the output (full, read-only) is named as such."""
    try:
        cls().export(doc, ctx, target)
    except PressworkError:
        raise
    except OSError as exc:
        if files_gate.write_problem(exc) is None:
            raise _exporter_bug(name, exc) from exc
        raise staging.write_error(exc, final or target) from exc
    except RecursionError:
        raise PressworkError(
            f"the {name} exporter ran out of stack on deeply nested content; lower the "
            f"nesting (max_nesting is {ctx.config.max_nesting})"
        ) from None
    except MemoryError:
        raise PressworkError(f"the {name} exporter ran out of memory") from None
    except Exception as exc:  # a bug in an exporter or plug-in: one clear line, not a traceback
        raise _exporter_bug(name, exc) from exc


def _exporter_bug(name: str, exc: Exception) -> PressworkError:
    return PressworkError(
        f"the {name} exporter failed: {type(exc).__name__}: {exc} (this is a bug; run with "
        "--verbose for the traceback and please report it)"
    )


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
    """
    if jobs < 1:
        raise UsageError(f"--jobs must be a whole number of 1 or more, not {jobs}")
    if out is not None:
        check_out_dir(Path(out))
    available = exporter_entry_points()
    overrides: dict[str, Any] = {"theme": theme} if theme else {}
    if profile:
        overrides["profile"] = profile
    project = load_project(Path(source), overrides, list(available))
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
        stem = staging.output_stem(config.output_name, slugify(doc.meta.title), reporter, where)
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
                    first = _share_print_layout(tasks, gate.root)
                    # The print layout first, then the formats that do not wait for it, then those that do
                    # (an EPUB started early would hold a worker idle while the PDF is laid out).
                    waiting = [name for name in tasks if exporters[name].uses_print_layout]
                    order = [*first, *(n for n in tasks if n not in first and n not in waiting), *waiting]
                    _prefetch_remote(doc, gate)
                    run_parallel(tasks, reporter, jobs, order)
                finally:
                    pagination.forget_layout()
                result.seconds["all"] = time.perf_counter() - started
            else:
                for number, (name, task) in enumerate(tasks.items(), 1):
                    stage(f"writing {name} ({number}/{len(tasks)})")
                    started, before = time.perf_counter(), len(reporter.warnings)
                    task()
                    result.seconds[name] = time.perf_counter() - started
                    result.warning_counts[name] = len(reporter.warnings) - before
            _fail_if_strict(reporter, 0)  # every warning of the build, not only the first
            for item in staged:
                if not item.written():
                    raise PressworkError(f"the {item.name} exporter wrote no file")
            for item in staged:
                item.commit()
                result.outputs[item.name] = item.target
        finally:
            for item in staged:
                item.discard()
    if on_output:
        for name, target in result.outputs.items():
            on_output(name, target)
    return result


def _prefetch_remote(doc: Document, gate: AssetGate) -> None:
    """Fetch the book's allowed remote images once, before the workers fork, so that every format
    gets them from the gate's cache rather than each worker requesting them again. A failure is left
    for the exporters to meet and report, as in a sequential build."""
    if not gate.allow_remote:
        return
    refs = [img.src for img in query(doc, Image) if is_remote(img.src)]
    if doc.meta.cover and is_remote(doc.meta.cover):
        refs.append(doc.meta.cover)
    for ref in dict.fromkeys(refs):
        with contextlib.suppress(PressworkError):
            gate.read_bytes(ref)


def _share_print_layout(tasks: dict[str, Callable[[], None]], root: Path) -> tuple[str, ...]:
    """With the PDF written side by side with other formats: announce its print layout (the EPUB's page
    list waits for it rather than laying the book out again) and start it first. Returns the tasks to
    start first."""
    if "pdf" not in tasks:
        return ()
    pdf = tasks["pdf"]

    def pdf_then_done() -> None:
        pagination.producing()  # first thing: hold the layout lock the EPUB waits for
        try:
            pdf()
        finally:
            pagination.layout_done()  # stored by now, or never will be: nobody waits any longer

    pagination.expect_layout(root)
    tasks["pdf"] = pdf_then_done
    return ("pdf",)


def check_out_dir(path: Path, pos: Pos | None = None) -> None:
    """Refuse an output folder that is, or lies below, an existing file: a usage error found
    before anything is read (``pos``: the project file that configured it, if any)."""
    for folder in (path, *path.parents):
        if folder.exists():
            if not folder.is_dir():
                message = (
                    f"{str(path)!r} is a file, not a folder"
                    if folder == path
                    else f"cannot create {str(path)!r}: {str(folder)!r} is a file"
                )
                if pos is not None:
                    raise PressworkError(f"out: {message}", pos)
                raise UsageError(f"--out: {message}")
            return


def _fail_if_strict(reporter: Reporter, since: int) -> None:
    """With ``--strict``, stop on the warnings reported since ``since``: every one of them is in the error."""
    if reporter.strict and len(reporter.warnings) > since:
        raise StrictError(reporter.warnings[since:])
