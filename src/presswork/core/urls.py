"""The one scheme allow-list for every URL written into an output: http, https, mailto, and links
inside the book (``#id`` and relative references)."""

from __future__ import annotations

import html
import re

#: Schemes a link in an output may have. Anything else (``javascript:``, ``vbscript:``,
#: ``data:``, ``file:``, ``tel:``...) is refused, however it is spelt.
LINK_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

#: What a browser ignores or strips in a URL before it reads the scheme (ASCII whitespace, C0
#: controls, DEL), and what some readers also skip (zero-width and soft-hyphen characters):
#: all removed before the scheme is read, so ``java\tscript:`` and `` javascript:`` are seen as they run.
_IGNORED = re.compile("[\x00-\x20\x7f\u00ad\u200b-\u200d\u2060\ufeff]+")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def url_scheme(url: str) -> str:
    """The scheme of ``url`` in lower case as a browser reads it ("" for a reference without one:
    ``#id``, ``page.html``, ``//host/x``), after ignored characters are removed, read both as written
    and with character references decoded (``&#106;avascript:`` is ``javascript``); when the two
    readings differ, the one that is not allowed wins."""
    found = {s for s in (_scheme_of(url), _scheme_of(html.unescape(url))) if s}
    refused = sorted(s for s in found if s not in LINK_SCHEMES)
    return refused[0] if refused else min(found, default="")


def _scheme_of(url: str) -> str:
    found = _SCHEME.match(_IGNORED.sub("", url))
    return found.group(1).lower() if found else ""


def is_allowed_url(url: str, internal: bool = True, schemes: frozenset[str] = LINK_SCHEMES) -> bool:
    """Whether ``url`` may be written into an output as a link target: its scheme is in ``schemes``,
    or it has none and ``internal`` references (``#id``, relative paths) are allowed."""
    scheme = url_scheme(url)
    return scheme in schemes if scheme else internal


def allowed_url(url: str, internal: bool = True, schemes: frozenset[str] = LINK_SCHEMES) -> str | None:
    """``url`` if :func:`is_allowed_url` allows it, else None (the caller drops the link and says so)."""
    return url if is_allowed_url(url, internal, schemes) else None


#: ASCII characters a URL may not hold as written (RFC 3986): spaces, quotes, angle brackets and the like.
_NOT_IN_URLS = re.compile(r'[\x20"<>\\^`{|}]')


def well_formed(url: str) -> str:
    """``url`` with the ASCII characters a URL may not hold percent-encoded (``?q="x y"`` ->
    ``?q=%22x%20y%22``), as a browser sends it; everything else, ``%`` escapes included, as written."""
    return _NOT_IN_URLS.sub(lambda m: f"%{ord(m.group()):02X}", url)


#: The warning for an external link whose scheme is refused (the exporter keeps its text).
DROPPED_LINK = "link {url!r} dropped: only http(s), mailto and internal links are kept"


def outgoing_link(url: str, shown: str, footnotes: bool) -> tuple[str, bool] | None:
    """How an exporter writes the external link ``url`` whose text reads ``shown``: its well-formed
    address, and whether print adds the address as a footnote (``footnotes`` on, a web address the
    text does not already show); None when the scheme is refused (warn with :data:`DROPPED_LINK`)."""
    scheme = url_scheme(url)
    if scheme not in LINK_SCHEMES:
        return None
    return well_formed(url), footnotes and scheme in ("http", "https") and shown.strip() != url
