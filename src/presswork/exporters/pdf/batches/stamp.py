"""Page furniture drawn over a merged page: form XObjects as ``/Artifact`` marked content, outside the structure tree (both PDF engines)."""

from __future__ import annotations

from typing import Any

__all__ = ["stamp_furniture"]


def stamp_furniture(pdf: Any, index: int, forms: list[Any]) -> None:
    """Draw ``forms`` (form XObjects of ``pdf``) over page ``index`` of ``pdf``, in order, as artifacts
    (marked content outside the structure tree: folios and running heads are page furniture, not the
    book's text)."""
    from pikepdf import Dictionary, Name

    if not forms:
        return
    page = pdf.pages[index]
    # The page's own resources (WeasyPrint's pages may share theirs), then its own XObject names.
    shared = page.obj.get("/Resources", Dictionary())
    resources = Dictionary({key: value for key, value in shared.items()})
    xobjects = resources.get("/XObject", Dictionary())
    resources.XObject = Dictionary({key: value for key, value in xobjects.items()})
    names = [Name(f"/PressworkFurniture{n}") for n in range(len(forms))]
    for name, form in zip(names, forms, strict=True):
        resources.XObject[name] = form
    page.obj.Resources = resources
    # The body's graphics state is restored first (WeasyPrint leaves its page transform set).
    draw = b"".join(b"q " + name.unparse() + b" Do Q " for name in names)
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(b"Q\n/Artifact BMC " + draw + b"EMC\n"))
