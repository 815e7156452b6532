"""Raw HTML shared by both readers: parsing fragments, and marking unknown or custom elements for unwrapping."""

from __future__ import annotations

import re

import lxml.html
from lxml.html import HtmlElement

__all__ = ["KNOWN_ELEMENTS", "TAG_PATTERN", "UNKNOWN_TAG", "html_root", "is_unknown", "mark_unknown", "tag_name_of"]

#: Standard HTML elements (lower case). Any other name, or a known name written with capitals
#: (``<Listing>`` of mdBook is not the obsolete ``<listing>``), is an unknown element: its content is
#: kept and read, the element itself is unwrapped with a warning.
KNOWN_ELEMENTS: frozenset[str] = frozenset(
    "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col "
    "colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark "
    "menu meta meter nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby s "
    "samp script search section select slot small source span strong style sub summary sup table tbody td template "
    "textarea tfoot th thead time title tr track u ul var video wbr tt strike "
    # obsolete elements that are removed as unsafe (see sanitize.UNSAFE_TAGS), so never unwrapped
    "frame frameset applet noembed noframes bgsound marquee keygen isindex xmp plaintext listing image portal "
    "math svg".split()
)

#: The tag name unknown elements are renamed to before lxml parses them (lxml lower-cases every name).
UNKNOWN_TAG = "pw-unknown"
_NAME_ATTR = "data-pw-name"

#: An opening, closing or self-closing tag; ``rest`` holds its attributes and a closing slash, which may follow
#: the name directly (``<br/>``, ``<hr/>``).
TAG_PATTERN = r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9_:.-]*)(?P<rest>(?:\s(?:[^<>\"']|\"[^\"]*\"|'[^']*')*)?/?)>"
_TAG = re.compile(TAG_PATTERN)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
#: A declaration (``<!DOCTYPE html>``): no content, and lxml cannot parse a fragment made of one.
_DECLARATION = re.compile(r"<![A-Za-z][^>]*>")

_PARSER = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)


def html_root(html: str) -> HtmlElement:
    """Parse an HTML fragment into a ``<div>`` holding it (comments, declarations and processing
    instructions dropped)."""
    fragment = mark_unknown(_DECLARATION.sub("", html) if "<!" in html else html)
    if not fragment.strip():
        return lxml.html.Element("div")
    return lxml.html.fragment_fromstring(fragment, create_parent="div", parser=_PARSER)


def is_unknown(name: str) -> bool:
    """Whether a tag ``name`` (as written) is not a standard HTML element: a custom or obsolete element, or a
    component spelled in PascalCase (``<Listing>``, ``<Image>``), which is not the HTML element of that name."""
    return name.lower() not in KNOWN_ELEMENTS or (name[0].isupper() and not name.isupper())


def mark_unknown(html: str) -> str:
    """Rename unknown elements to ``<pw-unknown data-pw-name="Name" ...>`` so that lxml keeps them apart
    from standard elements of the same lower-case name; comments are left as they are."""
    out: list[str] = []
    pos = 0
    for comment in [*_COMMENT.finditer(html), None]:
        end = comment.start() if comment is not None else len(html)
        out.append(_TAG.sub(_rename, html[pos:end]))
        if comment is not None:
            out.append(comment.group(0))
            pos = comment.end()
    return "".join(out)


def _rename(m: re.Match[str]) -> str:
    name = m.group("name")
    if not is_unknown(name):
        return m.group(0)
    if m.group("close"):
        return f"</{UNKNOWN_TAG}>"
    rest = m.group("rest") or ""
    self_closing = rest.rstrip().endswith("/")
    rest = rest.rstrip().removesuffix("/") if self_closing else rest
    opening = f'<{UNKNOWN_TAG} {_NAME_ATTR}="{name}"{rest}>'
    return opening + f"</{UNKNOWN_TAG}>" if self_closing else opening


def tag_name_of(el: HtmlElement) -> str:
    """The tag of ``el`` as the author wrote it (``Listing`` for an unknown element)."""
    return el.get(_NAME_ATTR) or str(el.tag) if el.tag == UNKNOWN_TAG else str(el.tag)
