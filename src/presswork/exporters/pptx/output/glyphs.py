"""Glyph coverage of slide text: characters the theme's fonts lack are drawn from an installed font that has
them (named on their own run), and reported once each."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from presswork.exporters.common.fonts import covers, face_coverage, installed_faces, missing_glyphs
from presswork.exporters.pptx.model.fit import METRIC_TWINS

#: Tried in order for a character the theme's fonts lack (then any installed family).
FALLBACK_FAMILIES = (
    "DejaVu Sans",
    "Noto Sans Symbols2",
    "Noto Sans Symbols",
    "Noto Sans Math",
    "Noto Color Emoji",
    "OpenSymbol",
    "Noto Sans",
)
#: Characters that go to the East Asian or complex-script font slots (``shapes.script_fonts``), not checked here.
_SCRIPT = re.compile(r"[\u0590-\u08ff\u0e00-\u0e7f\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def _families(family: str) -> tuple[str, ...]:
    """The family and the metric twin it is rendered with where it is not installed."""
    twin = METRIC_TWINS.get(family.lower())
    return (family, twin) if twin else (family,)


@functools.lru_cache(maxsize=512)
def fallback_family(ch: str) -> str:
    """An installed family that draws ``ch`` ("" if none does)."""
    for family in FALLBACK_FAMILIES:
        if covers((family,), ch):
            return family
    for face in installed_faces():
        if face.families and ord(ch) in face_coverage(face):
            return face.families[0]
    return ""


class GlyphChecker:
    """Splits run text into pieces the theme font draws and pieces drawn from a fallback family."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self.warn = warn
        self.reported: set[str] = set()
        #: Family -> characters known to need no fallback in it (fonts do not change during a build), so
        #: that the fonts are consulted once per new character rather than once per run.
        self.fine: dict[str, set[str]] = {}
        #: When a dict: character -> warning of every lacking character met (first), reported or not (a chapter kept
        #: for a later build reports them again through :meth:`replay`, as if its text were set again).
        self.log: dict[str, str] | None = None

    def replay(self, log: Iterable[tuple[str, str]]) -> None:
        """Meet the lacking characters of ``log`` again: report those not reported yet."""
        for ch, message in log:
            if self.log is not None:
                self.log.setdefault(ch, message)
            if ch not in self.reported:
                self.reported.add(ch)
                self.warn(message)

    def pieces(self, text: str, family: str) -> list[tuple[str, str]]:
        """(text, family) pieces of ``text``; family "" = the run's own font."""
        fine = self.fine.setdefault(family, set())
        chars = set(text)
        if chars <= fine:
            return [(text, "")]
        lacking = {ch for ch in missing_glyphs(text, _families(family)) if not _SCRIPT.match(ch)}
        fine.update(chars - lacking)
        if not lacking:
            return [(text, "")]
        out: list[tuple[str, str]] = []
        for ch in text:
            fam = fallback_family(ch) if ch in lacking else ""
            if ch in lacking:
                where = f"drawn from {fam}" if fam else "no installed font has it"
                self.replay(
                    [(ch, f"the character {ch!r} (U+{ord(ch):04X}) is not in the deck's font {family}: {where}")]
                )
            if out and out[-1][1] == fam:
                out[-1] = (out[-1][0] + ch, fam)
            else:
                out.append((ch, fam))
        return out
