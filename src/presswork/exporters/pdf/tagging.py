"""What WeasyPrint's tagged PDF lacks, added by a ``write_pdf`` finisher: header cell scopes, list bodies, margin boxes as artifacts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from presswork.exporters.pdf.artifacts import deref, margin_artifacts

if TYPE_CHECKING:
    import pydyf


def tagging_finisher(document: Any, pdf: pydyf.PDF) -> None:
    """A WeasyPrint ``write_pdf`` finisher for a tagged PDF (a no-op for an untagged one): running
    heads and folios become artifacts (:func:`~.artifacts.margin_artifacts`), and every table header
    cell says which cells it heads (:func:`header_scopes`), and every list item's content is in
    an ``LBody`` beside its ``Lbl`` (:func:`list_bodies`)."""
    margin_artifacts(document, pdf)
    header_scopes(pdf)
    list_bodies(pdf)


def header_scopes(pdf: pydyf.PDF) -> None:
    """Give every ``/TH`` element a ``/Scope``: ``/Column`` in a table head or below the first cell of
    its row, ``/Row`` as the first cell of a body row (WeasyPrint 70 links data cells to their
    headers with ``/Headers`` but sets no scope, which PDF/UA checkers ask for)."""
    import pydyf

    if "StructTreeRoot" not in pdf.catalog:
        return
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Dictionary) or obj.get("S") != "/TH":
            continue
        row = deref(pdf, obj.get("P"))
        group = deref(pdf, row.get("P")) if isinstance(row, dict) else None
        in_head = isinstance(group, dict) and group.get("S") == "/THead"
        cells = [deref(pdf, k) for k in row.get("K", [])] if isinstance(row, dict) else []
        first = bool(cells) and cells[0] is obj
        scope = "/Row" if first and not in_head and len(cells) > 1 else "/Column"
        attributes = obj.get("A")
        if isinstance(attributes, pydyf.Dictionary):
            attributes["Scope"] = scope
        else:
            obj["A"] = pydyf.Dictionary({"O": "/Table", "Scope": scope})


def list_bodies(pdf: pydyf.PDF) -> None:
    """Wrap the kids of every ``/LI`` that are neither ``/Lbl`` nor ``/LBody`` in one ``/LBody``: WeasyPrint
    70 makes one only for block content, and leaves an item of inline text as ``Lbl`` + ``Span`` kids,
    which PDF/UA-1 (7.6) does not allow in a list item."""
    import pydyf

    if "StructTreeRoot" not in pdf.catalog:
        return
    for obj in list(pdf.objects):
        if not isinstance(obj, pydyf.Dictionary) or obj.get("S") != "/LI":
            continue
        kids = list(obj.get("K", []))
        loose = [k for k in kids if not isinstance(k, int) and deref(pdf, k).get("S") not in ("/Lbl", "/LBody")]
        if not loose:
            continue
        body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(loose), "P": obj.reference})
        if "Pg" in obj:
            body["Pg"] = obj["Pg"]
        pdf.add_object(body)
        for kid in loose:
            deref(pdf, kid)["P"] = body.reference
        at = kids.index(loose[0])
        obj["K"] = pydyf.Array(
            [k for k in kids[:at] if k not in loose] + [body.reference] + [k for k in kids[at:] if k not in loose]
        )
