"""A lead-in ("... run it like this:") is kept with the listing, formula or list it introduces, on the same page,
with either PDF engine; a paragraph that introduces nothing is not held back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from presswork.commands.cli import main

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

SENTENCE = "This paragraph of running text is here to take room on the page before the next lead-in. "


def chapter(count: int) -> str:
    """``count`` lead-ins, each after a paragraph one sentence longer than the one before (so that across a
    few pages some land at a page foot), each followed by what it introduces: a listing, a list or a formula."""
    parts = ["# Lead-ins\n"]
    for k in range(count):
        parts.append(SENTENCE * (1 + k % 7))
        parts.append(f"Here is display number {k}, which we show like this:")
        if k % 3 == 0:
            parts.append("```rust\n" + "\n".join(f"let value_{k}_{j} = {j};" for j in range(5)) + "\n```")
        elif k % 3 == 1:
            parts.append("\n".join(f"- item_{k}_{j} of the list" for j in range(4)))
        else:
            parts.append(f"```rust\nlet value_{k}_0 = {k};\n```")
    return "\n\n".join(parts) + "\n"


def first_line(k: int) -> str:
    return f"item_{k}_0" if k % 3 == 1 else f"value_{k}_0"


@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_a_lead_in_and_what_it_introduces_share_a_page(tmp_path: Path, engine: str) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (book / "presswork.toml").write_text(f'title = "L"\n[pdf]\nengine = "{engine}"\n', encoding="utf-8")
    count = 40
    (book / "a.md").write_text(chapter(count), encoding="utf-8")
    assert main(["build", str(book), "-f", "pdf", "-q", "-j1"]) == 0
    pdf = next((book / "output").glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")

    def page_of(needle: str) -> int:
        found = [i for i, page in enumerate(pages) if needle in page]
        assert found, f"{needle!r} is not printed"
        return found[0]

    apart = [k for k in range(count) if page_of(f"display number {k},") != page_of(first_line(k))]
    assert not apart, f"lead-ins printed on another page than what they introduce: {apart}"
    assert len({page_of(f"display number {k},") for k in range(count)}) >= 4, "the chapter spans a few pages"
