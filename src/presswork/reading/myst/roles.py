"""MyST roles (``{name}`content```) as tree inlines: references, glossary terms, index marks, citations..."""

from __future__ import annotations

import re

from presswork.core.tree import (
    Attr,
    Code,
    CrossRef,
    Emphasis,
    Inline,
    Kbd,
    Link,
    Math,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Text,
)
from presswork.reading.crossrefs import is_xref

__all__ = ["ICON_ROLES", "LINK_SCHEMES", "scheme_url", "role_inlines", "split_title"]

_TITLED = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_ABBR = re.compile(r"^(?P<short>.*?)\s*\((?P<long>[^()]*)\)$", re.S)

#: Sphinx roles whose content is code, shown as code.
_LITERAL = frozenset(
    "literal samp file command program envvar option makevar mimetype regexp token keyword "
    "func meth class mod attr data obj exc const type var member macro struct enum".split()
)


def split_title(content: str) -> tuple[str, str]:
    """``Title <target>`` -> (``Title``, ``target``); a bare ``target`` -> ("", ``target``)."""
    m = _TITLED.match(content.strip())
    if m and m.group("title"):
        return m.group("title").strip(), m.group("target").strip()
    return "", content.strip().lstrip("!~")


#: mystmd's link schemes that name a page of a well-known site (``doi:10.1000/x``, ``wiki:Markdown``).
LINK_SCHEMES = {
    "doi": "https://doi.org/",
    "wiki": "https://en.wikipedia.org/wiki/",
    "rrid": "https://scicrunch.org/resolver/",
    "ror": "https://ror.org/",
}


def scheme_url(url: str) -> str:
    """``url`` with a mystmd link scheme (``doi:``, ``wiki:``...) written as the web address it stands for."""
    scheme, colon, rest = url.partition(":")
    base = LINK_SCHEMES.get(scheme.lower()) if colon and rest and not rest.startswith("//") else None
    return base + rest.replace(" ", "_") if base else url


def _domain_free(name: str) -> str:
    """``py:func`` -> ``func``, ``std:ref`` -> ``ref``: Sphinx domains do not change what presswork does."""
    return name.rsplit(":", 1)[-1] if ":" in name and not name.startswith("cite") else name


def role_inlines(name: str, content: str) -> list[Inline] | None:
    """The inlines of role ``name`` with ``content``; None for a role presswork does not know."""
    role = _domain_free(name.lower())
    if role in ("ref", "numref", "eq", "doc", "download", "any"):
        return _reference(role, content)
    if role == "term":
        title, term = split_title(content)
        return [Span(Attr(classes=("gls",), kv=(("term", term),)), (Text(title or term),))]
    if role == "index":
        title, entry = split_title(content)
        term, _, sub = entry.partition(";")
        kv = (("term", term.strip()),) + ((("sub", sub.strip()),) if sub.strip() else ())
        return [Span(Attr(classes=("idx",), kv=kv), (Text(title or term.strip()),))]
    if name.lower().startswith("cite"):
        return _citation(name.lower(), content)
    if role == "math":
        return [Math(content.strip())]
    if role == "abbr":
        m = _ABBR.match(content.strip())
        if m is None:
            return [Text(content)]
        return [
            Span(Attr(classes=("abbr",), kv=(("title", m.group("long")),)), (Text(m.group("short")),)),
            Text(f" ({m.group('long')})"),
        ]
    if role in ("sub", "subscript"):
        return [Subscript((Text(content),))]
    if role in ("sup", "superscript"):
        return [Superscript((Text(content),))]
    if role == "kbd":
        return [Kbd(content)]
    if role == "code" or role in _LITERAL:
        title, target = split_title(content)
        return [Code(title or target)] if role in _LITERAL else [Code(content)]
    if role in ("dfn", "emphasis"):
        return [Emphasis((Text(content),))]
    if role in ("strong", "guilabel", "menuselection"):
        return [Strong((Text(content.replace("-->", "\u2192")),))]
    if role in ("u", "underline", "sc", "smallcaps"):
        return [Span(Attr(classes=("underline" if role.startswith("u") else "smallcaps",)), (Text(content),))]
    if role in ("del", "delete", "strike"):
        return [Strikethrough((Text(content),))]
    if role == "button":
        title, target = split_title(content)
        return [Link((Text(title or target),), target)]
    if role in ICON_ROLES:
        return []  # a picture (an icon), not words of the book
    if role in ("pep", "rfc"):
        return [Text(f"{role.upper()} {content.strip()}")]
    return None


def _reference(role: str, content: str) -> list[Inline]:
    """``{ref}``, ``{numref}``, ``{eq}``, ``{doc}``, ``{download}``: a cross-reference or a link."""
    title, target = split_title(content)
    if role == "eq":
        ident = target if is_xref(target) else f"eq-{target}"
        return [CrossRef(ident, (Text(title or f"@{ident}"),))]
    if role == "numref" and is_xref(target):  # its own "Fig. %s" template gives way to presswork's label
        return [CrossRef(target, (Text(f"@{target}"),))]
    if role in ("doc", "download"):
        url = target if role == "download" or "." in target.rsplit("/", 1)[-1] else f"{target}.md"
        return [Link((Text(title or target),), url)]
    if "{number}" in title or "%s" in title:  # numref's own template: the label stands for the number
        title = title.replace("{number}", "").replace("%s", "").replace("{name}", "").strip()
    return [Link((Text(title or target),), f"#{target}")]


def _citation(name: str, content: str) -> list[Inline]:
    """``{cite}`key```, ``{cite:p}`a,b```, ``{cite:t}`key```: the citation syntax the citations transform reads."""
    keys = [k.strip() for k in content.split(",") if k.strip()]
    if not keys:
        return [Text(content)]
    if name in ("cite:t", "cite:ts", "cite:author", "cite:year"):
        return [Text("; ".join(f"@{k}" for k in keys))]
    return [Text("[" + "; ".join(f"@{k}" for k in keys) + "]")]


#: sphinx-design's icon roles (``{octicon}`book;1em```): decoration, left out.
ICON_ROLES = frozenset(
    "octicon fa fab fas far material-regular material-outlined material-round material-sharp".split()
)
