"""Merging laid-out batch PDFs into one book: pages with their furniture, named destinations, structure trees, bookmarks and page labels."""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from presswork.compat.weasyprint import (
    import_weasyprint,
)
from presswork.exporters.pdf.batches.furniture import Furniture
from presswork.exporters.pdf.batches.layout import BatchedLayout, Part
from presswork.exporters.pdf.batches.saving import save_merged
from presswork.exporters.pdf.batches.stamp import stamp_furniture
from presswork.exporters.pdf.batches.structure import StructureMerge
from presswork.exporters.pdf.labels import label_ranges

LOG = logging.getLogger("presswork.batches")


class BookMerge:
    """The merged book, made in two steps (qpdf through pikepdf parses and writes: five times less CPU than
    pypdf for a 400-page book, deterministic bytes): the chapter batches' pages with their furniture, names,
    bookmarks and structure (:meth:`add_bodies`, while the front matter is laid out), then :meth:`finish`
    with the front matter: its pages put first, links settled, bookmarks, page labels, and the file written."""

    def __init__(self) -> None:
        import pikepdf

        self.pdf = pikepdf.Pdf.new()
        self.structure = StructureMerge(self.pdf, links_kept=True)  # links left out are forgotten in finish
        self.bodies: list[Part] = []
        self.sources: list[Any] = []  # open until the merged file is written (qpdf copies objects lazily)
        self.dests: dict[str, tuple[int, Any, Any]] = {}  # at body pages (from 0)
        self.bookmark_pages: list[Any] = []
        self.forms: FurnitureForms | None = None  # its chunk PDFs stay open until the merged file is written

    def add_bodies(self, parts: list[Part], furniture: Furniture) -> None:
        """Add the chapter batches' ``parts`` in book order, each page stamped with its ``furniture``."""
        import pikepdf

        pdf = self.pdf
        forms = self.forms = FurnitureForms(pdf, furniture.chunks)
        for part in parts:
            src = pikepdf.Pdf.open(io.BytesIO(part.result.pdf))
            self.sources.append(src)
            base = len(pdf.pages)
            self._copy_pages(src)
            if part.stamped is not None:
                for n, index in enumerate(range(base, len(pdf.pages))):
                    layers = furniture.pages[part.stamped + n]
                    stamp_furniture(pdf, index, [forms.form(chunk, at) for chunk, at in layers])
            self._add_facts(part, src, base)
            self.structure.add(src, [page.obj for page in pdf.pages[base:]], marked=part.result.marked)
            if part.pad:
                pdf.pages.append(_blank_like(pdf, src.pages[-1]))
        self.bodies += parts

    def _copy_pages(self, src: Any, at: int | None = None) -> None:
        """Copy every page of ``src`` into the book: at its end, or from index ``at``."""
        import pikepdf

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # named destinations: rebuilt in finish
            if at is None:
                self.pdf.pages.extend(src.pages)
            else:
                for n, page in enumerate(src.pages):
                    self.pdf.pages.insert(at + n, page)

    def _add_facts(self, part: Part, src: Any, base: int) -> None:
        """Keep the named destinations ``part`` holds (at body pages from ``base``) and its pages' bookmarks."""
        own = {a for names in part.result.anchors for a in names}
        page_index: dict[Any, int] = {page.objgen: n for n, page in enumerate(src.pages)}
        names_tree = src.Root.get("/Names")
        if names_tree is not None and "/Dests" in names_tree:
            flat = names_tree.Dests.Names
            for k in range(0, len(flat), 2):
                name = str(flat[k])
                if name in own and name not in self.dests:
                    array = flat[k + 1]
                    self.dests[name] = (base + page_index[array[0].objgen], array[2], array[3])
        for n, marks in enumerate(part.result.bookmarks):
            self.bookmark_pages.append(SimpleNamespace(bookmarks=marks, height=part.result.heights[n]))
        if part.pad:
            self.bookmark_pages.append(SimpleNamespace(bookmarks=[], height=0))

    def finish(self, layout: BatchedLayout, target: Path, identifier: bytes | None) -> None:
        """Put the front matter (``layout.parts[0]``) before the batches added and write the book to ``target``."""
        import pikepdf
        from pikepdf import Array, Dictionary, Name, OutlineItem, String

        import_weasyprint()
        from weasyprint.anchors import make_page_bookmark_tree
        from weasyprint.matrix import Matrix

        front_part = layout.parts[0]
        if [id(p) for p in layout.parts[1:]] != [id(p) for p in self.bodies]:
            raise ValueError("the merge holds other batches than the layout's")
        pdf = self.pdf
        front = pikepdf.Pdf.open(io.BytesIO(front_part.result.pdf))
        self.sources.insert(0, front)
        body_facts, body_dests = self.bookmark_pages, self.dests
        self.bookmark_pages, self.dests = [], {}
        self._copy_pages(front, at=0)
        self._add_facts(front_part, front, 0)
        shift = len(front.pages) + front_part.pad
        if front_part.pad:
            pdf.pages.insert(len(front.pages), _blank_like(pdf, front.pages[-1]))
        self.bookmark_pages += body_facts
        for name, (n, x, y) in body_dests.items():
            self.dests.setdefault(name, (shift + n, x, y))
        # Named destinations: each name from the document that holds it.
        pages = [page.obj for page in pdf.pages]  # once: each ``pdf.pages[n]`` costs a lookup
        name_array: list[Any] = []  # one array made at once: appending to a pikepdf array item by item is slow
        for name in sorted(self.dests):
            n, x, y = self.dests[name]
            name_array.extend([String(name), Array([pages[n], Name.XYZ, x, y, 0])])
        pdf.Root.Names = Dictionary(Dests=Dictionary(Names=Array(name_array)))
        # Links to names no document holds are removed, as WeasyPrint removes them (and so are the structure's
        # references to them).
        removed: set[tuple[int, int]] = set()
        for page in pages:
            annots = page.get("/Annots")
            if annots is not None:
                kept = [a for a in annots if "/Dest" not in a or str(a.Dest) in self.dests]
                if len(kept) < len(annots):
                    removed |= {a.objgen for a in annots if "/Dest" in a and str(a.Dest) not in self.dests}
                    page.Annots = Array(kept)
        self.structure.add(front, pages[: len(front.pages)], first=True, marked=front_part.result.marked)
        if removed:
            self.structure.forget_annotations(removed)
        self.structure.finish()
        # Bookmarks: WeasyPrint's tree over all pages.
        root: list[Any] = []
        skipped: list[int] = []
        last_by_depth: list[Any] = [root]
        previous = 0
        for number, page in enumerate(self.bookmark_pages):
            matrix = Matrix(a=0.75, d=-0.75, f=page.height * 0.75)
            previous = make_page_bookmark_tree(page, skipped, last_by_depth, previous, number, matrix)

        def items(tree: list[Any]) -> list[Any]:
            out = []
            for label, (number, x, y), children, state in tree:
                item = OutlineItem(label, number, "XYZ", left=x, top=y, zoom=0)
                item.is_closed = state == "closed"
                item.children.extend(items(children))
                out.append(item)
            return out

        with pdf.open_outline() as outline:
            outline.root.extend(items(root))
        # Page labels.
        nums: list[Any] = []
        for index, folio in label_ranges(layout.labels):
            entry = Dictionary(Type=Name.PageLabel)
            if folio.style:
                entry.S = Name("/" + folio.style)
                entry.St = folio.value
            if folio.prefix:
                entry.P = String(folio.prefix)
            nums.extend([index, entry])
        pdf.Root.PageLabels = Dictionary(Nums=Array(nums))
        # The document's information and language are the front matter's.
        ident = identifier or hashlib.md5(b"".join(p.result.pdf for p in layout.parts)).hexdigest().encode("ascii")
        save_merged(pdf, front, ident, target)


def _blank_like(pdf: Any, page: Any) -> Any:
    """A new blank page of ``pdf`` the size of ``page`` (a verso left empty)."""
    from pikepdf import Array, Dictionary, Name, Page

    box = [float(v) for v in page.mediabox]
    size = Array([0, 0, box[2] - box[0], box[3] - box[1]])
    blank = Dictionary(Type=Name.Page, MediaBox=size, Contents=pdf.make_stream(b""), Resources=Dictionary())
    return Page(pdf.make_indirect(blank))


class FurnitureForms:
    """The furniture's layers as form XObjects of ``pdf``, each copied from its chunk PDF once (pages that
    share a layer, such as every left-hand page's running head, draw the same form)."""

    def __init__(self, pdf: Any, chunks: dict[str, bytes]) -> None:
        self.pdf = pdf
        self.chunks = chunks
        self.open: dict[str, Any] = {}  # open until the merged file is written (qpdf copies lazily)
        self.forms: dict[tuple[str, int], Any] = {}

    def form(self, chunk: str, page: int) -> Any:
        """The form XObject of page ``page`` of chunk ``chunk``."""
        import pikepdf

        if (chunk, page) not in self.forms:
            if chunk not in self.open:
                self.open[chunk] = pikepdf.Pdf.open(io.BytesIO(self.chunks[chunk]))
            self.forms[chunk, page] = self.pdf.copy_foreign(self.open[chunk].pages[page].as_form_xobject())
        return self.forms[chunk, page]
