"""Page furniture as PDF artifacts: WeasyPrint's margin boxes, and content stamped onto pages later.

A tagged PDF must either tag every piece of content in its structure tree or mark it as an
artifact (PDF/UA-1, 7.1). WeasyPrint 70 marks the text of margin boxes (running heads, folios)
with MCIDs and files them in the parent tree, but links their structure elements to nothing
(its comment: "could be included in tree as Artifact, but that's only allowed in PDF 2.0").
A screen reader then meets orphaned content. :func:`margin_artifacts` is a ``write_pdf``
finisher that turns that content into ``/Artifact <</Type /Pagination>>`` marked content and
drops it from the parent tree.

Content stamped onto finished pages afterwards (folios or running heads drawn by a pikepdf
overlay) must be marked likewise: :func:`artifact_content` wraps a content stream's bytes,
:func:`add_artifact_overlay` stamps a page onto another as an artifact.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pikepdf
    import pydyf

#: What page furniture is (ISO 32000-1, 14.8.2.2.2): a header, a footer or a watermark.
Subtype = Literal["Header", "Footer", "Watermark"]


def artifact_content(content: bytes, subtype: Subtype | None = None) -> bytes:
    """``content`` (page content stream operators) wrapped as one pagination artifact, in its own graphics state."""
    props = b"<< /Type /Pagination" + (b" /Subtype /" + subtype.encode("ascii") if subtype else b"") + b" >>"
    return b"/Artifact " + props + b" BDC\nq\n" + content.rstrip(b"\n") + b"\nQ\nEMC\n"


def add_artifact_overlay(
    page: pikepdf.Page,
    overlay: pikepdf.Page,
    rect: pikepdf.Rectangle | None = None,
    subtype: Subtype | None = None,
) -> None:
    """Stamp ``overlay`` on ``page`` (as :meth:`pikepdf.Page.add_overlay` does) as an artifact: a
    screen reader and the structure tree skip it, PDF/UA validators accept it."""
    import pikepdf

    name = page.add_overlay(overlay, rect, push_stack=True)
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    drawn = bytes(name) + b" Do"
    for stream in reversed(streams):
        data = stream.read_bytes()
        if drawn in data:
            stream.write(artifact_content(data, subtype))
            return
    raise ValueError(f"the overlay {name} was not drawn on the page")  # pragma: no cover - pikepdf's contract


def margin_artifacts(document: Any, pdf: pydyf.PDF) -> None:
    """A WeasyPrint ``write_pdf`` finisher: the orphaned marked content of margin boxes becomes
    pagination artifacts, and leaves the parent tree (a no-op for an untagged PDF)."""
    import pydyf

    root_ref = pdf.catalog.get("StructTreeRoot")
    if root_ref is None:
        return
    root = deref(pdf, root_ref)
    reachable = {_number(ref) for ref in _walk(pdf, root.get("K", []))}
    nums = deref(pdf, root["ParentTree"])["Nums"]
    kids = [pdf.objects[number] for number in pdf.pages["Kids"][::3]]  # pydyf keeps them as number, 0, "R"
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        if not isinstance(value, pydyf.Array) or not 0 <= key < len(kids):
            continue  # an annotation's entry (one structure element, not marked content)
        orphans = {mcid for mcid, ref in enumerate(value) if _number(ref) not in reachable}
        if not orphans:
            continue
        for mcid in orphans:
            value[mcid] = "null"
        stream = deref(pdf, kids[key]["Contents"])
        ops = stream.stream
        for i, item in enumerate(ops[1:-1], start=1):
            if isinstance(item, pydyf.Dictionary) and item.get("MCID") in orphans and ops[i + 1] == b"BDC":
                ops[i - 1] = "/Artifact"
                ops[i] = pydyf.Dictionary({"Type": "/Pagination"})


def _number(ref: Any) -> int:
    """The object number of a pydyf reference (``b"12 0 R"``); -1 for anything else."""
    if isinstance(ref, bytes | str):
        parts = ref.split()
        if len(parts) == 3:
            return int(parts[0])
    return -1


def deref(pdf: pydyf.PDF, ref: Any) -> Any:
    """The object ``ref`` points to (``ref`` itself when it is no reference)."""
    number = _number(ref)
    return pdf.objects[number] if number >= 0 else ref


def _walk(pdf: pydyf.PDF, kids: Any) -> Iterator[Any]:
    """The references of the structure elements under ``kids`` (depth first)."""
    stack = list(kids) if isinstance(kids, list) else [kids]
    while stack:
        ref = stack.pop()
        if _number(ref) < 0:
            continue  # a marked-content id
        yield ref
        element = deref(pdf, ref)
        k = element.get("K") if isinstance(element, dict) else None
        if k is not None:
            stack.extend(k if isinstance(k, list) else [k])
