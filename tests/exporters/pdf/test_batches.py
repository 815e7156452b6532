"""The batched PDF layout (pdf.batch = "on") equals the serial one page for page, and rebuilds incrementally."""

from __future__ import annotations

import functools
import importlib
import io
import logging
import re
import shutil
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from presswork.build.pipeline import build
from presswork.core.tree import Chapter, Document, Meta, Paragraph, Text
from presswork.exporters.pdf import batches
from presswork.exporters.pdf.batches import (
    BookPieces,
    Fallback,
    auto_reason,
    cut_book,
    plan_batches,
    serial_reasons,
)
from presswork.exporters.pdf.batches.worker import Job, Laid, Place
from tests.exporters.pdf.tagged import check_tagged
from tests.support.merged import check_the_merged_book_is_kept
from tests.support.outputs import assert_same_files

CONFIG = 'title = "Batches"\nauthors = ["A. Writer"]\nlanguage = "en"\ndate = "2025-03-04"\noutput_name = "book"\n'
PARAGRAPH = (
    "Every stage of a publishing pipeline turns one representation into the next, and each one "
    "has a price that a careful writer can estimate before paying it. "
)


def chapter(n: int, chapters: int) -> str:
    """Chapter ``n``: its length grows with ``n`` (so page counts differ, odd and even), with a section,
    a footnote, a link to the next chapter and one to a section of the previous one."""
    body = "\n\n".join(f"{PARAGRAPH * 3} Paragraph {n}.{k}." for k in range(1 + 3 * (n % 3) + n // 2))
    links = []
    if n < chapters:
        links.append(f"Read on in [chapter {n + 1}]({n + 1:02d}-chapter.md).")
    if n > 1:
        links.append(f"Back to [the costs of chapter {n - 1}]({n - 1:02d}-chapter.md#costs-{n - 1}).")
    return (
        f"# Chapter {n}: The pipeline\n\nIt starts here.[^n{n}] {' '.join(links)} See <https://example.org/{n}>.\n\n"
        f"[^n{n}]: A note of chapter {n}.\n\n{body}\n\n## The costs {{#costs-{n}}}\n\n{PARAGRAPH}\n"
    )


#: Chapter 3's extras: a tall figure that moves whole to the next page and is scaled back into the
#: hole it left, and a 60-line listing cut at a page break (floats.py and listings.py at work).
FIGURE = "![A tall figure of the pipeline](tall.png)"
LISTING = "```python\n" + "\n".join(f"stage_{i} = run(stage_{i - 1})  # step {i}" for i in range(1, 61)) + "\n```"


def make_book(folder: Path, chapters: int = 6, pdf: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, chapters + 1):
        text = chapter(n, chapters)
        if n == 3:
            blocks = text.split("\n\n")
            blocks.insert(4, FIGURE)
            blocks.insert(7, LISTING)
            text = "\n\n".join(blocks)
        (folder / f"{n:02d}-chapter.md").write_text(text, encoding="utf-8")
    Image.new("RGB", (600, 700), (30, 90, 160)).save(folder / "tall.png")
    (folder / "presswork.toml").write_text(CONFIG + (f"\n[pdf]\n{pdf}\n" if pdf else ""), encoding="utf-8")
    return folder


FLOAT_LOG = io.StringIO()
_handler = logging.StreamHandler(FLOAT_LOG)
logging.getLogger("presswork.floats").addHandler(_handler)
logging.getLogger("presswork.floats").setLevel(logging.INFO)


def build_pdf(folder: Path) -> Path:
    result = build(folder, formats=["pdf"], out=folder / "output")
    return result.outputs["pdf"]


@functools.cache
def facts(path: Path) -> dict[str, Any]:
    """What a reader sees of a PDF: per-page text, page labels, bookmarks (depth, title, page), named
    destinations, and every link (page, target page or URI)."""
    reader = PdfReader(path)

    def outline(items: list[Any], depth: int = 0) -> list[tuple[int, str, int | None]]:
        out: list[tuple[int, str, int | None]] = []
        for item in items:
            if isinstance(item, list):
                out += outline(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item)))
        return out

    dests = {str(k): reader.get_destination_page_number(v) for k, v in reader.named_destinations.items()}
    links: list[tuple[int, str, int | None]] = []
    for n, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if "/Dest" in a:
                links.append((n, str(a["/Dest"]), dests.get(str(a["/Dest"]))))
            else:
                links.append((n, str(a["/A"]["/URI"]), None))
    return {
        "texts": [p.extract_text() for p in reader.pages],
        "labels": list(reader.page_labels),
        "outline": outline(reader.outline),
        "dests": dests,
        "links": links,
        "info": {k: str(v) for k, v in (reader.metadata or {}).items()},
        "lang": str(reader.trailer["/Root"].get("/Lang")),
        "id": [str(v) for v in reader.trailer.get("/ID", [])],
    }


def contents_entries(texts: list[str]) -> list[tuple[str, str]]:
    """(title, printed page number) of every contents line."""
    page = next(t for t in texts if t.lstrip().startswith("Contents"))
    return re.findall(r"^(.+?)\s*\.[ .]*\.\s*(\d+)\s*$", page, flags=re.M)


def pagination(folder: Path) -> bytes:
    """The cached page starts (the payload: the file is signed under its own name, see buildcache)."""
    from presswork.cache.store import unseal

    (path,) = (folder / ".presswork-cache").glob("pagination-*.json")
    payload = unseal(path.read_bytes(), path.stem)
    assert payload is not None
    return payload


@pytest.fixture(scope="module")
def screen(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same book laid out serially and in batches of two chapters (one-sided)."""
    root = tmp_path_factory.mktemp("screen")
    serial = build_pdf(make_book(root / "serial"))
    # The serial layout scaled chapter 3's figure and cut its listing (the batches must do the same).
    assert "1 figures scaled" in FLOAT_LOG.getvalue() and "1 listings cut" in FLOAT_LOG.getvalue()
    batched = build_pdf(make_book(root / "batched", pdf='batch = "on"\nbatch_size = 2'))
    return serial, batched


@pytest.fixture(scope="module")
def two_sided(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same book laid out serially and in batches, two-sided (chapters open on right-hand pages)."""
    root = tmp_path_factory.mktemp("print")
    serial = build_pdf(make_book(root / "serial", chapters=5, pdf="print = true"))
    batched = build_pdf(make_book(root / "batched", chapters=5, pdf='print = true\nbatch = "on"\nbatch_size = 2'))
    return serial, batched


@pytest.mark.slow  # among the slowest of the fast tier: lays a long book out batched and serially
@pytest.mark.parametrize("mode", ["screen", "two_sided"])
def test_batched_equals_serial_page_for_page(mode: str, request: pytest.FixtureRequest) -> None:
    serial_pdf, batched_pdf = request.getfixturevalue(mode)
    serial, batched = facts(serial_pdf), facts(batched_pdf)
    assert len(serial["texts"]) >= 12
    # The listing was cut at a page break (so the float pass ran) in both layouts.
    assert sum("continued" in t for t in serial["texts"]) >= 1
    # Per page: body, folios and running heads.
    for n, (a, b) in enumerate(zip(serial["texts"], batched["texts"], strict=True)):
        assert a == b, f"page {n + 1} differs"
    assert batched["labels"] == serial["labels"]
    assert "iii" in serial["labels"] and "1" in serial["labels"]
    assert batched["outline"] == serial["outline"]
    assert [t for _d, t, _p in serial["outline"]].count("Chapter 6: The pipeline" if mode == "screen" else "") <= 1
    assert batched["dests"] == serial["dests"]
    assert batched["links"] == serial["links"]
    assert any(target is not None and target != page for page, _name, target in serial["links"])
    assert batched["info"] == serial["info"]
    assert batched["lang"] == serial["lang"] != "None"
    # The reproducible build's fixed identifier first, then (as WeasyPrint writes it) a digest of the file.
    assert batched["id"][0] == serial["id"][0] and len(batched["id"]) == 2
    entries = contents_entries(batched["texts"])
    assert len(entries) >= 10 and entries == contents_entries(serial["texts"])
    # A chapter's contents number is the label of the page its bookmark opens.
    chapters = {t: p for d, t, p in batched["outline"] if d == 0 and p is not None}
    for title, number in entries:
        if title in chapters:
            assert batched["labels"][chapters[title]] == number
    # The EPUB's page list reads the same page starts.
    assert pagination(batched_pdf.parent.parent) == pagination(serial_pdf.parent.parent)


@pytest.mark.slow  # among the slowest of the fast tier: its fixture lays a long book out batched and serially, two-sided
def test_two_sided_batches_open_on_right_hand_pages(two_sided: tuple[Path, Path]) -> None:
    _serial, batched = two_sided
    result = facts(batched)
    for _depth, _title, page in (o for o in result["outline"] if o[0] == 0 and o[1].startswith("Chapter")):
        assert page is not None and page % 2 == 0, "a chapter opens on a left-hand page"
    assert "" in [t.strip() for t in result["texts"]], "no blank verso was needed: the test proves nothing"


@pytest.mark.slow  # among the slowest of the fast tier: lays a long book out twice, batched, with the cache
def test_incremental_rebuild_equals_clean_build(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = make_book(tmp_path / "book", pdf='batch = "on"\nbatch_size = 2')
    build_pdf(folder)
    # A one-word edit of chapter 3 (same page count): only its batch is laid out again.
    path = folder / "03-chapter.md"
    path.write_text(path.read_text(encoding="utf-8").replace("It starts here.", "It begins here."), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        output = build_pdf(folder)
    assert "1 of 6 layouts made" in caplog.text
    texts = facts.__wrapped__(output)["texts"]
    assert any(t.startswith("Chapter 3: The pipeline") and "It begins here." in t for t in texts)
    # A longer chapter 1 moves every later page: its batch is laid out again, the furniture of the
    # batches after it is stamped anew (they are not laid out again), and the front matter is laid
    # out again (its contents numbers changed).
    path = folder / "01-chapter.md"
    path.write_text(path.read_text(encoding="utf-8") + ("\n\n" + PARAGRAPH * 6) * 8, encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        edited = build_pdf(folder).read_bytes()
    assert "3 of 6 layouts made" in caplog.text
    # New bytes of an included image (same name, same size): the batch that shows it is laid out again.
    before = edited
    Image.new("RGB", (600, 700), (160, 40, 30)).save(folder / "tall.png")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        edited = build_pdf(folder).read_bytes()
    assert "1 of 6 layouts made" in caplog.text
    assert edited != before
    # The same bytes as a clean build; the cache is safe to delete.
    shutil.rmtree(folder / ".presswork-cache")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        clean = build_pdf(folder).read_bytes()
    assert "6 of 6 layouts made" in caplog.text
    assert edited == clean
    # A theme change (a project theme restyling the body) invalidates every batch.
    theme = folder / "themes" / "mine"
    (theme / "pdf").mkdir(parents=True)
    (theme / "theme.toml").write_text('name = "mine"\nextends = "default"\n', encoding="utf-8")
    (theme / "pdf" / "book.css").write_text("p { color: #202020; }\n", encoding="utf-8")
    config = folder / "presswork.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[pdf]", 'theme = "mine"\n\n[pdf]'), encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        restyled = build_pdf(folder).read_bytes()
    assert "6 of 6 layouts made" in caplog.text
    assert restyled != clean


@pytest.mark.slow  # lays a long book out three times, batched, with the cache
@pytest.mark.parametrize("pdf", ['batch = "on"\nbatch_size = 2', 'print = true\nbatch = "on"\nbatch_size = 2'])
def test_a_page_count_change_in_the_middle_lays_out_only_its_batch(
    pdf: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Chapter 3 (the middle batch of three) grows by pages: only its batch, the furniture and the
    front matter are laid out again; the later batches' pages are stamped with their new folios
    and running heads, and the book is byte for byte a clean build's."""
    folder = make_book(tmp_path / "book", pdf=pdf)
    before = facts.__wrapped__(build_pdf(folder))
    path = folder / "03-chapter.md"
    path.write_text(path.read_text(encoding="utf-8") + ("\n\n" + PARAGRAPH * 6) * 9, encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        edited = build_pdf(folder).read_bytes()
    assert "3 of 6 layouts made" in caplog.text
    after = facts.__wrapped__(folder / "output" / "book.pdf")
    grown = len(after["texts"]) - len(before["texts"])
    assert grown >= 2
    # Of the furniture only the chunk(s) holding the new last folios are laid out; the running heads
    # and the other folios come from the cache, and pages that show the same head share one form.
    made = re.search(r"PDF furniture: (\d+) pages, (\d+) of (\d+) chunks laid out", caplog.text)
    assert made is not None and 0 < int(made[2]) <= 2 and int(made[2]) < int(made[3]), made
    with pikepdf.open(folder / "output" / "book.pdf") as pdf:
        forms = [
            xobject.objgen
            for page in pdf.pages
            for name, xobject in page.Resources.get("/XObject", {}).items()
            if name.startswith("/PressworkFurniture")
        ]
    assert len(forms) >= int(made[1]) and len(set(forms)) < len(forms) * 3 // 4
    # Chapter 6 (the last batch, not laid out again) moved: its folios and contents number follow it.
    opening = {t: p for d, t, p in after["outline"] if d == 0}["Chapter 6: The pipeline"]
    assert opening == {t: p for d, t, p in before["outline"] if d == 0}["Chapter 6: The pipeline"] + grown
    assert dict(contents_entries(after["texts"]))["Chapter 6: The pipeline"] == after["labels"][opening]
    last = after["texts"][-1].split()
    assert last[-1] == after["labels"][-1] or last[0] == after["labels"][-1], "the folio printed on the last page"
    assert int(after["labels"][-1]) == int(before["labels"][-1]) + grown
    # The same bytes as a clean build.
    shutil.rmtree(folder / ".presswork-cache")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        clean = build_pdf(folder).read_bytes()
    assert "6 of 6 layouts made" in caplog.text
    assert edited == clean


@pytest.mark.slow  # lays a short book out in batches
def test_the_front_matter_is_laid_out_while_the_furniture_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The front matter's contents need the chapters' page counters, not their furniture: its job is
    started before the furniture is made, so that its worker lays it out meanwhile."""
    from presswork.exporters.pdf.batches.furniture import Furnisher
    from presswork.exporters.pdf.batches.pool import Pool

    events: list[str] = []
    start, furnish = Pool.start, Furnisher.furnish

    def spied_start(pool: Pool, job: Job) -> None:
        events.append(f"start {job.index}")
        start(pool, job)

    def spied_furnish(furnisher: Furnisher, *args: Any, **kwargs: Any) -> Any:
        events.append("furnish")
        return furnish(furnisher, *args, **kwargs)

    def spied_body(pool: Pool, index: int) -> Any:
        events.append(f"body {index}")
        return body(pool, index)

    def spied_ask(pool: Pool, index: int) -> None:
        events.append(f"ask {index}")
        ask(pool, index)

    body, ask = Pool.body, Pool.ask_body
    monkeypatch.setattr(Pool, "start", spied_start)
    monkeypatch.setattr(Furnisher, "furnish", spied_furnish)
    monkeypatch.setattr(Pool, "body", spied_body)
    monkeypatch.setattr(Pool, "ask_body", spied_ask)
    build_pdf(make_book(tmp_path / "book", chapters=4, pdf='batch = "on"\nbatch_size = 2'))
    assert events.index("start -2") < events.index("furnish"), events
    # It starts once the last batch's pages are counted, before that batch's PDF is written.
    assert events.index("start -2") < events.index("body 1"), events
    # The furniture needs only the pages' inputs, reported with the layout: it is made while the last batch's
    # worker writes its PDF (asked for before, collected after).
    assert events.index("ask 1") < events.index("furnish") < events.index("body 1"), events


@pytest.mark.slow  # lays a short book out in batches, then merges it again from the cache
def test_a_rebuild_merges_cached_batches_without_walking_their_structure_trees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch's structure elements that the merge renames are found where the batch is written and kept
    with it: a rebuild from the cache does not walk any tree, and writes the same bytes."""
    from presswork.exporters.pdf.batches import structure

    folder = make_book(tmp_path / "book", chapters=4, pdf='batch = "on"\nbatch_size = 2')
    clean = build_pdf(folder).read_bytes()
    walked: list[Any] = []
    marked_elements = structure.marked_elements

    def spied(src: Any) -> Any:
        walked.append(src)
        return marked_elements(src)

    monkeypatch.setattr(structure, "marked_elements", spied)
    assert build_pdf(folder).read_bytes() == clean
    assert walked == []


@pytest.mark.slow  # lays a short book out in batches, twice
def test_the_first_layouts_go_to_workers_started_before_the_html(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers started as the PDF exporter begins import WeasyPrint while the book's HTML is written; the first
    layouts go to them, and none is left running afterwards. One that has ended hands its job to a new worker."""
    from presswork.exporters.pdf.batches import pool

    spares: list[pool.Spare] = []
    taken: list[int] = []
    start, take = pool.Spare.__init__, pool.Spare.take

    def spied_start(spare: pool.Spare) -> None:
        start(spare)
        spares.append(spare)

    def spied_take(spare: pool.Spare, job: Job) -> bool:
        given = take(spare, job)
        taken.extend([job.index] if given else [])
        return given

    monkeypatch.setattr(pool.Spare, "__init__", spied_start)
    monkeypatch.setattr(pool.Spare, "take", spied_take)
    folder = make_book(tmp_path / "book", chapters=4, pdf='batch = "on"\nbatch_size = 2')
    clean = build_pdf(folder).read_bytes()
    assert spares and len(taken) == len(spares), (spares, taken)
    assert not pool._SPARES and not any(spare.process.is_alive() for spare in spares)
    # A spare that ended before its job came: the job is laid out by a new worker, and the book is the same.
    shutil.rmtree(folder / ".presswork-cache")
    prestart = batches.prestart

    def prestart_and_end(jobs: int) -> None:
        prestart(jobs)
        for spare in pool._SPARES:
            spare.process.kill()
            spare.process.join()

    monkeypatch.setattr(batches, "prestart", prestart_and_end)
    taken.clear()
    assert build_pdf(folder).read_bytes() == clean
    assert taken == []
    # A book whose options lay it out as one document starts none.
    spares.clear()
    build_pdf(make_book(tmp_path / "serial", chapters=4, pdf='batch = "on"\nfootnotes = "book"'))
    assert spares == []


@pytest.mark.slow  # lays a short book out in batches, then its furniture again
def test_a_running_head_chunk_made_alone_equals_the_clean_builds(tmp_path: Path) -> None:
    """A rebuild makes only the furniture chunks it misses, on a few empty pages: a running head set
    on an earlier page of its batch than the page showing it is still found there (a chunk's bytes
    never depend on which build made it)."""
    from presswork.exporters.pdf.batches.cache import BatchCache

    folder = make_book(tmp_path / "book", pdf='batch = "on"\nbatch_size = 2')
    clean = build_pdf(folder).read_bytes()
    cache = BatchCache(folder)
    heads = [path for path in cache.folder.glob("*.json") if _is_head_chunk(cache.get_json(path.stem))]
    assert heads, "no running-head chunk in the cache"
    largest = max(heads, key=lambda path: path.with_suffix(".pdf").stat().st_size)
    largest.unlink()
    largest.with_suffix(".pdf").unlink()
    assert build_pdf(folder).read_bytes() == clean


@pytest.mark.slow  # lays a short book out in batches twice
def test_the_furniture_does_not_depend_on_where_presswork_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found on rust-lang/rust-by-example: the same presswork in another folder wrote other bytes. The cache keys
    are salted with the code's install path (a key per install), and a furniture chunk's pages were in key
    order, which decides the order its font's ToUnicode map lists the characters in."""
    import hashlib

    from presswork.exporters.pdf.batches import cache as batch_cache

    folder = make_book(tmp_path / "book", pdf='batch = "on"\nbatch_size = 2')
    here = shutil.copy(build_pdf(folder), tmp_path / "here.pdf")
    shutil.rmtree(folder / ".presswork-cache")
    monkeypatch.setattr(batch_cache, "_salted", lambda: hashlib.sha256(b"presswork installed in another folder"))
    assert_same_files(build_pdf(folder), Path(here))


@pytest.mark.slow  # lays a short book out in batches, twice
def test_a_page_count_rebuild_merges_the_batches_before_the_edited_one_while_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merge begins with the front matter and the batches before the edited one while the edited one's worker
    writes its PDF, and goes on from there: the bytes are a clean build's."""
    import sys

    merge_module = sys.modules["presswork.exporters.pdf.batches.merge"]
    folder = make_book(tmp_path / "book", chapters=8, pdf='batch = "on"\nbatch_size = 2')
    build_pdf(folder)
    path = folder / "05-chapter.md"  # in the third batch
    path.write_text(path.read_text(encoding="utf-8") + ("\n\n" + PARAGRAPH * 6) * 6, encoding="utf-8")
    begun: list[int] = []
    original = merge_module.merge

    def merge(layout: Any, target: Path, identifier: bytes | None) -> None:
        begun.append(len(layout.merging.parts) if layout.merging is not None else -1)
        original(layout, target, identifier)

    monkeypatch.setattr(merge_module, "merge", merge)
    monkeypatch.setattr(importlib.import_module("presswork.exporters.pdf"), "merge_batches", merge)
    rebuilt = shutil.copy(build_pdf(folder), tmp_path / "rebuilt.pdf")
    assert begun == [3]  # the front matter and the two batches before chapter 5's
    shutil.rmtree(folder / ".presswork-cache")
    assert_same_files(build_pdf(folder), Path(rebuilt))
    assert begun[1:] == [-1]  # a clean build lays every batch out: nothing merged ahead


@pytest.mark.slow  # lays a short book out in batches
def test_a_link_the_merge_removes_leaves_no_reference_in_the_structure_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merge removes a link to a name no part holds (as WeasyPrint does). The structure trees, merged part by
    part, still refer to it: the book is merged again with the trees after the links are removed."""
    import sys

    merge_module = sys.modules["presswork.exporters.pdf.batches.merge"]
    original_add = merge_module.BookMerge.add

    def add(self: Any, part: Any) -> None:
        original_add(self, part)
        self.dests.pop("costs-1", None)  # no part holds it now: chapter 2's link back to it is removed

    monkeypatch.setattr(merge_module.BookMerge, "add", add)
    pdf_path = build_pdf(make_book(tmp_path / "book", chapters=6, pdf='batch = "on"\nbatch_size = 2'))
    assert not check_tagged(pdf_path).problems
    with pikepdf.open(pdf_path) as pdf:
        annots = {a.objgen for page in pdf.pages for a in page.obj.get("/Annots", [])}
        links = [str(a.get("/Dest", "")) for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert "costs-1" not in links and "costs-2" in links
        dangling = 0
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            element = stack.pop()
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR:
                    dangling += kid.Obj.objgen not in annots
                elif isinstance(kid, pikepdf.Dictionary):
                    stack.append(kid)
        assert not dangling, f"the structure tree refers to {dangling} removed link(s)"


def _is_head_chunk(facts: Any) -> bool:
    """A furniture chunk's facts are its layers' printed folios: none, for running heads."""
    return isinstance(facts, list) and bool(facts) and all(folio is None for folio in facts)


@pytest.mark.slow  # lays a 16-page book out
def test_on_page_references_inside_a_batch_print_the_books_page_numbers(tmp_path: Path) -> None:
    """Each chapter refers to its own last section "on page N" (``page_refs``), inside its batch: the
    printed N is the page the contents give that section, in every batch (not the batch's own count)."""
    folder = tmp_path / "book"
    folder.mkdir()
    for n in range(1, 7):
        body = "\n\n".join(f"{PARAGRAPH * 4} Paragraph {n}.{k}." for k in range(8))
        (folder / f"{n:02d}-chapter.md").write_text(
            f"# Chapter {n} {{#sec-c{n}}}\n\nSee @sec-end{n}.\n\n{body}\n\n## The end of {n} {{#sec-end{n}}}\n\nDone.\n",
            encoding="utf-8",
        )
    (folder / "presswork.toml").write_text(
        CONFIG + '\n[pdf]\npage_refs = true\nbatch = "on"\nbatch_size = 2\n', encoding="utf-8"
    )
    texts = facts.__wrapped__(build_pdf(folder))["texts"]
    contents = dict(contents_entries(texts))
    said = dict(re.findall(r"See (The end of \d) on page (\d+)", "\n".join(texts)))
    assert len(said) == 6
    assert said == {title: contents[title] for title in said}


# --------------------------------------------------------------------------- units


def test_batches_start_only_where_a_chapter_opens_a_page() -> None:
    assert plan_batches([True] * 5, 2) == [[0, 1], [2, 3], [4]]
    assert plan_batches([True, True, False, True, False, False], 2) == [[0, 1, 2], [3, 4, 5]]
    assert plan_batches([True], 4) == [[0]]


def test_books_that_need_one_document_are_laid_out_serially() -> None:
    assert serial_reasons("a::after { content: counter(page) }", "", "chapter") == ""
    assert "total page count" in serial_reasons("@page { @bottom-center { content: counter(pages) } }", "", "chapter")
    assert "through the book" in serial_reasons("", "", "book")
    assert "conformance metadata" in serial_reasons("", "pdf/ua-1", "chapter")
    with pytest.raises(Fallback):
        cut_book("<html><body><p>no main matter</p></body></html>", ["<p>no main matter</p>"])


def test_auto_batches_only_a_long_book_on_several_processors() -> None:
    def book(words_per_chapter: int, chapters: int = 10) -> Document:
        text = ("word " * words_per_chapter).strip()
        return Document(
            meta=Meta(title="T"),
            chapters=tuple(
                Chapter(id=f"c{i}", title=(Text("C"),), source=f"c{i}.md", blocks=(Paragraph((Text(text),)),))
                for i in range(chapters)
            ),
        )

    assert "a short book (1490 words" in auto_reason(book(149), jobs=2)
    assert auto_reason(book(1500), jobs=2) == ""
    assert "one processor" in auto_reason(book(1500), jobs=1)


def test_cut_book_keeps_every_byte() -> None:
    html = (
        '<html><head><meta name="dcterms.created" content="x"/></head><body class="book">'
        '<div class="frontmatter">F</div>\n<div class="mainmatter">\n'
        '<section class="part">P</section><section id="a">A</section><section id="b">B</section>\n</div>\n</body></html>'
    )
    pieces = cut_book(html, ['<section id="a">A</section>', '<section id="b">B</section>'])
    assert isinstance(pieces, BookPieces)
    assert pieces.head + pieces.front + pieces.main_open + "".join(pieces.chapters) + pieces.tail == html
    assert pieces.chapters[0].startswith('\n<section class="part">')
    assert "dcterms" not in pieces.batch_document([1]) and 'id="a"' not in pieces.batch_document([1])
    assert "mainmatter" not in pieces.front_document() and pieces.front_document().endswith("</body></html>")


def test_a_page_reference_into_another_batch_is_detected(tmp_path: Path) -> None:
    """``target-counter()`` to an anchor no document of the batch holds: the book falls back to serial."""
    from presswork.project.assets import AssetGate

    gate = AssetGate(tmp_path)
    html = '<html><body><div class="mainmatter"><p id="here"><a href="#there">see</a></p></div></body></html>'
    css = "a::after { content: ' on page ' target-counter(attr(href), page); }"
    job = Job(0, html, css, tmp_path.as_uri() + "/", tmp_path.as_uri() + "/", gate, externals={})
    assert Laid(job).report().missing == ["there"]
    answered = Laid(Job(0, html, css, tmp_path.as_uri() + "/", tmp_path.as_uri() + "/", gate, {"there": 7}))
    report = answered.report()
    assert report.missing == []
    result = answered.finish(Place(None, True))
    assert "see on page 7" in PdfReader(__import__("io").BytesIO(result.pdf)).pages[0].extract_text()


@pytest.mark.slow  # among the slowest of the fast tier: its fixture lays a long book out batched and serially
def test_epub_page_list_comes_from_the_cached_batches(
    screen: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    """An EPUB built without the PDF takes the print edition's page starts from the batch cache."""
    folder = screen[1].parent.parent
    saved = pagination(folder)
    for path in (folder / ".presswork-cache").glob("pagination-*.json"):
        path.unlink()
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        build(folder, formats=["epub"], out=folder / "output")
    assert "0 of 6 layouts made" in caplog.text
    assert pagination(folder) == saved


def test_cached_batches_and_page_starts_from_another_user_are_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A committed or planted .presswork-cache/ must not put pages into the book: batch PDFs, their facts and
    the page starts are signed with this user's key (presswork.cache.store)."""
    from presswork.exporters.common import pagination as pages

    monkeypatch.setenv("PRESSWORK_CACHE_DIR", str(tmp_path / "user"))
    cache = batches.BatchCache(tmp_path)
    cache.put("k", {"pages": 3}, b"%PDF-1.7 this user's batch")
    assert cache.get_json("k") == {"pages": 3} and cache.get_pdf("k") == b"%PDF-1.7 this user's batch"
    folder = tmp_path / ".presswork-cache" / "pdf-batches"
    (folder / "k.pdf").write_bytes((folder / "k.pdf").read_bytes()[:32] + b"%PDF-1.7 planted pages")
    (folder / "k.json").write_bytes(b'{"pages": 3}')  # unsigned, as a cache from elsewhere
    assert cache.get_pdf("k") is None and cache.get_json("k") is None
    cache.put("k2", {"pages": 1}, b"%PDF another")
    (folder / "k2.pdf").replace(folder / "k.pdf")  # this user's file under another key's name
    assert cache.get_pdf("k") is None
    pages.store(tmp_path, "abc", [pages.PageStart("1", "ch", 0, 0)])
    assert pages.load(tmp_path, "abc") == [pages.PageStart("1", "ch", 0, 0)]
    (tmp_path / ".presswork-cache" / "pagination-abc.json").write_text(
        '[{"folio": "9", "chapter": "ch", "block": 0, "offset": 0}]'
    )
    assert pages.load(tmp_path, "abc") is None


@pytest.mark.slow  # lays a short book out in batches, then one batch again
def test_a_rebuild_opens_the_cached_batches_while_the_edited_one_is_laid_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merge reads every batch's PDF: the cached ones are opened while the parent waits for the edited
    batch's layout, not after it, and the merge opens no PDF a second time."""
    from presswork.exporters.pdf.batches.opening import OpenedPdfs
    from presswork.exporters.pdf.batches.pool import Pool

    folder = make_book(tmp_path / "book", chapters=4, pdf='batch = "on"\nbatch_size = 1')
    build_pdf(folder)
    with (folder / "03-chapter.md").open("a", encoding="utf-8") as f:
        f.write("\nA sentence added after the first build.\n")
    events: list[str] = []
    opened: list[bytes] = []
    report, open_pdf = Pool.report, OpenedPdfs.open

    def spied_report(pool: Pool, index: int) -> Any:
        events.append(f"report {index}")
        return report(pool, index)

    def spied_open(self: OpenedPdfs, data: bytes) -> Any:
        if data not in self._pdfs:
            events.append("open")
            opened.append(data)
        return open_pdf(self, data)

    monkeypatch.setattr(Pool, "report", spied_report)
    monkeypatch.setattr(OpenedPdfs, "open", spied_open)
    build_pdf(folder)
    assert "report 2" in events, events
    # The three cached batches (0, 1 and 3) are open before the edited one's report is awaited.
    assert events[: events.index("report 2")].count("open") == 3, events
    assert len(opened) == len(set(opened)), "a PDF was opened twice"


@pytest.mark.slow  # lays a short book out in batches, then builds it twice more
def test_a_rebuild_that_changes_no_part_takes_the_merged_book_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing changed: the merged book is the cached one, written without merging (same bytes). An edit to a
    chapter merges again, and its book is the clean build's."""
    merging = importlib.import_module("presswork.exporters.pdf.batches.bookmerge")  # where the merged book is saved
    folder = make_book(tmp_path / "book", chapters=4, pdf='batch = "on"\nbatch_size = 2')
    target = build_pdf(folder)
    saved: list[Any] = []
    save_merged = merging.save_merged

    def spied(*args: Any) -> None:
        saved.append(args)
        save_merged(*args)

    monkeypatch.setattr(merging, "save_merged", spied)
    steps = check_the_merged_book_is_kept(
        folder, target, lambda: build_pdf(folder), saved, caplog, "presswork.batches", "02-chapter.md"
    )
    assert steps == 1, "an edit must merge again"


@pytest.mark.slow  # lays a short book out in batches, then again after an edit
def test_a_rebuild_whose_pages_stay_where_they_were_makes_no_furniture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The furniture is kept under its pages' stamps: with nothing changed it is taken from the cache, and its
    maker (WeasyPrint, the stylesheet) is not even started; the book is the same. An edit that moves pages makes
    it again, and its book is a clean build's."""
    from presswork.exporters.pdf.batches.furniture import Furnisher

    folder = make_book(tmp_path / "book", chapters=4, pdf='batch = "on"\nbatch_size = 2')
    first = build_pdf(folder).read_bytes()
    makers: list[int] = []
    init = Furnisher.__init__

    def counted(self: Furnisher, *args: Any) -> None:
        makers.append(1)
        init(self, *args)

    monkeypatch.setattr(Furnisher, "__init__", counted)
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        again = build_pdf(folder).read_bytes()
    assert not makers, "the furniture's maker was started with nothing changed"
    assert "PDF furniture: " in caplog.text and "from the cache" in caplog.text
    assert again == first
    with (folder / "02-chapter.md").open("a", encoding="utf-8") as f:
        f.write("\n" + "\n\n".join(f"Paragraph {n} added after the first build. " * 12 for n in range(12)) + "\n")
    edited = build_pdf(folder)
    assert makers == [1], "pages moved: the furniture is made again"
    assert len(PdfReader(edited).pages) > len(PdfReader(io.BytesIO(first)).pages), "the edit did not add pages"
    edited_bytes = edited.read_bytes()
    shutil.rmtree(folder / ".presswork-cache")
    assert edited_bytes == build_pdf(folder).read_bytes()


@pytest.mark.slow  # lays a short book out in batches for an EPUB's page list
def test_a_layout_for_the_page_list_alone_opens_no_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An EPUB built alone lays the print edition out for its page list: nothing is merged, so no batch's
    PDF is opened ahead of a merge."""
    from presswork.exporters.pdf.batches.opening import OpenedPdfs

    folder = make_book(tmp_path / "book", chapters=4, pdf='batch = "on"\nbatch_size = 1')
    opened: list[bytes] = []
    open_pdf = OpenedPdfs.open

    def spied(self: OpenedPdfs, data: bytes) -> Any:
        opened.append(data)
        return open_pdf(self, data)

    monkeypatch.setattr(OpenedPdfs, "open", spied)
    result = build(folder, formats=["epub"], out=folder / "output")
    assert result.outputs["epub"].is_file()
    assert not opened
    build_pdf(folder)  # the PDF merges the same batches, from the cache
    assert len(opened) >= 4
