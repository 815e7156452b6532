"""The Typst engine's batched layout: read back, it is the whole-book compile; a page-count edit rebuilds one batch, byte for byte a clean build."""

from __future__ import annotations

import collections
import gc
import shutil
import subprocess
import weakref
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest

import presswork.exporters.pdf.typst as typst_engine
from presswork.commands.cli import main
from tests.support.merged import check_the_merged_book_is_kept

REPO = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]

FILLER = (
    "This paragraph is filler that takes room on the page, so that every chapter runs over a few pages "
    "and a change of its length moves the pages of the chapters after it. "
) * 4

LISTING = "```python\n" + "\n".join(f"value_{n} = compute({n})  # line {n}" for n in range(60)) + "\n```\n"


def chapter(n: int, paragraphs: int) -> str:
    """Chapter ``n``: sections, filler, a long listing, and links into other chapters (other batches)."""
    links = (
        f"See [the third chapter's section](#gamma-{n % 3}) and [the marked words](#marked-{(n + 2) % 6}) "
        f"and [a section here](#alpha-{n}).\n\n"
    )
    body = "\n\n".join(f"Paragraph {k}. {FILLER}" for k in range(paragraphs))
    return (
        f"# Chapter {n}\n\n{links}## Alpha {n} {{#alpha-{n}}}\n\n{body}\n\n"
        f'Here are <span id="marked-{n}">marked words {n}</span> to link to.\n\n## Gamma {n} {{#gamma-{n}}}\n\n'
        f"{LISTING}\n{body}\n"
    )


def make_book(folder: Path, options: str = "") -> Path:
    """Six chapters in three batches of two."""
    folder.mkdir(parents=True)
    for n in range(6):
        (folder / f"{n + 1:02d}.md").write_text(chapter(n, 3), encoding="utf-8")
    (folder / "presswork.toml").write_text(
        'title = "Batches"\nlanguage = "en"\ndate = "2025-01-02"\n'
        f'[pdf]\nengine = "typst"\nbatch = "on"\nbatch_size = 2\n{options}',
        encoding="utf-8",
    )
    return folder


def build(folder: Path, formats: str = "pdf") -> Path:
    # -j1: formats one after another in this process (a format forked from a test process that has run
    # Typst's thread pool could wait forever on it); the batches still compile in their own workers
    assert main(["build", str(folder), "-f", formats, "-q", "-j1"]) == 0, f"the build of {folder.name} failed"
    return folder / "output" / "batches.pdf"


def set_batch(folder: Path, value: str) -> None:
    config = folder / "presswork.toml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines() if not line.startswith("batch =")]
    config.write_text("\n".join(lines).replace("[pdf]", f'[pdf]\nbatch = "{value}"') + "\n", encoding="utf-8")


def batches_cached(folder: Path) -> set[str]:
    cache = folder / ".presswork-cache" / "typst-batches"
    return {p.name for p in cache.glob("*.pdf")} if cache.is_dir() else set()


def read_back(pdf_path: Path) -> dict[str, Any]:
    """What a reader gets from the PDF: text per page, page labels, outline, named destinations, link
    targets (page and height), structure element kinds."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True)
    with pikepdf.open(pdf_path) as pdf:
        page_of = {page.objgen: n for n, page in enumerate(pdf.pages)}
        nums = pdf.Root.PageLabels.Nums
        labels = [
            (int(nums[i]), str(nums[i + 1].get("/S", "")), int(nums[i + 1].get("/St", 1)))
            for i in range(0, len(nums), 2)
        ]

        def outline(items: Any, depth: int = 0) -> list[Any]:
            out: list[Any] = []
            for item in items:
                dest = item.destination
                out.append((depth, item.title, page_of[dest[0].objgen], round(float(dest[3]))))
                out += outline(item.children, depth + 1)
            return out

        with pdf.open_outline() as tree:
            bookmarks = outline(tree.root)
        flat = pdf.Root.Names.Dests.Names
        names = {
            str(flat[i]): (page_of[flat[i + 1][0].objgen], round(float(flat[i + 1][3]))) for i in range(0, len(flat), 2)
        }
        links = []
        for n, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                dest = annot.get("/Dest")
                if isinstance(dest, pikepdf.Array):
                    links.append((n, page_of[dest[0].objgen], round(float(dest[3])), str(annot.get("/Contents"))))
                elif dest is not None:
                    links.append((n, *names[str(dest)], str(annot.get("/Contents"))))
                else:
                    links.append((n, str(annot.A.URI)))
        kinds: collections.Counter[str] = collections.Counter()
        stack = [pdf.Root.StructTreeRoot.K]
        while stack:
            element = stack.pop()
            if isinstance(element, pikepdf.Array):
                stack.extend(element)
            elif isinstance(element, pikepdf.Dictionary) and "/S" in element:
                kinds[str(element.S)] += 1
                if "/K" in element:
                    stack.append(element.K)
        marked = "/MarkInfo" in pdf.Root and bool(pdf.Root.MarkInfo.get("/Marked"))
    return {
        "text": text.stdout.split("\f"),
        "labels": labels,
        "outline": bookmarks,
        "names": names,
        "links": links,
        "structure": dict(kinds),
        "tagged": marked,
    }


def page_list(epub: Path) -> list[str]:
    """The EPUB's page list: each entry's label and target."""
    with zipfile.ZipFile(epub) as z:
        nav = next(z.read(n).decode() for n in z.namelist() if n.endswith("nav.xhtml"))
    part = nav.split('epub:type="page-list"', 1)[1].split("</nav>", 1)[0]
    return [line.strip() for line in part.splitlines() if "<a " in line]


def assert_reads_as_whole(folder: Path, batches: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Build ``folder`` (PDF and EPUB) in batches and whole, and compare what a reader gets; then the EPUB
    alone, whose page list comes from the batches, not from a whole compile."""
    build(folder, "pdf,epub")
    assert len(batches_cached(folder)) == batches, f"the book was not laid out in {batches} batches"
    pdf, epub = next((folder / "output").glob("*.pdf")), next((folder / "output").glob("*.epub"))
    batched, batched_pages = read_back(pdf), page_list(epub)
    set_batch(folder, "off")
    build(folder, "pdf,epub")
    whole = read_back(pdf)
    assert batched["tagged"] and whole["tagged"], "the PDF is not tagged"
    assert len(batched["text"]) == len(whole["text"]), "the batched book has another page count"
    for n, (a, b) in enumerate(zip(batched["text"], whole["text"], strict=True)):
        assert a == b, f"page {n + 1} reads differently batched:\n{a[:300]}\n--- whole:\n{b[:300]}"
    for key in ("labels", "outline", "names", "links", "structure"):
        assert batched[key] == whole[key], f"the batched book's {key} differ from the whole book's"
    assert batched_pages == page_list(epub), "the EPUB's page list differs"
    assert batched_pages, "the EPUB has no page list"
    set_batch(folder, "on")
    epub.unlink()
    for cached in (folder / ".presswork-cache").glob("pagination-*.json"):
        cached.unlink()

    def whole_compile(*args: object, **kwargs: object) -> None:
        raise AssertionError("the EPUB's page list was laid out by a whole compile")

    monkeypatch.setattr(typst_engine, "TypstBook", whole_compile)
    build(folder, "epub")  # alone: its page list from the batches (cached), not from a whole compile
    assert page_list(epub) == batched_pages, "the EPUB alone has another page list"


@pytest.mark.parametrize("two_sided", [False, True], ids=["one-sided", "print"])
def test_batched_book_reads_back_as_the_whole_book(
    tmp_path: Path, two_sided: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_book(tmp_path / "book", "print = true\n" if two_sided else "")
    assert_reads_as_whole(folder, 3, monkeypatch)
    links = read_back(folder / "output" / "batches.pdf")["links"]
    assert any(isinstance(link[1], int) and link[1] != link[0] for link in links), "no link was read"


def test_parts_in_print_read_back_as_the_whole_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "mdbook"
    shutil.copytree(REPO / "tests" / "books" / "mdbook-mini", folder, ignore=shutil.ignore_patterns("output"))
    (folder / "presswork.toml").write_text('[pdf]\nengine = "typst"\nbatch = "on"\nbatch_size = 1\nprint = true\n')
    assert_reads_as_whole(folder, 4, monkeypatch)  # a part's title page has no head or folio, batched or not


def test_page_count_edit_rebuilds_one_batch_byte_for_byte(tmp_path: Path) -> None:
    folder = make_book(tmp_path / "book")
    before = build(folder).read_bytes()
    cached = batches_cached(folder)
    pages = len(pikepdf.open(folder / "output" / "batches.pdf").pages)
    edited = folder / "03.md"
    edited.write_text(chapter(2, 9), encoding="utf-8")  # the second batch's first chapter grows by pages
    rebuilt = build(folder).read_bytes()
    assert rebuilt != before
    assert len(pikepdf.open(folder / "output" / "batches.pdf").pages) > pages, "the edit did not add pages"
    assert len(batches_cached(folder) - cached) == 1, "more than the edited batch was laid out again"
    shutil.rmtree(folder / ".presswork-cache")
    assert build(folder).read_bytes() == rebuilt, "the rebuilt PDF differs from a clean build of the edited book"


def test_on_page_references_compile_the_whole_book(tmp_path: Path) -> None:
    folder = make_book(tmp_path / "book", "page_refs = true\n")
    (folder / "01.md").write_text(chapter(0, 2) + "\nAs @sec-gamma-4 shows.\n", encoding="utf-8")
    (folder / "05.md").write_text(chapter(4, 2).replace("{#gamma-4}", "{#sec-gamma-4}"), encoding="utf-8")
    text = subprocess.run(["pdftotext", str(build(folder)), "-"], capture_output=True, text=True, check=True).stdout
    assert " on page " in text, "the cross-reference has no page number"
    assert not batches_cached(folder), "a book with ' on page N' was laid out in batches"


def test_a_theme_template_without_batch_functions_compiles_the_whole_book(tmp_path: Path) -> None:
    folder = make_book(tmp_path / "book")
    theme = folder / "themes" / "older"
    (theme / "typst").mkdir(parents=True)
    (theme / "theme.toml").write_text('name = "older"\nextends = "default"\n', encoding="utf-8")
    template = (REPO / "themes" / "default" / "typst" / "book.typ").read_text(encoding="utf-8")
    assert "#let pw-batch-facts(" in template
    (theme / "typst" / "book.typ").write_text(
        template.replace("#let pw-batch-facts(", "#let pw-older("), encoding="utf-8"
    )
    config = folder / "presswork.toml"
    config.write_text('theme = "older"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    text = subprocess.run(["pdftotext", str(build(folder)), "-"], capture_output=True, text=True, check=True).stdout
    assert "Paragraph 2." in text and "Chapter 5" in text, "the book's text is missing"
    assert not batches_cached(folder), "a template without the batch functions was used for batches"


def test_clean_build_starts_its_workers_while_the_source_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presswork.exporters.pdf.typst import batchlayout, batchpool

    events: list[str] = []
    workers: list[batchpool.Worker] = []

    class Spy(batchpool.Worker):
        def __init__(self) -> None:
            events.append("worker")
            super().__init__()
            workers.append(self)

    real_source = typst_engine.typst_source

    def source(*args: Any, **kwargs: Any) -> Any:
        events.append("source")
        return real_source(*args, **kwargs)

    monkeypatch.setattr(batchpool, "Worker", Spy)
    monkeypatch.setattr(typst_engine, "typst_source", source)
    monkeypatch.setattr(batchlayout, "_jobs", lambda: 2)
    folder = make_book(tmp_path / "book")
    build(folder)
    # two workers before the source; once they have compiled every batch they end (they hold what they
    # laid out), and a fresh one sets the skeleton
    assert events == ["worker", "worker", "source", "worker"], f"clean build: workers and source in the order {events}"
    assert all(w.process.poll() is not None for w in workers), "a batch worker outlived the build"
    events.clear()
    (folder / "03.md").write_text(chapter(2, 4), encoding="utf-8")
    build(folder)  # one batch, then the skeleton, in one worker started before the source is written
    assert events == ["worker", "source"], f"a rebuild from the cache: workers and source in the order {events}"
    assert all(w.process.poll() is not None for w in workers), "the rebuild's worker outlived the build"
    whole = make_book(tmp_path / "whole", "page_refs = true\n")
    (whole / "01.md").write_text(chapter(0, 2) + "\nAs @sec-gamma-4 shows.\n", encoding="utf-8")
    (whole / "05.md").write_text(chapter(4, 2).replace("{#gamma-4}", "{#sec-gamma-4}"), encoding="utf-8")
    events.clear()
    build(whole)
    assert not batches_cached(whole), "a book with ' on page N' was laid out in batches"
    assert events[0] == "worker", f"the whole book's build started no worker first: {events}"
    assert all(w.process.poll() is not None for w in workers), "an untaken worker outlived the whole compile"


def test_a_batched_build_compiles_nothing_in_its_own_process(tmp_path: Path) -> None:
    """Batches and the skeleton compile in workers, clean and after an edit: the building process never
    starts Typst's threads, so it can still fork the formats that come after (a fork of a process that ran
    Typst can hang). Run in a fresh interpreter: this test process may have run Typst already."""
    import sys

    folder = make_book(tmp_path / "book")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from presswork.commands.cli import main\n"
        "from presswork.compat.typst import threads_started\n"
        "book = Path(sys.argv[1])\n"
        "assert main(['build', str(book), '-f', 'pdf', '-q', '-j1']) == 0\n"
        "(book / '03.md').write_text((book / '03.md').read_text() + '\\n\\nOne more sentence.\\n')\n"
        "assert main(['build', str(book), '-f', 'pdf', '-q', '-j1']) == 0\n"
        "print('typst in this process:', threads_started())\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(folder)], capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, f"the builds failed: {run.stderr[-800:]}"
    assert len(batches_cached(folder)) == 3, "the book was not laid out in batches"
    assert "typst in this process: False" in run.stdout, f"the building process compiled Typst: {run.stdout!r}"


def test_a_rebuild_that_changes_no_part_takes_the_merged_book_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing changed: the book is the one the last build merged, written without merging (same bytes, even with
    the output damaged by hand). An edit merges again, and its book is the clean build's."""
    from presswork.exporters.pdf.typst.batchmerge import BodyMerge

    folder = make_book(tmp_path / "book")
    target = build(folder)
    merged: list[int] = []
    finish, add = BodyMerge.finish, BodyMerge.add

    def finished(self: BodyMerge, *args: Any) -> int:
        merged.append(1)
        return finish(self, *args)

    def added(self: BodyMerge, *args: Any) -> None:
        merged.append(0)
        add(self, *args)

    monkeypatch.setattr(BodyMerge, "finish", finished)
    monkeypatch.setattr(BodyMerge, "add", added)
    steps = check_the_merged_book_is_kept(
        folder, target, lambda: build(folder), merged, caplog, "presswork.typst", "03.md"
    )
    assert steps == 4, "an edit merges every batch again (three added, then finished)"


def test_the_page_starts_are_stored_before_the_batches_are_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An EPUB worker waiting for the layout's page list goes on while the PDF's batches are merged: the page
    starts (the same as after the merge) are stored, and the waiting workers released, first."""
    from presswork.exporters.pdf.typst.batchmerge import BodyMerge

    folder = make_book(tmp_path / "book")
    events: list[str] = []
    store, finish = typst_engine.store, BodyMerge.finish

    def stored(*args: Any) -> None:
        events.append("stored")
        store(*args)

    def finished(self: BodyMerge, *args: Any) -> int:
        events.append("merged")
        return finish(self, *args)

    monkeypatch.setattr(typst_engine, "store", stored)
    monkeypatch.setattr(BodyMerge, "finish", finished)
    merges: list[weakref.ref[BodyMerge]] = []
    monkeypatch.setattr(
        BodyMerge, "finish", lambda self, *args: (merges.append(weakref.ref(self)), finished(self, *args))[1]
    )
    build(folder)
    assert events == ["stored", "merged"]  # (that they are a merged book's starts: test_batched_book_reads_back...)
    gc.collect()
    assert merges[0]() is not None, "the merge's qpdf objects were freed on the way out of the build"
    build(folder, "epub")  # the next build lets them go
    gc.collect()
    assert merges[0]() is None


@pytest.mark.parametrize(("skeleton_pages", "batch_pages"), [(3, 2), (6, 4)], ids=["no-front", "overflow"])
def test_page_starts_told_before_the_merge_are_refused_when_the_merge_would_refuse_the_pages(
    skeleton_pages: int, batch_pages: int
) -> None:
    """The page starts are stored before the merge (for a waiting EPUB): when the skeleton and the batches do not
    fit as the merge needs, they are refused as the merge would refuse them, and the book is compiled whole."""
    import io

    from presswork.core.tree import Document, Meta
    from presswork.exporters.pdf.typst.batches import Fallback, LaidBatch
    from presswork.exporters.pdf.typst.batchlayout import BatchedBook

    skeleton = pikepdf.Pdf.new()
    for _ in range(skeleton_pages):
        skeleton.add_blank_page()
    out = io.BytesIO()
    skeleton.save(out)
    laid = [LaidBatch(b"", 2, [], {}, []), LaidBatch(b"", batch_pages, [], {}, [])]
    book = BatchedBook(lambda: out.getvalue(), laid, [0, 2], 5)
    with pytest.raises(Fallback):
        book.page_starts(Document(Meta(title="T"), []), 0.0, 800.0)
