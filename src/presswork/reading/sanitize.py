"""What raw HTML may not reach the tree: unsafe elements, event attributes and script URLs."""

from __future__ import annotations

import re

#: Elements removed with everything inside them (each removal is a warning).
UNSAFE_TAGS: frozenset[str] = frozenset(
    "script style iframe frame frameset object embed applet form input button select option optgroup "
    "textarea base link meta noscript template svg canvas audio video source track portal dialog".split()
)

#: Attributes that carry URLs and are checked for script schemes.
URL_ATTRS: frozenset[str] = frozenset(("href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "srcset"))

#: Attributes never copied into a node's key-value attributes.
DROPPED_ATTRS: frozenset[str] = frozenset(("style", "id", "class", "markdown")) | URL_ATTRS

_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|livescript|data:text/html|data:application/xhtml|data:image/svg)", re.I)


def is_event_attr(name: str) -> bool:
    """Whether ``name`` is an event-handler attribute such as ``onclick``."""
    return name.lower().startswith("on")


def is_unsafe_url(url: str) -> bool:
    """Whether ``url`` uses a scheme that runs code (``javascript:``, ``vbscript:``, ``data:text/html`` ...)."""
    return bool(_UNSAFE_SCHEME.match(_CONTROL.sub("", url)))
