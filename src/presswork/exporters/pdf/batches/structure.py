"""Merging the structure trees of tagged batch PDFs into the merged book's one tree (pikepdf).

Each batch PDF WeasyPrint writes has its own ``/StructTreeRoot``: a ``/Document`` element, a parent
tree keyed by the batch's own page and annotation numbers (``/StructParents``, ``/StructParent``)
and table header ids made of its own object numbers. The merged book gets one ``/Document``
element holding every batch's elements in book order, one parent tree renumbered over all pages
and annotations, header ids prefixed by their batch (with an ``/IDTree``), the batches' role maps,
and the catalog entries of a tagged PDF (``/MarkInfo``, ``/ViewerPreferences /DisplayDocTitle``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


def merge_structure(
    pdf: Any, parts: Sequence[tuple[Any, int]], counts: Sequence[int] | None = None, links_kept: bool = False
) -> None:
    """Give ``pdf`` (the merged book) one structure tree from the tagged ``parts``: each a batch's
    source PDF and the index of its first page in ``pdf``; ``counts``: how many of each source's pages
    are in ``pdf`` (default: all of them, from its first); ``links_kept``: no link annotation of the parts
    was left out (none of their references is checked). Untagged parts add nothing; a book whose
    parts are all untagged stays untagged."""
    from pikepdf import Array, Dictionary, Name, String

    sizes = counts if counts is not None else [len(src.pages) for src, _ in parts]
    tagged = [
        (src, base, size) for (src, base), size in zip(parts, sizes, strict=True) if "/StructTreeRoot" in src.Root
    ]
    if not tagged:
        return
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))
    root.K = Array([document])
    top_level: list[Any] = []  # the document's kids, made one array at the end
    nums: list[tuple[int, Any]] = []
    ids: list[tuple[str, Any]] = []
    role_map = Dictionary()
    kept_annots = set() if links_kept else {a.objgen for page in pdf.pages for a in page.obj.get("/Annots", Array())}
    next_key = 0
    for number, (src, base, size) in enumerate(tagged):
        copied = pdf.copy_foreign(src.Root.StructTreeRoot)
        renumbered: dict[int, int] = {}
        for page in pdf.pages[base : base + size]:
            holders = [page.obj, *page.obj.get("/Annots", Array())]
            for holder, key in ((page.obj, "/StructParents"), *((a, "/StructParent") for a in holders[1:])):
                if key in holder:
                    renumbered[int(holder[key])] = next_key
                    holder[key] = next_key
                    next_key += 1
        for old, value in _number_tree(copied.get("/ParentTree")):
            if old in renumbered:
                nums.append((renumbered[old], value))
        for top in _kids(copied.get("/K")):
            for element in _kids(top.K) if top.get("/S") == Name.Document else [top]:
                if isinstance(element, Dictionary):
                    element.P = document
                    top_level.append(element)
        prefix = f"b{number}-"
        for element, keys in _elements(copied.get("/K")):
            if "/ID" in keys:
                element.ID = String(prefix + str(element.ID))
                ids.append((str(element.ID), element))
            for attributes in _kids(element.A) if "/A" in keys else []:
                if isinstance(attributes, Dictionary) and "/Headers" in attributes:
                    attributes.Headers = Array([String(prefix + str(h)) for h in attributes.Headers])
            kids = element.K if not links_kept and "/K" in keys else None
            if isinstance(kids, Array):
                dangling = [k for k in kids if _is_objr(k) and k.Obj.objgen not in kept_annots]
                if dangling:
                    element.K = Array([k for k in kids if not (_is_objr(k) and k.Obj.objgen not in kept_annots)])
        for role, standard in copied.get("/RoleMap", Dictionary()).items():
            role_map[role] = standard
    document.K = Array(top_level)
    flat: list[Any] = []
    for number_key, value in sorted(nums, key=lambda kv: kv[0]):
        flat.extend([number_key, value])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(flat)))
    root.ParentTreeNextKey = next_key
    if ids:
        names: list[Any] = []  # one array made at once: extending a pikepdf array item by item is slow
        for name, element in sorted(ids, key=lambda ie: ie[0]):
            names.extend([String(name), element])
        root.IDTree = Dictionary(Names=Array(names))
    if role_map:
        root.RoleMap = role_map
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)


def _kids(value: Any) -> list[Any]:
    """``value`` as a list (a ``/K`` or ``/A`` entry is one object or an array of them)."""
    from pikepdf import Array

    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _is_objr(kid: Any) -> bool:
    """Whether ``kid`` (of a ``/K`` array) is an object reference to an annotation."""
    from pikepdf import Dictionary, Name

    return isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR


def _elements(kids: Any) -> Iterator[tuple[Any, set[str]]]:
    """Every structure element under ``kids`` with its keys (depth first; marked-content ids and references
    skipped). The keys are read once: each lookup in a pikepdf dictionary costs a call into qpdf."""
    from pikepdf import Dictionary

    stack = _kids(kids)
    while stack:
        element = stack.pop()
        if not isinstance(element, Dictionary):
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
