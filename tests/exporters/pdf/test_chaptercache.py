"""The print chapter cache: a cached chapter equals a fresh render, and every key part is needed."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from presswork.cache import store as buildcache
from presswork.core.tree import Chapter, CodeBlock, Document, Paragraph, RawBlock, Text
from presswork.exporters.common import chaptercache
from presswork.exporters.common.breaking import chapter_breaks
from presswork.exporters.pdf import PdfExporter
from presswork.exporters.pdf.document import geometry, print_chapters
from presswork.exporters.pdf.render import PrintRenderer
from tests.support.renderers import count_chapter_renders
from tests.support.trees import every_node_document, feature_document, make_context, write_images

LONG_CODE = "result = compute(" + ", ".join(f"argument_{i}" for i in range(12)) + ")"


def book() -> Document:
    """The feature book, the every-node chapter, and a chapter with a long code line and raw HTML (a warning)."""
    doc = feature_document()
    extra = Chapter(
        "extra",
        (Text("Extra"),),
        "03-extra.md",
        (Paragraph((Text("Long code follows."),)), CodeBlock(LONG_CODE, "python"), RawBlock("html", "<div>raw</div>")),
        number="3",
    )
    return Document(doc.meta, (*doc.chapters, *every_node_document().chapters, extra))


def edited(doc: Document) -> Document:
    """``doc`` with one word of its second chapter changed."""
    ch = doc.chapters[1]
    blocks = (Paragraph((Text("A new first paragraph."),)), *ch.blocks[1:])
    return Document(doc.meta, (doc.chapters[0], dataclasses.replace(ch, blocks=blocks), *doc.chapters[2:]))


def forget(root: Path) -> None:
    """Delete the cache folder and the in-memory copies (the next render is a fresh one)."""
    shutil.rmtree(root / buildcache.CACHE_DIR, ignore_errors=True)
    buildcache._MEMORY.clear()


def render(doc: Document, ctx: Any) -> list[tuple[str, str, tuple[Any, ...]]]:
    """Each chapter's print XHTML, body and warnings, as the PDF exporter gets them."""
    rendered = print_chapters(doc, ctx, geometry(ctx.options), chapter_breaks(doc.chapters, ctx.options.chapter_break))
    return [(r.html, r.body, r.told) for r in rendered]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    write_images(tmp_path)
    return tmp_path


def no_photo(root: Path) -> None:
    (root / "images" / "photo.jpg").unlink()


#: One variant per key part: (name, options of build A, options of build B, change to the project before B,
#: document of B). A cache filled by A must not serve B a stale chapter.
VARIANTS: list[
    tuple[str, dict[str, Any], dict[str, Any], Callable[[Path], None] | None, Callable[[Document], Document]]
] = [
    ("chapter", {}, {}, None, edited),
    ("code_wrap", {"page_size": "A4"}, {"page_size": "A5"}, None, lambda d: d),
    ("link_footnotes", {}, {"link_footnotes": True}, None, lambda d: d),
    ("opens_page", {"chapter_break": "page"}, {"chapter_break": "none"}, None, lambda d: d),
    ("image lookup", {}, {}, no_photo, lambda d: d),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_a_cached_chapter_equals_a_fresh_render(project: Path, variant: Any) -> None:
    _name, options_a, options_b, change, doc_b = variant
    doc = book()
    first = render(doc, make_context(project, PdfExporter, **options_a))  # fills the cache
    again = render(doc, make_context(project, PdfExporter, **options_a))
    assert again == first  # every chapter of every book, from the cache
    if change is not None:
        change(project)
    cached = render(doc_b(doc), make_context(project, PdfExporter, **options_b))
    forget(project)
    fresh = render(doc_b(doc), make_context(project, PdfExporter, **options_b))
    assert cached == fresh
    # The variant changes some chapter: a key without its part would have served the stale one.
    assert fresh != first


def test_only_changed_chapters_are_rendered_and_warnings_are_replayed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_chapter_renders(monkeypatch, PrintRenderer)
    doc = book()
    no_photo(project)
    ctx = make_context(project, PdfExporter)
    render(doc, ctx)
    assert calls == [ch.id for ch in doc.chapters]
    warned = [(w.message, w.pos, w.category) for w in ctx.reporter.warnings]
    assert any("image not included" in m for m, _p, _c in warned)
    assert any(m == "raw HTML dropped" for m, _p, _c in warned)
    calls.clear()
    ctx = make_context(project, PdfExporter)
    render(edited(doc), ctx)
    assert calls == [doc.chapters[1].id]
    # Replayed from the cache: the same messages, positions and categories, in the same order.
    assert [(w.message, w.pos, w.category) for w in ctx.reporter.warnings] == warned
    # A change to the rendering code (its fingerprint) renders every chapter again.
    calls.clear()
    monkeypatch.setattr(chaptercache, "render_code", lambda: "other code")
    render(edited(doc), make_context(project, PdfExporter))
    assert calls == [ch.id for ch in doc.chapters]


def test_equal_chapters_give_equal_bytes_whatever_objects_they_share() -> None:
    """Read fresh, a listing's attribute name ``number`` is the interned string that also names the nodes' field;
    read back from the cache, it is a string of its own. The trees are equal, and so are their bytes (a pickle's
    memo told them apart, and every chapter cache missed in the first build after a clean one)."""
    from presswork.core.tree import Attr

    name = "number"
    other = "".join(["num", "ber"])  # equal, and another object
    assert other == name and other is not name

    def chapter(first: str, second: str) -> Chapter:
        codes = [
            CodeBlock(f"x = {n}", "python", Attr(f"listing-1-{n}", (), ((key, f"1-{n}"),)))
            for n, key in enumerate((first, second))
        ]
        return Chapter("c", [Text("C")], [Paragraph([Text("Listings.")]), *codes], "c.md")

    shared, apart = chapter(name, name), chapter(name, other)
    assert shared == apart
    same = chaptercache.chapter_bytes(shared) == chaptercache.chapter_bytes(apart)  # (no bytes shown on failure)
    assert same, "equal chapters that share another string object give other bytes"


@pytest.mark.slow  # builds a short book twice in three formats
def test_a_book_read_fresh_then_from_the_cache_renders_no_chapter_again(
    make_book, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first build reads its chapters fresh; the next, as a new process, reads them back from the read cache's
    files. Nothing changed: no chapter's print or EPUB XHTML is rendered again, and no slide is laid out."""
    from presswork.build.pipeline import build
    from presswork.exporters import pptx
    from presswork.exporters.epub.book import EpubRenderer

    listing = '<Listing number="{n}" file-name="src/main.rs" caption="Listing {n}">\n\n```rust\nfn main() {{}}\n```\n\n</Listing>\n'
    book = make_book(
        {
            "01-a.md": "# A\n\nSee Listing 1-1.\n\n" + listing.format(n="1-1") + "\nMore text.\n",
            "02-b.md": "# B\n\n" + listing.format(n="2-1") + "\n" + listing.format(n="2-2"),
        }
    )
    build(book, formats=["pdf", "epub", "pptx"], jobs=1)
    buildcache._MEMORY.clear()  # as in a new process: the chapters are read back from the cache's files
    printed = count_chapter_renders(monkeypatch, PrintRenderer)
    epub = count_chapter_renders(monkeypatch, EpubRenderer)
    slides: list[str] = []
    chapter_slides = pptx.chapter_slides
    monkeypatch.setattr(pptx, "chapter_slides", lambda ch, *a: (slides.append(ch.id), chapter_slides(ch, *a))[1])
    build(book, formats=["pdf", "epub", "pptx"], jobs=1)
    assert (printed, epub, slides) == ([], [], [])
