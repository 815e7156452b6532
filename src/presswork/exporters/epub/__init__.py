"""The EPUB 3 exporter: valid, accessible, reproducible reflowable books.

Pipeline (like Sphinx's epub3 builder): metadata -> stylesheet and images -> cover and title
page -> contents and chapters -> nav and NCX -> ebooklib's zip -> reproducible zip.
"""

from __future__ import annotations

from pathlib import Path

from presswork.core.files import real_root, write_into
from presswork.core.tree import Document
from presswork.exporters.base import BuildContext, Exporter
from presswork.exporters.common.visibility import HIDDEN_CLASSES
from presswork.exporters.common.zips import EPUB_RULES, normalise_zip
from presswork.exporters.epub.book import EpubBook
from presswork.exporters.epub.options import EpubOptions
from presswork.exporters.epub.package import patch_package
from presswork.transforms.indexing import with_index

__all__ = ["EpubExporter", "EpubOptions"]


class EpubExporter(Exporter[EpubOptions]):
    """Writes an EPUB 3 that EPUBCheck accepts without errors or warnings."""

    name = "epub"
    extension = "epub"
    description = "EPUB 3 e-book: reflowable, accessible, with contents, cover and metadata"
    uses_print_layout = True  # its page list marks where the PDF's pages begin

    def export(self, doc: Document, ctx: BuildContext[EpubOptions], target: Path) -> None:
        """Metadata, images, cover, title page, chapters, contents, then a reproducible zip."""
        # The index chapter (indexing.py), without marks in content the EPUB leaves out.
        book = EpubBook(with_index(doc, ctx.config.index_title, hidden=HIDDEN_CLASSES["epub"]), ctx)
        book.paginate()
        book.metadata()
        book.resources()
        book.front_matter()
        book.navigation(book.chapters())
        book.embed_fonts()
        data = patch_package(book.package(), book.lang, book.direction)
        write_into(target, normalise_zip(data, ctx.build_time, EPUB_RULES), real_root(target.parent), durable=False)
