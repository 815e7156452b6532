"""Checks of a tagged PDF's structure tree read back with pikepdf (what the pdfua package does not check).

:func:`check_tagged` returns the problems it finds (empty: a valid tree) and the roles it saw:
- the catalog: ``/MarkInfo /Marked true``, a ``/Lang``, ``/DisplayDocTitle true``, a title;
- the tree: every element's ``/P`` is its parent; every marked-content id of every page is
  referenced by exactly one element and, through the page's ``/StructParents``, the parent tree
  maps it back to that element; the parent tree holds no element outside the tree;
- the pages: every text-showing operator lies inside tagged marked content or an artifact;
- links: every link annotation has a ``/StructParent`` whose element holds an ``/OBJR`` to it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


@dataclass
class TagReport:
    """What :func:`check_tagged` found: problems, the roles counted, the figures' alt texts and the headers' scopes."""

    problems: list[str] = field(default_factory=list)
    roles: Counter[str] = field(default_factory=Counter)
    alts: list[str] = field(default_factory=list)
    scopes: Counter[str] = field(default_factory=Counter)
    artifacts: int = 0


def _kids(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _number_tree(node: Any) -> dict[int, Any]:
    out: dict[int, Any] = {}
    if node is None:
        return out
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums) - 1, 2):
            out[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", []):
        out.update(_number_tree(kid))
    return out


def check_tagged(path: Path) -> TagReport:
    """The structure checks above on the PDF at ``path``."""
    report = TagReport()
    problems = report.problems
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if not bool(root.get("/MarkInfo", Dictionary()).get("/Marked", False)):
            problems.append("catalog: /MarkInfo /Marked is not true")
        if not str(root.get("/Lang", "")):
            problems.append("catalog: no /Lang")
        if not bool(root.get("/ViewerPreferences", Dictionary()).get("/DisplayDocTitle", False)):
            problems.append("catalog: /DisplayDocTitle is not true")
        if not str(pdf.docinfo.get("/Title", "")):
            problems.append("info: no /Title")
        tree = root.get("/StructTreeRoot")
        if tree is None:
            problems.append("catalog: no /StructTreeRoot")
            return report
        page_of = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        owner: dict[tuple[int, int], tuple[int, int]] = {}  # (page, mcid) -> element objgen
        in_tree: set[tuple[int, int]] = set()
        objrs: dict[tuple[int, int], tuple[int, int]] = {}  # annotation objgen -> element objgen
        stack: list[tuple[Any, Any]] = [(k, tree) for k in _kids(tree.get("/K"))]
        while stack:
            element, parent = stack.pop()
            if not isinstance(element, Dictionary):
                continue
            if element.objgen in in_tree:
                problems.append(f"element {element.objgen} appears twice in the tree")
                continue
            in_tree.add(element.objgen)
            if element.get("/P") is None or element.P.objgen != parent.objgen:
                problems.append(f"element {element.get('/S')} {element.objgen}: /P is not its parent")
            role = str(element.get("/S", ""))[1:]
            report.roles[role] += 1
            if role == "Figure":
                report.alts.append(str(element.get("/Alt", "")))
            if role == "TH":
                for attrs in _kids(element.get("/A")):
                    if isinstance(attrs, Dictionary) and "/Scope" in attrs:
                        report.scopes[str(attrs.Scope)[1:]] += 1
            page = element.get("/Pg")
            for kid in _kids(element.get("/K")):
                if isinstance(kid, int):
                    key = (page_of.get(page.objgen, -1) if page is not None else -1, int(kid))
                elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                    pg = kid.get("/Pg", page)
                    key = (page_of.get(pg.objgen, -1) if pg is not None else -1, int(kid.MCID))
                elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                    objrs[kid.Obj.objgen] = element.objgen
                    continue
                else:
                    stack.append((kid, element))
                    continue
                if key in owner:
                    problems.append(f"page {key[0] + 1} MCID {key[1]} is referenced twice")
                owner[key] = element.objgen
        parents = _number_tree(tree.get("/ParentTree"))
        for n, page in enumerate(pdf.pages):
            marked = _marked_content(page, report, problems, n)
            sp = page.obj.get("/StructParents")
            if marked and sp is None:
                problems.append(f"page {n + 1}: marked content but no /StructParents")
                continue
            array = parents.get(int(sp)) if sp is not None else None
            for mcid in marked:
                if (n, mcid) not in owner:
                    problems.append(f"page {n + 1} MCID {mcid}: in no element of the tree")
                    continue
                ref = array[mcid] if array is not None and mcid < len(array) else None
                if ref is None or not isinstance(ref, Dictionary) or ref.objgen != owner[(n, mcid)]:
                    problems.append(f"page {n + 1} MCID {mcid}: the parent tree does not point to its element")
            for key in owner:
                if key[0] == n and key[1] not in marked:
                    problems.append(f"page {n + 1} MCID {key[1]}: referenced by the tree, not on the page")
            if array is not None:
                for ref in array:
                    if isinstance(ref, Dictionary) and ref.objgen not in in_tree:
                        problems.append(f"page {n + 1}: the parent tree holds an element outside the tree")
            for annot in page.obj.get("/Annots", Array()):
                if annot.get("/Subtype") != Name.Link:
                    continue
                sp = annot.get("/StructParent")
                element = parents.get(int(sp)) if sp is not None else None
                if element is None or objrs.get(annot.objgen) != element.objgen:
                    problems.append(f"page {n + 1}: a link annotation is not in the tree")
    return report


def _marked_content(page: pikepdf.Page, report: TagReport, problems: list[str], n: int) -> set[int]:
    """The MCIDs marked on ``page``; text shown outside tagged content or an artifact is a problem."""
    mcids: set[int] = set()
    stack: list[str] = []  # "tag", "artifact" or "other" per open marked-content sequence
    loose = 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            if tag == "/Artifact":
                stack.append("artifact")
                report.artifacts += 1
            elif op == "BDC" and isinstance(operands[1], Dictionary) and "/MCID" in operands[1]:
                mcid = int(operands[1].MCID)
                if mcid in mcids:
                    problems.append(f"page {n + 1}: MCID {mcid} marked twice")
                mcids.add(mcid)
                stack.append("tag")
            else:
                stack.append("other")
        elif op == "EMC":
            if stack:
                stack.pop()
        elif op in TEXT_OPERATORS and not ({"tag", "artifact"} & set(stack)):
            loose += 1
    if loose:
        problems.append(f"page {n + 1}: {loose} text operators neither tagged nor artifact")
    return mcids
