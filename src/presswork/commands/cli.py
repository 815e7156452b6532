"""The ``presswork`` command line: build, watch, check, tree, formats, themes."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NoReturn

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from presswork.build.failures import FormatsFailed
from presswork.core.diagnostics import PressworkError, Reporter, StrictError, UsageError
from presswork.core.excerpt import source_excerpt
from presswork.core.lifeline import Terminated, sigterm_as_interrupt
from presswork.core.tree import Pos
from presswork.core.version import __version__

if TYPE_CHECKING:
    from presswork.build.result import BuildResult

EXIT_OK, EXIT_BUILD_ERROR, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that exits with status 2 and one clear line on usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"presswork: error: {message}\n")


def _plural(count: int, word: str) -> str:
    """``1 chapter``, ``2 chapters``, ``0 warnings``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def _jobs(text: str) -> int:
    """``--jobs`` value: a whole number of 1 or more (else a usage error, exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {value}")
    return value


def default_jobs() -> int:
    """The ``--jobs`` default: the cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _port(text: str) -> int:
    """``--port`` value: 0 (any free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, not {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, not {value}")
    return value


#: An example for each command's ``--help``.
EXAMPLES = {
    "build": "examples:\n  presswork build                       the project in this folder, its default formats\n"
    "  presswork build mybook -f pdf,html    two formats of the book in mybook/\n"
    "  presswork build chapter.md -o /tmp/out --theme handout",
    "watch": "example:\n  presswork watch mybook -f epub         rebuild the EPUB whenever a source changes",
    "preview": "examples:\n  presswork preview mybook --open        serve mybook on http://127.0.0.1:8000/ and open it\n"
    "  presswork preview --port 0 --formats pdf,epub   any free port; rebuild PDF and EPUB too\n"
    "the slide view is at /__presswork/slides",
    "check": "example:\n  presswork check mybook --strict        fail on any warning (CI)",
    "tree": "example:\n  presswork tree mybook > tree.json",
    "new": 'example:\n  presswork new mybook --title "My Book" && presswork preview mybook',
    "formats": "example:\n  presswork formats",
    "themes": "example:\n  presswork themes",
}


def _choices() -> tuple[list[str], list[str]]:
    """The installed formats and the built-in themes, for the help texts (nothing is imported)."""
    from presswork.exporters.registry import exporter_entry_points
    from presswork.project.theme import builtin_themes

    return list(exporter_entry_points()), builtin_themes()


def _parser() -> argparse.ArgumentParser:
    formats, themes = _choices()
    format_list, theme_list = ", ".join(formats), ", ".join(themes)
    p = _Parser(
        prog="presswork",
        description="One Markdown source -> print-ready PDF, EPUB 3 and PPTX (and an HTML site on request).",
        epilog="example:\n  presswork new mybook && presswork preview mybook",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"presswork {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(command: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            command,
            help=text,
            description=text[0].upper() + text[1:] + ".",
            epilog=EXAMPLES[command],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "source", nargs="?", default=".", help="project folder, folder of Markdown files, or one .md file"
        )
        sp.add_argument("--drafts", action="store_true", help="include files whose front matter says draft: true")
        sp.add_argument(
            "--verbose",
            "-v",
            action="store_true",
            help="show tracebacks of errors, and how each format was made (e.g. why a PDF was laid out whole)",
        )

    for command, text in (("build", "build the book"), ("watch", "build, then rebuild whenever a source changes")):
        b = add(command, text)
        common(b)
        b.add_argument(
            "--format",
            "-f",
            metavar="LIST",
            help=f"comma-separated formats, from: {format_list} (default: the config's formats, "
            "pdf,epub,pptx unless set)",
        )
        b.add_argument("--out", "-o", help="output folder (default: the project's output/)")
        b.add_argument("--theme", "-t", help=f"theme: a built-in one ({theme_list}) or a path")
        b.add_argument("--profile", "-p", help="edition to build: shows ::: only-profile-NAME, uses [profiles.NAME]")
        b.add_argument("--strict", action="store_true", help="treat warnings as errors")
        b.add_argument("--quiet", "-q", action="store_true", help="print errors and warnings only")
        b.add_argument(
            "--jobs",
            "-j",
            type=_jobs,
            default=None,
            metavar="N",
            help="write up to N formats at once, each in its own process (default: the number of cores)",
        )

    v = add("preview", "serve the book as a site on 127.0.0.1, rebuild on save, reload the page")
    common(v)
    v.add_argument(
        "--port",
        "-p",
        type=_port,
        default=None,
        metavar="N",
        help="port on 127.0.0.1 (default 8000, or a free one if it is taken; 0 = any free port)",
    )
    v.add_argument(
        "--formats",
        metavar="LIST",
        default="",
        help=f"also rebuild these formats in the background, comma-separated, from: {format_list}",
    )
    v.add_argument("--theme", "-t", help=f"theme: a built-in one ({theme_list}) or a path")
    v.add_argument("--open", action="store_true", help="open the site in the web browser")

    c = add("check", "read and check the book without writing outputs (lost words, accessibility)")
    common(c)
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")

    t = add("tree", "print the document tree as JSON")
    common(t)

    n = add("new", "start a new book in DIR: configuration, example chapters, .gitignore")
    n.add_argument("folder", metavar="DIR", help="folder for the book (must not exist or be empty)")
    n.add_argument("--title", help="the book's title (default: made from the folder name)")
    n.add_argument("--notebook", action="store_true", help="add a chapter that is a Jupyter notebook with its outputs")

    add("formats", "list the installed exporters")
    add("themes", "list the built-in themes")
    return p


def _say(console: Console, message: str, style: str = "") -> None:
    """Print ``message`` literally: no markup, no emoji codes (``file.md:100:`` is not an emoji)."""
    console.print(Text(message, style=style), soft_wrap=True, markup=False, emoji=False, highlight=False)


def _check_formats(names: list[str] | None) -> None:
    """A usage error for an unknown ``--format``, before the project is read."""
    from presswork.build.exporting import select_exporters
    from presswork.core.config import Config
    from presswork.exporters.registry import exporter_entry_points

    if names:
        select_exporters(names, Config(), list(exporter_entry_points()))


def _print_audit(console: Console, reporter: Reporter) -> None:
    """One line per file: distinct words read and words lost without a warning."""
    for audit in reporter.audits:
        lost = len(audit.lost)
        _say(
            console,
            f"{audit.path}: {audit.words} words, {lost} lost"
            + (
                " (" + ", ".join(f"{w!r} line {n}" for w, n in audit.lost[:5]) + (", ..." if lost > 5 else "") + ")"
                if lost
                else ""
            ),
            "red" if lost else "",
        )


def _print_warnings(console: Console, reporter: Reporter, root: Path | None = None) -> None:
    """Every warning once, sorted by file and line, each with its source line (like a compiler)."""
    for w in reporter.sorted():
        console.print(str(w), style="yellow", markup=False, highlight=False, soft_wrap=True)
        _print_excerpt(console, root, w.pos, message=w.message)


def _print_excerpt(console: Console, root: Path | None, pos: Pos | None, column: int = 0, message: str = "") -> None:
    """The source line at ``pos`` with a caret under the problem (see ``source_excerpt``), if the file can be read."""
    if root is None or pos is None:
        return
    for line in source_excerpt(root, pos, column, message):
        console.print(line, style="dim", markup=False, highlight=False, soft_wrap=True)


def _root_of(source: str, pos: Pos | None) -> Path | None:
    """The folder ``pos`` is relative to: SOURCE's folder or the nearest one above it holding the file."""
    if pos is None:
        return None
    start = Path(source).resolve()
    for folder in (start if start.is_dir() else start.parent, *start.parents):
        if (folder / pos.file).is_file():
            return folder
    return None


@contextlib.contextmanager
def _progress(console: Console, quiet: bool) -> Iterator[Callable[[str], None]]:
    """Show the build's stages: a spinner line on a terminal, plain lines otherwise (or with
    NO_COLOR); nothing with ``--quiet``."""
    if quiet:
        yield lambda text: None
        return
    if console.is_terminal and console.color_system is not None:
        with console.status("loading the project", spinner="dots") as status:
            yield lambda text: status.update(text)
        return
    yield lambda text: console.print(text, markup=False, highlight=False, soft_wrap=True)


def _print_summary(console: Console, result: BuildResult, seconds: float) -> None:
    """The table of what was written: file, size, pages or slides, time and warnings."""
    from presswork.commands.report import human_size, output_facts

    rows = []
    for name, path in result.outputs.items():
        facts = output_facts(name, path)
        took = result.seconds.get(name)
        warned = result.warning_counts.get(name)
        rows.append(
            (
                _shown(path) + ("/" if path.is_dir() else ""),
                human_size(facts.size),
                facts.count,
                f"{took:.1f} s" if took is not None else "",
                _plural(warned, "warning") if warned is not None else "",
            )
        )
    total = len(result.reporter.warnings)
    last = f"built {_plural(len(result.outputs), 'output')} in {seconds:.1f} s, {_plural(total, 'warning')}"
    if console.is_terminal and console.color_system is not None:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for title, justify in (
            ("Output", "left"),
            ("Size", "right"),
            ("Contents", "right"),
            ("Time", "right"),
            ("Warnings", "right"),
        ):
            table.add_column(title, justify=justify)  # type: ignore[arg-type]
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        console.print(table)
    else:
        for row in rows:
            details = ", ".join(cell for cell in row[1:] if cell)
            console.print(f"wrote {row[0]}  ({details})", markup=False, highlight=False, soft_wrap=True)
    console.print(last, markup=False, highlight=False, soft_wrap=True)


def _shown(path: Path) -> str:
    """A path relative to the current folder when it is inside it."""
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    return str(path)


def _run(args: argparse.Namespace, out: Console, err: Console) -> int:
    from presswork.build.exporting import open_project
    from presswork.build.limits import resource_limits
    from presswork.build.pipeline import build, read_document
    from presswork.build.staging import check_out_dir
    from presswork.exporters.registry import discover_exporters
    from presswork.project.gate import make_gate
    from presswork.project.theme import builtin_themes, load_theme

    if args.command == "formats":
        for name, cls in discover_exporters().items():
            out.print(f"{name:8} .{cls.extension or name:6} {escape(cls.description)}  [dim]({cls.__module__})[/dim]")
        return EXIT_OK
    if args.command == "new":
        from presswork.commands.new import new_project

        written = new_project(Path(args.folder), args.title, notebook=args.notebook)
        _say(
            out,
            f"created {args.folder} ({_plural(len(written), 'file')}); build it with: presswork build {args.folder}",
        )
        return EXIT_OK
    if args.command == "themes":
        for name in builtin_themes():
            _say(out, name)
        return EXIT_OK
    if args.command in ("tree", "check"):
        from presswork.core.tree import to_json

        reporter = Reporter(strict=getattr(args, "strict", False))
        project = open_project(Path(args.source))
        if project.note:
            _say(err, project.note)
        theme = load_theme(project.config.theme, project.root)
        with resource_limits(project.config):
            doc = read_document(project, make_gate(project.config, theme, reporter), reporter, args.drafts)
        if args.command == "check":
            from presswork.reading.accessibility import audit_accessibility

            audit_accessibility(doc, reporter)
        _print_warnings(err, reporter, project.root)
        if args.command == "tree":
            sys.stdout.write(to_json(doc) + "\n")
            return EXIT_OK
        _print_audit(out, reporter)
        if reporter.strict and reporter.warnings:
            return EXIT_BUILD_ERROR
        lost = sum(len(a.lost) for a in reporter.audits)
        _say(
            out,
            f"{_plural(len(doc.chapters), 'chapter')}, {_plural(len(reporter.warnings), 'warning')}, "
            f"{_plural(lost, 'word')} lost",
        )
        return EXIT_OK
    if args.command == "preview":
        return _preview(args, err)
    # build and watch
    formats = [f.strip() for f in args.format.split(",") if f.strip()] if args.format else None
    _check_formats(formats)

    def build_once() -> None:
        started = time.perf_counter()
        failed: FormatsFailed | None = None
        with _progress(err, args.quiet) as stage:
            try:
                result = build(
                    args.source,
                    formats=formats,
                    out=args.out,
                    theme=args.theme,
                    strict=args.strict,
                    drafts=args.drafts,
                    jobs=args.jobs or default_jobs(),
                    on_stage=stage,
                    profile=args.profile,
                )
            except FormatsFailed as exc:  # the other formats were written: report them, then the failures
                failed, result = exc, exc.result
        if result.project is not None:
            included.clear()
            included.update(result.project.included)
        _print_warnings(err, result.reporter, result.project.root if result.project else None)
        if not args.quiet:
            _print_summary(err, result, time.perf_counter() - started)
        if failed is not None:
            raise failed

    # usage errors and the project's settings before anything is read
    if args.out:
        check_out_dir(Path(args.out))
    included: set[Path] = set()
    project = open_project(Path(args.source), {"profile": args.profile} if args.profile else None)
    if project.note and not args.quiet:
        _say(err, project.note)
    if args.command == "build":
        build_once()
        return EXIT_OK
    from presswork.build.session import rebuild_session
    from presswork.commands.watch import watch

    out_dir = Path(args.out).resolve() if args.out else project.out_dir
    theme = load_theme(args.theme or project.config.theme, project.root)
    folders = [project.root, *(d for d in theme.dirs if not d.is_relative_to(project.root))]
    _say(err, f"watching {project.root} (Ctrl-C to stop)")
    with rebuild_session(project.root):
        watch(
            folders,
            out_dir,
            build_once,
            lambda exc: _report_problem(err, exc, args.source),
            status=lambda message: _say(err, message),
            included=included,
        )
    return EXIT_OK


def _preview(args: argparse.Namespace, err: Console) -> int:
    """``presswork preview``: serve, rebuild and reload until Ctrl-C."""
    from presswork.commands.preview import Preview
    from presswork.exporters.registry import exporter_entry_points

    available = list(exporter_entry_points())
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    for name in formats:
        if name not in available:
            raise UsageError(f"--formats: unknown format {name!r}; installed formats: {', '.join(available)}")

    def report(exc: PressworkError) -> None:
        for failure in exc.failures if isinstance(exc, FormatsFailed) else []:
            err.print(f"[red]{escape(str(failure))}[/red]", soft_wrap=True)
        err.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)

    preview = Preview(
        Path(args.source),
        port=8000 if args.port is None else args.port,
        port_explicit=args.port is not None,
        formats=[f for f in formats if f != "html"],
        theme=args.theme,
        drafts=args.drafts,
        say=lambda line: err.print(escape(line), soft_wrap=True),
        report=report,
    )
    if preview.project.note:
        err.print(escape(preview.project.note), soft_wrap=True)

    def ready(url: str) -> None:
        err.print(f"serving {escape(url)} (slides: {escape(url)}__presswork/slides); Ctrl-C to stop", soft_wrap=True)

    preview.run(ready=ready, open_browser=args.open)
    return EXIT_OK


def _report_problem(err: Console, exc: PressworkError, source: str, verbose: bool = False) -> None:
    """Print a build error, or every warning of a ``--strict`` build, each with its source line."""
    if verbose:
        err.file.write(traceback.format_exc())  # as Python prints it: never wrapped
    if isinstance(exc, FormatsFailed):
        for failure in exc.failures:
            err.print(Text.assemble(("presswork: error:", "red"), f" {failure}"), soft_wrap=True)
    if isinstance(exc, StrictError):
        for w in exc.warnings:
            err.print(
                f"{w.pos}: {w.message} (--strict turns warnings into errors)"
                if w.pos
                else f"presswork: error: {w.message} (--strict turns warnings into errors)",
                style="red",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            _print_excerpt(err, _root_of(source, w.pos), w.pos, message=w.message)
        if len(exc.warnings) > 1:
            err.print(
                f"presswork: error: {_plural(len(exc.warnings), 'warning')} with --strict",
                style="red",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        return
    if exc.pos:
        _say(err, str(exc), "red")
    else:
        err.print(Text.assemble(("presswork: error:", "red"), f" {exc}"), soft_wrap=True)
    _print_excerpt(err, _root_of(source, exc.pos), exc.pos, exc.column, exc.message)


class _Notes(logging.Handler):
    """presswork's notes on how it builds, printed dimmed on the error console (``--verbose``)."""

    def __init__(self, err: Console) -> None:
        super().__init__(logging.INFO)
        self.err = err

    def emit(self, record: logging.LogRecord) -> None:
        self.err.print(Text(f"note: {record.getMessage()}", style="dim"), soft_wrap=True)


def _show_notes(err: Console, verbose: bool) -> None:
    """With ``--verbose``, print presswork's notes on how it builds (its loggers' INFO messages: the PDF laid
    out whole or in batches, and why) on ``err``; without, none (also after an earlier call in this process)."""
    logger = logging.getLogger("presswork")
    for handler in [h for h in logger.handlers if isinstance(h, _Notes)]:
        logger.removeHandler(handler)
    if verbose:
        logger.addHandler(_Notes(err))
    logger.setLevel(logging.INFO if verbose else logging.NOTSET)
    # Printed here only: a library that logs through the root logger (ziafont does) gives it a handler of
    # its own, which would print each note a second time as "INFO:presswork...".
    logger.propagate = not verbose


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``presswork`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    # NO_COLOR (no-color.org) turns off every style, dim and bold included, not only colours
    color_system: Literal["auto"] | None = None if os.environ.get("NO_COLOR") else "auto"
    err = Console(stderr=True, highlight=False, emoji=False, color_system=color_system)
    out = Console(highlight=False, emoji=False, color_system=color_system)
    verbose = getattr(args, "verbose", False)
    _show_notes(err, verbose)
    try:
        with sigterm_as_interrupt():  # `kill` stops a build as Ctrl-C does: temporary files removed
            return _run(args, out, err)
    except UsageError as exc:
        err.print(Text.assemble(("presswork: error:", "red"), f" {exc}"), soft_wrap=True)
        return EXIT_USAGE
    except PressworkError as exc:
        _report_problem(err, exc, getattr(args, "source", "."), verbose)
        return EXIT_BUILD_ERROR
    except Terminated:
        err.print("presswork: terminated; earlier outputs are intact")
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        err.print("presswork: interrupted; earlier outputs are intact")
        return 130
    except Exception as exc:  # a bug in presswork or a plug-in: still no traceback unless asked
        if verbose:
            err.file.write(traceback.format_exc())  # as Python prints it: never wrapped
        err.print(
            Text.assemble(
                ("presswork: internal error:", "red"),
                f" {type(exc).__name__}: {exc} (run with --verbose for the traceback, and please report it)",
            ),
            soft_wrap=True,
        )
        return EXIT_BUILD_ERROR


def console(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``presswork`` command: :func:`main`, then out of the process at once. Every output is committed and
    every temporary file removed by then; letting the interpreter free the book's objects one by one on the way
    out (about 0.25 s after a 100-chapter build) would only delay the prompt. (mypy exits the same way.)"""
    status = main(argv)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said there
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    console()
