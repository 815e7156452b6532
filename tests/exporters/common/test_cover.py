"""The generated cover: drawn once per distinct input, then served from memory and the user cache folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.exporters.common import cover
from presswork.exporters.common.cover import CoverText, render_cover


def test_a_cover_is_drawn_once_then_served_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWORK_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cover._CACHE, "memory", {})
    text, size = CoverText("A Title", "Sub", ("Ada",)), (160, 256)
    drawn = render_cover(text, {"accent": "#336699"}, size)
    assert drawn.startswith(b"\x89PNG") and len(list((tmp_path / "covers").glob("*.png"))) == 1

    # A new process (empty memory) reads the same bytes from the folder without drawing.
    monkeypatch.setattr(cover._CACHE, "memory", {})
    draw = cover._draw_cover
    monkeypatch.setattr(cover, "_draw_cover", lambda *a: pytest.fail("the cached cover was drawn again"))
    assert render_cover(text, {"accent": "#336699"}, size) == drawn

    # Another title, colour or size is another cover; the bytes equal a fresh drawing.
    monkeypatch.setattr(cover, "_draw_cover", draw)
    other = render_cover(text, {"accent": "#993366"}, size)
    assert other != drawn and other == draw(text, {"accent": "#993366"}, size)
    assert render_cover(CoverText("Another"), {}, size) != drawn
    assert len(list((tmp_path / "covers").glob("*.png"))) == 3


def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("PRESSWORK_CACHE_DIR", str(blocked))
    monkeypatch.setattr(cover._CACHE, "memory", {})
    assert render_cover(CoverText("T"), {}, (80, 128)).startswith(b"\x89PNG")
