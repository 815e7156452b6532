"""Tagged PDF by default: the structure tree read back with pikepdf, serial and batched, and the switch that turns it off."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from presswork.build.pipeline import build
from tests.exporters.pdf.tagged import check_tagged

CONFIG = 'title = "Tagged Book"\nauthors = ["A. Writer"]\nlanguage = "en"\ndate = "2025-03-04"\noutput_name = "book"\n'


def chapter(n: int) -> str:
    return f"""# Chapter {n}

Some text with a note.[^a{n}] And a [link to the site](https://example.org/{n}).

[^a{n}]: The note of chapter {n}.

## Lists {n}

- one item
- two item
  - nested item

1. first
2. second

## Table {n}

| Name | Value |
|------|-------|
| a{n} | 1     |
| b    | 2     |

![A blue box number {n}](pic.png "The caption {n}")

### Deeper {n}

Text again.
"""


def make_book(folder: Path, pdf: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (300, 200), (30, 90, 160)).save(folder / "pic.png")
    for n in range(1, 4):
        (folder / f"{n:02d}-ch.md").write_text(chapter(n), encoding="utf-8")
    (folder / "presswork.toml").write_text(f"{CONFIG}\n[pdf]\n{pdf}\n", encoding="utf-8")
    return folder


def build_pdf(folder: Path) -> Path:
    result = build(folder, formats=["pdf"], out=folder / "output")
    return Path(result.outputs["pdf"])


@pytest.fixture(scope="module")
def batched(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The book laid out in three chapter batches and a front matter, merged (and the batching log)."""
    folder = make_book(tmp_path_factory.mktemp("batched"), 'batch = "on"\nbatch_size = 1')
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("presswork.batches")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.INFO)
    try:
        pdf = build_pdf(folder)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    return pdf, "\n".join(records)


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_pdf(make_book(tmp_path_factory.mktemp("serial"), 'batch = "off"'))


def pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def assert_accessible(path: Path) -> None:
    assert "Tagged:          yes" in pdfinfo(path)
    report = check_tagged(path)
    assert report.problems == []
    roles = report.roles
    assert roles["H1"] >= 3 and roles["H2"] >= 6 and roles["H3"] == 3  # headings H1-H6 (title page and contents too)
    assert (
        roles["L"] >= 9 and roles["LI"] >= 12 and roles["LI"] == roles["LBody"] and roles["Lbl"] >= 15
    )  # lists: every item has a body
    assert roles["Table"] == 3 and roles["TH"] == 6 and report.scopes == {"Column": 6}  # header cells with a scope
    assert roles["Caption"] >= 3
    assert {f"A blue box number {n}" for n in (1, 2, 3)} <= set(report.alts)  # figures with their alt text
    assert roles["Link"] >= 9  # links, footnote calls among them
    assert report.artifacts > 0  # running heads and folios are artifacts (no text is left untagged)
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Title) == "Tagged Book"


@pytest.mark.slow  # lays a book out in four batches
def test_a_batched_book_has_one_valid_structure_tree(batched: tuple[Path, str]) -> None:
    pdf, log = batched
    assert "PDF in batches" in log  # merged from batches, not laid out serially
    assert_accessible(pdf)


@pytest.mark.slow  # lays a book out twice (serially and in batches)
def test_the_batched_tree_has_the_serial_tree_roles(batched: tuple[Path, str], serial: Path) -> None:
    assert_accessible(serial)
    assert check_tagged(batched[0]).roles == check_tagged(serial).roles


@pytest.mark.slow  # lays a book out in four batches
def test_the_batched_book_passes_the_pdfua_subset(batched: tuple[Path, str]) -> None:
    pdfua = pytest.importorskip("pdfua")
    report = pdfua.validate(str(batched[0]))
    errors = [f for f in report.findings if f.severity == pdfua.Severity.ERROR]
    warnings = sorted({f.rule_id for f in report.findings if f.severity == pdfua.Severity.WARNING})
    assert errors == []
    assert warnings == ["UA-28-004"]  # no XMP claim of PDF/UA conformance: only pdf_variant = "pdf/ua-1" makes one


def test_tagged_false_writes_an_untagged_pdf(tmp_path: Path) -> None:
    folder = make_book(tmp_path / "book", "tagged = false")
    for n in (2, 3):
        (folder / f"{n:02d}-ch.md").unlink()
    pdf = build_pdf(folder)
    assert "Tagged:          no" in pdfinfo(pdf)
    with pikepdf.open(pdf) as doc:
        assert "/StructTreeRoot" not in doc.Root


def test_an_overlay_stamped_as_artifact_leaves_the_tree_valid(serial: Path, tmp_path: Path) -> None:
    """The helper for content stamped on finished pages (folios drawn later): no untagged text."""
    from presswork.exporters.pdf.artifacts import add_artifact_overlay

    stamp = pikepdf.new()
    stamp.add_blank_page(page_size=(595, 842))
    font = stamp.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    stamp.pages[0].obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    stamp.pages[0].obj.Contents = stamp.make_stream(b"BT /F1 9 Tf 280 20 Td (Page 7) Tj ET")
    target = tmp_path / "stamped.pdf"
    with pikepdf.open(serial) as pdf:
        for page in pdf.pages:
            add_artifact_overlay(page, stamp.pages[0], subtype="Footer")
        pdf.save(target)
    report = check_tagged(target)
    assert report.problems == []
    assert report.artifacts >= check_tagged(serial).artifacts + len(pikepdf.open(target).pages)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "Page 7" in text  # drawn, only marked as furniture


def test_artifact_content_is_balanced_marked_content() -> None:
    from presswork.exporters.pdf.artifacts import artifact_content

    wrapped = artifact_content(b"BT (7) Tj ET\n", "Footer")
    assert wrapped.startswith(b"/Artifact << /Type /Pagination /Subtype /Footer >> BDC\nq\n")
    assert wrapped.endswith(b"\nQ\nEMC\n")


CORPUS = Path(os.environ.get("PRESSWORK_CORPUS", "/work/corpus"))


@pytest.mark.realbooks
@pytest.mark.slow
@pytest.mark.parametrize("name", ["nomicon", "book"])  # rust-lang/nomicon, rust-lang/book: batched (long books)
def test_real_books_are_tagged_with_a_valid_tree(name: str, tmp_path: Path) -> None:
    if not (CORPUS / name / "book.toml").is_file():
        pytest.skip(f"{CORPUS / name} not present")
    copy = tmp_path / name
    shutil.copytree(CORPUS / name, copy, ignore=shutil.ignore_patterns(".git", "output", ".presswork-cache"))
    pdf = build_pdf(copy)
    assert "Tagged:          yes" in pdfinfo(pdf)
    report = check_tagged(pdf)
    assert report.problems == []
    assert report.roles["H1"] > 40 and report.roles["Link"] > 100 and report.roles["TH"] > 0
    pdfua = pytest.importorskip("pdfua")
    errors = [f.rule_id for f in pdfua.validate(str(pdf)).findings if f.severity == pdfua.Severity.ERROR]
    # rust-lang/book: "$HOME/.cargo/bin ... $PATH" is read as inline math, whose SVG has no <title>: a Figure without /Alt.
    assert errors == ([] if name == "nomicon" else ["UA-13-004"])
