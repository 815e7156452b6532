"""Unit tests of the apparatus transforms: spans.py, indexing.py and glossary.py (trees only, no layout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import (
    Attr,
    BulletList,
    Chapter,
    Code,
    Div,
    Document,
    Emphasis,
    Link,
    Meta,
    Paragraph,
    Pos,
    Span,
    Text,
    plain_text,
)
from presswork.core.walk import query
from presswork.transforms.glossary import add_glossary, link_terms
from presswork.transforms.indexing import (
    Locator,
    collapse_pages,
    collect,
    group_letter,
    mark_index,
    sort_key,
    with_index,
)
from presswork.transforms.spans import parse_spans


def test_bracketed_span_with_curled_quotes_and_markup_inside() -> None:
    got = parse_spans(
        (
            Text("A ["),
            Emphasis((Text("fast"),)),
            Text(" GPUs]{.idx term=\u201dGPU\u201d sub=\u201cx\u201d} here"),
        )
    )
    assert got == (
        Text("A "),
        Span(Attr("", ("idx",), (("term", "GPU"), ("sub", "x"))), (Emphasis((Text("fast"),)), Text(" GPUs"))),
        Text(" here"),
    )


def test_bare_mark_and_nested_brackets_and_other_braces_untouched() -> None:
    assert parse_spans((Text('x {.idx term="CPU"} y'),)) == (
        Text("x "),
        Span(Attr("", ("idx",), (("term", "CPU"),)), ()),
        Text(" y"),
    )
    assert parse_spans((Text("a [b [c] d]{.gls} e"),)) == (
        Text("a "),
        Span(Attr("", ("gls",)), (Text("b [c] d"),)),
        Text(" e"),
    )
    literal = (Text("keep [x]{.note} and {name} and {#id} and {.idxfoo}"),)
    assert parse_spans(literal) == literal


def _chapter(ident: str, *inlines: object, source: str = "a.md") -> Chapter:
    return Chapter(ident, (Text(ident.title()),), source, (Paragraph(tuple(inlines), pos=Pos(source, 3)),))  # type: ignore[arg-type]


def _mark(text: str, **kv: str) -> Span:
    return Span(Attr("", ("idx",), tuple(kv.items())), (Text(text),) if text else ())


def test_marks_get_stable_unique_ids_and_an_empty_mark_is_a_file_line_error() -> None:
    chapters = [_chapter("one", _mark("GPU"), Span(Attr("idx-1"), (Text("taken"),)), _mark("CPU"))]
    marked = mark_index(chapters, Reporter())
    assert [s.attr.id for s in query(marked[0], Span)] == ["idx-2", "idx-1", "idx-3"]
    with pytest.raises(PressworkError) as err:
        mark_index([_chapter("two", _mark(""))], Reporter())
    assert str(err.value.pos) == "a.md:3"


def test_sorting_folds_diacritics_and_honours_languages_that_sort_letters_after_z() -> None:
    words = ["zebra", "Ärger", "apple", "Äpfel", "Öl", "ost"]
    assert sorted(words, key=lambda w: sort_key(w, "de")) == ["Äpfel", "apple", "Ärger", "Öl", "ost", "zebra"]
    assert sorted(words, key=lambda w: sort_key(w, "sv")) == ["apple", "ost", "zebra", "Äpfel", "Ärger", "Öl"]
    assert group_letter("Ärger", "de") == "A" and group_letter("Ärger", "sv") == "Ä" and group_letter("3D", "en") == "#"
    assert sorted(["ñu", "nz", "oa"], key=lambda w: sort_key(w, "es")) == ["nz", "ñu", "oa"]


def test_collapse_merges_a_page_and_makes_ranges_of_consecutive_pages() -> None:
    locs = [Locator(f"idx-{i}", "c", "C") for i in range(1, 8)]
    pages = {"idx-1": "12", "idx-2": "12", "idx-3": "13", "idx-4": "14", "idx-5": "20", "idx-6": "ix", "idx-7": "22"}
    assert collapse_pages(locs, pages) == [("ix", "idx-6"), ("12\u201314", "idx-1"), ("20", "idx-5"), ("22", "idx-7")]


def test_index_chapter_groups_entries_and_resolves_see_references() -> None:
    chapters = mark_index(
        [
            _chapter("one", _mark("zebra"), _mark("GPUs", term="GPU", sub="memory"), _mark("", term="CPU", see="GPU")),
            _chapter("two", _mark("apple"), _mark("GPU", seealso="apple")),
        ],
        Reporter(),
    )
    doc = with_index(Document(Meta(language="en"), tuple(chapters)))
    index = doc.chapters[-1]
    assert index.id == "index" and plain_text(index.title) == "Index"
    assert [e for e in collect(doc)] == ["zebra", "GPU", "CPU", "apple"]
    root = index.blocks[0]
    assert isinstance(root, Div) and root.attr.classes == ("book-index",)
    letters = [plain_text(g.blocks[0].children) for g in root.blocks]  # type: ignore[attr-defined]
    assert letters == ["A", "C", "G", "Z"]
    text = [plain_text(p.children) for p in query(root, Paragraph) if "index-letter" not in str(p)]
    assert "CPU, see GPU" in text and "GPU, Two. See also apple" in text and "memory, One" in text
    links = {link.url for link in query(root, Link)}
    assert "#ix-gpu" in links and {"#idx-1", "#idx-2", "#idx-4", "#idx-5"} <= links
    assert isinstance(root.blocks[2].blocks[1], BulletList)  # type: ignore[attr-defined]
    assert with_index(Document(Meta(), tuple(_chapter("x", Text("no marks")) for _ in range(1)))).chapters[-1].id == "x"


IDS = {"tensor": ("gls-tensor", "Tensor"), "large language model": ("gls-large-language-model", "large language model")}


def test_glossary_references_link_only_known_terms_and_warn_only_when_clearly_meant() -> None:
    reporter = Reporter()
    chapter = _chapter(
        "one",
        Text("A {tensor}, a {Large  Language Model}, {name}, {x}, {a, b}, {Tensr} and {Unknown Thing}; "),
        Code("{Tensor}"),
        Span(Attr(classes=("gls",), kv=(("term", "Tensor"),)), (Text("tensors"),)),
        Span(Attr(classes=("gls",)), (Text("nothing"),)),
    )
    out = link_terms(chapter, IDS, True, True, reporter)
    spans = [s for s in query(out, Span) if "gls" in s.attr.classes]
    assert [(s.attr.classes, plain_text(s.children)) for s in spans] == [
        (("gls", "gls-first"), "tensor"),
        (("gls", "gls-first"), "Large  Language Model"),
        (("gls",), "tensors"),
    ]
    assert [link.url for link in query(out, Link)] == ["#gls-tensor", "#gls-large-language-model", "#gls-tensor"]
    text = plain_text(out.blocks[0].children)  # type: ignore[attr-defined]
    assert "{name}, {x}, {a, b}, {Tensr} and {Unknown Thing}; {Tensor}tensorsnothing" in text
    warned = [(str(w.pos), w.message) for w in reporter.warnings]
    assert warned == [
        ("a.md:3", "glossary: '{Tensr}' is not a glossary term (did you mean 'Tensor'?); it stays as written"),
        ("a.md:3", "glossary: '{Unknown Thing}' is not a glossary term; it stays as written"),
        ("a.md:3", "glossary: 'nothing' is not a glossary term; it stays as written"),
    ]


def test_build_reads_the_glossary_file_as_back_matter(tmp_path: Path) -> None:
    from presswork.build.pipeline import read_project

    (tmp_path / "01-a.md").write_text("# A\n\nUses the {Tensor} and [x]{.idx}.\n", encoding="utf-8")
    (tmp_path / "00-glossary.md").write_text("# Terms\n\nIntro.\n\nTensor\n: An array.\n", encoding="utf-8")
    (tmp_path / "presswork.toml").write_text('glossary = "00-glossary.md"\nnumber_sections = true\n', encoding="utf-8")
    doc = read_project(tmp_path)
    assert [(c.id, c.number) for c in doc.chapters] == [("a", "1"), ("terms", "")]
    assert [plain_text(c.title) for c in doc.chapters] == ["A", "Terms"]
    (tmp_path / "presswork.toml").write_text('glossary = "missing.md"\n', encoding="utf-8")
    with pytest.raises(PressworkError, match="glossary file 'missing.md'"):
        read_project(tmp_path)


def test_an_unconfigured_glossary_md_with_sections_stays_an_ordinary_chapter(tmp_path: Path) -> None:
    from presswork.build.pipeline import read_project

    (tmp_path / "01-a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    (tmp_path / "glossary.md").write_text("# Glossary\n\n## A\n\nAPI\n: An interface.\n", encoding="utf-8")
    assert [c.id for c in read_project(tmp_path).chapters] == ["a", "glossary"]
    (tmp_path / "glossary.md").write_text("# Glossary\n\nJust prose, no list.\n", encoding="utf-8")
    doc = read_project(tmp_path)
    assert [c.id for c in doc.chapters] == ["a", "glossary"] and not query(doc, Span)


def test_marks_and_references_in_titles_tables_and_footnotes(tmp_path: Path) -> None:
    from presswork.build.pipeline import read_project
    from presswork.core.tree import Note, Table

    (tmp_path / "01-a.md").write_text(
        "# The [GPU]{.idx} chapter\n\n| a | b |\n|---|---|\n| [x]{.idx} | {Tensor} |\n\nNote.[^1]\n\n[^1]: A {Tensor} [y]{.idx}.\n",
        encoding="utf-8",
    )
    (tmp_path / "glossary.md").write_text("Tensor\n: An array.\n", encoding="utf-8")
    doc = read_project(tmp_path)
    first = doc.chapters[0]
    assert isinstance(first.title[1], Span) and first.title[1].attr.id.startswith("idx-")
    table = query(first, Table)[0]
    assert isinstance(table.body[0][0][0], Span) and isinstance(table.body[0][1][0], Span)
    note = query(first, Note)[0]
    assert [s.attr.classes for s in query(note, Span)] == [("gls",), ("idx",)]
    assert len({s.attr.id for s in query(doc, Span) if "idx" in s.attr.classes}) == 3


def test_marks_in_content_an_output_leaves_out_get_no_locator() -> None:
    hidden = Div(Attr(classes=("only-slides",)), (Paragraph((_mark("GPU"),)),))
    chapter = Chapter("one", (Text("One"),), "a.md", (Paragraph((_mark("GPU"), _mark("CPU"))), hidden))
    doc = Document(Meta(), tuple(mark_index([chapter], Reporter())))
    assert [len(e.locators) for e in collect(doc).values()] == [2, 1]
    assert [len(e.locators) for e in collect(doc, frozenset({"only-slides"})).values()] == [1, 1]


def test_without_a_glossary_only_chapters_with_a_reference_span_change() -> None:
    plain = Chapter("a", (Text("A"),), "a.md", (Paragraph((Text("no {Term} here"),), pos=Pos("a.md", 1)),))
    marked = Chapter(
        "b", (Text("B"),), "b.md", (Paragraph((Span(Attr(classes=("gls",)), (Text("Term"),)),), pos=Pos("b.md", 2)),)
    )
    reporter = Reporter()
    out = add_glossary([plain, marked], None, "en", "none", reporter)
    assert out[0] is plain  # nothing to do: the same chapter
    assert out[1].blocks == (Paragraph((Text("Term"),)),)
    assert [w.message for w in reporter.warnings] == ["glossary: 'Term' is not a glossary term; it stays as written"]
