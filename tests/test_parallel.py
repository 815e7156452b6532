"""--jobs: formats written side by side in worker processes give the same bytes, warnings and errors."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from presswork.build.pipeline import build
from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.exporters.epub import EpubExporter
from tests.support.outputs import assert_same_files


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.slow
def test_parallel_build_is_byte_identical_to_sequential(features_book: Path, tmp_path: Path) -> None:
    build(features_book, out=tmp_path / "one", jobs=1)
    build(features_book, out=tmp_path / "two", jobs=2)
    assert len(digests(tmp_path / "two")) == 3
    assert_same_files(tmp_path / "one", tmp_path / "two")


def test_warnings_from_workers_reach_the_build(make_book) -> None:
    """A character no font has is reported by the PDF exporter, running in a worker."""
    book = make_book({"01-a.md": "# A\n\nA private-use character \ue000 here.\n"})
    result = build(book, formats=["pdf", "epub"], jobs=2)
    glyphs = [w for w in result.reporter.warnings if "U+E000" in w.message]
    assert glyphs and str(glyphs[0].pos).startswith("01-a.md")
    assert sorted(result.outputs) == ["epub", "pdf"]


def test_a_failing_worker_is_a_clean_error_and_leaves_outputs_intact(make_book, monkeypatch) -> None:
    book = make_book({"01-a.md": "# A\n\ntext\n"})
    first = build(book, formats=["pdf", "epub"])
    before = digests(first.outputs["pdf"].parent)

    def broken(self, doc, ctx, target: Path) -> None:
        target.write_bytes(b"half an EPUB")
        raise PressworkError("the EPUB broke", Pos("01-a.md", 3))

    monkeypatch.setattr(EpubExporter, "export", broken)
    with pytest.raises(PressworkError) as err:
        build(book, formats=["pdf", "epub"], jobs=2)
    assert str(err.value) == "01-a.md:3: the EPUB broke"
    assert digests(first.outputs["pdf"].parent) == before


def test_a_parallel_pdf_and_epub_lay_the_print_edition_out_once(make_book, monkeypatch, tmp_path: Path) -> None:
    """The EPUB's page list waits for the PDF worker's layout instead of racing it to the lock."""
    import presswork.exporters.pdf as pdf_exporter
    from presswork.exporters.pdf import document

    calls = tmp_path / "layouts.txt"
    render = document.render

    def counted(*args, **kwargs):
        with calls.open("a") as f:  # the workers are forked processes: count in a file
            f.write("layout\n")
        return render(*args, **kwargs)

    monkeypatch.setattr(document, "render", counted)
    monkeypatch.setattr(pdf_exporter, "render", counted)
    book = make_book({"01-a.md": "# A\n\n" + "Some words here. " * 200 + "\n"})
    result = build(book, formats=["epub", "pdf"], jobs=2)  # the EPUB is named first: the PDF still starts first
    assert sorted(result.outputs) == ["epub", "pdf"]
    assert calls.read_text().count("layout") == 1
    from presswork.exporters.common import pagination

    assert pagination._announced is None and pagination._producer is None  # nothing announced after the build


def test_workers_start_in_the_order_given(tmp_path: Path) -> None:
    """The build passes the PDF, then formats that do not wait for its layout, then the EPUB."""
    from presswork.build.parallel import run_parallel
    from presswork.core.diagnostics import Reporter

    log = tmp_path / "started"

    def task(name: str) -> Callable[[], None]:
        def run() -> None:
            with log.open("a", encoding="utf-8") as f:
                f.write(name + "\n")

        return run

    tasks = {name: task(name) for name in ("pdf", "epub", "pptx", "html")}
    run_parallel(tasks, Reporter(), 1, ["pdf", "pptx", "html", "epub"])
    assert log.read_text(encoding="utf-8").split() == ["pdf", "pptx", "html", "epub"]


def test_the_print_layout_is_shared_by_capability_not_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The format started first and announced as the print layout's maker is the one whose exporter
    declares ``makes_print_layout``, whatever it is called (a plug-in PDF engine, say)."""
    from presswork.build.sharing import share_print_layout
    from presswork.exporters.base import Exporter, NoOptions
    from presswork.exporters.common import pagination

    class Press(Exporter[NoOptions]):
        makes_print_layout = True

        def export(self, doc: Any, ctx: Any, target: Path) -> None: ...

    class Other(Exporter[NoOptions]):
        def export(self, doc: Any, ctx: Any, target: Path) -> None: ...

    events: list[str] = []
    monkeypatch.setattr(pagination, "expect_layout", lambda root: events.append("announced"))
    monkeypatch.setattr(pagination, "producing", lambda: events.append("producing"))
    monkeypatch.setattr(pagination, "layout_done", lambda: events.append("done"))
    tasks = {"other": lambda: events.append("other"), "press": lambda: events.append("press")}
    assert share_print_layout(tasks, {"other": Other, "press": Press}, tmp_path) == ("press",)
    tasks["press"]()
    assert events == ["announced", "producing", "press", "done"]
    assert share_print_layout({"other": tasks["other"]}, {"other": Other}, tmp_path) == ()


def test_a_process_that_ran_typst_writes_its_formats_without_forking(tmp_path: Path) -> None:
    """Typst's thread pool does not survive a fork: a long-lived process (a test run, watch) that has
    compiled Typst once and then forked a format that compiles Typst waited forever. Run in a fresh
    interpreter, with a timeout, so that a regression fails instead of hanging the suite."""
    import subprocess
    import sys

    book = tmp_path / "book"
    book.mkdir()
    (book / "01-a.md").write_text("# One\n\nText one.\n", encoding="utf-8")
    (book / "02-b.md").write_text("# Two\n\nText two.\n", encoding="utf-8")
    (book / "presswork.toml").write_text('title = "T"\n[pdf]\nengine = "typst"\n', encoding="utf-8")
    script = (
        "import sys\nfrom pathlib import Path\nfrom presswork.build.pipeline import build\n"
        "from presswork.build.parallel import can_run_in_parallel\n"
        "book = Path(sys.argv[1])\nassert can_run_in_parallel()\n"
        "build(book, formats=['pdf'], out=book / 'a', jobs=1)\nassert not can_run_in_parallel()\n"
        "assert can_run_in_parallel(compiles_typst=False)\n"  # a WeasyPrint book still forks its formats
        "(book / '01-a.md').write_text('# One\\n\\nText one, edited.\\n')\n"
        "print(sorted(build(book, formats=['pdf', 'epub'], out=book / 'b', jobs=2).outputs))\n"
    )
    try:
        run = subprocess.run(
            [sys.executable, "-c", script, str(book)], capture_output=True, text=True, timeout=120, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the second build waited forever in a forked worker")
    assert run.returncode == 0 and run.stdout.strip() == "['epub', 'pdf']", run.stderr[-400:]
    [pdf] = (book / "b").glob("*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_the_epub_beside_the_pdf_does_not_write_the_print_html_again(make_book, monkeypatch, tmp_path: Path) -> None:
    """The PDF worker tells the EPUB worker its layout's key: the book's print HTML is written once per build,
    and the EPUB's page list is the one it gets when it writes the HTML itself."""
    from presswork.exporters import pdf as pdf_exporter
    from presswork.exporters.pdf import document

    calls = tmp_path / "sources.txt"
    print_source = document.print_source

    def counted(*args: Any, **kwargs: Any) -> Any:
        with calls.open("a") as f:  # the workers are forked processes: count in a file
            f.write("source\n")
        return print_source(*args, **kwargs)

    monkeypatch.setattr(document, "print_source", counted)
    monkeypatch.setattr(pdf_exporter, "print_source", counted)
    book = make_book({"01-a.md": "# A\n\n" + "Some words here. " * 400 + "\n", "02-b.md": "# B\n\nMore.\n"})
    result = build(book, formats=["pdf", "epub"], jobs=2)
    assert calls.read_text().count("source") == 1
    shared = _page_list(result.outputs["epub"])
    calls.unlink()
    alone = build(book, formats=["epub"], out=tmp_path / "alone")  # no PDF beside it: it writes the HTML itself
    assert calls.read_text().count("source") == 1
    assert len(shared) > 2 and shared == _page_list(alone.outputs["epub"])


def test_the_epub_beside_the_typst_pdf_does_not_write_the_typst_source_again(make_book, tmp_path: Path) -> None:
    """With the Typst engine too, the PDF worker tells the EPUB worker its layout's key: the EPUB takes the PDF's
    page list instead of writing the book's Typst source again, and it is the one it gets when built alone. (In a
    fresh interpreter: a test process that ran Typst writes its formats one after another, see above.)"""
    import subprocess
    import sys

    book = make_book(
        {
            "01-a.md": "# A\n\n" + "Some words here. " * 400 + "\n",
            "02-b.md": "# B\n\nMore.\n",
            "presswork.toml": 'title = "T"\n[pdf]\nengine = "typst"\n',
        }
    )
    command = [sys.executable, "-m", "presswork", "build", str(book), "-v"]
    side = subprocess.run([*command, "-f", "pdf,epub", "-j", "2"], capture_output=True, text=True, timeout=120)
    assert side.returncode == 0, side.stderr[-400:]
    assert "the PDF worker's Typst layout of the same source" in side.stderr + side.stdout
    shared = _page_list(next((book / "output").glob("*.epub")))
    alone = subprocess.run(
        [*command, "-f", "epub", "-o", str(tmp_path / "alone")], capture_output=True, text=True, timeout=120
    )
    assert alone.returncode == 0, alone.stderr[-400:]
    assert len(shared) > 2 and shared == _page_list(next((tmp_path / "alone").glob("*.epub")))


def test_a_worker_is_told_the_layout_key_only_for_the_same_print_source(tmp_path: Path) -> None:
    """What the producing worker tells reaches a sibling forked after the announcement, and only for the
    identity it was told with."""
    import multiprocessing

    from presswork.exporters.common import pagination

    context = multiprocessing.get_context("fork")
    pagination.expect_layout(tmp_path)
    try:
        got = context.Queue()

        def producer() -> None:
            pagination.producing()
            pagination.tell_source("same", "KEY")
            pagination.layout_done()

        def reader() -> None:
            got.put((pagination.told_source(tmp_path, "same"), pagination.told_source(tmp_path, "other")))

        first = context.Process(target=producer)
        first.start()
        first.join(30)
        second = context.Process(target=reader)
        second.start()
        assert got.get(timeout=30) == ("KEY", None)
        second.join(30)
    finally:
        pagination.forget_layout()
    assert pagination.told_source(tmp_path, "same") is None  # nothing announced any more


def _page_list(epub: Path) -> list[str]:
    """The page-list entries of an EPUB's navigation document."""
    import re
    import zipfile

    with zipfile.ZipFile(epub) as z:
        nav = next(z.read(n).decode() for n in z.namelist() if n.endswith("nav.xhtml"))
    page_list = nav[nav.index('epub:type="page-list"') :]
    return re.findall(r'href="([^"]+)"', page_list)
