"""Rendered chapter XHTML kept between builds (``.presswork-cache/<stage>/``): after a one-chapter edit,
the print and EPUB renderers render that chapter only.

A chapter's XHTML is a function of the chapter's subtree, the renderer's options and a few book-wide
facts the renderer asks for through its callbacks: the URL of each image (print: the gate-resolved
file, EPUB: its name in the package) and where each internal link points (EPUB: the file that holds
the id). The key hashes the subtree, the options, the source code of every module that renders
(:func:`~presswork.cache.store.code_fingerprint`) and the versions of the libraries that highlight
code and typeset math (:class:`ChapterKey`); the book-wide facts are recorded as the renderer asks
for them, and a cached chapter is used only when each has the same answer now (:class:`Lookups`). Warnings the renderer emits are stored with the XHTML and replayed
on a hit, with the same message, position and category.
"""

from __future__ import annotations

import functools
import io
import pickle
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from presswork.cache.replay import Told, recorded, replay
from presswork.cache.store import StageCache, cache_key, code_fingerprint, library_versions
from presswork.core.diagnostics import Reporter
from presswork.core.tree import Chapter

#: The modules that render a chapter's XHTML; the fingerprint covers them and everything they import
#: (:func:`~presswork.cache.closure.import_closure`), so this list names only where rendering starts.
RENDER_MODULES = (
    "presswork.exporters.common",
    "presswork.exporters.pdf.render",
    "presswork.exporters.epub.book",
    "presswork.core.tree",
    "presswork.core.walk",
    "presswork.transforms.xrefs",
    "presswork.transforms.indexing",
)
#: Libraries whose version changes the XHTML: code highlighting, math, the index's markup.
RENDER_LIBRARIES = ("pygments", "ziamath", "latex2mathml", "lxml", "markupsafe")


@functools.cache
def render_code() -> str:
    """The fingerprint of the code that renders chapters and of the library versions it calls."""
    return code_fingerprint(*RENDER_MODULES) + "|" + library_versions(*RENDER_LIBRARIES)


@dataclass(frozen=True)
class ChapterKey:
    """What a chapter's XHTML depends on besides its lookups, by part (each part is hashed into the key)."""

    #: The chapter's subtree (its pickle: title, blocks, positions, number, part, ...).
    chapter: bytes
    #: The renderer's options (target, code wrap, link footnotes, block marks, run-on, file name ...).
    options: tuple[tuple[str, str], ...]
    #: The code that renders and the versions of the libraries it calls.
    code: str = field(default_factory=lambda: render_code())

    def digest(self, stage: str) -> str:
        """The cache key of these parts in stage ``stage``."""
        return cache_key(stage, self.code, self.chapter, repr(self.options))


def chapter_bytes(chapter: Chapter) -> bytes:
    """The chapter's subtree as bytes: equal trees give equal bytes (every node is a frozen dataclass of tuples),
    whatever objects they share. The pickler keeps no memo: with one, equal strings pickle as one when they are one
    object. A freshly read listing's attribute ``number`` is the interned name that is also the nodes' field
    ``number``; read back from the cache it is a string of its own. Such chapters pickled otherwise, and missed
    every chapter cache (print, EPUB, slides) in the first build after a clean one."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    # No memo (the tree holds no cycle). ``fast`` is documented as deprecated, yet it is the standard library's only
    # memo-free pickling; tests/exporters/pdf/test_chaptercache.py fails if it stops working.
    pickler.fast = True
    pickler.dump(chapter)
    return out.getvalue()


class Lookups:
    """The book-wide facts a renderer asks for while rendering one chapter, each a pure function of a
    string by kind ("image": source -> URL, "link": id -> file holding it, ...), with every answer
    given recorded: a cached chapter is used only when each recorded question has the same answer
    in this build (so the facts need no walk of the chapter, and no fact can be left out of the key)."""

    def __init__(self, answers: Mapping[str, Callable[[str], str]]) -> None:
        self.answers = answers
        self.asked: dict[tuple[str, str], str] = {}

    def __call__(self, kind: str, question: str) -> str:
        """The answer to ``question`` of ``kind`` (recorded)."""
        answer = self.answers[kind](question)
        self.asked[(kind, question)] = answer
        return answer

    def still(self, asked: Iterable[tuple[tuple[str, str], str]]) -> bool:
        """Whether every question of an earlier render has the same answer now."""
        return all(self.answers[kind](question) == answer for (kind, question), answer in asked)


@dataclass(frozen=True)
class Rendered:
    """A chapter's XHTML (``html``), its body alone (print: for the float pass), what it told the reporter
    and the lookups it made, with their answers."""

    html: str
    body: str
    told: Told
    asked: tuple[tuple[tuple[str, str], str], ...] = ()


class ChapterCache:
    """Rendered chapters of one stage (``print-chapters``, ``epub-chapters``) by :class:`ChapterKey`."""

    def __init__(self, root: Path, stage: str) -> None:
        self.stage = stage
        self.store = StageCache(root, stage)
        self.rendered = 0  # chapters rendered (not taken from the cache) by this instance

    def render(
        self,
        key: ChapterKey,
        lookups: Lookups,
        reporter: Reporter,
        make: Callable[[Reporter, Lookups], tuple[str, str]],
    ) -> Rendered:
        """The chapter under ``key``, from the cache when its lookups still have the same answers, else
        ``make(capturing reporter, lookups)`` -> (html, body), stored. Its warnings reach ``reporter`` either way."""
        digest = key.digest(self.stage)
        value = self.store.get(digest)
        if not isinstance(value, Rendered) or not lookups.still(value.asked):
            lookups.asked.clear()
            (html, body), told = recorded(lambda capture: make(capture, lookups))
            value = Rendered(html, body, told, tuple(lookups.asked.items()))
            self.store.put(digest, value)
            self.rendered += 1
        replay(value.told, reporter)
        return value

    def prune(self) -> None:
        """Forget the chapters this instance did not ask for (call once, after every chapter)."""
        self.store.prune()
