"""Embedded fonts for the EPUB (``embed_fonts = true``): the theme's families, subset to the characters the book uses.

For each ``font-family`` declaration of the EPUB stylesheet, the first family that is
installed is embedded in its regular, italic, bold and bold italic faces (those that exist).
Each face is cut down with fontTools to the characters of the book's XHTML and the strings
the stylesheet generates, plus printable ASCII (numbers and marks a reading system may add),
and stored as WOFF2 under ``fonts/``. The bytes are deterministic: the source font's
``head.modified`` is kept, not replaced by the time of the build. Fonts are not obfuscated:
the families the default theme names (Noto, DejaVu) may be embedded freely.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from presswork.exporters.common.fonts import GENERIC_FAMILIES, face_file

_DECL = re.compile(r"font-family\s*:\s*([^;}]+)", re.I)
_CONTENT = re.compile(r"content\s*:\s*((?:\"[^\"]*\"|'[^']*'|[^;}])+)", re.I)
_STYLES = ((False, False), (False, True), (True, False), (True, True))  # (bold, italic)


@dataclass(frozen=True)
class EmbeddedFont:
    """One subset face: its family and style for ``@font-face``, its file name under ``fonts/`` and its WOFF2 bytes."""

    family: str
    bold: bool
    italic: bool
    name: str
    data: bytes

    media_type = "font/woff2"

    def font_face(self, href: str) -> str:
        """The ``@font-face`` rule of this face, its file at ``href`` (relative to the stylesheet)."""
        return (
            f'@font-face {{ font-family: "{self.family}"; src: url("{href}") format("woff2"); '
            f"font-weight: {700 if self.bold else 400}; font-style: {'italic' if self.italic else 'normal'}; }}\n"
        )


def primary_families(css: str) -> list[str]:
    """The first installed family of each ``font-family`` declaration of ``css``, once each, in order."""
    out: dict[str, None] = {}
    for decl in _DECL.findall(css):
        for name in decl.split(","):
            name = name.strip().strip("'\"").strip()
            if not name or name.lower() in GENERIC_FAMILIES or name.startswith(("var(", "{")):
                continue
            if face_file(name) is not None:
                out.setdefault(name, None)
                break
    return list(out)


def used_characters(documents: Iterable[str], css: str) -> str:
    """Every character of the text of the XHTML ``documents`` and of the strings the stylesheet generates
    (``content``), plus printable ASCII; sorted, once each."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for doc in documents:
        body = doc.split("<body", 1)[-1]
        chars |= set(html.unescape(re.sub(r"<[^>]*>", " ", body)))
    for value in _CONTENT.findall(css):
        for text in re.findall(r"\"([^\"]*)\"|'([^']*)'", value):
            chars |= set(_css_unescape("".join(text)))
    return "".join(sorted(c for c in chars if not c.isspace() or c == " "))


def _css_unescape(text: str) -> str:
    """A CSS string's characters: ``\\2022`` (hex, then an optional space) and ``\\"`` escapes resolved."""
    text = re.sub(r"\\([0-9a-fA-F]{1,6})\s?", lambda m: chr(min(int(m.group(1), 16), 0x10FFFF)), text)
    return re.sub(r"\\(.)", r"\1", text)


def embedded_fonts(css: str, documents: Iterable[str]) -> list[EmbeddedFont]:
    """The subset faces to embed for ``css`` and the book's XHTML ``documents``."""
    text = used_characters(documents, css)
    fonts: list[EmbeddedFont] = []
    seen: set[str] = set()
    for family in primary_families(css):
        for bold, italic in _STYLES:
            path = face_file(family, bold, italic)
            if path is None:
                continue
            # A family without a real italic or bold face: the reading system synthesises it from another face.
            key = f"{family}|{path}"
            if key in seen:
                continue
            seen.add(key)
            name = re.sub(r"[^A-Za-z0-9-]", "", Path(path).stem) + ".woff2"
            fonts.append(EmbeddedFont(family, bold, italic, name, subset(path, text)))
    return fonts


@lru_cache(maxsize=64)
def subset(path: str, text: str) -> bytes:
    """The font at ``path`` cut down to the glyphs of ``text`` (with their ligatures and kerning), as WOFF2."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.name_legacy = True
    options.notdef_outline = True
    font = TTFont(path, fontNumber=0, recalcTimestamp=False)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    ft_subset.save_font(font, out, options)
    font.close()
    return out.getvalue()
