"""A file's text is read into a tree once: later builds take the tree, and its warnings, from the stage cache."""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass

from presswork.cache.replay import Mark, Told, replay
from presswork.cache.store import StageCache, cache_key, code_fingerprint, library_versions
from presswork.core.diagnostics import Reporter
from presswork.reading import DEFAULT_READER, SourceFile, get_reader, read_markdown

#: The parsing libraries whose versions change what a reader produces.
_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "Markdown", "pymdown-extensions", "PyYAML", "Pygments")


@dataclass(frozen=True)
class _Reading:
    """What reading one file leaves behind: its tree and what it told the reporter."""

    source: SourceFile
    told: Told


@functools.cache
def reader_fingerprint(markdown: str) -> str:
    """Everything besides the text that decides what reader ``markdown`` makes of it: the source of
    presswork's reading package and everything it imports, the plug-in's own module and the parsing
    libraries' versions."""
    module = type(get_reader(markdown)).__module__.split(".")[0]
    modules = ("presswork.reading", "presswork.core.tree", "presswork.core.diagnostics")
    own = () if module == "presswork" or module not in sys.modules else (module,)
    return cache_key(code_fingerprint(*modules, *own), library_versions(*_LIBRARIES))


def read_cached(
    cache: StageCache | None,
    text: str,
    path: str,
    reporter: Reporter,
    max_nesting: int = 40,
    markdown: str = DEFAULT_READER,
    notebook: bool = False,
) -> SourceFile:
    """:func:`~presswork.reading.read_markdown` (with ``notebook``: the Jupyter notebook reader, whose Markdown cells
    ``markdown`` reads), answered from ``cache`` when the same text was read before with the same reader; the
    warnings, removed lines and word audit of that reading are given to ``reporter`` again, so a rebuild reports
    exactly what a clean build does."""
    if cache is None:
        return _read(text, path, reporter, max_nesting, markdown, notebook)
    key = _key(text, path, max_nesting, markdown, notebook)
    hit = cache.get(key)
    if isinstance(hit, _Reading):
        replay(hit.told, reporter)
        return hit.source
    return _read_into(cache, key, text, path, reporter, max_nesting, markdown, notebook)


def fill_cache(
    cache: StageCache,
    text: str,
    path: str,
    max_nesting: int = 40,
    markdown: str = DEFAULT_READER,
    notebook: bool = False,
) -> None:
    """Read ``text`` into ``cache`` unless it is there already, recording its warnings for the build that
    asks :func:`read_cached` for it next (the read-ahead's step: :mod:`presswork.project.readahead`)."""
    key = _key(text, path, max_nesting, markdown, notebook)
    if not cache.has(key):
        _read_into(cache, key, text, path, Reporter(), max_nesting, markdown, notebook)


def _read(text: str, path: str, reporter: Reporter, max_nesting: int, markdown: str, notebook: bool) -> SourceFile:
    """``text`` read by the Markdown reader ``markdown``, or as a notebook whose Markdown cells it reads."""
    if notebook:
        from presswork.reading.notebook import read_notebook

        return read_notebook(text, path, reporter, max_nesting, markdown)
    return read_markdown(text, path, reporter, max_nesting, markdown)


def _read_into(
    cache: StageCache,
    key: str,
    text: str,
    path: str,
    reporter: Reporter,
    max_nesting: int,
    markdown: str,
    notebook: bool,
) -> SourceFile:
    """Read ``text`` and keep the reading under ``key``, with the warnings it gave ``reporter``."""
    mark = Mark(reporter)
    source = _read(text, path, reporter, max_nesting, markdown, notebook)
    cache.put(key, _Reading(source, mark.told()))
    return source


def _key(text: str, path: str, max_nesting: int, markdown: str, notebook: bool) -> str:
    # A notebook: also the version of nbformat, which validates it (the notebook reader's code is in the fingerprint).
    kind = f"notebook {library_versions('nbformat')}" if notebook else "markdown"
    return cache_key(reader_fingerprint(markdown), markdown, kind, path, str(max_nesting), text)
