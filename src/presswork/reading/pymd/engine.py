"""The Python-Markdown configuration of presswork and the HTML it produces for a text."""

from __future__ import annotations

from typing import Any

import markdown
from markdown.extensions.toc import slugify_unicode
from pymdownx import emoji

from presswork.reading.html import html_root

#: Extensions, in the order they are loaded. ``pymdownx.extra`` replaces ``extra``
#: (abbr, attr_list, def_list, footnotes, md_in_html, tables, betterem, superfences).
EXTENSIONS: list[str] = [
    "pymdownx.extra",
    "pymdownx.highlight",
    "pymdownx.tilde",
    "pymdownx.caret",
    "pymdownx.arithmatex",
    "pymdownx.magiclink",
    "pymdownx.tasklist",
    "pymdownx.details",
    "pymdownx.tabbed",  # === "Tab" content tabs
    "pymdownx.keys",  # ++ctrl+alt+del++
    "pymdownx.emoji",  # :smile: (icon shortcodes such as :octicons-x: are dropped in preprocess)
    "markdown.extensions.admonition",
    "markdown.extensions.toc",
    "markdown.extensions.sane_lists",  # honours start numbers; ol and ul never merge
]

EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "pymdownx.highlight": {"use_pygments": False},  # exporters highlight per output format
    "pymdownx.arithmatex": {"generic": True, "smart_dollar": True},
    "pymdownx.tasklist": {"custom_checkbox": False},
    "pymdownx.tabbed": {"alternate_style": True},
    # The Unicode character itself (no image): it prints with the emoji font and reaches every format.
    "pymdownx.emoji": {"emoji_index": emoji.twemoji, "emoji_generator": emoji.to_alt},
    "markdown.extensions.toc": {"marker": "", "slugify": slugify_unicode, "permalink": False},
}


__all__ = ["EXTENSIONS", "EXTENSION_CONFIGS", "html_root", "to_html"]


def to_html(text: str) -> str:
    """Convert Markdown to an HTML fragment with a fresh parser (no state shared between documents)."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    return md.convert(text)
