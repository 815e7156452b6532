"""Tree transforms, in the order they run: checks, profiles, diagrams, ids, links, numbering, cross-references, citations, images and the book apparatus."""

from __future__ import annotations

from typing import Any

from presswork.core.config import Config
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Chapter, Document
from presswork.core.walk import shared_walks
from presswork.project.assets import AssetGate
from presswork.reading.crossrefs import mark_chapters
from presswork.transforms.apparatus import apparatus, glossary_last
from presswork.transforms.citations import apply_citations, load_bibliography
from presswork.transforms.diagrams import render_diagrams
from presswork.transforms.ids import unique_ids
from presswork.transforms.images import resolve_assets
from presswork.transforms.limits import check_nesting
from presswork.transforms.links import resolve_links
from presswork.transforms.listings import link_listing_mentions
from presswork.transforms.notes import flatten_notes
from presswork.transforms.numbering import number
from presswork.transforms.profiles import apply_profile
from presswork.transforms.xrefs import check_targets, resolve_xrefs


def apply_transforms(
    chapters: list[Chapter], meta: Any, config: Config, gate: AssetGate, reporter: Reporter
) -> Document:
    """Run every transform in order and return the finished document."""
    if not chapters:
        raise PressworkError("the book has no content: no chapter file has any text")
    with shared_walks():  # each transform walks the trees the one before left, mostly unchanged
        return _transform(chapters, meta, config, gate, reporter)


def _transform(chapters: list[Chapter], meta: Any, config: Config, gate: AssetGate, reporter: Reporter) -> Document:
    """The transforms of :func:`apply_transforms`, in their order."""
    check_nesting(chapters, config.max_nesting)
    chapters = apply_profile(chapters, config.profile)
    chapters = flatten_notes(chapters, reporter)
    chapters = render_diagrams(chapters, config.root, reporter)  # diagram code -> SVG figures, before ids and numbers
    bibliography = load_bibliography(config, gate, meta.language, reporter)
    chapters = mark_chapters(chapters, bibliography.keys if bibliography else frozenset())
    check_targets(chapters, reporter)
    chapters = glossary_last(chapters, config)  # back matter: numbered last, then set apart (apparatus.py)
    chapters, ids = unique_ids(chapters)
    chapters = resolve_links(chapters, ids, reporter, config.content, config.site_url)
    chapters = number(chapters, config)
    chapters = resolve_xrefs(chapters, ids, reporter)
    chapters = link_listing_mentions(chapters)  # "Listing 2-1" in the text -> the listing the author numbered so
    chapters = apply_citations(chapters, bibliography, reporter, meta.language, config.bibliography)
    chapters = resolve_assets(chapters, gate, reporter, config.content)
    chapters = apparatus(chapters, meta.language, config, reporter)  # index marks, glossary links
    return Document(meta, tuple(chapters))
