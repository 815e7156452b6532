"""Installed fonts, looked up one way (fontconfig's list, cached): faces by family and style, files by name, glyph coverage."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GENERIC_FAMILIES = frozenset(
    {
        "serif",
        "sans-serif",
        "monospace",
        "cursive",
        "fantasy",
        "system-ui",
        "math",
        "emoji",
        "fangsong",
        "ui-serif",
        "ui-sans-serif",
        "ui-monospace",
        "inherit",
        "initial",
        "unset",
    }
)
_FAMILY_DECL = re.compile(r"font-family\s*:\s*([^;}]+)", re.I)


def css_font_families(css: str) -> list[str]:
    """Every font family named in ``font-family`` declarations of ``css``, in order, generics left out."""
    seen: dict[str, None] = {}
    for decl in _FAMILY_DECL.findall(css):
        for name in decl.split(","):
            name = name.strip().strip("'\"").strip()
            if name and name.lower() not in GENERIC_FAMILIES and not name.startswith("var("):
                seen.setdefault(name, None)
    return list(seen)


@dataclass(frozen=True)
class FontFace:
    """One installed font face, as fontconfig lists it: file, face index in the file, family
    names, weight (fontconfig units: 80 regular, 200 bold), slant (0 roman, 100 italic,
    110 oblique) and width (100 normal)."""

    file: str
    index: int
    families: tuple[str, ...]
    weight: float = 80
    slant: int = 0
    width: int = 100


def _number(text: str, default: float) -> float:
    """A fontconfig number, or the middle of a range such as ``[100 900]`` (variable fonts)."""
    values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", text)]
    return sum(values) / len(values) if values else default


@lru_cache(maxsize=1)
def installed_faces() -> tuple[FontFace, ...]:
    """Every installed font face (from ``fc-list``; empty when fontconfig is missing), in a stable order."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return ()
    fmt = "%{file}\t%{index}\t%{family}\t%{weight}\t%{slant}\t%{width}\n"
    out = subprocess.run([fc_list, "-f", fmt], capture_output=True, text=True, check=False).stdout
    faces: set[FontFace] = set()
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 6 or not parts[0]:
            continue
        path, index, families, weight, slant, width = parts
        names = tuple(f.strip() for f in families.split(",") if f.strip())
        faces.add(
            FontFace(
                path,
                int(_number(index, 0)),
                names,
                _number(weight, 80),
                int(_number(slant, 0)),
                int(_number(width, 100)),
            )
        )
    return tuple(sorted(faces, key=lambda f: (f.file, f.index)))


@lru_cache(maxsize=1)
def _by_family() -> dict[str, tuple[FontFace, ...]]:
    found: dict[str, list[FontFace]] = {}
    for face in installed_faces():
        for family in face.families:
            found.setdefault(family.lower(), []).append(face)
    return {k: tuple(v) for k, v in found.items()}


def family_faces(family: str) -> tuple[FontFace, ...]:
    """The installed faces of ``family`` (any style; case does not matter)."""
    return _by_family().get(family.lower(), ())


@lru_cache(maxsize=256)
def face_file(family: str, bold: bool = False, italic: bool = False) -> str | None:
    """The file of the installed face of ``family`` closest to the style asked for (as fontconfig
    matches: slant first, then weight, then normal width), or None when the family is not installed."""
    faces = family_faces(family)
    if not faces:
        return None
    weight = 200 if bold else 80

    def distance(face: FontFace) -> tuple[float, float, int, str]:
        slant = 0.0 if (face.slant > 0) == italic else 1.0
        if italic and face.slant == 110:  # an italic beats an oblique
            slant = 0.5
        return (slant, abs(face.weight - weight), abs(face.width - 100), face.file)

    return min(faces, key=distance).file


@lru_cache(maxsize=64)
def file_named(names: tuple[str, ...]) -> str | None:
    """The first installed font file whose name is one of ``names`` (tried in order), or None."""
    for name in names:
        for face in installed_faces():
            if Path(face.file).name == name:
                return face.file
    return None


@lru_cache(maxsize=256)
def _cmap(entry: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    path, _, index = entry.rpartition("#")
    try:
        font = TTFont(path, fontNumber=int(index or 0), lazy=True)
        cmap = font.getBestCmap() or {}
        font.close()
    except Exception:  # an unreadable font covers nothing
        return frozenset()
    return frozenset(cmap)


def covered(families: Iterable[str]) -> frozenset[int]:
    """Code points drawn by at least one installed font of ``families``."""
    points: set[int] = set()
    for family in families:
        for face in family_faces(family):
            points |= _cmap(f"{face.file}#{face.index}")
    return frozenset(points)


def missing_glyphs(text: str, families: Iterable[str]) -> list[str]:
    """Characters of ``text`` (sorted, once each) that no installed font of ``families`` covers.

    Whitespace, control and format characters (joiners, variation selectors) need no glyph.
    Returns [] when fontconfig is not available (nothing can be checked).
    """
    if not installed_faces():
        return []
    have = covered(tuple(families))
    out = set()
    for ch in set(text):
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs") or 0xFE00 <= ord(ch) <= 0xFE0F:
            continue
        if ord(ch) not in have:
            out.add(ch)
    return sorted(out)
