"""EPUB exporter: EPUBCheck-clean packages, navigation, notes, links, accessibility, cover, reproducibility."""

from __future__ import annotations

import dataclasses
import io
import posixpath
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image as PILImage

from presswork.core.tree import (
    Author,
    Chapter,
    Div,
    Document,
    Figure,
    Image,
    Link,
    Meta,
    Note,
    Paragraph,
    Pos,
    Text,
    plain_text,
)
from presswork.core.walk import iter_nodes
from presswork.exporters.epub import EpubExporter
from presswork.exporters.epub.meta import book_identifier
from tests.support.epubcheck import available, problems, run_epubcheck
from tests.support.outputs import assert_same_files, byte_difference
from tests.support.trees import feature_document, make_context, write_images

NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def build(
    root: Path, doc: Document | None = None, name: str = "book.epub", config: dict | None = None, **options: object
) -> tuple[Path, object]:
    """Export ``doc`` (default: the feature document) from project ``root``; returns the EPUB path and context."""
    write_images(root)
    ctx = make_context(root, EpubExporter, **options)
    if config:
        ctx.config = dataclasses.replace(ctx.config, **config)
    target = root / name
    EpubExporter().export(doc or feature_document(), ctx, target)
    return target, ctx


class Book:
    """An exported EPUB opened for inspection."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        self.opf = etree.fromstring(self.zip.read("EPUB/content.opf"))

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(f"EPUB/{name}"))

    def spine_files(self) -> list[str]:
        items = {i.get("id"): i.get("href") for i in self.opf.iterfind(".//opf:manifest/opf:item", NS)}
        return [items[r.get("idref")] for r in self.opf.iterfind(".//opf:spine/opf:itemref", NS)]

    def chapter_files(self) -> list[str]:
        return [f for f in self.spine_files() if f.startswith("text/ch")]

    def metas(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.iterfind(f".//opf:meta[@property='{prop}']", NS)]


def assert_epubcheck_clean(path: Path) -> None:
    messages = run_epubcheck(path)
    bad = problems(messages)
    assert not bad, "EPUBCheck reported:\n" + "\n".join(map(str, bad))


needs_epubcheck = pytest.mark.skipif(not available(), reason="EPUBCheck (java + epubcheck jar) not available")


# ----------------------------------------------------------------------------- validity


@needs_epubcheck
@pytest.mark.slow
def test_feature_document_passes_epubcheck_without_errors_or_warnings(tmp_path: Path) -> None:
    path, ctx = build(tmp_path)
    assert_epubcheck_clean(path)
    assert not ctx.reporter.warnings


def _variants() -> dict[str, Document]:
    doc = feature_document()
    no_images = Document(
        doc.meta,
        tuple(
            dataclasses.replace(ch, blocks=tuple(b for b in ch.blocks if not isinstance(b, Figure)))
            for ch in doc.chapters
        ),
    )
    return {
        "no-images": no_images,
        "one-chapter": Document(doc.meta, doc.chapters[:1]),
        "no-subtitle-no-authors": Document(
            dataclasses.replace(doc.meta, subtitle="", authors=(), publisher="", date="", subjects=()), doc.chapters
        ),
        "bare-meta-single-paragraph": Document(
            Meta(title="Bare", language="de"),
            (Chapter("only", (Text("Nur"),), "a.md", (Paragraph((Text("Text."),)),)),),
        ),
        "right-to-left": Document(
            Meta(title="كتاب الاختبار", language="ar", authors=(Author("مؤلف"),)),
            (Chapter("bab", (Text("الفصل الأول"),), "a.md", (Paragraph((Text("نص عربي."),)),)),),
        ),
    }


@needs_epubcheck
@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(_variants()))
def test_variants_pass_epubcheck(tmp_path: Path, variant: str) -> None:
    path, _ = build(tmp_path, _variants()[variant])
    assert_epubcheck_clean(path)


# ----------------------------------------------------------------------------- structure


def test_one_xhtml_per_chapter_in_reading_order_after_cover_title_and_contents(tmp_path: Path) -> None:
    path, _ = build(tmp_path)
    book = Book(path)
    spine = book.spine_files()
    assert spine[:3] == ["text/cover.xhtml", "text/titlepage.xhtml", "nav.xhtml"]
    assert book.chapter_files() == ["text/ch01-getting-started.xhtml", "text/ch02-reference.xhtml"]
    for name, chapter in zip(book.chapter_files(), feature_document().chapters, strict=True):
        section = book.xml(name).find(".//h:section", NS)
        assert section.get("id") == chapter.id
        assert section.get(EPUB_TYPE) == "chapter" and section.get("role") == "doc-chapter"


def test_nav_lists_chapters_and_sections_down_to_the_configured_depth(tmp_path: Path) -> None:
    doc = feature_document()
    path, _ = build(tmp_path, toc_depth=3)
    nav = Book(path).xml("nav.xhtml")
    toc = nav.find(".//h:nav[@id='toc']", NS)
    assert toc.get(EPUB_TYPE) == "toc"
    top = toc.findall("h:ol/h:li", NS)
    assert [li.find("h:a", NS).text for li in top] == [f"{c.number} {plain_text(c.title)}" for c in doc.chapters]
    assert [li.find("h:a", NS).get("href") for li in top] == Book(path).chapter_files()
    # chapter 2: Options (h2) with Languages (h3) nested below it
    options = top[1].find("h:ol/h:li", NS)
    assert options.find("h:a", NS).get("href") == "text/ch02-reference.xhtml#options"
    assert options.find("h:ol/h:li/h:a", NS).text == "Languages"
    marks = {a.get(EPUB_TYPE): a.get("href") for a in nav.iterfind(".//h:nav[@id='landmarks']//h:a", NS)}
    assert marks == {
        "cover": "text/cover.xhtml",
        "titlepage": "text/titlepage.xhtml",
        "toc": "nav.xhtml#toc",
        "bodymatter": "text/ch01-getting-started.xhtml",
    }


def test_toc_depth_one_lists_chapters_only_and_ncx_mirrors_nav(tmp_path: Path) -> None:
    path, _ = build(tmp_path, toc_depth=1)
    book = Book(path)
    assert not book.xml("nav.xhtml").findall(".//h:nav[@id='toc']/h:ol/h:li/h:ol", NS)
    ncx = book.xml("toc.ncx")
    ncx_ns = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    srcs = [c.get("src") for c in ncx.iterfind(".//n:navPoint/n:content", ncx_ns)]
    assert srcs == book.chapter_files()
    assert ncx.find(".//n:meta[@name='dtb:uid']", ncx_ns).get("content") == book.opf.find(".//dc:identifier", NS).text


def test_footnotes_are_noteref_aside_pairs_with_backlinks_and_book_unique_ids(tmp_path: Path) -> None:
    doc = feature_document()
    note = Paragraph((Text("Second chapter"), Note((Paragraph((Text("Another note."),)),))))
    doc = Document(
        doc.meta, (doc.chapters[0], dataclasses.replace(doc.chapters[1], blocks=(note, *doc.chapters[1].blocks)))
    )
    path, _ = build(tmp_path, doc)
    book = Book(path)
    all_ids: list[str] = []
    pairs = 0
    for name in book.chapter_files():
        root = book.xml(name)
        ids = [e.get("id") for e in root.iter() if e.get("id")]
        all_ids += ids
        for ref in root.iterfind(".//h:a[@role='doc-noteref']", NS):
            assert ref.get(EPUB_TYPE) == "noteref"
            aside = root.find(f".//h:aside[@id='{ref.get('href')[1:]}']", NS)
            assert aside is not None and aside.get(EPUB_TYPE) == "footnote" and aside.get("role") == "doc-footnote"
            back = aside.find(".//h:a[@role='doc-backlink']", NS)
            assert back.get("href") == f"#{ref.get('id')}"
            pairs += 1
    assert pairs == 2
    assert len(all_ids) == len(set(all_ids)), "ids repeat across the book"


def test_internal_links_point_at_existing_ids_in_the_right_files(tmp_path: Path) -> None:
    path, _ = build(tmp_path)
    book = Book(path)
    ids = {name: {e.get("id") for e in book.xml(name).iter() if e.get("id")} for name in book.chapter_files()}
    seen = {}
    for name in book.chapter_files():
        for a in book.xml(name).iterfind(".//h:a[@href]", NS):
            href = a.get("href")
            if re.match(r"^[a-z]+:", href):
                continue
            file, _, frag = href.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), file)) if file else name
            assert frag in ids[resolved], f"{name}: {href} does not exist"
            seen[a.xpath("string()")] = (resolved, frag)
    assert seen["options"] == ("text/ch02-reference.xhtml", "options")
    assert seen["installing"] == ("text/ch01-getting-started.xhtml", "installing")
    assert seen["the reference chapter"] == ("text/ch02-reference.xhtml", "reference")


def test_a_link_to_an_unknown_id_warns_where_it_is_and_stays_valid(tmp_path: Path) -> None:
    doc = feature_document()
    para = Paragraph((Link((Text("gone"),), "#nowhere"),), pos=Pos("02-reference.md", 9))
    doc = Document(
        doc.meta, (doc.chapters[0], dataclasses.replace(doc.chapters[1], blocks=(para, *doc.chapters[1].blocks)))
    )
    path, ctx = build(tmp_path, doc)
    warned = [w for w in ctx.reporter.warnings if w.category == "link"]
    assert len(warned) == 1 and str(warned[0].pos) == "02-reference.md:9" and "#nowhere" in warned[0].message
    link = Book(path).xml("text/ch02-reference.xhtml").xpath("//*[local-name()='a'][.='gone']")[0]
    assert link.get("href") == "ch02-reference.xhtml"


def test_every_word_of_the_tree_reaches_the_xhtml(tmp_path: Path) -> None:
    doc = feature_document()
    path, _ = build(tmp_path)
    book = Book(path)
    text = " ".join(" ".join(book.xml(n).find(".//h:body", NS).itertext()) for n in book.chapter_files())
    words = set(re.findall(r"\w+", text))
    hidden = {id(n) for d in iter_nodes(doc) if isinstance(d, Div) and "notes" in d.attr.classes for n in iter_nodes(d)}
    expected = {
        w for n in iter_nodes(doc) if isinstance(n, Text) and id(n) not in hidden for w in re.findall(r"\w+", n.text)
    }
    assert expected and expected <= words, sorted(expected - words)
    assert "Speaker" not in words  # speaker notes stay out of the book


def test_mathml_and_svg_documents_carry_manifest_properties(tmp_path: Path) -> None:
    path, _ = build(tmp_path)
    book = Book(path)
    props = {i.get("href"): (i.get("properties") or "").split() for i in book.opf.iterfind(".//opf:item", NS)}
    assert "mathml" in props["text/ch01-getting-started.xhtml"]
    assert "mathml" not in props["text/ch02-reference.xhtml"]
    assert props["images/cover.png"] == ["cover-image"] and props["nav.xhtml"] == ["nav"]
    assert "remote-resources" not in str(props)


def test_tables_are_wrapped_for_narrow_screens(tmp_path: Path) -> None:
    path, _ = build(tmp_path)
    table = Book(path).xml("text/ch02-reference.xhtml").find(".//h:table", NS)
    assert table.getparent().get("class") == "table-wrap"


# ----------------------------------------------------------------------------- metadata


def test_metadata_titles_authors_dates_and_accessibility(tmp_path: Path) -> None:
    path, _ = build(tmp_path)
    book = Book(path)
    opf = book.opf
    assert [t.text for t in opf.iterfind(".//dc:title", NS)] == ["The Feature Book", "Every node once"]
    assert book.metas("title-type") == ["main", "subtitle"]
    creators = {c.get("id"): c.text for c in opf.iterfind(".//dc:creator", NS)}
    contributors = {c.get("id"): c.text for c in opf.iterfind(".//dc:contributor", NS)}
    assert creators == {"creator-1": "Ada Writer"} and contributors == {"contributor-2": "Ed Itor"}
    roles = {m.get("refines"): m.text for m in opf.iterfind(".//opf:meta[@property='role']", NS)}
    assert roles == {"#creator-1": "aut", "#contributor-2": "edt"}
    assert opf.find(".//dc:language", NS).text == "en"
    assert book.metas("dcterms:modified") == ["2025-03-04T12:00:00Z"]
    assert opf.find(".//dc:date", NS).text == "2025-03-04"
    assert book.metas("schema:accessMode") == ["textual", "visual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "alternativeText", "MathML"} <= set(
        book.metas("schema:accessibilityFeature")
    )
    assert book.metas("schema:accessibilityHazard") == ["none"]
    assert book.metas("schema:accessibilitySummary")[0]
    assert book.metas("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert book.metas("a11y:certifiedBy") == ["presswork tests"]
    for name in book.spine_files():
        html = book.xml(name)
        assert html.get("lang") == "en" and html.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_identifier_is_isbn_urn_or_a_stable_uuid5() -> None:
    meta = feature_document().meta
    derived = book_identifier(meta)
    assert derived.startswith("urn:uuid:") and uuid.UUID(derived[9:]).version == 5
    assert book_identifier(meta) == derived
    assert book_identifier(dataclasses.replace(meta, title="Other")) != derived
    assert book_identifier(dataclasses.replace(meta, identifier="isbn:978-3-16-148410-0")) == "urn:isbn:9783161484100"
    assert book_identifier(dataclasses.replace(meta, identifier="https://example.com/b")) == "https://example.com/b"


def test_missing_alt_text_warns_with_file_and_line_and_drops_the_conformance_claim(tmp_path: Path) -> None:
    doc = feature_document()
    fig = Figure(Image("images/chart.png", ""), (Text("No alt"),), pos=Pos("01-start.md", 42))
    doc = Document(
        doc.meta, (dataclasses.replace(doc.chapters[0], blocks=(*doc.chapters[0].blocks, fig)), doc.chapters[1])
    )
    path, ctx = build(tmp_path, doc)
    alt = [w for w in ctx.reporter.warnings if w.category == "alt-text"]
    assert len(alt) == 1 and str(alt[0].pos) == "01-start.md:42" and "images/chart.png" in alt[0].message
    book = Book(path)
    assert book.metas("dcterms:conformsTo") == [] and book.metas("a11y:certifiedBy") == []
    assert "alternativeText" not in book.metas("schema:accessibilityFeature")


# ----------------------------------------------------------------------------- cover and reproducibility


def test_generated_cover_is_a_large_png(tmp_path: Path) -> None:
    path, _ = build(tmp_path)
    book = Book(path)
    with PILImage.open(io.BytesIO(book.zip.read("EPUB/images/cover.png"))) as img:
        assert img.format == "PNG" and img.width >= 1600 and img.height >= 2560
    cover = book.xml("text/cover.xhtml")
    img = cover.find(".//h:img", NS)
    assert img.get("src") == "../images/cover.png" and "The Feature Book" in img.get("alt")


def test_configured_cover_is_used_as_is(tmp_path: Path) -> None:
    doc = feature_document()
    doc = dataclasses.replace(
        doc, meta=dataclasses.replace(doc.meta, cover="images/photo.jpg")
    )  # as build_meta sets it
    path, _ = build(tmp_path, doc)
    book = Book(path)
    item = book.opf.find(".//opf:item[@properties='cover-image']", NS)
    assert item.get("media-type") == "image/jpeg"
    assert (
        byte_difference(book.zip.read(f"EPUB/{item.get('href')}"), (tmp_path / "images/photo.jpg").read_bytes()) == ""
    )


def test_rebuild_is_byte_identical_with_mimetype_first_and_stored(tmp_path: Path) -> None:
    first, _ = build(tmp_path, name="a.epub")
    second, _ = build(tmp_path, name="b.epub")
    assert_same_files(first, second)
    infos = zipfile.ZipFile(first).infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert first.read_bytes()[30:38] == b"mimetype"
    assert {i.date_time for i in infos} == {(2025, 3, 4, 12, 0, 0)}


def test_right_to_left_languages_set_direction(tmp_path: Path) -> None:
    book = Book(build(tmp_path, _variants()["right-to-left"])[0])
    assert book.opf.find(".//opf:spine", NS).get("page-progression-direction") == "rtl"
    for name in book.spine_files():
        assert book.xml(name).get("dir") == "rtl"


def test_no_authors_and_no_subtitle_leave_those_elements_out(tmp_path: Path) -> None:
    doc = feature_document()
    doc = Document(dataclasses.replace(doc.meta, subtitle="", authors=(Author(""),)), doc.chapters)
    book = Book(build(tmp_path, doc)[0])
    assert len(book.opf.findall(".//dc:title", NS)) == 1 and book.metas("title-type") == []
    assert book.opf.findall(".//dc:creator", NS) == []
