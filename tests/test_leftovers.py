"""What a build is done with is let go by the next build of the same process (``watch``), not leaked."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from presswork.build.pipeline import build
from presswork.core.leftovers import keep_until_next_build


class Merged:
    """Stands for a merge's qpdf objects."""


def test_the_next_build_lets_go_of_what_the_last_one_was_done_with(tmp_path: Path) -> None:
    (tmp_path / "01-a.md").write_text("# A\n\nSome text.\n", encoding="utf-8")
    done_with = Merged()
    ref = weakref.ref(done_with)
    keep_until_next_build(done_with)
    del done_with
    gc.collect()
    assert ref() is not None, "kept until the next build"
    build(tmp_path, formats=["epub"], out=tmp_path / "out")
    gc.collect()
    assert ref() is None, "the next build let it go"
