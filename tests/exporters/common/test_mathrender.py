"""Formulas are laid out once: their print SVG is kept across builds in the user cache folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.exporters.common import mathrender
from presswork.exporters.common.mathrender import MathError, tex_to_svg


def test_a_formula_is_laid_out_once_then_read_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWORK_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(mathrender._SVG_CACHE, "memory", {})
    fresh = tex_to_svg(r"\frac{a}{b} + \sqrt{x}", display=True)
    assert fresh.startswith("<svg") and 'aria-label="\\frac{a}{b} + \\sqrt{x}"' in fresh
    assert len(list((tmp_path / "math").glob("*.svg"))) == 1

    # A new process (empty memory) reads the same SVG from the folder without laying it out.
    monkeypatch.setattr(mathrender._SVG_CACHE, "memory", {})
    render = mathrender._render_svg
    monkeypatch.setattr(mathrender, "_render_svg", lambda *a: pytest.fail("the cached formula was laid out again"))
    assert tex_to_svg(r"\frac{a}{b} + \sqrt{x}", display=True) == fresh

    # The inline form is another SVG (it sits on the baseline); bad TeX is an error every time, never cached.
    monkeypatch.setattr(mathrender, "_render_svg", render)
    inline = tex_to_svg(r"\frac{a}{b} + \sqrt{x}", display=False)
    assert inline != fresh and inline == render(r"\frac{a}{b} + \sqrt{x}", False)
    for _ in range(2):
        with pytest.raises(MathError):
            tex_to_svg(r"\frac{a", display=False)
    assert len(list((tmp_path / "math").glob("*.svg"))) == 2
