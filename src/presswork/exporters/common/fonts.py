"""Installed fonts, looked up one way (fontconfig's list, cached): faces by family and style, files by name, glyph coverage."""

from __future__ import annotations

import bisect
import json
import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from presswork.cache.store import read_cached, user_cache_dir, user_cache_root, write_atomically

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
    110 oblique), width (100 normal) and the font's own version (``head.fontRevision`` × 65536)."""

    file: str
    index: int
    families: tuple[str, ...]
    weight: float = 80
    slant: int = 0
    width: int = 100
    version: int = 0


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
    fmt = "%{file}\t%{index}\t%{family}\t%{weight}\t%{slant}\t%{width}\t%{fontversion}\n"
    out = subprocess.run([fc_list, "-f", fmt], capture_output=True, text=True, check=False).stdout
    faces: set[FontFace] = set()
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 7 or not parts[0]:
            continue
        path, index, families, weight, slant, width, version = parts
        names = tuple(f.strip() for f in families.split(",") if f.strip())
        faces.add(
            FontFace(
                path,
                int(_number(index, 0)),
                names,
                _number(weight, 80),
                int(_number(slant, 0)),
                int(_number(width, 100)),
                int(_number(version, 0)),
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
    matches: slant first, then weight, then normal width, then the newest version of the font, as when
    Liberation v1 and v2 are both installed), or None when the family is not installed."""
    faces = family_faces(family)
    if not faces:
        return None
    weight = 200 if bold else 80

    def distance(face: FontFace) -> tuple[float, float, int, int, str]:
        slant = 0.0 if (face.slant > 0) == italic else 1.0
        if italic and face.slant == 110:  # an italic beats an oblique
            slant = 0.5
        return (slant, abs(face.weight - weight), abs(face.width - 100), -face.version, face.file)

    return min(faces, key=distance).file


@lru_cache(maxsize=64)
def file_named(names: tuple[str, ...]) -> str | None:
    """The first installed font file whose name is one of ``names`` (tried in order; of two files with one
    name, as Liberation v1 and v2 install, the newer version of the font), or None."""
    for name in names:
        found = [face for face in installed_faces() if Path(face.file).name == name]
        if found:
            return min(found, key=lambda face: (-face.version, face.file)).file
    return None


class Coverage:
    """The code points one font face draws, as sorted half-open ranges ``[start, end)`` flattened into one
    tuple (``start0, end0, start1, end1, ...``): compact on disk, and a membership test is one bisection."""

    __slots__ = ("bounds",)

    def __init__(self, bounds: Iterable[int]) -> None:
        self.bounds = tuple(bounds)

    @classmethod
    def of(cls, points: Iterable[int]) -> Coverage:
        """The coverage of exactly ``points``."""
        bounds: list[int] = []
        for cp in sorted(set(points)):
            if bounds and bounds[-1] == cp:
                bounds[-1] = cp + 1
            else:
                bounds += [cp, cp + 1]
        return cls(bounds)

    def __contains__(self, cp: object) -> bool:
        return isinstance(cp, int) and bisect.bisect_right(self.bounds, cp) % 2 == 1

    def points(self) -> Iterator[int]:
        """Every covered code point, in order."""
        for start, end in zip(self.bounds[::2], self.bounds[1::2], strict=True):
            yield from range(start, end)


#: Bump when the meaning of the cached coverage changes.
_CACHE_FORMAT = 1


def cache_dir() -> Path:
    """Where coverage data is kept across builds (:func:`presswork.cache.store.user_cache_dir`). Installed
    fonts belong to the machine, not to a book, so neither does their coverage."""
    return user_cache_dir()


class _CoverageCache:
    """Coverage of font faces, computed with fontTools at most once per face file version (path, index,
    size and modification time) and kept in one JSON file of :func:`cache_dir`; loaded lazily, one face at a
    time, only for the faces a check actually needs. An unreadable or unwritable cache only costs speed."""

    def __init__(self) -> None:
        self.memory: dict[str, tuple[tuple[int, int], Coverage]] = {}
        self.disk: dict[str, Any] | None = None
        self.computed = 0  # faces read with fontTools by this process (tests and profiles look at it)

    def _file(self) -> Path:
        return cache_dir() / f"font-coverage-{_CACHE_FORMAT}.json"

    def _load_disk(self) -> dict[str, Any]:
        if self.disk is None:
            try:
                data = json.loads(read_cached(self._file(), user_cache_root()) or b"{}")
                self.disk = data if isinstance(data, dict) else {}
            except ValueError:
                self.disk = {}
        return self.disk

    def _store(self, entry: str, stamp: tuple[int, int], coverage: Coverage) -> None:
        """Add one face to the file: merged with what other processes wrote meanwhile, replaced atomically."""
        path = self._file()
        try:
            current = json.loads(read_cached(path, user_cache_root()) or b"{}")
            if not isinstance(current, dict):
                current = {}
        except ValueError:
            current = {}
        current[entry] = {"stamp": list(stamp), "bounds": list(coverage.bounds)}
        if write_atomically(path, json.dumps(current, separators=(",", ":")).encode("utf-8"), user_cache_root()):
            self.disk = current

    def get(self, file: str, index: int) -> Coverage:
        """The coverage of face ``index`` of font ``file`` (empty when the file cannot be read)."""
        entry = f"{file}#{index}"
        try:
            st = os.stat(file)
        except OSError:
            return Coverage(())
        stamp = (st.st_size, st.st_mtime_ns)
        known = self.memory.get(entry)
        if known and known[0] == stamp:
            return known[1]
        cached = self._load_disk().get(entry)
        if isinstance(cached, dict) and cached.get("stamp") == list(stamp) and isinstance(cached.get("bounds"), list):
            coverage = Coverage(cached["bounds"])
        else:
            coverage = Coverage.of(_read_cmap(file, index))
            self.computed += 1
            self._store(entry, stamp, coverage)
        self.memory[entry] = (stamp, coverage)
        return coverage


def _read_cmap(file: str, index: int) -> Iterable[int]:
    """The code points in the best cmap of a font face (none for an unreadable font)."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(file, fontNumber=index, lazy=True)
        try:
            return list(font.getBestCmap() or {})
        finally:
            font.close()
    except Exception:  # an unreadable font covers nothing
        return []


COVERAGE = _CoverageCache()


def face_coverage(face: FontFace) -> Coverage:
    """The code points ``face`` draws (cached in memory and across builds)."""
    return COVERAGE.get(face.file, face.index)


def _regular_first(faces: Iterable[FontFace]) -> list[FontFace]:
    """Faces in the order most likely to settle a question at the first: upright normal-width regular first."""
    return sorted(faces, key=lambda f: (f.slant != 0, abs(f.weight - 80), abs(f.width - 100), f.file, f.index))


def covers(families: Iterable[str], ch: str) -> bool:
    """True when an installed font of ``families`` draws ``ch``: faces are consulted one at a time, in the
    families' order, until one has it."""
    cp = ord(ch)
    return any(cp in face_coverage(face) for family in families for face in _regular_first(family_faces(family)))


def covered(families: Iterable[str]) -> frozenset[int]:
    """Code points drawn by at least one installed font of ``families`` (reads every face: prefer
    :func:`covers` or :func:`missing_glyphs`, which stop as soon as a question is settled)."""
    points: set[int] = set()
    for family in families:
        for face in family_faces(family):
            points.update(face_coverage(face).points())
    return frozenset(points)


def _needs_glyph(ch: str) -> bool:
    """Whitespace, control and format characters (joiners, variation selectors) need no glyph."""
    return not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs") or 0xFE00 <= ord(ch) <= 0xFE0F)


def missing_glyphs(text: str, families: Iterable[str]) -> list[str]:
    """Characters of ``text`` (sorted, once each) that no installed font of ``families`` covers.

    Whitespace, control and format characters (joiners, variation selectors) need no glyph.
    Faces are consulted lazily, in the families' order: once the first font draws everything (the usual
    case) no other font is read. Returns [] when fontconfig is not available (nothing can be checked).
    """
    if not installed_faces():
        return []
    left = {ord(ch) for ch in set(text) if _needs_glyph(ch)}
    for family in families:
        for face in _regular_first(family_faces(family)):
            if not left:
                return []
            coverage = face_coverage(face)
            left = {cp for cp in left if cp not in coverage}
    return sorted(chr(cp) for cp in left)
