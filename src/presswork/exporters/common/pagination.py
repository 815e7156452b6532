"""Where the print edition's pages begin, in terms of the tree, cached so that a PDF+EPUB build lays out once.

The PDF exporter marks every top-level block of a chapter with ``data-block="i"`` (its index
in ``chapter.blocks``). After WeasyPrint's layout, the first piece of text (or image) in the
body flow of each page names its chapter, its block and how many counted characters of that
block went before it on earlier pages: a :class:`PageStart`. The EPUB exporter renders the
same blocks with the same marks and puts an invisible page-break marker before the same
character, so page-list entry N opens where PDF page N opens.

Characters are counted without whitespace, soft hyphens, zero-width spaces, hyphenation
hyphens (U+2010) and code wrap marks; generated content (list markers, footnote calls,
``::before``) and footnote bodies are not counted on either side; math is laid out as SVG in
print and MathML in EPUB and is skipped on both.

Cache: ``.presswork-cache/pagination-<hash>.json`` under the project root (signed, see
:mod:`presswork.cache.store`), keyed by a hash
of the print HTML, stylesheet and WeasyPrint version. The PDF exporter writes it after its
own layout; the EPUB exporter reads it, or lays the print edition out itself (under a file
lock, so parallel workers do not race) when it is missing. When the build writes the PDF side
by side with the EPUB (``--jobs``), it calls :func:`expect_layout` before forking and the PDF
worker takes a build-wide layout lock first thing (:func:`producing`): the EPUB's :func:`load`
waits for that lock (released once the layout is stored, or when the PDF ends) instead of racing
the PDF to the keyed lock and laying the same book out a second time. A lock, not an event: a
worker that dies releases it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import html as html_lib
import json
import multiprocessing.sharedctypes
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from presswork.cache.store import code_fingerprint, prune_folder, read_cached, seal, unseal, write_atomically
from presswork.compat.weasyprint import page_box
from presswork.core import files
from presswork.core.diagnostics import PressworkError

#: Characters never counted when locating a page start inside a block.
IGNORED = frozenset("\u200b\u00ad\u2010\u21aa\u200c\u200d\ufeff")
CACHE_DIR = files.CACHE_DIR
#: The project folder whose print layout a PDF worker of this build produces (set before forking).
_announced: Path | None = None
#: The open lock file of the PDF worker that is producing the announced layout.
_producer: Any = None
#: What the producing worker tells the build's other workers: "<source identity> <layout key>", in memory shared
#: by every worker forked after :func:`expect_layout` (empty until it knows its print source).
_told: Any = None


@dataclass(frozen=True)
class PageStart:
    """Where a print page begins: its folio, the chapter id, the block index (-1 = the chapter
    title) and the counted characters of that block printed on earlier pages."""

    folio: str
    chapter: str
    block: int
    offset: int


def counted(text: str) -> int:
    """How many characters of ``text`` count for locating a page start: neither white space nor :data:`IGNORED`."""
    # str.split() drops exactly the characters str.isspace() is true of, none of which is IGNORED; counted in C
    # rather than one character at a time (a book's every block is counted for the EPUB's page list)
    kept = "".join(text.split())
    return len(kept) - sum(kept.count(c) for c in IGNORED)


def _classes(element: Any) -> list[str]:
    return str(element.get("class") or "").split()


def _leaves(box: Any, chapter: str, block: int | None) -> Iterator[tuple[str, int | None, str, bool]]:
    """(chapter, block, text, is_leaf) for each text or replaced box of the body flow, in order."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
        return
    if "::" in str(getattr(box, "element_tag", "") or ""):
        return  # generated content: list markers, footnote calls, ::before / ::after
    element = getattr(box, "element", None)
    if element is not None:
        classes = _classes(element)
        if "footnote" in classes or "math" in classes:
            return
        if "chapter" in classes and element.get("id"):
            chapter, block = str(element.get("id")), None
        if element.get("data-block") is not None:
            block = int(element.get("data-block"))
        elif "chapter-title" in classes:
            block = -1
    if isinstance(box, boxes.TextBox):
        yield chapter, block, str(box.text), True
        return
    if isinstance(box, boxes.ReplacedBox):
        yield chapter, block, "", True
        return
    for child in getattr(box, "children", ()):
        yield from _leaves(child, chapter, block)


def page_starts(pages: Sequence[Any], folios: Sequence[str]) -> list[PageStart | None]:
    """The start of each laid-out WeasyPrint page inside a chapter (None for front matter pages)."""
    consumed: dict[tuple[str, int], int] = {}
    out: list[PageStart | None] = []
    for page, folio in zip(pages, folios, strict=True):
        start: PageStart | None = None
        for chapter, block, text, _leaf in _leaves(page_box(page), "", None):
            if not chapter or block is None:
                continue
            key = (chapter, block)
            if start is None:
                start = PageStart(folio, chapter, block, consumed.get(key, 0))
            consumed[key] = consumed.get(key, 0) + counted(text)
        out.append(start)
    return out


def cache_key(html: str, css: str, files: str = "") -> str:
    """The cache key of a print layout: its HTML, stylesheet, the files they include (:func:`files_digest`),
    the layout engine's version and the code that reads page starts off a layout (its import closure)."""
    from importlib.metadata import version  # not importing WeasyPrint itself (0.9 s)

    digest = hashlib.sha256(f"{code_fingerprint(__name__)}|{version('weasyprint')}|".encode())
    digest.update(css.encode("utf-8"))
    digest.update(b"\0")
    digest.update(html.encode("utf-8"))
    digest.update(b"\0")
    digest.update(files.encode("utf-8"))
    return digest.hexdigest()[:32]


#: Local resources of print HTML (images, links, SVG's ``xlink:href``) and of a stylesheet (fonts, images). No word
#: boundary before the attribute's name: with one, Python's regex engine tries every position of a book's HTML (three
#: times slower); an attribute merely ending so (``data-src``) only adds its file to the key.
_HTML_REFS = re.compile(r'(?:src|href|data)="([^"#][^"]*)"')
_CSS_REFS = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")


def files_digest(
    text: str,
    base_url: str,
    allowed: Callable[[Path], bool],
    css: bool = False,
    hashes: dict[str, str] | None = None,
) -> str:
    """The bytes of every local file that HTML (or, with ``css``, a stylesheet) ``text`` refers to, as
    one line per file (URL and SHA-256): a cached layout is stale when an image or font changed although
    the text naming it did not. Only files ``allowed`` (the asset gate's ``is_allowed``: inside the
    project or a theme) are read, as the layout reads only those. ``hashes`` remembers files already
    read (path -> hash)."""
    hashes = {} if hashes is None else hashes
    lines = []
    for ref in sorted(set((_CSS_REFS if css else _HTML_REFS).findall(text))):
        url = urllib.parse.urljoin(base_url, html_lib.unescape(ref))
        if not url.startswith("file:"):
            continue
        path = urllib.request.url2pathname(urllib.parse.urlsplit(url).path)
        if path not in hashes:
            hashes[path] = "-"  # refused or unreadable: the layout reads nothing either
            try:
                real = Path(path).resolve()
                if allowed(real) and real.is_file():
                    hashes[path] = hashlib.sha256(files.read_bytes(real, [real.parent])).hexdigest()
            except (OSError, RuntimeError, PressworkError):
                pass
        lines.append(f"{url} {hashes[path]}")
    return "\n".join(lines)


def _path(root: Path, key: str) -> Path:
    return root / CACHE_DIR / f"pagination-{key}.json"


@contextlib.contextmanager
def locked(root: Path, key: str) -> Iterator[None]:
    """Hold the lock of layout ``key`` (other build workers wait for it); without a writable
    project folder there is no cache to share, and no lock is taken."""
    try:
        handle = _open_lock(root, f"pagination-{key}.lock")
    except (OSError, PressworkError):
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build_lock(root: Path) -> Path:
    return root / CACHE_DIR / "print-layout.lock"


def _open_lock(root: Path, name: str) -> Any:
    """The lock file ``name`` of the project ``root``'s cache folder, through the file gate: never a link
    (a link planted there is replaced, so locking never truncates or creates a file elsewhere)."""
    cache = files.cache_root(root)
    files.make_dirs(cache, cache, "cache folder")
    return files.open_lock(root / CACHE_DIR / name, cache)


def expect_layout(root: Path) -> None:
    """Announce (in the build process, before forking) that a PDF worker will lay out the print edition of ``root``."""
    global _announced, _told
    _announced = root
    _told = multiprocessing.sharedctypes.RawArray("c", 160)


#: What the producing worker tells before its layout's key: it has begun (:func:`told_source`).
_BEGUN = b"-"
#: How long a worker waits at most for the producing worker to begin (seconds; it is started first).
_PRODUCER_START = 2.0


def tell_source(identity: str, key: str) -> None:
    """In the producing worker: tell the build's other workers the layout key of its print source, whose
    ``identity`` says what it was made from (:func:`told_source`)."""
    if _told is not None and _producer is not None:
        _told.value = f"{identity} {key}".encode("ascii")[: len(_told) - 1]


def told_source(root: Path, identity: str) -> str | None:
    """In another worker of the build: once the producer's layout is done, its layout key when its print source
    has this ``identity`` (so this worker need not write the book's print HTML to find the key), else None."""
    if _told is None or _producer is not None or _announced != root:
        return None
    # The PDF's worker is started first, but a worker started beside it may get here before it holds the layout
    # lock: wait (a little, at most) until it has begun.
    deadline = time.monotonic() + _PRODUCER_START
    while not _told.value and time.monotonic() < deadline:
        time.sleep(0.005)
    _wait_for_producer(root)
    told, _, key = _told.value.decode("ascii", "replace").partition(" ")
    return key if key and told == identity else None


def producing() -> None:
    """In the PDF worker, first thing: hold the build's layout lock until :func:`layout_done`, so that an EPUB
    worker's :func:`load` waits for this layout instead of laying the book out again."""
    global _producer
    if _announced is None:
        return
    if _told is not None:
        _told.value = _BEGUN  # (before the lock: a worker waiting for it to begin then waits for the lock)
    try:
        handle = _open_lock(_announced, _build_lock(_announced).name)
        fcntl.flock(handle, fcntl.LOCK_EX)
        _producer = handle
    except (OSError, PressworkError):
        _producer = None


def layout_done() -> None:
    """The produced layout is stored, or will not be (the PDF exporter ended): release the waiting workers.
    The lock also goes with the process, so nobody ever waits for a worker that died."""
    global _producer
    if _producer is not None:
        handle, _producer = _producer, None
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def forget_layout() -> None:
    """End of the build: nothing is announced any more."""
    global _announced, _told
    _announced = _told = None
    layout_done()


def _wait_for_producer(root: Path) -> None:
    """Wait while a PDF worker of this build holds the layout lock of ``root`` (not in that worker itself)."""
    if _announced is None or _producer is not None or _announced != root:
        return
    try:
        with _open_lock(root, _build_lock(root).name) as handle:
            fcntl.flock(handle, fcntl.LOCK_SH)
            fcntl.flock(handle, fcntl.LOCK_UN)
    except (OSError, PressworkError):
        pass


def load(root: Path, key: str) -> list[PageStart | None] | None:
    """The cached page starts of layout ``key``, or None; first waits while a PDF worker announced
    by :func:`expect_layout` is laying the book out (it holds the build's layout lock)."""
    _wait_for_producer(root)
    sealed = read_cached(_path(root, key), files.cache_root(root))
    try:
        payload = unseal(sealed, f"pagination-{key}") if sealed is not None else None
        data = json.loads(payload) if payload is not None else None
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    return [PageStart(**p) if p else None for p in data]


def store(root: Path, key: str, starts: Sequence[PageStart | None]) -> None:
    """Cache the page starts of layout ``key`` (written atomically; a read-only project just skips it), and
    forget those of other layouts: the cache holds the book's current state, not one file per edit."""
    try:
        sealed = seal(json.dumps([asdict(s) if s else None for s in starts]).encode(), f"pagination-{key}")
        if sealed is not None and write_atomically(_path(root, key), sealed, files.cache_root(root)):
            _prune(root, key)
    finally:
        layout_done()


def _prune(root: Path, key: str) -> None:
    """Remove the page starts and lock files of layouts other than ``key`` (another build that holds such a
    lock only loses the guard against laying its book out twice; its layout still comes out right)."""
    ours = (f"pagination-{key}.json", f"pagination-{key}.lock")
    prune_folder(
        root / CACHE_DIR,
        files.cache_root(root),
        lambda name: name in ours or not (name.startswith("pagination-") and name.endswith((".json", ".lock"))),
    )
