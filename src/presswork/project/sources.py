"""A project's chapter files read into source files: includes, variables, plug-in syntax, the reader and its cache."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from presswork.cache.store import StageCache
from presswork.core import files as files_gate
from presswork.core.config import Config
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Pos
from presswork.core.walk import walk
from presswork.project.assets import AssetGate
from presswork.project.hidelines import mdbook_hidelines
from presswork.project.load import Project
from presswork.project.readahead import ReadAhead, read_ahead
from presswork.reading import SourceFile, decode
from presswork.reading.cache import fill_cache, read_cached
from presswork.reading.cells import quarto_cells
from presswork.reading.hidelines import hide_code_lines
from presswork.reading.includes import Expanded, expand, has_includes
from presswork.reading.notebook import NOTEBOOK_SUFFIX
from presswork.reading.snippets import expand_snippets, has_snippets
from presswork.reading.variables import autodoc_directives, gitbook_tags, substitute

#: A notebook may be this many times ``max_file_bytes``: its pictures are stored inside it, as base64 text.
NOTEBOOK_BYTES_FACTOR = 10


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
    project.included.clear()
    ahead = None
    if cache is not None:
        ahead = read_ahead(
            project.files, lambda files: _read(project, files, Reporter(), drafts, gate, cache, fill=True)
        )
    try:
        return _read(project, project.files, reporter, drafts, gate, cache, ahead)
    finally:
        if ahead is not None:
            ahead.stop()


def _read(
    project: Project,
    paths: Sequence[Path],
    reporter: Reporter,
    drafts: bool,
    gate: AssetGate | None,
    cache: StageCache | None,
    ahead: ReadAhead | None = None,
    fill: bool = False,
) -> list[SourceFile]:
    """The source files of ``paths``; ``fill``: only read them into ``cache`` (the read-ahead child's work)."""
    sources = []
    config = project.config
    hidelines = mdbook_hidelines(project.book, project.root) if project.book else None
    # a file the book's summary lists that does not exist: an empty chapter with its title (as mdBook makes it)
    missing = {e.path: e.title for e in project.book.entries if e.missing} if project.book else {}
    for index, path in enumerate(paths):
        if ahead is not None and index == ahead.first:
            ahead.wait()  # the rest is in the cache now, as far as the read-ahead got
        rel = path.relative_to(project.root).as_posix()
        if path.suffix.lower() == NOTEBOOK_SUFFIX and not (path in missing and not path.exists()):
            text = _read_text(path, rel, project, config.max_file_bytes * NOTEBOOK_BYTES_FACTOR)
            if fill:
                assert cache is not None
                fill_cache(cache, text, rel, config.max_nesting, config.markdown, notebook=True)
                continue
            source = read_cached(cache, text, rel, reporter, config.max_nesting, config.markdown, notebook=True)
            if _kept(source, rel, reporter, drafts or config.drafts):
                sources.append(source)
            continue
        if path in missing and not path.exists():
            text = f"# {missing[path] or path.stem}\n"
        else:
            text = _read_text(path, rel, project, config.max_file_bytes)
        expanded: Expanded | None = None
        resolver = gate.resolve if gate is not None else AssetGate(project.root, []).resolve
        snippets = project.book.snippets if project.book else None
        if snippets is not None and has_snippets(text, snippets):
            expanded = expand_snippets(
                text,
                rel,
                snippets,
                resolver,
                project.root,
                lambda m, p: reporter.warn(m, p, "include"),
                config.max_file_bytes,
            )
            text = expanded.text
            project.included.extend(expanded.included)
        if has_includes(text):
            first = expanded
            expanded = expand(text, rel, resolver, project.root, config.max_file_bytes)
            text = expanded.text
            project.included.extend(expanded.included)
            if first is not None:  # positions through both expansions
                expanded.origins = [(first.origin(p.line) or p) if p.file == rel else p for p in expanded.origins]
            for pos, why in expanded.skipped:
                reporter.warn(f"{why}; the include is left out", pos, "include")
            for pos, written in expanded.unknown:
                reporter.warn(
                    f"unknown directive {written} kept as written (presswork knows {{{{#include}}}}, "
                    "{{#rustdoc_include}} and {{#title}})",
                    pos,
                    "markdown",
                )

        def where(line: int, rel: str = rel, expanded: Expanded | None = expanded) -> Pos:
            return (expanded.origin(line) if expanded else None) or Pos(rel, line)

        syntax = project.book.syntax if project.book else set()
        text = substitute(text, config.variables, where, _own_substitutions(text, rel, config))
        if "quarto-cells" in syntax or path.suffix.lower() in (".qmd", ".rmd"):
            text = quarto_cells(text, where, reporter, project.book.cell_defaults if project.book else None)
        if "mkautodoc" in syntax:
            text = autodoc_directives(text, where, reporter)
        if "gitbook-tags" in syntax:
            text = gitbook_tags(text, where, reporter)
        if fill:
            assert cache is not None
            fill_cache(cache, text, rel, config.max_nesting, config.markdown)
            continue
        since = len(reporter.warnings)
        source = read_cached(cache, text, rel, reporter, config.max_nesting, config.markdown)
        if hidelines is not None:  # after the word audit: hidden lines are not the author's prose
            source = dataclasses.replace(source, blocks=hide_code_lines(source.blocks, hidelines))
        if expanded is not None:
            source = _relocate(source, expanded, reporter, since)
            if expanded.title and not source.front_matter.get("title"):
                source = dataclasses.replace(source, front_matter={**source.front_matter, "title": expanded.title})
        if _kept(source, rel, reporter, drafts or config.drafts):
            sources.append(source)
    return sources


def _kept(source: SourceFile, rel: str, reporter: Reporter, drafts: bool) -> bool:
    """Whether ``source`` is part of the build: a draft is left out, with a warning, unless ``drafts``."""
    if source.front_matter.get("draft") is True and not drafts:
        reporter.warn("draft left out (build with --drafts to include it)", Pos(rel), "draft")
        return False
    return True


def _read_text(path: Path, rel: str, project: Project, max_bytes: int) -> str:
    """The text of the chapter file ``path`` (size-checked, through the file gate), with Unix line ends."""
    size = path.stat().st_size
    if size > max_bytes:
        raise PressworkError(f"file is {size:,} bytes, over max_file_bytes ({max_bytes:,})", Pos(rel))
    try:
        data = files_gate.read_bytes(path, [files_gate.real_root(project.root)], rel, Pos(rel))
    except OSError as exc:
        raise PressworkError(f"cannot read file: {exc.strerror or exc}", Pos(rel)) from None
    return decode(data, rel).removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


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


def _own_substitutions(text: str, rel: str, config: Config) -> frozenset[str]:
    """The names a MyST file's front matter defines under ``substitutions`` (the book's variables may not name
    them all: Jupyter Book's ``{{ key1 }}`` is the file's own), when the book has variables for them to meet."""
    if config.markdown != "myst" or not config.variables or not text.startswith("---") or "{{" not in text:
        return frozenset()
    from presswork.reading.frontmatter import split_front_matter
    from presswork.reading.myst.substitutions import front_matter_substitutions

    try:
        front_matter, _ = split_front_matter(text, rel)
    except PressworkError:
        return frozenset()  # the reader reports it, at its line
    return frozenset(front_matter_substitutions(front_matter))
