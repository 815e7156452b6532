"""The ``presswork`` command line: build, watch, check, tree, formats, themes."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from . import __version__
from .diagnostics import PressworkError, Reporter, UsageError

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


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="presswork", description="One Markdown source -> print-ready PDF, EPUB 3 and PPTX.")
    p.add_argument("--version", action="version", version=f"presswork {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("source", nargs="?", default=".", help="project folder, folder of Markdown files, or one .md file")
        sp.add_argument("--drafts", action="store_true", help="include files whose front matter says draft: true")
        sp.add_argument("--verbose", "-v", action="store_true", help="show tracebacks of errors")

    for command, text in (("build", "build the book"), ("watch", "build, then rebuild whenever a source changes")):
        b = sub.add_parser(command, help=text)
        common(b)
        b.add_argument("--format", "-f", help="comma-separated formats (default: the config's formats)")
        b.add_argument("--out", "-o", help="output folder (default: the project's output/)")
        b.add_argument("--theme", "-t", help="theme name or path")
        b.add_argument("--profile", "-p", help="edition to build: shows ::: only-profile-NAME, uses [profiles.NAME]")
        b.add_argument("--strict", action="store_true", help="treat warnings as errors")
        b.add_argument("--quiet", "-q", action="store_true", help="print errors and warnings only")
        b.add_argument("--jobs", "-j", type=_jobs, default=1, metavar="N",
                       help="write up to N formats at once, each in its own process (default 1)")

    c = sub.add_parser("check", help="read and check the book without writing outputs")
    common(c)
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")

    t = sub.add_parser("tree", help="print the document tree as JSON")
    common(t)

    n = sub.add_parser("new", help="start a new book in DIR: configuration, example chapters, .gitignore")
    n.add_argument("folder", metavar="DIR", help="folder for the book (must not exist or be empty)")
    n.add_argument("--title", help="the book's title (default: made from the folder name)")

    sub.add_parser("formats", help="list the installed exporters")
    sub.add_parser("themes", help="list the built-in themes")
    return p


def _say(console: Console, message: str, style: str = "") -> None:
    """Print ``message`` literally: no markup, no emoji codes (``file.md:100:`` is not an emoji)."""
    console.print(Text(message, style=style), soft_wrap=True, markup=False, emoji=False, highlight=False)


def _print_warnings(console: Console, reporter: Reporter) -> None:
    for w in reporter.warnings:
        _say(console, str(w), "yellow")


def _check_formats(names: list[str] | None) -> None:
    """A usage error for an unknown ``--format``, before the project is read."""
    from .build import select_exporters
    from .config import Config
    from .registry import exporter_entry_points

    if names:
        select_exporters(names, Config(), list(exporter_entry_points()))


def _print_audit(console: Console, reporter: Reporter) -> None:
    """One line per file: distinct words read and words lost without a warning."""
    for audit in reporter.audits:
        lost = len(audit.lost)
        _say(console, f"{audit.path}: {audit.words} words, {lost} lost" + (
            " (" + ", ".join(f"{w!r} line {n}" for w, n in audit.lost[:5]) + (", ..." if lost > 5 else "") + ")"
            if lost else ""), "red" if lost else "")


def _run(args: argparse.Namespace, out: Console, err: Console) -> int:
    from .build import build, check_out_dir, load_project, make_gate, read_document, resource_limits
    from .registry import discover_exporters, exporter_entry_points
    from .theme import builtin_themes, load_theme

    if args.command == "formats":
        for name, cls in discover_exporters().items():
            out.print(f"{name:8} .{cls.extension or name:6} {escape(cls.description)}  [dim]({cls.__module__})[/dim]")
        return EXIT_OK
    if args.command == "new":
        from .new import new_project

        written = new_project(Path(args.folder), args.title)
        _say(out, f"created {args.folder} ({_plural(len(written), 'file')}); build it with: "
                  f"presswork build {args.folder}")
        return EXIT_OK
    if args.command == "themes":
        for name in builtin_themes():
            _say(out, name)
        return EXIT_OK
    if args.command in ("tree", "check"):
        from .tree import to_json

        reporter = Reporter(strict=getattr(args, "strict", False))
        project = load_project(Path(args.source), format_names=list(exporter_entry_points()))
        if project.note:
            _say(err, project.note)
        theme = load_theme(project.config.theme, project.root)
        with resource_limits(project.config):
            doc = read_document(project, make_gate(project.config, theme, reporter), reporter, args.drafts)
        _print_warnings(err, reporter)
        if args.command == "tree":
            sys.stdout.write(to_json(doc) + "\n")
            return EXIT_OK
        _print_audit(out, reporter)
        if reporter.strict and reporter.warnings:
            return EXIT_BUILD_ERROR
        lost = sum(len(a.lost) for a in reporter.audits)
        _say(out, f"{_plural(len(doc.chapters), 'chapter')}, {_plural(len(reporter.warnings), 'warning')}, "
                  f"{_plural(lost, 'word')} lost")
        return EXIT_OK
    # build and watch
    formats = [f.strip() for f in args.format.split(",") if f.strip()] if args.format else None
    _check_formats(formats)

    def done(name: str, path: Path) -> None:
        if not args.quiet:
            err.print(Text.assemble(("wrote", "green"), f" {path}  ", (f"({path.stat().st_size:,} bytes)", "dim")),
                      soft_wrap=True)

    def build_once() -> None:
        started = time.perf_counter()
        result = build(args.source, formats=formats, out=args.out, theme=args.theme, strict=args.strict,
                       drafts=args.drafts, on_output=done, jobs=args.jobs, profile=args.profile)
        if result.project is not None:
            included.clear()
            included.update(result.project.included)
        _print_warnings(err, result.reporter)
        if not args.quiet:
            err.print(f"built {_plural(len(result.outputs), 'output')} in {time.perf_counter() - started:.1f} s")

    # usage errors and the project's settings before anything is read
    if args.out:
        check_out_dir(Path(args.out))
    included: set[Path] = set()
    project = load_project(Path(args.source), format_names=list(exporter_entry_points()),
                           overrides={"profile": args.profile} if args.profile else None)
    if project.note and not args.quiet:
        _say(err, project.note)
    if args.command == "build":
        build_once()
        return EXIT_OK
    from .watch import watch

    out_dir = Path(args.out).resolve() if args.out else project.out_dir
    theme = load_theme(args.theme or project.config.theme, project.root)
    folders = [project.root, *(d for d in theme.dirs if not d.is_relative_to(project.root))]
    _say(err, f"watching {project.root} (Ctrl-C to stop)")
    watch(folders, out_dir, build_once, lambda message: _say(err, message, "red"),
          status=lambda message: _say(err, message), included=included)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``presswork`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    # NO_COLOR (no-color.org) turns off every style, dim and bold included, not only colours
    color_system: Literal["auto"] | None = None if os.environ.get("NO_COLOR") else "auto"
    err = Console(stderr=True, highlight=False, emoji=False, color_system=color_system)
    out = Console(highlight=False, emoji=False, color_system=color_system)
    verbose = getattr(args, "verbose", False)
    try:
        return _run(args, out, err)
    except UsageError as exc:
        err.print(Text.assemble(("presswork: error:", "red"), f" {exc}"), soft_wrap=True)
        return EXIT_USAGE
    except PressworkError as exc:
        if verbose:
            _say(err, traceback.format_exc())
        if exc.pos:
            _say(err, str(exc), "red")
        else:
            err.print(Text.assemble(("presswork: error:", "red"), f" {exc}"), soft_wrap=True)
        return EXIT_BUILD_ERROR
    except KeyboardInterrupt:
        err.print("presswork: interrupted; earlier outputs are intact")
        return 130
    except Exception as exc:  # a bug in presswork or a plug-in: still no traceback unless asked
        if verbose:
            _say(err, traceback.format_exc())
        err.print(Text.assemble(("presswork: internal error:", "red"), f" {type(exc).__name__}: {exc} "
                                "(run with --verbose for the traceback, and please report it)"), soft_wrap=True)
        return EXIT_BUILD_ERROR


if __name__ == "__main__":
    sys.exit(main())
