"""The Typst book merged from its laid-out batches and its skeleton (pikepdf): front pages, body pages with the skeleton's heads and folios drawn over them, links, named destinations, bookmarks, page labels and one structure tree.

The skeleton PDF has exactly the book's pages (front matter, then one page per body page), so a page's
index in it is its index in the book: its links (the contents), bookmarks and page labels hold as they
are. A batch's page ``p`` is the book's page ``front + start + p``.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from presswork.core import files
from presswork.exporters.pdf.batches.saving import save_merged
from presswork.exporters.pdf.batches.stamp import stamp_furniture
from presswork.exporters.pdf.batches.structure import StructureMerge
from presswork.exporters.pdf.typst.batches import XREF, Fallback, LaidBatch

__all__ = ["MERGE_FOLDER", "BodyMerge"]

#: The folder of the compile folder the merge reads its PDFs from (nothing Typst reads).
MERGE_FOLDER = "merge"

_PAGE_IN_CONTENTS = re.compile(r"page \d+$")
#: How far above a link's target Typst's explicit destinations point (points).
_ABOVE = 10.0


def _index_dests(src: Any, offset: int) -> None:
    """In ``src``, every link's explicit destination page made the index of that page in the book (an
    integer, made a page of the merged book again once its pages are copied)."""
    from pikepdf import Array

    index = {page.objgen: n for n, page in enumerate(src.pages)}
    for page in src.pages:
        for annot in page.obj.get("/Annots", Array()):
            dest = annot.get("/Dest")
            if isinstance(dest, Array) and len(dest) and not isinstance(dest[0], int) and dest[0].objgen in index:
                annot.Dest = Array([offset + index[dest[0].objgen], *list(dest)[1:]])  # a new array: one may be shared


def _outline(src: Any, offset: int) -> list[Any]:
    """The bookmarks of ``src`` as new items whose pages are the book's."""
    from pikepdf import Array, OutlineItem

    index = {page.objgen: n for n, page in enumerate(src.pages)}

    def items(tree: Sequence[Any]) -> list[Any]:
        out = []
        for item in tree:
            dest = item.destination
            if not isinstance(dest, Array) or not len(dest) or dest[0].objgen not in index:
                raise Fallback("a bookmark without a page destination")
            left, top = (float(dest[2]), float(dest[3])) if len(dest) >= 4 else (0.0, 0.0)
            new = OutlineItem(item.title, offset + index[dest[0].objgen], "XYZ", left=left, top=top, zoom=0)
            new.is_closed = item.is_closed
            new.children.extend(items(item.children))
            out.append(new)
        return out

    with src.open_outline() as outline:
        return items(outline.root)


class BodyMerge:
    """The book's merge in two steps: the batches' pages, names and structure at once (while the skeleton is
    still being set in a worker), then :meth:`finish` with the skeleton: its front pages and blank versos,
    the heads and folios drawn over each body page, links, bookmarks, page labels, and the file written."""

    def __init__(self, folder: Path | None = None) -> None:
        import pikepdf

        #: Where the PDFs merged are written to be read from: :data:`MERGE_FOLDER` of the private compile folder
        #: ``folder`` (None: read from memory).
        self.folder = folder / MERGE_FOLDER if folder is not None else None
        self.laid: list[LaidBatch] = []
        self.starts: list[int] = []
        self.sources: list[Any] = []
        self.pdf = pikepdf.Pdf.new()
        self.structure = StructureMerge(self.pdf, links_kept=True)
        #: The structure elements renamed in each batch added (``LaidBatch.marked``; kept with a batch laid out now).
        self.marked: list[list[tuple[int, int]] | None] = []
        #: Named destinations: each batch's own (every label in a batch is its own), at body pages from 0.
        self.dests: dict[str, tuple[int, Any, Any]] = {}

    def end(self) -> int:
        """The body page (from 0) after the batches added so far."""
        return self.starts[-1] + self.laid[-1].pages if self.laid else 0

    def add(self, laid: LaidBatch, first: int) -> None:
        """Add the next batch in book order, whose first page is body page ``first`` (from 0)."""
        import pikepdf
        from pikepdf import Array

        src = self._open(laid.pdf, f"merge-{len(self.laid)}.pdf")
        _index_dests(src, first)  # body pages, from 0: the front matter's length is the skeleton's
        at = len(self.pdf.pages)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # named destinations: rebuilt in finish
            self.pdf.pages.extend(src.pages)
        self.marked.append(self.structure.add(src, [page.obj for page in self.pdf.pages[at:]], marked=laid.marked))
        where: dict[Any, int] = {p.objgen: n for n, p in enumerate(src.pages)}
        names = src.Root.get("/Names")
        if names is not None and "/Dests" in names:
            flat = names.Dests.get("/Names", Array())
            for n in range(0, len(flat), 2):
                array = flat[n + 1]
                self.dests.setdefault(str(flat[n]), (first + where[array[0].objgen], array[2], array[3]))
        self.laid.append(laid)
        self.starts.append(first)
        self.sources.append(src)

    def _open(self, pdf: bytes, name: str) -> Any:
        """``pdf`` opened for the merge: from a file in :attr:`folder` when there is one, which qpdf reads itself
        (twice as quick as through a Python stream: it reads every object of a batch, one at a time)."""
        import pikepdf

        if self.folder is None:
            return pikepdf.Pdf.open(io.BytesIO(pdf))
        path = self.folder / name
        files.make_dirs(self.folder, self.folder.parent, "Typst compile folder")
        files.write_into(path, pdf, self.folder, durable=False)
        return pikepdf.Pdf.open(path)  # kept open until the merged file is written (qpdf reads lazily)

    def finish(self, skeleton_pdf: bytes, body_pages: int, target: Path, identifier: bytes | None) -> int:
        """Write the book to ``target``: the skeleton's front pages, the batches' pages with the skeleton's body
        page drawn over each (``body_pages`` in all), and the skeleton's blank versos between them. Returns the
        number of pages written."""
        import pikepdf
        from pikepdf import Array, Dictionary, Name, String

        pdf, laid, starts = self.pdf, self.laid, self.starts
        owner: list[int | None] = [None] * body_pages  # the batch of each body page (None: a blank verso)
        for k, (src, first) in enumerate(zip(self.sources, starts, strict=True)):
            owner[first : first + len(src.pages)] = [k] * len(src.pages)
        if len(owner) != body_pages:
            raise Fallback("the batches do not fill the body pages")
        skeleton = self._open(skeleton_pdf, "merge-skeleton.pdf")
        front = len(skeleton.pages) - body_pages
        if front < 1:
            raise Fallback("the skeleton has fewer pages than the body")
        _index_dests(skeleton, 0)
        versos = {front + b for b, held in enumerate(owner) if held is None}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            for n in range(front):
                pdf.pages.insert(n, skeleton.pages[n])
            for n in sorted(versos):
                pdf.pages.insert(n, skeleton.pages[n])
                page = pdf.pages[n].obj
                if "/StructParents" in page:
                    del page["/StructParents"]  # a blank page: nothing of it is tagged
        if len(pdf.pages) != len(skeleton.pages):
            raise Fallback("the batches do not fill the skeleton's body pages")
        for b, batch in enumerate(owner):
            if batch is not None:
                form = pdf.copy_foreign(skeleton.pages[front + b].as_form_xobject())
                stamp_furniture(pdf, front + b, [form])
        dests = {name: (front + n, x, y) for name, (n, x, y) in self.dests.items()}
        places: dict[str, tuple[int, float, float]] = {}
        for facts, first in zip(laid, starts, strict=True):
            for name, (on, x, y) in facts.labels.items():
                places.setdefault(name, (front + first + int(on) - 1, float(x), float(y)))
        pages = [page.obj for page in pdf.pages]  # once: each ``pdf.pages[n]`` costs a lookup
        for number, page in enumerate(pages):
            shift = front if number >= front and number not in versos else 0  # a batch's page indices are its body's
            for annot in page.get("/Annots", Array()):
                _settle_link(pages, annot, number, front, shift, dests, places)
        named: list[Any] = []  # one array made at once: appending to a pikepdf array one item at a time is slow
        for name in sorted(dests):
            n, x, y = dests[name]
            named.extend([String(name), Array([pages[n], Name.XYZ, x, y, 0])])
        pdf.Root.Names = Dictionary(Dests=Dictionary(Names=Array(named)))
        self.structure.add(skeleton, pages[:front], first=True)
        self.structure.finish()
        bookmarks = _outline(skeleton, 0)
        for src, first in zip(self.sources, starts, strict=True):
            bookmarks.extend(_outline(src, front + first))
        with pdf.open_outline() as outline:
            outline.root.extend(bookmarks)
        if "/PageLabels" in skeleton.Root:
            labels = skeleton.Root.PageLabels
            pdf.Root.PageLabels = pdf.copy_foreign(labels if labels.is_indirect else skeleton.make_indirect(labels))
        if "/Metadata" in skeleton.Root:
            pdf.Root.Metadata = pdf.copy_foreign(skeleton.Root.Metadata)
        ident = identifier or hashlib.md5(skeleton_pdf + b"".join(b.pdf for b in laid)).hexdigest().encode("ascii")
        save_merged(pdf, skeleton, ident, target)
        return len(skeleton.pages)


def _settle_link(
    pages: Sequence[Any],
    annot: Any,
    number: int,
    front: int,
    shift: int,
    dests: dict[str, tuple[int, Any, Any]],
    places: dict[str, tuple[int, float, float]],
) -> None:
    """One link annotation of page ``number`` pointed at its page of the book: an explicit destination's page
    index (plus ``shift``: the front matter's length on a batch's page) made the page, a link to another
    batch's anchor (:data:`XREF`) made a destination, and the page number Typst names in the link's
    description ("page 3" of its batch) made the book's folio."""
    from pikepdf import Array, Name, Page, String

    target: int | None = None
    dest = annot.get("/Dest")
    if isinstance(dest, Array) and len(dest) and isinstance(dest[0], int):
        target = int(dest[0]) + shift
        annot.Dest = Array([pages[target], *list(dest)[1:]])
    elif dest is not None and str(dest) in dests:
        target = dests[str(dest)][0]
    action = annot.get("/A")
    uri = str(action.get("/URI", "")) if action is not None else ""
    if uri.startswith(XREF):
        name = "pw:" + uri[len(XREF) :]
        if name in dests:  # a heading's label, as Typst links it: by name
            target = dests[name][0]
            annot.Dest = String(name)
            described = "Section, page"
        elif name in places:  # any other label: its place, shown from a little above it, as Typst does
            target, x, y = places[name]
            height = float(Page(pages[target]).mediabox[3])
            annot.Dest = Array([pages[target], Name.XYZ, x, height - y + _ABOVE, 0])
            described = "page"
        else:
            raise Fallback(f"a link to {name!r}, which no batch holds")
        del annot["/A"]
        annot.Contents = String(f"{described} {target - front + 1}")
        return
    if target is not None and target >= front and number >= front and "/Contents" in annot:
        annot.Contents = String(_PAGE_IN_CONTENTS.sub(f"page {target - front + 1}", str(annot.Contents)))
