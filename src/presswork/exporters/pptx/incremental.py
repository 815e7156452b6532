"""The deck's incremental cache: each chapter's written slides kept in ``.presswork-cache/pptx-chapters/``.

A chapter's slides depend on the chapter's subtree and on a few things of the whole build, all in its key:
the deck options, the slide level (chosen from the whole book), the footnote number it starts at, the
template's bytes and the content frame read from it, the footer (the book's title), the fonts that measure
the text, the versions of the libraries that lay out, highlight, typeset and rasterise, and the source of
the presswork modules that compute it. Pictures are checked on a hit: the entry lists the image files it
placed with a hash of their bytes. What is book-wide (title slide, agenda, part dividers, link targets,
slide numbers, media and part numbering) is made afresh on every build; a kept slide is added again with
the same calls in the same order (:meth:`DeckWriter.replay`), so the deck is byte-identical to a clean build.
Warnings met while a chapter was computed are kept and reported again on a hit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from presswork.cache.replay import Told
from presswork.cache.store import StageCache, cache_key, code_fingerprint, library_versions
from presswork.core.diagnostics import PressworkError, Warning_
from presswork.core.tree import Chapter
from presswork.exporters.common.chaptercache import chapter_bytes
from presswork.exporters.common.fonts import installed_faces
from presswork.exporters.pptx.model.titles import TitleLookups
from presswork.exporters.pptx.output.kept import KeptRel, WrittenSlide

#: Where writing a chapter's slides starts; the fingerprint covers these and everything they import
#: (:func:`~presswork.cache.closure.import_closure`).
MODULES = ("presswork.exporters.pptx", "presswork.exporters.common", "presswork.core.tree", "presswork.project.assets")
#: Distributions whose version decides a chapter's slides (layout, XML, highlighting, math, pictures, fonts).
DISTRIBUTIONS = ("python-pptx", "lxml", "Pygments", "ziamath", "ziafont", "latex2mathml", "resvg-py", "pillow")
#: The font styles measured for each family of the frame.
STYLES = ((False, False), (True, False), (False, True), (True, True))


@dataclass
class ChapterDeck:
    """What one chapter adds to the deck, kept between builds."""

    slides: list[WrittenSlide]
    counter: int  #: the footnote counter after the chapter
    #: (source, SHA-256 of its bytes) of each picture file the chapter placed.
    pictures: tuple[tuple[str, str], ...]
    #: What the model told the reporter (its warnings, in order).
    told: Told
    #: (character, message) of each character the fonts lack, in order of first use (GlyphChecker's log).
    glyphs: tuple[tuple[str, str], ...]
    #: The titles of its slides (later chapters keep their titles unique against them).
    titles: tuple[str, ...] = ()
    #: What making its titles unique read of the titles before it: kept only while the answers are the same.
    lookups: TitleLookups | None = None


@dataclass
class Pending:
    """A chapter computed in this build, to be kept once its slides are written."""

    key: str
    counter: int = 0  #: the footnote counter after the chapter
    warnings: list[Warning_] = field(default_factory=list)
    asked: dict[tuple[str, str], None] = field(default_factory=dict)
    titles: tuple[str, ...] = ()  #: the titles of the chapter's slides
    lookups: TitleLookups | None = None  #: what making them unique read of the titles before them


def _fonts(frame: Any) -> str:
    """The font files that measure the frame's families (with their sizes and times) and the installed faces."""
    from presswork.exporters.pptx.model.fit import font_file

    out = []
    for family in sorted({frame.body_font, frame.title_font, frame.code_font}):
        for bold, italic in STYLES:
            try:
                path = font_file(family, bold, italic)
                st = os.stat(path)
                out.append(f"{family}:{bold}:{italic}={path}:{st.st_size}:{st.st_mtime_ns}")
            except (OSError, PressworkError, ValueError):
                out.append(f"{family}:{bold}:{italic}=none")
    # the faces a character the theme's fonts lack is drawn from (GlyphChecker): every installed one
    out.append(hashlib.sha256(repr(installed_faces()).encode()).hexdigest())
    return ";".join(out)


class DeckCache:
    """The kept chapters of a deck build: keys, checked look-ups and stores."""

    NAME = "pptx-chapters"

    def __init__(self, root: Any, gate: Any, base: tuple[str | bytes, ...], frame: Any) -> None:
        self.store = StageCache(root, self.NAME)
        #: The pictures of kept slides by content hash, once for every chapter that shows them.
        self.media_store = StageCache(root, "pptx-media")
        #: Picture bytes by content hash, for :meth:`DeckWriter.replay` (those of this build's hits).
        self.media: dict[str, bytes] = {}
        self.gate = gate
        self.base = cache_key(
            code_fingerprint(*MODULES), library_versions(*DISTRIBUTIONS), _fonts(frame), repr(frame), *base
        )

    def key(self, chapter: Chapter, counter: int, share: str = "") -> str:
        """The key of ``chapter``'s slides when its footnotes start after number ``counter`` and its place
        in the book is ``share`` (its part of a talk's slide budget, whether it opens sub-chapters). The titles
        before it are not in the key: a kept chapter is used when they answer its lookups alike
        (:class:`~presswork.exporters.pptx.model.titles.TitleLookups`)."""
        return cache_key(self.base, str(counter), share, chapter_bytes(chapter))

    def get(self, key: str) -> ChapterDeck | None:
        """The kept chapter under ``key`` when every picture it placed still has the same bytes."""
        got = self.store.get(key)
        if not isinstance(got, ChapterDeck):
            return None
        for src, digest in got.pictures:
            if self.digest(src) != digest:
                return None
        for written in got.slides:
            for _, _, kind, payload in written.rels:
                if kind == "media" and payload not in self.media:
                    data = self.media_store.get(str(payload))
                    if not isinstance(data, bytes):
                        return None
                    self.media[str(payload)] = data
        return got

    def digest(self, src: str) -> str:
        """SHA-256 of the bytes of picture file ``src`` ("" when it cannot be read)."""
        try:
            return hashlib.sha256(self.gate.read_bytes(src)).hexdigest()
        except PressworkError:
            return ""

    def put(self, pending: Pending, slides: list[WrittenSlide], glyphs: list[tuple[str, str]]) -> None:
        """Keep a chapter computed in this build."""
        files = tuple((src, self.digest(src)) for kind, src in pending.asked if kind in ("image", "svg"))
        slides = [dataclasses.replace(w, rels=tuple(self._by_hash(rel) for rel in w.rels)) for w in slides]
        entry = ChapterDeck(
            slides,
            pending.counter,
            files,
            Told(tuple(pending.warnings)),
            tuple(glyphs),
            pending.titles,
            pending.lookups,
        )
        self.store.put(pending.key, entry)

    def _by_hash(self, rel: KeptRel) -> KeptRel:
        """A picture relationship with its bytes stored once by content hash (kind "media", payload the hash)."""
        rid, reltype, kind, payload = rel
        if kind != "image" or not isinstance(payload, bytes):
            return rel
        digest = hashlib.sha256(payload).hexdigest()[:32]
        if digest not in self.media:
            self.media[digest] = payload
            self.media_store.put(digest, payload)
        return (rid, reltype, "media", digest)

    def prune(self) -> None:
        """Forget the chapters (and pictures) this build did not use."""
        self.store.prune()
        self.media_store.prune()
