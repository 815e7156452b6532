"""EPUB Indexes 1.0 markup for a generated index: ``epub:type`` on the index's sections, lists, terms and locators.

The index chapter is made of ordinary tree nodes (see :mod:`presswork.transforms.indexing`) and rendered by
the shared XHTML renderer; this module rewrites that known, generated fragment (parsed as XML,
never patched as text) into the vocabulary's structure::

    <section epub:type="index">
      <section epub:type="index-group"><h2>A</h2>
        <ul epub:type="index-entry-list">
          <li epub:type="index-entry"><span epub:type="index-term">apple</span>,
            <a epub:type="index-locator" href="...">Basics</a>
            <ul epub:type="index-entry-list">...</ul></li>
"""

from __future__ import annotations

from lxml import etree

from presswork.transforms.indexing import INDEX_CLASS

__all__ = ["INDEX_CLASS", "epub_index"]

_OPS = "http://www.idpf.org/2007/ops"
_TYPE = f"{{{_OPS}}}type"
_XREF = {"index-see": "index-xref-preferred", "index-seealso": "index-xref-related"}


def _classes(el: etree._Element) -> list[str]:
    return str(el.get("class") or "").split()


def _unwrap(el: etree._Element) -> None:
    """Replace ``el`` by its children, keeping its text and tail in place."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    prev = el.getprevious()
    if el.text:
        if prev is not None:
            prev.tail = (prev.tail or "") + el.text
        else:
            parent.text = (parent.text or "") + el.text
    children, tail = list(el), el.tail or ""
    parent.remove(el)
    for i, child in enumerate(children):
        parent.insert(index + i, child)
    if not tail:
        return
    last = children[-1] if children else (parent[index - 1] if index > 0 else None)
    if last is not None:
        last.tail = (last.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def epub_index(fragment: str) -> str:
    """The rendered index ``fragment`` (a ``div.book-index``) with EPUB Indexes markup."""
    root = etree.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="{_OPS}">{fragment}</div>')
    index = root[0]
    index.tag = "{http://www.w3.org/1999/xhtml}section"
    index.set(_TYPE, "index")
    for el in list(index.iter()):
        tag = etree.QName(el).localname
        cls = _classes(el)
        if tag == "div" and "index-group" in cls:
            el.tag = "{http://www.w3.org/1999/xhtml}section"
            el.set(_TYPE, "index-group")
        elif tag == "p" and len(el) == 1 and "index-letter" in _classes(el[0]):
            el.tag = "{http://www.w3.org/1999/xhtml}h2"
            el.set("class", "index-letter")
            _unwrap(el[0])
        elif tag == "ul":
            el.set(_TYPE, "index-entry-list")
        elif tag == "li":
            el.set(_TYPE, "index-entry")
        elif tag == "span" and "index-term" in cls:
            el.set(_TYPE, "index-term")
    for el in list(index.iter()):
        tag = etree.QName(el).localname
        cls = _classes(el)
        if tag == "span" and "index-locator" in cls:
            for a in el.iter("{http://www.w3.org/1999/xhtml}a"):
                a.set(_TYPE, "index-locator")
            _unwrap(el)
        elif tag == "span" and cls and cls[0] in _XREF:
            for a in el.iter("{http://www.w3.org/1999/xhtml}a"):
                a.set(_TYPE, _XREF[cls[0]])
        elif tag == "p" and el.getparent() is not None and etree.QName(el.getparent()).localname == "li":
            _unwrap(el)
    out = etree.tostring(index, encoding="unicode")
    return out.replace(f' xmlns:epub="{_OPS}"', "").replace(' xmlns="http://www.w3.org/1999/xhtml"', "") + "\n"
