"""The merged book built one part at a time: pages with their furniture, named destinations, structure trees, bookmarks and page labels (pikepdf)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from presswork.compat.weasyprint import import_weasyprint
from presswork.core.leftovers import keep_until_next_build
from presswork.exporters.pdf.batches.furniture import Furniture
from presswork.exporters.pdf.batches.opening import OpenedPdfs
from presswork.exporters.pdf.batches.saving import save_merged
from presswork.exporters.pdf.batches.stamp import stamp_furniture
from presswork.exporters.pdf.batches.structure import StructureMerge, merge_structure
from presswork.exporters.pdf.labels import Folio, label_ranges

__all__ = ["BookMerge", "FurnitureForms", "LinksRemoved"]


class LinksRemoved(Exception):
    """A link to a name no part holds was removed after the structure trees were merged."""


class BookMerge:
    """The merged book, one part at a time (:meth:`add`, in book order), then written (:meth:`finish`). Each part's
    structure tree is merged as it comes (so parts merged while a batch is still written cost nothing later),
    unless ``trees_last``: then after the links to names no part holds are removed."""

    def __init__(self, furniture: Furniture | None, opened: OpenedPdfs, trees_last: bool = False) -> None:
        import pikepdf

        self.pdf = pikepdf.Pdf.new()
        self.furniture = furniture
        self.opened = opened
        self.forms = FurnitureForms(self.pdf, furniture.chunks if furniture else {}, opened)
        self.dests: dict[str, tuple[int, Any, Any]] = {}
        self.bookmark_pages: list[Any] = []
        self.sources: list[Any] = []  # open until the merged file is written (qpdf copies objects lazily)
        self.starts: list[tuple[Any, int]] = []  # each source and the index of its first page (structure trees)
        self.parts: list[Any] = []  # layout.py's Parts (this module is imported by it)
        self.structure = None if trees_last else StructureMerge(self.pdf, links_kept=True)

    def add(self, part: Any) -> None:
        """Copy ``part``'s pages into the book, stamp their furniture, note its names and bookmarks (and merge its
        structure tree, unless the trees come last)."""
        import warnings

        import pikepdf

        pdf = self.pdf
        src = self.opened.open(part.result.pdf)
        self.parts.append(part)
        self.sources.append(src)
        base = len(pdf.pages)
        self.starts.append((src, base))
        page_index: dict[Any, int] = {page.objgen: n for n, page in enumerate(src.pages)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # named destinations: rebuilt in finish
            pdf.pages.extend(src.pages)
        if part.stamped is not None and self.furniture is not None:
            for n, index in enumerate(range(base, len(pdf.pages))):
                layers = self.furniture.pages[part.stamped + n]
                stamp_furniture(pdf, index, [self.forms.form(chunk, at) for chunk, at in layers])
        for n, contents in sorted(part.contents.items()):  # the contents' page numbers written in (numbers.py)
            pdf.pages[base + n].obj.Contents = pdf.make_stream(contents)
        own = {a for names in part.result.anchors for a in names}
        names_tree = src.Root.get("/Names")
        if names_tree is not None and "/Dests" in names_tree:
            flat = names_tree.Dests.Names
            for k in range(0, len(flat), 2):
                name = str(flat[k])
                if name in own and name not in self.dests:
                    array = flat[k + 1]
                    self.dests[name] = (base + page_index[array[0].objgen], array[2], array[3])
        if self.structure is not None:
            pages = [page.obj for page in pdf.pages[base : base + len(src.pages)]]
            self.structure.add(src, pages, marked=part.result.marked)
        for n, marks in enumerate(part.result.bookmarks):
            self.bookmark_pages.append(SimpleNamespace(bookmarks=marks, height=part.result.heights[n]))
        if part.pad:
            box = [float(v) for v in src.pages[-1].mediabox]
            pdf.add_blank_page(page_size=(box[2] - box[0], box[3] - box[1]))
            self.bookmark_pages.append(SimpleNamespace(bookmarks=[], height=0))

    def finish(self, labels: Sequence[Folio], target: Path, ident: bytes) -> None:
        """The book's names, links, structure tree, bookmarks and page labels, then the file (raises
        :class:`LinksRemoved` when a link was removed after the structure trees were merged)."""
        from pikepdf import Array, Dictionary, Name, OutlineItem, String

        import_weasyprint()
        from weasyprint.anchors import make_page_bookmark_tree
        from weasyprint.matrix import Matrix

        pdf, dests = self.pdf, self.dests
        # Named destinations: each name from the document that holds it.
        pages = [page.obj for page in pdf.pages]  # once: each ``pdf.pages[n]`` costs a lookup
        name_array: list[Any] = []  # one array made at once: appending to a pikepdf array item by item is slow
        for name in sorted(dests):
            n, x, y = dests[name]
            name_array.extend([String(name), Array([pages[n], Name.XYZ, x, y, 0])])
        pdf.Root.Names = Dictionary(Dests=Dictionary(Names=Array(name_array)))
        # Links to names no document holds are removed, as WeasyPrint removes them.
        removed = 0
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if annots is not None:
                kept = [a for a in annots if "/Dest" not in a or str(a.Dest) in dests]
                removed += len(annots) - len(kept)
                page.obj.Annots = Array(kept)
        if self.structure is not None:
            if removed:
                raise LinksRemoved
            self.structure.finish()
        else:  # (with every link kept no structure element refers to a removed one: the trees are not searched)
            marked = [part.result.marked for part in self.parts]
            merge_structure(pdf, self.starts, links_kept=not removed, marked=marked)
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
        for index, folio in label_ranges(labels):
            entry = Dictionary(Type=Name.PageLabel)
            if folio.style:
                entry.S = Name("/" + folio.style)
                entry.St = folio.value
            if folio.prefix:
                entry.P = String(folio.prefix)
            nums.extend([index, entry])
        pdf.Root.PageLabels = Dictionary(Nums=Array(nums))
        # The document's information and language are the front matter's.
        save_merged(pdf, self.sources[0], ident, target)
        keep_until_next_build(pdf, self.forms, self.opened)  # freeing qpdf's objects: 0.25 s for a 100-chapter book


class FurnitureForms:
    """The furniture's layers as form XObjects of ``pdf``, each copied from its chunk PDF once (pages that
    share a layer, such as every left-hand page's running head, draw the same form)."""

    def __init__(self, pdf: Any, chunks: dict[str, bytes], opened: OpenedPdfs) -> None:
        self.pdf = pdf
        self.chunks = chunks
        self.opened = opened  # the chunks' PDFs: open until the merged file is written (qpdf copies lazily)
        self.forms: dict[tuple[str, int], Any] = {}

    def form(self, chunk: str, page: int) -> Any:
        """The form XObject of page ``page`` of chunk ``chunk``."""
        if (chunk, page) not in self.forms:
            source = self.opened.open(self.chunks[chunk])
            self.forms[chunk, page] = self.pdf.copy_foreign(source.pages[page].as_form_xobject())
        return self.forms[chunk, page]
