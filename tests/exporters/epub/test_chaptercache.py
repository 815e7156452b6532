"""The EPUB chapter cache: a cached chapter equals a fresh render, and every key part is needed."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from presswork.cache import store as buildcache
from presswork.core.tree import Chapter, Document, Figure, Image, Link, Paragraph, Text
from presswork.exporters.common.pagination import PageStart
from presswork.exporters.epub import EpubExporter
from presswork.exporters.epub.book import XHTML, EpubBook
from tests.support.renderers import count_chapter_renders
from tests.support.trees import every_node_document, feature_document, make_context, write_images


def book() -> Document:
    """The feature book, then the every-node chapter."""
    doc = feature_document()
    return Document(doc.meta, (*doc.chapters, *every_node_document().chapters))


def plain(ident: str, *blocks: Any) -> Chapter:
    return Chapter(ident, (Text(ident.title()),), f"{ident}.md", blocks or (Paragraph((Text("Words."),)),))


def render(doc: Document, root: Path, pages: dict[str, list[PageStart]] | None = None) -> list[tuple[str, bytes]]:
    """Each chapter file of the EPUB (name, XHTML), and the warnings, as the exporter makes them."""
    epub = EpubBook(doc, make_context(root, EpubExporter))
    epub.print_pages = pages or {}
    epub.chapters()
    files = [(item.file_name, item.get_content()) for item in epub.book.get_items() if item.media_type == XHTML]
    warnings = [(w.message, str(w.pos), w.category) for w in epub.ctx.reporter.warnings]
    return [*files, ("warnings", repr(warnings).encode())]


def forget(root: Path) -> None:
    shutil.rmtree(root / buildcache.CACHE_DIR, ignore_errors=True)
    buildcache._MEMORY.clear()


def chapter_of(files: list[tuple[str, bytes]], ident: str) -> bytes:
    return next(data for name, data in files if ident in name)


def with_first(doc: Document, first: Chapter) -> Document:
    return Document(doc.meta, (first, *doc.chapters))


#: One variant per key part: (name, book A, book B, print pages of B). The chapter named last is the same
#: subtree in both books; only what the key part covers differs for it.
VARIANTS: list[tuple[str, Callable[[Document], Document], Callable[[Document], Document], dict[str, Any], str]] = [
    # ch02-getting-started links to the reference chapter, whose file becomes ch04-reference.
    (
        "link lookup",
        lambda d: with_first(d, plain("intro")),
        lambda d: Document(d.meta, (plain("intro"), d.chapters[0], plain("between"), *d.chapters[1:])),
        {},
        "getting-started",
    ),
    # The same first chapter (same file names) but it shows the photo first: the chart becomes img002.
    (
        "image lookup",
        lambda d: with_first(d, plain("intro")),
        lambda d: with_first(d, plain("intro", Figure(Image("images/photo.jpg", "Photo"), (Text("Photo"),)))),
        {},
        "getting-started",
    ),
    # A link to no id points at the chapter's own file, whose name changed.
    (
        "file",
        lambda d: Document(d.meta, (plain("lost", Paragraph((Link((Text("gone"),), "#nowhere"),))),)),
        lambda d: Document(d.meta, (plain("first"), plain("lost", Paragraph((Link((Text("gone"),), "#nowhere"),))))),
        {},
        "lost",
    ),
    # With a page list, the chapter carries page-break markers.
    ("mark_blocks", lambda d: d, lambda d: d, {"reference": [PageStart("7", "reference", 0, 0)]}, "reference"),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_a_cached_epub_chapter_equals_a_fresh_render(tmp_path: Path, variant: Any) -> None:
    _name, doc_a, doc_b, pages, ident = variant
    write_images(tmp_path)
    first = render(doc_a(book()), tmp_path)
    assert render(doc_a(book()), tmp_path) == first  # every chapter, from the cache
    cached = render(doc_b(book()), tmp_path, pages)
    forget(tmp_path)
    fresh = render(doc_b(book()), tmp_path, pages)
    assert cached == fresh
    # The chapter is the same subtree in both books, yet its XHTML differs: the key part is needed.
    assert chapter_of(fresh, ident) != chapter_of(first, ident)


def test_an_edit_renders_one_chapter_and_replays_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from presswork.exporters.epub.book import EpubRenderer

    calls = count_chapter_renders(monkeypatch, EpubRenderer)
    write_images(tmp_path)
    lost = plain("lost", Paragraph((Link((Text("gone"),), "#nowhere"),)))
    doc = Document(book().meta, (*book().chapters, lost))
    first = render(doc, tmp_path)
    assert b"points at no id" in first[-1][1]
    calls.clear()
    ch = doc.chapters[0]
    changed = dataclasses.replace(ch, blocks=(Paragraph((Text("New words."),)), *ch.blocks[1:]))
    second = render(Document(doc.meta, (changed, *doc.chapters[1:])), tmp_path)
    assert calls == [ch.id]
    assert second[-1] == first[-1]  # the same warnings, replayed
