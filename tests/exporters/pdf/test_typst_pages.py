"""The Typst engine's page numbers asked of its own layout: the index in one compile, read back from the PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from presswork.commands.cli import main
from presswork.compat import typst as typst_compat

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

FILLER = (
    "Every paragraph here is filler that takes room on the page, so that the marks below land on "
    "pages far apart and the index has ranges, single pages and repeated pages to print. "
) * 3


def index_book(folder: Path) -> Path:
    """A book whose index term "quokka" is marked on pages far apart, twice on one page, on neighbours."""
    folder.mkdir()
    paragraphs = []
    for n in range(1, 90):
        mark = ' [Quokkamark]{.idx term="quokka"}' if n in (1, 2, 30, 34, 38, 80) else ""
        other = ' [Wombatmark]{.idx term="wombat"}' if n == 45 else ""
        paragraphs.append(f"Paragraph {n}.{mark}{other} {FILLER}")
    (folder / "one.md").write_text("# One\n\n" + "\n\n".join(paragraphs[:50]) + "\n", encoding="utf-8")
    (folder / "two.md").write_text("# Two\n\n" + "\n\n".join(paragraphs[50:]) + "\n", encoding="utf-8")
    (folder / "presswork.toml").write_text(
        'title = "Index"\nlanguage = "en"\n[pdf]\nengine = "typst"\n', encoding="utf-8"
    )
    return folder


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def folio(page: str) -> str:
    lines = [line.strip() for line in page.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def ranges(numbers: list[int]) -> str:
    """How a book index prints pages: each once, in order, neighbours as one range."""
    out: list[str] = []
    run: list[int] = []
    for n in sorted(set(numbers)):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(str(run[0]) if len(run) == 1 else f"{run[0]}\u2013{run[-1]}")
        run = [n]
    out.append(str(run[0]) if len(run) == 1 else f"{run[0]}\u2013{run[-1]}")
    return ", ".join(out)


def test_index_prints_the_pages_where_its_marks_land_after_one_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = index_book(tmp_path / "book")
    compiles = []
    original = typst_compat.TypstBook.pdf

    def counted(self: typst_compat.TypstBook, *args: object, **kwargs: object) -> bytes:
        compiles.append(1)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(typst_compat.TypstBook, "pdf", counted)
    assert main(["build", str(book), "--format", "pdf", "--quiet"]) == 0
    assert len(compiles) == 1  # the index's numbers come from the same layout, not a second compile
    pages = page_texts(next((book / "output").glob("*.pdf")))
    index_at = next(i for i, p in enumerate(pages) if re.search(r"^\s*Index\s*$", p, re.M) and "quokka," in p)
    for word, term in (("Quokkamark", "quokka"), ("Wombatmark", "wombat")):
        landed = [int(folio(p)) for p in pages[:index_at] if word in p]
        assert len(landed) >= 1
        printed = re.search(rf"{term}, ([\d\u2013, ]+)", pages[index_at])
        assert printed, pages[index_at]
        assert printed.group(1).strip().rstrip(",") == ranges(landed)
    assert "\u2013" in pages[index_at]  # the book has neighbouring pages: one range at least
