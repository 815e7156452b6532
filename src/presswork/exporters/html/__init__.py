"""The HTML exporter: a static, accessible, themed multi-page site (one page per chapter and an index).

Pipeline (like mdBook's HTML renderer): page names and the id -> page index -> images copied
through the asset gate -> the stylesheet (theme CSS, light and dark code colours) -> the
contents sidebar (shared contents) -> one page per chapter (shared XHTML renderer, HTML5
page template with previous/next links) -> the index page. The output is a folder,
``<name>-site/``, that any static web server can serve.
"""

from __future__ import annotations

from pathlib import Path

from presswork.core.tree import Document
from presswork.exporters.base import BuildContext, Exporter
from presswork.exporters.html.options import HtmlOptions
from presswork.exporters.html.site import Site

__all__ = ["HtmlExporter", "HtmlOptions", "Site"]


class HtmlExporter(Exporter[HtmlOptions]):
    """Writes a static site: ``index.html``, one page per chapter, ``assets/`` and ``images/``."""

    name = "html"
    extension = "site"
    folder = True
    description = "Static HTML site: a page per chapter, contents sidebar, previous/next, dark mode"

    def export(self, doc: Document, ctx: BuildContext[HtmlOptions], target: Path) -> None:
        """Write the whole site into the (new) folder ``target``."""
        Site(doc, ctx).write(target)
