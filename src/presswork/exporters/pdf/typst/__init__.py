"""The Typst PDF engine (``[pdf] engine = "typst"``): the tree written as Typst markup, compiled in-process with the theme's template.

Recipe: a private compile folder under ``.presswork-cache/`` -> the theme's ``typst/book.typ``
and the book's images (through the gate) copied in -> the book's Typst source -> compile ->
compile once (the index's page numbers are asked of the layout inside the same compile,
see ``indexrefs.py``) -> the PDF (tagged, page labels from the page numbering).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from presswork.compat.typst import TypstBook
from presswork.core import files
from presswork.core.diagnostics import OutputFailed, PressworkError
from presswork.core.tree import Document, Pos
from presswork.exporters.base import BuildContext
from presswork.exporters.common.breaking import chapter_breaks
from presswork.exporters.common.cjk import book_cjk_language
from presswork.exporters.common.cover import CoverText, svg_for_page
from presswork.exporters.common.visibility import HIDDEN_CLASSES
from presswork.exporters.pdf.layout import code_columns
from presswork.exporters.pdf.options import PdfOptions
from presswork.exporters.pdf.typst.assets import RootFolder
from presswork.exporters.pdf.typst.book import book_source
from presswork.exporters.pdf.typst.context import WriterContext
from presswork.exporters.pdf.typst.unsupported import warn_unsupported
from presswork.transforms.indexing import has_index, with_index, without_index

__all__ = ["TEMPLATE", "write_typst_pdf"]

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


def compile_folder(project: Path) -> Path:
    """A fresh private folder for one compile, under the project's cache folder."""
    parent = files.make_dirs(files.cache_root(project) / "typst", files.real_root(project), "cache folder")
    return Path(tempfile.mkdtemp(prefix="compile-", dir=parent))


def write_typst_pdf(doc: Document, ctx: BuildContext[PdfOptions], target: Path) -> None:
    """Write the book to ``target`` with the Typst engine."""
    from presswork.exporters.pdf.document import geometry

    opts = ctx.options
    geo = geometry(opts)
    warn_unsupported(doc, ctx)
    folder = compile_folder(ctx.gate.root)
    try:
        root = RootFolder(folder, ctx.gate)
        template = _template(ctx, root)
        cover = _cover(doc, ctx, root, geo.width, geo.height)
        hidden = HIDDEN_CLASSES["print"]
        base = without_index(doc)
        book = with_index(base, ctx.config.index_title, hidden=hidden) if has_index(base) else base

        def source(book: Document) -> Path:
            writer_ctx = WriterContext(
                reporter=ctx.reporter,
                root=root,
                measure_pt=geo.measure / 25.4 * 72,
                max_image_pt=geo.text_height * 0.62 / 25.4 * 72,
                code_style=opts.code_style,
                code_columns=code_columns(geo, opts.print),
                page_refs=opts.page_refs,
                link_footnotes=opts.link_footnotes,
            )
            text = book_source(
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
            main = folder / "book.typ"
            files.write_into(main, text.encode("utf-8"), folder, durable=False)
            return main

        main = source(book)
        compiled = TypstBook(main, folder, font_paths=())
        standards = {"pdf/ua-1": ("ua-1",), "pdf/a-3u": ("a-3u",)}.get(opts.pdf_variant, ())
        try:
            pdf = compiled.pdf(ctx.build_time if ctx.reproducible else None, standards)
        except OutputFailed as exc:
            kept = keep_failed_source(folder, ctx.gate.root)
            raise OutputFailed(f"{exc.message} (the generated source is kept in {kept})") from None
        files.write_into(target, pdf, files.real_root(target.parent), durable=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def keep_failed_source(folder: Path, project: Path) -> str:
    """Keep the compile folder whose source did not compile (``.presswork-cache/typst/last-failed/``),
    for a theme author to read; the path of its main file relative to the project."""
    kept = folder.parent / "last-failed"
    shutil.rmtree(kept, ignore_errors=True)
    os.replace(folder, kept)
    return (kept / "book.typ").relative_to(files.real_root(project)).as_posix()
