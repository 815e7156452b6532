"""Running the chosen exporters: formats chosen, files they name checked, output paths, failures made messages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from presswork.build import staging
from presswork.build.failures import FormatFailed, where_it_failed
from presswork.core import files as files_gate
from presswork.core.config import Config, format_options, suggest
from presswork.core.diagnostics import OutputFailed, PressworkError, UsageError
from presswork.core.tree import Document, Pos
from presswork.exporters.base import BuildContext, Exporter
from presswork.exporters.registry import exporter_entry_points, load_exporter
from presswork.project.assets import AssetGate
from presswork.project.load import Project, load_project


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


def run_exporter(
    cls: type[Exporter[Any]], name: str, doc: Document, ctx: BuildContext[Any], target: Path, final: Path | None = None
) -> None:
    """Run one exporter writing ``target`` (the temporary output of ``final``). An unexpected failure (a bug
    in an exporter or plug-in, a stack or memory running out) becomes a :class:`FormatFailed` naming the
    source position being written when known (the original exception is chained, so ``--verbose`` shows
    its traceback): the other formats are still written. A PressworkError (a problem the author must fix)
    and a disk that cannot take the output (full, read-only) stop the build, as before."""
    try:
        cls().export(doc, ctx, target)
    except OutputFailed as exc:
        raise FormatFailed(name, exc.message, exc.pos) from None
    except PressworkError:
        raise
    except OSError as exc:
        if files_gate.write_problem(exc) is None:
            raise _exporter_bug(name, exc) from exc
        raise staging.write_error(exc, final or target) from exc
    except RecursionError as exc:
        raise FormatFailed(
            name,
            f"it ran out of stack on deeply nested content; lower the nesting (max_nesting is "
            f"{ctx.config.max_nesting})",
            where_it_failed(exc.__traceback__),
        ) from None
    except MemoryError as exc:
        raise FormatFailed(name, "it ran out of memory", where_it_failed(exc.__traceback__)) from None
    except Exception as exc:  # a bug in an exporter or plug-in: one clear line, not a traceback
        raise _exporter_bug(name, exc) from exc


def _exporter_bug(name: str, exc: Exception) -> FormatFailed:
    return FormatFailed(
        name,
        f"{type(exc).__name__}: {exc} (this is a bug in the {name} exporter; run with --verbose for the "
        "traceback and please report it)",
        where_it_failed(exc.__traceback__),
    )


def open_project(source: Path, overrides: dict[str, Any] | None = None) -> Project:
    """The project at ``source`` (see :func:`~presswork.project.load.load_project`), with every ``[format]``
    table of its configuration checked against its exporter's options, built this time or not, so that a bad
    value is refused when the project is loaded (the exporters of those tables are imported for it)."""
    available = exporter_entry_points()
    project = load_project(source, overrides, list(available))
    for name in project.config.format_options:
        if name in available:
            format_options(project.config, name, load_exporter(available[name]).Options)
    return project
