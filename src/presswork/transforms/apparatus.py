"""The book apparatus in the transform pipeline: bracketed spans, index marks and the glossary.

Two hooks of :func:`presswork.transforms.apply_transforms`: :func:`glossary_last` runs before ids
and numbering and moves the glossary file's chapters to the end of the book (so they get unique
ids, resolved links and assets like any chapter, without shifting other chapters' numbers);
:func:`apparatus` runs last and parses apparatus spans, gives index marks their anchors and turns
the glossary file into the sorted Glossary chapter with every ``{Term}`` linked.
"""

from __future__ import annotations

import posixpath

from presswork.core.config import Config
from presswork.core.diagnostics import Reporter
from presswork.core.tree import Chapter
from presswork.transforms.glossary import add_glossary, split_glossary
from presswork.transforms.indexing import mark_index
from presswork.transforms.spans import span_marks

__all__ = ["apparatus", "glossary_last"]

DEFAULT_GLOSSARY = "glossary.md"


def _glossary_name(config: Config) -> tuple[str, bool]:
    """The glossary file name and whether it was configured (then it must exist)."""
    return (config.glossary, True) if config.glossary else (DEFAULT_GLOSSARY, False)


def glossary_last(chapters: list[Chapter], config: Config) -> list[Chapter]:
    """``chapters`` with the glossary file's chapters moved to the end (order otherwise kept)."""
    name, _explicit = _glossary_name(config)
    wanted = posixpath.normpath(posixpath.join(config.content, name))
    mine = [ch for ch in chapters if posixpath.normpath(ch.source) == wanted]
    if not mine or len(mine) == len(chapters):
        return chapters
    return [ch for ch in chapters if ch not in mine] + mine


def apparatus(chapters: list[Chapter], language: str, config: Config, reporter: Reporter) -> list[Chapter]:
    """Parse apparatus spans, anchor index marks, and build the glossary (see the module docstring)."""
    chapters = [span_marks(ch) for ch in chapters]
    name, explicit = _glossary_name(config)
    chapters, glossary = split_glossary(chapters, config.content, name, explicit)
    chapters = add_glossary(chapters, glossary, language or "en", config.glossary_first, reporter)
    return mark_index(chapters, reporter)  # marks in the glossary's definitions count too
