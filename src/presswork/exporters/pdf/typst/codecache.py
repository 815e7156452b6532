"""Highlighted code listings kept between builds (``.presswork-cache/typst-code/``): a rebuild lexes only the code that changed.

Pygments takes about a second for the hundred listings of the 100-chapter benchmark book, every
build; the listing's Typst markup depends only on its code, language, palette and wrap width, and on
the code that lexes and writes it, which is what the key hashes.
"""

from __future__ import annotations

import functools
from pathlib import Path

from presswork.cache.store import StageCache, cache_key, code_fingerprint, library_versions

__all__ = ["MODULE", "CodeCache"]

#: Where a listing's markup is computed (its import closure is in every key).
MODULE = "presswork.exporters.pdf.typst.code"


@functools.cache
def _salt(language: str, style_name: str) -> str:
    """What a listing's markup depends on besides its own code and wrap width: the code that writes it, the
    Pygments version, and the source of the lexer and style when a plug-in (not Pygments) provides them."""
    from pygments.styles import get_style_by_name

    from presswork.exporters.common.highlight import find_lexer

    lexer = find_lexer(language)
    kinds: list[type] = [type(lexer)] if lexer is not None else []
    try:
        kinds.append(get_style_by_name(style_name))
    except Exception:  # noqa: BLE001 - an unknown style: the listing itself reports it, uncached
        pass
    outside = sorted({kind.__module__ for kind in kinds if not kind.__module__.startswith("pygments.")})
    return cache_key(code_fingerprint(MODULE, *outside), library_versions("pygments"), language, style_name)


class CodeCache:
    """Listings' Typst markup by what determines it, in ``<project>/.presswork-cache/typst-code/`` (one file per
    listing; pruned to the listings of the last book written)."""

    NAME = "typst-code"

    def __init__(self, project: Path) -> None:
        self.store = StageCache(project, self.NAME)

    def highlighted(self, code: str, language: str, style_name: str, wrap: int = 0) -> str:
        """:func:`~presswork.exporters.pdf.typst.code.highlighted`, from the cache when this listing was written
        before (a missing, damaged or unsigned entry is written again)."""
        from presswork.exporters.pdf.typst.code import highlighted

        key = cache_key(_salt(language, style_name), str(wrap), code)
        found = self.store.get(key)
        if isinstance(found, str):
            return found
        markup = highlighted(code, language, style_name, wrap)
        self.store.put(key, markup)
        return markup

    def prune(self) -> None:
        """Forget the listings the book did not ask for (call once, after the whole book is written)."""
        self.store.prune()
