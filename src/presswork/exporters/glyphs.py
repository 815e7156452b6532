"""Glyph coverage: which characters of a text no font of a CSS font stack can draw."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

GENERIC_FAMILIES = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math",
                              "emoji", "fangsong", "ui-serif", "ui-sans-serif", "ui-monospace", "inherit",
                              "initial", "unset"})
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


@lru_cache(maxsize=1)
def _installed() -> dict[str, tuple[str, ...]]:
    """Installed font files by lower-cased family name (from ``fc-list``; empty when fontconfig is missing)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return {}
    out = subprocess.run([fc_list, ":", "family", "file", "index"], capture_output=True, text=True, check=False).stdout
    files: dict[str, list[str]] = {}
    for line in out.splitlines():
        path, _, rest = line.partition(": ")
        families, _, index = rest.partition(":index=")
        entry = f"{path}#{index.strip() or 0}"
        for family in families.split(","):
            files.setdefault(family.strip().lower(), []).append(entry)
    return {k: tuple(sorted(set(v))) for k, v in files.items()}


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
        for entry in _installed().get(family.lower(), ()):
            points |= _cmap(entry)
    return frozenset(points)


def missing_glyphs(text: str, families: Iterable[str]) -> list[str]:
    """Characters of ``text`` (sorted, once each) that no installed font of ``families`` covers.

    Whitespace, control and format characters (joiners, variation selectors) need no glyph.
    Returns [] when fontconfig is not available (nothing can be checked).
    """
    if not _installed():
        return []
    have = covered(tuple(families))
    out = set()
    for ch in set(text):
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs") or 0xFE00 <= ord(ch) <= 0xFE0F:
            continue
        if ord(ch) not in have:
            out.add(ch)
    return sorted(out)
