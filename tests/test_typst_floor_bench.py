"""benchmarks/typst_floor.py measures Typst's own recompile after a real page-count edit of presswork's source."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO


@pytest.mark.slow
def test_the_floors_are_measured_on_the_books_own_typst_source(tmp_path: Path) -> None:
    out = tmp_path / "floor.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "typst_floor.py"),
            "--chapters",
            "3",
            "--edits",
            "2",
            "--json",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    got = json.loads(out.read_text(encoding="utf-8"))
    assert got["chapters"] == 3 and len(got["typst_warm_edits"]) == 2
    assert all(got[k] > 0 for k in ("clean", "unchanged", "startup", "typst_cold", "typst_warm_edit"))
    # What the table compares: a new process that changes nothing does more than the interpreter's start.
    assert got["unchanged"] > got["startup"]


def test_the_edit_goes_at_the_end_of_the_middle_chapter() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import typst_floor
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    source = (
        '#pw-chapter([A], "Chapter 1: A")\nOne.\n'
        '#pw-chapter([B], "Chapter 2: B")\nTwo.\n'
        '#pw-chapter([C], "Chapter 3: C")\nThree.\n'
    )
    at = typst_floor.chapter_end(source, 2)
    assert source[:at].endswith("Two.") and source[at:].startswith("\n#pw-chapter([C]")
