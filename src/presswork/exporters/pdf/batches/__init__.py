"""Batched PDF layout: chapters laid out once in parallel worker processes, their page furniture stamped afterwards, merged.

WeasyPrint lays out one HTML document at a time, and a laid-out ``Document`` cannot be sent
between processes. So the book is cut into documents of its own: the front matter (cover,
title, copyright, contents) and batches of whole chapters. Each is laid out in a worker
process that exits when its batch is written (so WeasyPrint's memory goes back to the system).

Why a batch lays out exactly as it does inside the whole book
  A batch starts with a chapter that opens a page in the serial layout (its computed
  ``break-before`` is ``page``, ``right`` or ``recto``: checked on the laid-out box, not
  assumed). Nothing before a page break changes the body of the pages after it, except
  page-based values: the page side (two-sided margins, left/right running heads), the page
  counter (folios) and ``target-counter()`` references. The body of a batch's pages never
  shows the first two (only margin boxes do), so a batch is laid out without margin boxes:

Laid out once, stamped afterwards (no cascade)
  1. Layout. ``render()`` with margin boxes held back (WeasyPrint's ``make_margin_boxes`` is
     wrapped to record each page's state instead). The worker reports its page count, the
     page counter value of each page and the anchors on each page, then writes its pages
     without margin boxes, and records for each page what its margin boxes are made of
     (``furniture.PageFurniture``: the page type, the page maker state, the named strings set
     on it). None of this depends on the other batches, so no batch waits for another.
  2. Stamping. Once every batch's page count is known the parent places the batches (first
     folio, side) and makes the margin boxes of every chapter page from its recorded inputs
     (``furniture.Furnisher``): its page type (on the other side where the book's side differs:
     only when both sides have the same page geometry, checked), its state renumbered (a batch's
     own counter must run without a reset after its first page, checked) and its strings. The
     margin boxes are cut into layers by edge (``layers``): the folio layer (counters), the head
     layer (named strings, fixed text) and, for an edge that mixes them, the page layer, each
     keyed by only what it shows, so that pages share layers (every left-hand page with the book's
     title in its head draws one form) and a page-number shift finds all but the new numbers'
     folios in the cache. The layers that are not cached are made in one layout of empty pages
     with the same stylesheet. The merge draws each page's layers over it as ``/Artifact`` marked
     content (outside a structure tree).
  In two-sided print every chapter opens on a right-hand page: a batch with an odd page count
  is followed by a blank verso, as the serial layout would insert; every batch then starts on a
  right-hand page, so a page-count change never flips the sides of later batches (one-sided
  print may flip them: the furniture is made on the book's side, the body is the same).

Page numbers across batches (contents, cross-references, index)
  ``target-counter()`` to an anchor in another document is resolved from an anchor -> page
  counter map: WeasyPrint's ``TargetCollector.lookup_target`` is wrapped so that an anchor
  the batch does not hold is answered from the map (the number is set as text at box-building
  time). The front matter is laid out last (in a worker, while the parent makes the furniture),
  with a placeholder of the same digit count for each chapter anchor's page number, and the real
  numbers are written into its pages afterwards (``numbers``: the placeholders' glyphs replaced by
  the real digits' of the same font, checked to draw exactly what a layout with them draws; where
  they cannot be, it is laid out with the real numbers). It is laid out once before (with wide placeholder numbers, cached) only to count its pages,
  which the chapter batches need for their sides; the two counts must agree (checked). A chapter
  batch whose ``target-counter()`` or ``target-text()`` points into another chapter batch
  (``on page N`` cross-references, an index laid out with ``target-counter``) cannot be resolved
  in one pass, nor one that points into itself (its pages are numbered before its first folio is
  known, so its own numbers are not the book's): the book is then laid out serially. This is detected automatically (the wrapped
  lookup records it), never configured. Other automatic serial fallbacks: ``pdf_variant``
  (PDF/UA, PDF/A: conformance metadata of one document), ``footnotes = "book"`` (a footnote counter across
  chapters), ``counter(pages)`` in the stylesheet (the total page count), margin boxes that show
  running elements or ``string(name, start)`` (they depend on the page's body), fewer than two
  batches, a theme template without one ``<div class="mainmatter">``, and any failed check above.
  Every fallback is exact: it lays out the whole book as one document, as without batching.

The package follows those jobs: ``cutting`` (the book into documents), ``worker`` (the layout
in a worker process), ``pool`` (the processes), ``layout`` (the parent: placing batches),
``furniture`` (the margin boxes stamped afterwards), ``numbers`` (the contents' page numbers
written in afterwards), ``cache`` (batches kept between builds)
and ``merge`` (one PDF).

Merging (pikepdf, that is qpdf)
  Pages are appended in book order, each with its furniture drawn over it. Internal links keep
  their named destinations (a batch gets stand-in anchors for targets it does not hold, so
  WeasyPrint keeps the links); the merged ``/Dests`` name tree takes each name from the batch
  that holds it, links to names no batch holds are removed (as WeasyPrint removes them).
  Bookmarks are rebuilt with WeasyPrint's own tree algorithm over the per-page bookmarks of all
  batches. Page labels are computed over all pages from the printed folios (labels.py, read from
  the furniture's margin boxes). A tagged book's structure trees become one (structure.py: parent
  tree renumbered over all pages and annotations; the stamped furniture is artifact content
  outside the tree). The document information, language and identifier are the front
  matter's (``pdf_identifier`` of a reproducible build).

Incremental rebuilds (``.presswork-cache/pdf-batches/``)
  Every batch's pages are cached with their layout facts and furniture inputs, keyed by a hash of
  its HTML, the whole stylesheet, the WeasyPrint version and the cache format, not by its place
  in the book. Furniture layers are stored in chunk PDFs (folio and page layers by sixteen page
  numbers, head layers in sixteen chunks by their strings), each keyed by the layers it holds and
  written from those layers alone, so a chunk's bytes never depend on which build made it; the
  front matter by the digit count of each page number it prints. After an edit only the edited
  chapter's batch is laid out again, whatever its page count does; when its page count changed, the
  chunks holding new layers (the last folios, a chapter opening on its other side) are made again
  too, and the front matter only when one of its numbers gained or lost a digit. Themes, configuration and included files reach the key through the HTML and
  stylesheet they produce, and the bytes of every local file these refer to (images, fonts) are
  hashed into it too.
  Outputs are byte-identical to a clean batched build; deleting the folder only costs time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence

from presswork.cache.replay import Told, replay
from presswork.core.tree import Document
from presswork.exporters.base import BuildContext
from presswork.exporters.common.breaking import chapter_breaks
from presswork.exporters.pdf.batches.cache import BatchCache
from presswork.exporters.pdf.batches.cutting import (
    BookPieces,
    Fallback,
    auto_batch_size,
    auto_reason,
    cut_book,
    plan_batches,
    serial_reasons,
)
from presswork.exporters.pdf.batches.layout import BatchedLayout, Book, lay_out
from presswork.exporters.pdf.batches.merge import merge
from presswork.exporters.pdf.batches.pool import close_spares, prestart
from presswork.exporters.pdf.options import PdfOptions

LOG = logging.getLogger("presswork.batches")


def _serial_reason(doc: Document, opts: PdfOptions, css_text: str, jobs: int) -> str:
    """Why the book must be laid out as one document on ``jobs`` processors ("": it may be batched); with
    ``css_text`` "", only what its options and content tell (before its stylesheet is written)."""
    from presswork.transforms.indexing import has_index

    if reason := serial_reasons(css_text, opts.pdf_variant, opts.footnotes):
        return reason
    if has_index(doc):
        return "the book has an index (its page numbers come from a second layout of the whole book)"
    return auto_reason(doc, jobs) if opts.batch == "auto" else ""


def prestart_workers(doc: Document, ctx: BuildContext[PdfOptions]) -> None:
    """Start the first layout workers before the book's HTML is written, when its options and content let it be
    laid out in batches: one per CPU when no batch is cached (a clean build lays out every batch), else one (a
    rebuild lays out the edited batch). Each imports WeasyPrint meanwhile; :func:`close_spares` ends those
    left untaken once the PDF is written."""
    jobs = os.cpu_count() or 1
    if ctx.options.batch == "off" or _serial_reason(doc, ctx.options, "", jobs):
        return
    folder = BatchCache(ctx.gate.root).folder
    cached = folder.is_dir() and any(folder.iterdir())
    prestart(1 if cached else jobs)


def lay_out_batched(
    doc: Document,
    ctx: BuildContext[PdfOptions],
    html: str,
    css_text: str,
    chapter_htmls: Sequence[str],
    bodies: Mapping[str, str],
    merging: bool = True,
) -> BatchedLayout | None:
    """The book laid out in batches, or None when it must be laid out serially (``batch = "off"``,
    or a reason above; ``--verbose`` logs it). ``bodies``: chapter id -> body HTML, as the serial
    layout gets them, so that each batch places its figures as the serial layout would. ``merging``:
    the batches will be merged (their PDFs are opened ahead of the merge; not for page starts alone)."""
    opts = ctx.options
    if opts.batch == "off":
        return None
    try:
        jobs = os.cpu_count() or 1
        if reason := _serial_reason(doc, opts, css_text, jobs):
            raise Fallback(reason)
        size = opts.batch_size or auto_batch_size(len(doc.chapters), jobs)
        batches = plan_batches(chapter_breaks(doc.chapters, opts.chapter_break), size)
        if len(batches) < 2:
            raise Fallback("fewer than two batches")
        book = Book(
            pieces=cut_book(html, chapter_htmls),
            batches=batches,
            chapter_ids=[ch.id for ch in doc.chapters],
            css=css_text,
            base_url=ctx.gate.root.as_uri() + "/",
            css_base_url=ctx.theme.path("pdf/book.css").as_uri(),
            gate=ctx.gate,
            two_sided=opts.print,
            reproducible_epoch=int(ctx.build_time.timestamp()) if ctx.reproducible else None,
            tagged=opts.tagged,
            bodies=dict(bodies),
            merging=merging,
        )
        layout = lay_out(book, jobs, BatchCache(ctx.gate.root))
    except Fallback as exc:
        LOG.info("PDF laid out as one document: %s", exc)
        close_spares()  # not needed: they end before the whole book is laid out
        return None
    # The layouts of a build: the front matter's counting layout, every batch, the furniture, the front matter.
    LOG.info("PDF in batches: %d of %d layouts made, the rest cached", layout.laid_out, len(batches) + 3)
    replay(Told(tuple(layout.warnings)), ctx.reporter)
    return layout


__all__ = [
    "BatchCache",
    "BatchedLayout",
    "Book",
    "BookPieces",
    "Fallback",
    "auto_batch_size",
    "auto_reason",
    "close_spares",
    "cut_book",
    "lay_out",
    "lay_out_batched",
    "merge",
    "plan_batches",
    "prestart_workers",
    "serial_reasons",
]
