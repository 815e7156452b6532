"""The deck's incremental cache: a rebuild after an edit equals a clean build, byte for byte and warning for warning."""

from __future__ import annotations

import dataclasses
import shutil
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import presswork.exporters.pptx as pptx_exporter
from presswork.core.tree import Chapter, CodeBlock, Document, Heading, Link, Note, Paragraph, Pos, RawBlock, Text
from presswork.exporters.pptx import PptxExporter
from tests.support.outputs import assert_same_files
from tests.support.trees import P, feature_document, make_context, write_images

Warnings = list[tuple[str, str, str]]


def chapter(number: int, *blocks: object) -> Chapter:
    return Chapter(
        id=f"extra-{number}",
        title=(Text(f"Extra {number}"),),
        source=f"0{number}-extra.md",
        number=str(number),
        blocks=tuple(blocks),  # type: ignore[arg-type]
    )


def book(
    title: str = "The Feature Book",
    level_one: int = 2,
    notes: int = 1,
    long_opening: bool = False,
    repeat: str = "",
    divided: bool = False,
) -> Document:
    """The feature book and two more chapters: footnotes, a raw block (a model warning), an emoji (a font
    warning), a level-3 section (which becomes a slide group when ``level_one`` makes the slide level 3)."""
    doc = feature_document()
    first, second = doc.chapters
    blocks = list(first.blocks)
    at = next(i for i, b in enumerate(blocks) if isinstance(b, Heading))
    blocks[at] = dataclasses.replace(blocks[at], level=level_one)
    if long_opening:  # one more slide in chapter 1: every later slide moves by one
        blocks[1:1] = [P(f"An added paragraph {k} that makes the opening longer than one slide.") for k in range(14)]
    if repeat:  # chapter 1 ends with a section titled ``repeat``: a later slide with that title must change
        blocks += [Heading(2, (Text(repeat),)), P("A section that takes a later chapter's title.")]
    second_blocks = [dataclasses.replace(b, level=3) if isinstance(b, Heading) else b for b in second.blocks]
    third = chapter(
        3,
        P(*(x for k in range(notes) for x in (f"Claim {k}", Note((P(f"Footnote {k} of the first extra."),))))),
        RawBlock("html", "<video></video>", pos=Pos("03-extra.md", 4)),
        P("A smile 🙂 in the text."),
        Heading(3, (Text("Details"),)),
        P("Back to ", Link((Text("the start"),), "#getting-started"), "."),
        CodeBlock("print('extra')", "python"),
        *(  # two sections of its own: chapter 3 then opens with a divider, the last one before chapter 4
            (Heading(2, (Text("Background"),)), P("Where it came from."), Heading(2, (Text("Use"),)), P("How."))
            if divided
            else ()
        ),
    )
    fourth = chapter(4, Paragraph((Text("The last one"), Note((P("Its own footnote."),))), pos=Pos("04-extra.md", 1)))
    meta = dataclasses.replace(doc.meta, title=title)
    return Document(
        meta,
        (
            dataclasses.replace(first, blocks=tuple(blocks)),
            dataclasses.replace(second, blocks=tuple(second_blocks)),
            third,
            fourth,
        ),
    )


class Builds:
    """Incremental builds in one project folder, each checked against a clean build in a fresh folder."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        """A project folder with the feature book's images."""
        self.factory = factory
        self.root = factory.mktemp("incremental")
        write_images(self.root)
        self.laid_out: list[str] = []  # chapter ids laid out again (not taken from the cache)

    def export(self, root: Path, doc: Document, **options: object) -> tuple[Path, Warnings]:
        # a full deck: in a talk deck every chapter's share of the slide budget follows the whole book's words
        options.setdefault("deck", "full")
        ctx = make_context(root, PptxExporter, **options)
        target = root / "deck.pptx"
        PptxExporter().export(doc, ctx, target)
        return target, [(w.message, str(w.pos), w.category) for w in ctx.reporter.warnings]

    def check(self, doc: Document, **options: object) -> list[str]:
        """Build ``doc`` incrementally and cleanly: the same bytes and warnings; the chapters laid out again."""
        self.laid_out = []
        original = pptx_exporter.chapter_slides

        def counting(ch: Chapter, *args: object, **kwargs: object) -> object:
            self.laid_out.append(ch.id)
            return original(ch, *args, **kwargs)  # type: ignore[arg-type]

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(pptx_exporter, "chapter_slides", counting)
            again, warned = self.export(self.root, doc, **options)
        laid_out = self.laid_out
        clean_root = self.factory.mktemp("clean")
        shutil.copytree(
            self.root, clean_root, ignore=shutil.ignore_patterns(".presswork-cache", "deck.pptx"), dirs_exist_ok=True
        )
        clean, clean_warned = self.export(clean_root, doc, **options)
        assert_same_files(again, clean)
        assert warned == clean_warned
        return laid_out


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    b = Builds(tmp_path_factory)
    assert len(b.check(book())) == 4  # the first build lays every chapter out
    yield b


ALL = ["getting-started", "reference", "extra-3", "extra-4"]


def test_unchanged_book_lays_nothing_out_and_warnings_come_back(builds: Builds) -> None:
    assert builds.check(book()) == []
    _, warned = builds.export(builds.root, book())
    messages = [m for m, _, _ in warned]
    assert any("raw HTML block" in m for m in messages), messages  # the model's warning, replayed
    assert any("U+1F642" in m for m in messages), messages  # the font's warning, replayed
    assert (builds.root / ".presswork-cache" / "pptx-chapters").is_dir()


def test_slides_moved_by_an_earlier_chapter_keep_their_numbers_links_and_media(builds: Builds) -> None:
    # chapter 1 gains a slide: the kept chapters after it get new slide numbers and part names, and the links
    # between chapters (1 -> 2 and 2 -> 1) must point at the slides where their targets now are
    builds.export(builds.root, book())
    # The longer opening becomes slides of their own ("Overview (1/2)"): a new title, but none the later chapters'
    # titles ask about (their lookups answer alike), so they are all kept, and the deck is still a clean build's.
    assert builds.check(book(long_opening=True)) == ["getting-started"]
    with zipfile.ZipFile(builds.root / "deck.pptx") as z:
        assert any(n.startswith("ppt/media/") for n in z.namelist())
        assert any(b"hlinksldjump" in z.read(n) for n in z.namelist() if n.startswith("ppt/slides/slide"))


def test_a_title_taken_by_an_earlier_chapter_lays_out_again_only_the_chapter_that_repeats_it(builds: Builds) -> None:
    # Chapter 1 gains a section titled like chapter 4's own slides: chapter 4 asked about that title when it
    # was made unique, so it is laid out again (its slides now take another title); chapters 2 and 3 asked
    # about none of it and are kept. The deck is a clean build's (checked).
    builds.export(builds.root, book())
    assert builds.check(book(repeat="Extra 4")) == ["getting-started", "extra-4"]
    builds.export(builds.root, book())


def test_footnote_numbers_follow_an_edit_before_them(builds: Builds) -> None:
    # one more footnote in chapter 3 renumbers chapter 4's: it is laid out again, chapters 1-2 are not
    builds.export(builds.root, book(long_opening=True))
    assert builds.check(book(long_opening=True, notes=2)) == ["extra-3", "extra-4"]


def test_changed_picture_bytes_lay_their_chapter_out_again(builds: Builds) -> None:
    from PIL import Image as PILImage

    builds.export(builds.root, book(long_opening=True, notes=2))
    PILImage.new("RGB", (400, 800), (20, 160, 60)).save(builds.root / "images" / "chart.png")  # same name
    assert builds.check(book(long_opening=True, notes=2)) == ["getting-started"]


def test_book_wide_slide_level_lays_every_chapter_out(builds: Builds) -> None:
    # chapter 1's only level-2 heading becomes level 3: the slide level (chosen from the whole book) is 3 now,
    # which changes how chapter 2 (not edited) is cut into slides
    builds.export(builds.root, book(long_opening=True, notes=2))
    assert builds.check(book(long_opening=True, notes=2, level_one=3)) == ALL


def test_footer_and_options_lay_every_chapter_out(builds: Builds) -> None:
    builds.export(builds.root, book(long_opening=True, notes=2, level_one=3))
    doc = book(title="Another Title", long_opening=True, notes=2, level_one=3)
    assert builds.check(doc) == ALL  # the footer on every slide is the book's title
    assert builds.check(doc, code_style="monokai") == ALL
    assert builds.check(doc, code_style="monokai") == []


def test_a_chapter_that_opens_a_divider_keeps_the_chapters_after_it(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Found on the benchmark book: a chapter grown to more content slides opens with a divider, which is then the
    # last divider before every later chapter. A later chapter whose titles never read the last divider (none
    # repeats an earlier title) makes the same slides after it: kept. Before, every later chapter was laid out.
    builds = Builds(tmp_path_factory)
    builds.check(book())
    assert builds.check(book(divided=True)) == ["extra-3"]
    assert builds.check(book()) == ["extra-3"]


def footer_template(path: Path, idx: str) -> None:
    """python-pptx's default template with the footer placeholders of its layouts numbered ``idx``: a change the
    content frame does not see, only the template's bytes (the slides clone the footer from their layout)."""
    from pptx import Presentation

    prs = Presentation()
    for layout in prs.slide_layouts:
        for ph in layout.placeholders:
            if ph.placeholder_format.type is not None and ph.placeholder_format.type.name == "FOOTER":
                ph._element.ph.set("idx", idx)
    prs.save(str(path))


def test_template_change_lays_every_chapter_out(tmp_path_factory: pytest.TempPathFactory) -> None:
    builds = Builds(tmp_path_factory)
    footer_template(builds.root / "corp.pptx", "21")
    assert builds.check(book(), template="corp.pptx") == ALL
    footer_template(builds.root / "corp.pptx", "22")
    assert builds.check(book(), template="corp.pptx") == ALL
    with zipfile.ZipFile(builds.root / "deck.pptx") as z:
        assert b'idx="22"' in z.read("ppt/slides/slide5.xml")


def test_a_chapter_with_a_picture_not_placed_is_not_kept(tmp_path_factory: pytest.TempPathFactory) -> None:
    builds = Builds(tmp_path_factory)
    (builds.root / "images" / "photo.jpg").unlink()
    assert builds.check(book()) == ALL
    assert builds.check(book()) == ["reference"]  # laid out (and warned about) again, as a clean build does
    _, warned = builds.export(builds.root, book())
    assert [m for m, _, _ in warned if "photo.jpg" in m]


def test_package_written_once_equals_python_pptx_save_then_normalise(builds: Builds) -> None:
    import io

    from pptx import Presentation

    from presswork.exporters.common.zips import PPTX_RULES, normalise_zip, write_zip
    from presswork.exporters.pptx.output.package import package_entries, rels_xml

    prs = Presentation(str(builds.root / "deck.pptx"))
    refs: dict[tuple[str, str], str] = {}
    package = prs.part.package
    parts = [p for p in package.iter_parts() if p._rels]
    assert len(parts) > 20
    assert all(rels_xml(p.rels, refs) == p.rels.xml for p in parts)
    assert rels_xml(package._rels, refs) == package._rels.xml
    buf = io.BytesIO()
    prs.save(buf)
    moment = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
    assert write_zip(package_entries(prs), moment, PPTX_RULES) == normalise_zip(buf.getvalue(), moment, PPTX_RULES)


def test_formula_pictures_come_from_the_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from presswork.core.diagnostics import Reporter
    from presswork.exporters.pptx.output import pictures
    from presswork.project.assets import AssetGate

    monkeypatch.setenv("PRESSWORK_CACHE_DIR", str(tmp_path / "user-cache"))
    monkeypatch.setattr(pictures, "_MATH_PNG", pictures.DiskCache("pptx-math", ".png", keep=10))
    first = pictures.PictureStore(AssetGate(tmp_path, []), Reporter()).get("math", r"x^2 + \frac{1}{y}", None)
    assert first is not None and list((tmp_path / "user-cache" / "pptx-math").iterdir())

    def no_render(*args: object) -> None:
        raise AssertionError("rendered again")

    monkeypatch.setattr(pictures.PictureStore, "_render", no_render)
    monkeypatch.setattr(pictures, "_MATH_PNG", pictures.DiskCache("pptx-math", ".png", keep=10))  # from disk
    again = pictures.PictureStore(AssetGate(tmp_path, []), Reporter()).get("math", r"x^2 + \frac{1}{y}", None)
    assert again == first


def test_a_talk_deck_is_kept_and_byte_identical_to_a_clean_build(builds: Builds) -> None:
    doc = book(long_opening=True, notes=2)
    builds.export(builds.root, doc, deck="talk")
    assert builds.check(doc, deck="talk") == []
