"""The Typst PDF engine (``[pdf] engine = "typst"``): the tree written as Typst markup, compiled in-process with the theme's template.

Recipe: a private compile folder under ``.presswork-cache/`` -> the theme's ``typst/book.typ``
and the book's images (through the gate) copied in -> the book's Typst source -> compile once (the
index's page numbers are asked of the layout inside the same compile, see ``indexrefs.py``) -> the
PDF (tagged, page labels from the page numbering), and where its pages begin stored for the EPUB's
page list (``pagestarts.py``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from presswork.cache.store import code_fingerprint
from presswork.compat.typst import RANGE, TypstBook
from presswork.compat.versions import installed_version
from presswork.core import files
from presswork.core.diagnostics import OutputFailed, PressworkError
from presswork.core.tree import Document, Pos
from presswork.exporters.base import BuildContext
from presswork.exporters.common.breaking import chapter_breaks
from presswork.exporters.common.cjk import book_cjk_language
from presswork.exporters.common.cover import CoverText, svg_for_page
from presswork.exporters.common.pagination import PageStart, load, locked, store, tell_source, told_source
from presswork.exporters.common.visibility import HIDDEN_CLASSES
from presswork.exporters.pdf.layout import PageGeometry, code_columns
from presswork.exporters.pdf.options import PdfOptions
from presswork.exporters.pdf.typst import session as typst_session
from presswork.exporters.pdf.typst.assets import RootFolder
from presswork.exporters.pdf.typst.batches import Fallback
from presswork.exporters.pdf.typst.book import BookPieces, book_pieces
from presswork.exporters.pdf.typst.codecache import CodeCache
from presswork.exporters.pdf.typst.context import WriterContext
from presswork.exporters.pdf.typst.pagestarts import block_chars, page_starts
from presswork.exporters.pdf.typst.unsupported import warn_unsupported
from presswork.transforms.indexing import has_index, with_index, without_index

LOG = logging.getLogger("presswork.typst")

__all__ = ["TEMPLATE", "TypstSource", "typst_print_edition", "typst_source", "write_typst_pdf"]

#: The theme file that holds the Typst template.
TEMPLATE = "typst/book.typ"


def _cover(doc: Document, ctx: BuildContext[PdfOptions], root: RootFolder, width: float, height: float) -> str | None:
    """The Typst path of the cover picture (None: no cover page)."""
    meta, opts = doc.meta, ctx.options
    if opts.print:
        return None  # a print interior has no cover: it is printed separately
    if meta.cover:
        try:
            return root.image(meta.cover, Pos(meta.cover))[0]
        except PressworkError as exc:
            ctx.reporter.warn(f"cover not used: {exc.message}", exc.pos or Pos(meta.cover), "asset")
            return None
    authors = tuple(a.name for a in meta.authors if a.name.strip())
    text = CoverText(meta.title, meta.subtitle.strip(), authors, meta.publisher, book_cjk_language(doc))
    return root.write("cover.svg", svg_for_page(text, dict(ctx.theme.options), width, height))


def _template(ctx: BuildContext[PdfOptions], root: RootFolder) -> str:
    """The theme's Typst template copied into the compile folder; its path there."""
    path = ctx.theme.path(TEMPLATE)
    if not path.is_file():
        raise PressworkError(f"theme {ctx.theme.name!r} has no {TEMPLATE} (needed by the Typst engine)")
    return root.write("theme/book.typ", files.read_bytes(path, ctx.gate.allowed_dirs(), TEMPLATE))


def _takes_file(template: str) -> bool:
    """Whether the template's ``pw-listing`` takes ``file:`` (a theme's own template may be older)."""
    found = re.search(r"#let pw-listing\(([^)]*)\)", template)
    return found is not None and "file:" in found.group(1)


def compile_folder(project: Path) -> Path:
    """A fresh private folder for one compile, under the project's cache folder."""
    parent = files.make_dirs(files.cache_root(project) / "typst", files.real_root(project), "cache folder")
    return Path(tempfile.mkdtemp(prefix="compile-", dir=parent))


@dataclass(frozen=True)
class TypstSource:
    """A book written as Typst source into a private compile folder (removed by :meth:`remove`)."""

    folder: Path
    main: Path
    doc: Document  #: the book as written (with its index chapter)
    geo: PageGeometry
    owned: bool = True  #: whether the folder is this compile's own (removed afterwards), not a kept one
    pieces: BookPieces | None = None  #: the source in pieces (for the batched layout)
    #: Whether the book has index marks (the index chapter keeps the marks it is made from: the same for ``doc``).
    indexed: bool = False

    def key(self) -> str:
        """The cache key of this source's layout: every file of the compile folder, the typst version and this code."""
        digest = hashlib.sha256(f"{code_fingerprint(__name__)}|{installed_version(RANGE.distribution)}|".encode())
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(self.folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()[:32]

    def starts(self, compiled: TypstBook) -> list[PageStart | None]:
        """Where each page of ``compiled`` begins (for the EPUB's page list)."""
        found = compiled.query("<pw-block-places>", field="value")
        value = found[0] if found and isinstance(found[0], dict) else {}
        pt = 72 / 25.4
        top, bottom = self.geo.top * pt, (self.geo.height - self.geo.bottom) * pt
        return page_starts(value.get("places", []), int(value.get("pages", 0)), top, bottom, block_chars(self.doc))

    def remove(self) -> None:
        """Remove the compile folder (unless it is kept by its owner)."""
        if self.owned:
            shutil.rmtree(self.folder, ignore_errors=True)


def typst_source(doc: Document, ctx: BuildContext[PdfOptions], kept: RootFolder | None = None) -> TypstSource:
    """The book written as Typst source, with the template, cover and images, in a fresh compile folder
    (or into ``kept``, a compile folder its owner keeps between builds)."""
    from presswork.exporters.pdf.document import geometry

    opts = ctx.options
    geo = geometry(opts)
    folder = kept.root if kept is not None else compile_folder(ctx.gate.root)
    try:
        root = kept if kept is not None else RootFolder(folder, ctx.gate)
        template = _template(ctx, root)
        template_text = (root.root / template.lstrip("/")).read_text("utf-8", "replace")
        cover = _cover(doc, ctx, root, geo.width, geo.height)
        base = without_index(doc)
        indexed = has_index(base)
        book = with_index(base, ctx.config.index_title, hidden=HIDDEN_CLASSES["print"]) if indexed else base
        code_cache = CodeCache(ctx.gate.root)
        writer_ctx = WriterContext(
            reporter=ctx.reporter,
            root=root,
            measure_pt=geo.measure / 25.4 * 72,
            max_image_pt=geo.text_height * 0.62 / 25.4 * 72,
            code_style=opts.code_style,
            code_columns=code_columns(geo, opts.print),
            page_refs=opts.page_refs,
            link_footnotes=opts.link_footnotes,
            code_cache=code_cache,
            listing_files=_takes_file(template_text),
            lead_ins="#let pw-lead-in(" in template_text,
        )
        pieces = book_pieces(
            book,
            writer_ctx,
            geo,
            chapter_breaks(book.chapters, opts.chapter_break),
            page_size=opts.page_size,
            template=template,
            cover=cover,
            build_date=ctx.build_time.strftime("%Y-%m-%d"),
            toc_depth=max(1, ctx.config.toc_depth),
            two_sided=opts.print,
            per_chapter_notes=opts.footnotes == "chapter",
        )
        code_cache.prune()
        main = folder / "book.typ"
        files.write_into(main, pieces.whole().encode("utf-8"), folder, durable=False)
    except BaseException:
        if kept is None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return TypstSource(folder, main, book, geo, owned=kept is None, pieces=pieces, indexed=indexed)


def write_typst_pdf(doc: Document, ctx: BuildContext[PdfOptions], target: Path) -> None:
    """Write the book to ``target`` with the Typst engine; store where its pages begin (the EPUB's page list).
    A long book is laid out in batches of chapters (``batchlayout.py``) unless a watch or preview keeps a
    session, or the book needs its whole layout at once (then it is compiled whole, as without batches)."""
    warn_unsupported(doc, ctx)
    session = typst_session.current(ctx.gate.root)  # watch/preview: one folder and compiler kept between builds
    if session is None:
        from presswork.exporters.pdf.typst.batchlayout import close_spares, prestart_workers

        prestart_workers(doc, ctx)
        try:
            _write_typst_pdf(doc, ctx, target, session)
        finally:
            close_spares()
    else:
        _write_typst_pdf(doc, ctx, target, session)


def _write_typst_pdf(
    doc: Document, ctx: BuildContext[PdfOptions], target: Path, session: typst_session.TypstSession | None
) -> None:
    """:func:`write_typst_pdf` once its workers are started (or a session is kept)."""
    src = typst_source(doc, ctx, session.root(ctx.gate) if session else None)
    try:
        key = src.key()  # before the batch sources are written into the folder
        if session is None:  # an EPUB written beside it need not write the Typst source again
            tell_source(_identity(doc, ctx), key)
        if session is None and src.pieces is not None and _write_batched(src, ctx, target, key):
            return
        compiled = session.book(src.main, src.folder) if session else TypstBook(src.main, src.folder, font_paths=())
        standards = {"pdf/ua-1": ("ua-1",), "pdf/a-3u": ("a-3u",)}.get(ctx.options.pdf_variant, ())
        try:
            pdf = compiled.pdf(ctx.build_time if ctx.reproducible else None, standards)
            starts = src.starts(compiled)
        except OutputFailed as exc:
            kept = keep_failed_source(src.folder, ctx.gate.root)
            raise OutputFailed(f"{exc.message} (the generated source is kept in {kept})") from None
        del compiled  # the layout's memory goes before the PDF is written out
        files.write_into(target, pdf, files.real_root(target.parent), durable=False)
        store(ctx.gate.root, key, starts)
    finally:
        src.remove()


def _write_batched(src: TypstSource, ctx: BuildContext[PdfOptions], target: Path, key: str) -> bool:
    """Write the book laid out in batches (True), or nothing when it must be compiled whole (False, the
    reason logged). The page starts are stored under the whole source's ``key``, as a whole compile's are."""
    from presswork.exporters.pdf.typst.batchlayout import lay_out_batched

    assert src.pieces is not None
    try:
        book = lay_out_batched(src.doc, ctx, src.pieces, src.folder, src.indexed)
        pt = 72 / 25.4
        starts = book.page_starts(src.doc, src.geo.top * pt, (src.geo.height - src.geo.bottom) * pt)
        # Stored before the merge: an EPUB worker waiting for this layout's page list goes on meanwhile.
        store(ctx.gate.root, key, starts)
        book.write(target, _identifier(src.doc, ctx))
    except Fallback as exc:
        LOG.info("Typst: the book is compiled whole: %s", exc)
        return False
    except PressworkError as exc:  # a batch that does not compile: the whole compile reports it, or succeeds
        LOG.info("Typst: the book is compiled whole: a batch failed: %s", exc.message)
        return False
    return True


def _batched_starts(src: TypstSource, ctx: BuildContext[PdfOptions]) -> list[PageStart | None] | None:
    """The page starts of the book laid out in batches (the cached ones reused, no PDF merged), or None when
    it is compiled whole."""
    from presswork.exporters.pdf.typst.batchlayout import lay_out_batched

    if src.pieces is None:
        return None
    try:
        book = lay_out_batched(src.doc, ctx, src.pieces, src.folder, src.indexed, merge=False)
    except (Fallback, PressworkError) as exc:
        LOG.info("Typst: the page list is laid out whole: %s", exc)
        return None
    pt = 72 / 25.4
    return book.page_starts(src.doc, src.geo.top * pt, (src.geo.height - src.geo.bottom) * pt)


def _identifier(doc: Document, ctx: BuildContext[PdfOptions]) -> bytes | None:
    """The PDF's file identifier of a reproducible build (from the book's metadata), else None."""
    if not ctx.reproducible:
        return None
    seed = f"{doc.meta.identifier}|{doc.meta.title}|{ctx.build_time.isoformat()}"
    return hashlib.md5(seed.encode()).hexdigest().encode("ascii")


def _identity(doc: Document, ctx: BuildContext[PdfOptions]) -> str:
    """What makes the Typst sources of two workers of one build the same (:func:`source_identity`; the engine's
    name kept apart from the WeasyPrint print source's)."""
    from presswork.exporters.pdf.document import source_identity

    return "typst-" + source_identity(doc, ctx)[:26]


def typst_print_edition(doc: Document, ctx: BuildContext[PdfOptions]) -> list[PageStart | None]:
    """The page starts of the book laid out by Typst: from the cache when the PDF (or an earlier build)
    compiled this exact source, else laid out now without writing a PDF (once, under a lock) and cached.
    Beside the PDF's worker, the key of its layout comes from that worker when both write the same source
    (the book's Typst source is not written twice: 0.3 s of CPU for a 100-chapter book)."""
    session = typst_session.current(ctx.gate.root)
    if session is None:
        told = told_source(ctx.gate.root, _identity(doc, ctx))
        if told is not None and (starts := load(ctx.gate.root, told)) is not None:
            LOG.info("EPUB page list: the PDF worker's Typst layout of the same source")
            return starts
    src = typst_source(doc, ctx, session.root(ctx.gate) if session else None)
    try:
        return _print_edition(src, ctx, session)
    finally:
        src.remove()
        if session is None:
            from presswork.exporters.pdf.typst.batchlayout import close_spares

            close_spares()


def _print_edition(
    src: TypstSource, ctx: BuildContext[PdfOptions], session: typst_session.TypstSession | None
) -> list[PageStart | None]:
    """:func:`typst_print_edition` once the source is written."""
    key = src.key()
    cached = load(ctx.gate.root, key)
    if cached is not None:
        return cached
    with locked(ctx.gate.root, key):
        cached = load(ctx.gate.root, key)
        if cached is not None:
            return cached
        batched = _batched_starts(src, ctx) if session is None else None
        if batched is not None:
            store(ctx.gate.root, key, batched)
            return batched
        compiled = session.book(src.main, src.folder) if session else TypstBook(src.main, src.folder, font_paths=())
        starts = src.starts(compiled)
        store(ctx.gate.root, key, starts)
        return starts


def keep_failed_source(folder: Path, project: Path) -> str:
    """Keep the compile folder whose source did not compile (``.presswork-cache/typst/last-failed/``),
    for a theme author to read; the path of its main file relative to the project."""
    kept = folder.parent / "last-failed"
    shutil.rmtree(kept, ignore_errors=True)
    os.replace(folder, kept)
    return (kept / "book.typ").relative_to(files.real_root(project)).as_posix()
