"""Cutting source files into chapters and making ids, links and numbers book-wide."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from presswork.core.config import Config
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import (
    Attr,
    Chapter,
    Figure,
    Heading,
    Image,
    Link,
    Meta,
    Paragraph,
    Pos,
    Span,
    Table,
    Text,
    plain_text,
)
from presswork.project.assets import AssetGate
from presswork.reading.structure import make_chapters, slugify
from presswork.transforms import apply_transforms


@dataclasses.dataclass
class Src:
    path: str
    blocks: tuple
    front_matter: dict = dataclasses.field(default_factory=dict)


def H(level: int, text: str, ident: str = "") -> Heading:
    return Heading(level, (Text(text),), Attr(id=ident or slugify(text)))


def P(text: str) -> Paragraph:
    return Paragraph((Text(text),))


def titles(chapters: list[Chapter]) -> list[str]:
    return [plain_text(c.title) for c in chapters]


def test_single_file_with_level_two_sections_gets_a_chapter_per_section() -> None:
    src = Src("guide.md", (H(2, "Intro"), P("a"), H(2, "Roles"), H(3, "Dev"), P("b")), {"title": "Guide"})
    chapters, proposed = make_chapters([src])
    assert titles(chapters) == ["Intro", "Roles"]
    assert chapters[1].blocks == (H(2, "Dev"), P("b"))  # ### becomes a level-2 section
    assert proposed == ""


def test_readme_style_single_file_uses_its_h1_as_book_title() -> None:
    src = Src("book.md", (H(1, "My Book"), P("preface"), H(2, "One"), P("x"), H(2, "Two"), P("y")))
    chapters, proposed = make_chapters([src])
    assert proposed == "My Book"
    assert titles(chapters) == ["My Book", "One", "Two"]


def test_multi_file_book_has_a_chapter_per_file() -> None:
    a = Src("01-a.md", (H(1, "Alpha"), P("x"), H(2, "Sub"), P("y")))
    b = Src("02-b.md", (P("no heading here"),))
    chapters, _ = make_chapters([a, b])
    assert titles(chapters) == ["Alpha", "B"]
    assert chapters[0].blocks[1] == H(2, "Sub")


def test_badges_above_the_first_heading_do_not_keep_it_from_titling_the_chapter() -> None:
    """A page that opens with an 'Open in Colab' badge, then its ``#`` title (Quarto and MkDocs pages)."""
    badge = Paragraph((Link((Image("badge.svg", "Open In Colab"),), "https://colab.example/nb"),))
    a = Src("quick_start.md", (badge, H(1, "Quick Start"), P("x"), H(2, "Setup"), P("y")))
    b = Src("02-x.md", (P("Prose before the title is not a badge."), H(1, "Notes"), P("z")))
    chapters, _ = make_chapters([a, b])
    assert titles(chapters) == ["Quick Start", "X"]
    assert chapters[0].blocks[:2] == (badge, P("x")), "the badge stays, at the start of the chapter"
    assert chapters[1].blocks[0] == P("Prose before the title is not a badge."), "prose keeps its file-level title rule"
    chapters, _ = make_chapters([Src("one.md", (badge, H(1, "Only"), P("x"), H(2, "A"), P("a"), H(2, "B"), P("b")))])
    assert titles(chapters)[0] == "Only"


def doc_of(chapters: list[Chapter], tmp_path: Path, reporter: Reporter, **config: object):
    cfg = dataclasses.replace(Config(), root=tmp_path, **config)
    return apply_transforms(chapters, Meta(title="T"), cfg, AssetGate(tmp_path), reporter)


def test_ids_are_unique_across_the_book_and_links_resolve_across_files(tmp_path: Path) -> None:
    a = Src(
        "01-a.md",
        (
            H(1, "Alpha"),
            H(2, "Install"),
            P("x"),
            Paragraph((Link((Text("see"),), "02-b.md#install"), Link((Text("self"),), "#install"))),
        ),
    )
    b = Src("02-b.md", (H(1, "Beta"), H(2, "Install"), Paragraph((Link((Text("back"),), "01-a.md"),))))
    chapters, _ = make_chapters([a, b])
    reporter = Reporter()
    doc = doc_of(chapters, tmp_path, reporter)
    ids = [b.attr.id for ch in doc.chapters for b in ch.blocks if isinstance(b, Heading)]
    assert ids == ["install", "install-2"]
    links = [
        n.url
        for ch in doc.chapters
        for b in ch.blocks
        if isinstance(b, Paragraph)
        for n in b.children
        if isinstance(n, Link)
    ]
    assert links == ["#install-2", "#install", "#alpha"]
    assert reporter.warnings == []


def test_broken_links_warn_with_position_and_become_text(tmp_path: Path) -> None:
    para = Paragraph(
        (Link((Text("gone"),), "03-missing.md#x"), Link((Text("nope"),), "#nowhere")), pos=Pos("01-a.md", 7)
    )
    chapters, _ = make_chapters([Src("01-a.md", (H(1, "A"), para))])
    reporter = Reporter()
    doc = doc_of(chapters, tmp_path, reporter)
    assert [str(w) for w in reporter.warnings] == [
        "01-a.md:7: warning: link to missing chapter file '03-missing.md' (links may point to chapters and their headings)",
        "01-a.md:7: warning: broken internal link '#nowhere': no heading or anchor with id 'nowhere'",
    ]
    assert all(isinstance(n, Span) for n in doc.chapters[0].blocks[0].children)


def test_numbering_of_sections_figures_and_tables(tmp_path: Path) -> None:
    from PIL import Image as PILImage

    PILImage.new("RGB", (10, 10)).save(tmp_path / "x.png")
    fig = Figure(Image("x.png", "alt"), (Text("cap"),))
    table = Table((Text("cap"),), ("",), (((Text("h"),),),), (((Text("b"),),),))
    chapters, _ = make_chapters([Src("a.md", (H(1, "A"), P("x"), H(1, "B"), H(2, "S"), fig, table))])
    doc = doc_of(chapters, tmp_path, Reporter(), number_sections=True)
    assert [c.number for c in doc.chapters] == ["1", "2"]
    heading, figure, tbl = doc.chapters[1].blocks
    assert heading.number == "2.1" and figure.label == "Figure 2.1" and tbl.label == "Table 2.1"


def test_missing_image_is_a_box_and_a_warning_naming_file_and_line(tmp_path: Path) -> None:
    fig = Figure(Image("images/nope.png", "alt"), (), pos=Pos("01-a.md", 12))
    chapters, _ = make_chapters([Src("01-a.md", (H(1, "A"), fig))])
    reporter = Reporter()
    doc = doc_of(chapters, tmp_path, reporter)
    assert [str(w) for w in reporter.warnings] == [
        "01-a.md:12: warning: file not found: 'images/nope.png'; a box with its name stands in its place"
    ]
    assert "[missing image: images/nope.png (alt)]" in plain_text(doc.chapters[0].blocks[-1].children)


def test_image_outside_the_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(b"x")
    project = tmp_path / "book"
    project.mkdir()
    for src in ("../secret.png", str(tmp_path / "secret.png"), f"file://{tmp_path}/secret.png"):
        fig = Figure(Image(src, "alt"), (), pos=Pos("a.md", 3))
        chapters, _ = make_chapters([Src("a.md", (H(1, "A"), fig))])
        with pytest.raises(PressworkError) as err:
            doc_of(chapters, project, Reporter())
        assert str(err.value).startswith("a.md:3: ") and (
            "outside the project" in str(err.value) or "file: URLs" in str(err.value)
        )


def test_in_a_multi_file_book_a_file_with_several_top_headings_is_one_chapter() -> None:
    """Documentation sets (npm's, Node's) have per-file front matter titles and ### sections."""
    a = Src(
        "config.md",
        (P("intro"), H(3, "Description"), P("x"), H(3, "Settings"), H(4, "access"), P("y")),
        {"title": "config"},
    )
    b = Src("scope.md", (H(3, "Description"), P("z")), {"title": "scope"})
    chapters, proposed = make_chapters([a, b])
    assert titles(chapters) == ["config", "scope"]
    assert [h.level for h in chapters[0].blocks if isinstance(h, Heading)] == [2, 2, 3]
    assert proposed == ""


def test_site_style_links_without_extension_find_their_chapter(tmp_path: Path) -> None:
    a = Src(
        "docs/config.md",
        (
            H(1, "Config"),
            Paragraph(
                (
                    Link((Text("dev"),), "/using-npm/developers"),
                    Link((Text("dev2"),), "developers#setup"),
                    Link((Text("cmd"),), "/commands/npm-run"),
                )
            ),
        ),
    )
    b = Src("docs/developers.md", (H(1, "Developers"), H(2, "Setup")))
    chapters, _ = make_chapters([a, b])
    reporter = Reporter()
    doc = doc_of(chapters, tmp_path, reporter)
    para = doc.chapters[0].blocks[0]
    assert [n.url for n in para.children if isinstance(n, Link)] == ["#developers", "#setup"]
    assert [w.message for w in reporter.warnings] == [
        "link to missing file '/commands/npm-run' (links may point to chapters and their headings)"
    ]


def test_github_style_anchors_match_headings_letter_for_letter(tmp_path: Path) -> None:
    heading = Heading(
        2,
        (Text("Do not include *.h if *-inl.h has been included"),),
        Attr(id="do-not-include-h-if-inlh-has-been-included"),
    )
    para = Paragraph((Link((Text("rule"),), "#do-not-include-h-if--inlh-has-been-included"),))
    chapters, _ = make_chapters([Src("a.md", (H(1, "A"), para, heading))])
    reporter = Reporter()
    doc = doc_of(chapters, tmp_path, reporter)
    assert doc.chapters[0].blocks[0].children[0].url == "#do-not-include-h-if-inlh-has-been-included"
    assert reporter.warnings == []


# --------------------------------------------------------------------------- chapters of book projects


def _h(level: int, text: str) -> Heading:
    return Heading(level, (Text(text),))


def test_project_chapter_title_is_the_first_heading_of_any_level() -> None:
    from presswork.reading.structure import project_chapter

    blocks = (_h(2, "Hello, Cargo!"), Paragraph((Text("x"),)), _h(3, "Building"), _h(2, "Next"))
    [ch] = project_chapter("src/ch01-03-hello-cargo.md", blocks, "", "Hello Cargo entry").chapters
    assert plain_text(ch.title) == "Hello, Cargo!"
    assert [(b.level, plain_text(b.children)) for b in ch.blocks if isinstance(b, Heading)] == [
        (3, "Building"),
        (2, "Next"),
    ]


def test_project_chapter_without_heading_takes_front_matter_then_the_entry_never_the_file_name() -> None:
    from presswork.reading.structure import project_chapter

    body = (Paragraph((Text("x"),)), _h(2, "Section"))
    assert (
        plain_text(project_chapter("a/ch-02.md", body, "From front matter", "Entry").chapters[0].title)
        == "From front matter"
    )
    assert plain_text(project_chapter("a/ch-02.md", body, "", "Entry").chapters[0].title) == "Entry"
    assert plain_text(project_chapter("a/ch-02.md", body, "", "").chapters[0].title) == "Ch 02"
