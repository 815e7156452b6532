"""Merging the structure trees of tagged batch PDFs into the merged book's one tree (pikepdf).

Each batch PDF WeasyPrint writes has its own ``/StructTreeRoot``: a ``/Document`` element, a parent
tree keyed by the batch's own page and annotation numbers (``/StructParents``, ``/StructParent``)
and table header ids made of its own object numbers. The merged book gets one ``/Document``
element holding every batch's elements in book order, one parent tree renumbered over all pages
and annotations, header ids prefixed by their batch (with an ``/IDTree``), the batches' role maps,
and the catalog entries of a tagged PDF (``/MarkInfo``, ``/ViewerPreferences /DisplayDocTitle``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

#: pikepdf's classes, bound by :func:`_bind` at the first merge: importing pikepdf (60 ms) is left to the builds
#: that merge, and the walks below use them for every element (an import statement per call cost 0.5 s of a
#: 400-page book's merge).
_Array: Any = None
_Dictionary: Any = None
_String: Any = None
_OBJR: Any = None


def _bind() -> None:
    """Bind pikepdf's classes for the walks (once)."""
    global _Array, _Dictionary, _String, _OBJR
    if _Array is None:
        from pikepdf import Array, Dictionary, Name, String

        _Array, _Dictionary, _String, _OBJR = Array, Dictionary, String, Name.OBJR


def merge_structure(
    pdf: Any,
    parts: Sequence[tuple[Any, int]],
    links_kept: bool = False,
    marked: Sequence[Marked | None] | None = None,
) -> None:
    """Give ``pdf`` (the merged book) one structure tree from the tagged ``parts``: each a batch's
    source PDF and the index of its first page in ``pdf`` (all of its pages are there); ``links_kept``: no
    link annotation of the parts was left out (none of their references is checked); ``marked``: each
    part's :func:`marked_elements` when known (its tree is then not walked). Untagged parts add nothing; a
    book whose parts are all untagged stays untagged."""
    merge = StructureMerge(pdf, links_kept)
    for (src, base), known in zip(parts, marked or [None] * len(parts), strict=True):
        merge.add(src, [page.obj for page in pdf.pages[base : base + len(src.pages)]], marked=known)
    merge.finish()


class StructureMerge:
    """One structure tree built for ``pdf`` from the trees of the sources its pages were copied from, added
    one source at a time (:meth:`add`), then written into the catalog (:meth:`finish`)."""

    def __init__(self, pdf: Any, links_kept: bool = False) -> None:
        from pikepdf import Array, Dictionary, Name

        _bind()
        self.pdf = pdf
        self.root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root, K=Array()))
        self.root.K = Array([self.document])
        self.top_level: list[Any] = []  # the document's kids, made one array at the end
        self.nums: list[tuple[int, Any]] = []
        self.ids: list[tuple[str, Any]] = []
        self.role_map = Dictionary()
        self.links_kept = links_kept
        self.kept_annots: set[Any] | None = None
        self.next_key = 0
        self.parts = 0

    def add(self, src: Any, pages: Sequence[Any], first: bool = False, marked: Marked | None = None) -> Marked | None:
        """Add the tree of ``src`` (nothing when it is untagged), whose pages in ``pdf`` are the page objects
        ``pages`` (copied from ``src``); ``first``: its elements open the document (else they follow the
        elements added so far); ``marked``: :func:`marked_elements` of ``src`` when known (kept with a cached
        batch: its tree is then not walked). Returns the marked elements of ``src`` used (None: the tree was
        walked), for the caller to keep."""
        from pikepdf import Array, Dictionary, Name

        if "/StructTreeRoot" not in src.Root:
            return None
        if not self.links_kept and self.kept_annots is None:
            self.kept_annots = {a.objgen for page in self.pdf.pages for a in page.obj.get("/Annots", Array())}
        copied = self.pdf.copy_foreign(src.Root.StructTreeRoot)
        renumbered: dict[int, int] = {}
        for page in pages:
            holders = [page, *page.get("/Annots", Array())]
            for holder, key in ((page, "/StructParents"), *((a, "/StructParent") for a in holders[1:])):
                if key in holder:
                    renumbered[int(holder[key])] = self.next_key
                    holder[key] = self.next_key
                    self.next_key += 1
        for old, value in _number_tree(copied.get("/ParentTree")):
            if old in renumbered:
                self.nums.append((renumbered[old], value))
        elements: list[Any] = []
        for top in _kids(copied.get("/K")):
            for element in _kids(top.K) if top.get("/S") == Name.Document else [top]:
                if isinstance(element, Dictionary):
                    element.P = self.document
                    elements.append(element)
        self.top_level = [*elements, *self.top_level] if first else [*self.top_level, *elements]
        prefix = f"b{self.parts}-"
        self.parts += 1
        known = None
        if self.kept_annots is None:  # no link left out: only the elements that change are visited
            known = _copies(self.pdf, src, marked) if marked is not None else None
            if known is None:
                marked = marked_elements(src)  # its objects already read by the copy: as quick as walking that
                known = _copies(self.pdf, src, marked) if marked is not None else None
        for element in known or ():
            self._rename(element, set(element.keys()), prefix)
        for element, keys in _elements(copied.get("/K")) if known is None else ():
            self._rename(element, keys, prefix)
            kept = self.kept_annots
            kids = element.K if kept is not None and "/K" in keys else None
            if kept is not None and isinstance(kids, Array):
                dangling = [k for k in kids if _is_objr(k) and k.Obj.objgen not in kept]
                if dangling:
                    element.K = Array([k for k in kids if not (_is_objr(k) and k.Obj.objgen not in kept)])
        for role, standard in copied.get("/RoleMap", Dictionary()).items():
            self.role_map[role] = standard
        return marked if known is not None else None

    def _rename(self, element: Any, keys: set[str], prefix: str) -> None:
        """Give ``element`` (with ``keys``) its id and its headers' ids with the prefix of its source."""
        if "/ID" in keys:
            element.ID = _String(prefix + str(element.ID))
            self.ids.append((str(element.ID), element))
        for attributes in _kids(element.A) if "/A" in keys else []:
            if isinstance(attributes, _Dictionary) and "/Headers" in attributes:
                attributes.Headers = _Array([_String(prefix + str(h)) for h in attributes.Headers])

    def finish(self) -> None:
        """Write the tree into ``pdf``'s catalog, with the entries of a tagged PDF (nothing when no source
        added was tagged)."""
        from pikepdf import Array, Dictionary, String

        if not self.parts:
            return
        pdf, root = self.pdf, self.root
        self.document.K = Array(self.top_level)
        flat: list[Any] = []
        for number_key, value in sorted(self.nums, key=lambda kv: kv[0]):
            flat.extend([number_key, value])
        root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(flat)))
        root.ParentTreeNextKey = self.next_key
        if self.ids:
            names: list[Any] = []  # one array made at once: extending a pikepdf array item by item is slow
            for name, element in sorted(self.ids, key=lambda ie: ie[0]):
                names.extend([String(name), element])
            root.IDTree = Dictionary(Names=Array(names))
        if self.role_map:
            root.RoleMap = self.role_map
        pdf.Root.StructTreeRoot = root
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)


#: The object numbers (number, generation) of a source's structure elements that the merge changes.
Marked = list[tuple[int, int]]


def marked_elements(src: Any) -> Marked | None:
    """The object numbers in ``src`` of the structure elements the merge changes (those with an ``/ID`` or with
    attributes naming ``/Headers``), in the order it changes them; None when ``src`` is untagged or one of
    them is a direct object (no number finds it again: the merge then walks the tree)."""
    _bind()
    if "/StructTreeRoot" not in src.Root:
        return None
    found: Marked = []
    for element, keys in _elements(src.Root.StructTreeRoot.get("/K")):
        headers = "/A" in keys and any(isinstance(a, _Dictionary) and "/Headers" in a for a in _kids(element.A))
        if "/ID" in keys or headers:
            if not element.is_indirect:
                return None
            found.append(element.objgen)
    return found


def marked_in(pdf: bytes) -> Marked | None:
    """:func:`marked_elements` of the PDF file ``pdf`` (worked out where a batch is written and kept with it, so
    that no build merging it walks its tree again)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as src:
        return marked_elements(src)


def _copies(pdf: Any, src: Any, marked: Marked) -> list[Any] | None:
    """The copies in ``pdf`` of the elements of ``src`` numbered ``marked`` (its tree already copied: qpdf
    gives back the copy it made), or None when a number does not name a structure element of ``src`` (an
    entry of another file: the tree is walked instead)."""
    from pikepdf import Dictionary, Name

    try:
        found = [src.get_object(tuple(objgen)) for objgen in marked]
    except Exception:  # noqa: BLE001 - no such object: walked instead
        return None
    if not all(isinstance(e, Dictionary) and e.get("/Type") == Name.StructElem for e in found):
        return None
    return [pdf.copy_foreign(element) for element in found]


def _kids(value: Any) -> list[Any]:
    """``value`` as a list (a ``/K`` or ``/A`` entry is one object or an array of them)."""
    if value is None:
        return []
    return list(value) if isinstance(value, _Array) else [value]


def _is_objr(kid: Any) -> bool:
    """Whether ``kid`` (of a ``/K`` array) is an object reference to an annotation."""
    return isinstance(kid, _Dictionary) and kid.get("/Type") == _OBJR


def _elements(kids: Any) -> Iterator[tuple[Any, set[str]]]:
    """Every structure element under ``kids`` with its keys (depth first; marked-content ids and references
    skipped). The keys are read once: each lookup in a pikepdf dictionary costs a call into qpdf."""
    stack = _kids(kids)
    while stack:
        element = stack.pop()
        if not isinstance(element, _Dictionary):
            continue
        keys = set(element.keys())
        if "/Type" in keys and str(element.Type) in ("/OBJR", "/MCR"):
            continue
        yield element, keys
        if "/K" in keys:
            stack.extend(_kids(element.K))


def _number_tree(node: Any) -> Iterator[tuple[int, Any]]:
    """The (key, value) pairs of a number tree (``/Nums`` leaves under ``/Kids``)."""
    if node is None:
        return
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums) - 1, 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", []):
        yield from _number_tree(kid)
