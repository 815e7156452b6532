"""Options of the PDF exporter (``[tool.presswork.pdf]``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from presswork.core.values import PygmentsStyle, Range

PageSize = Literal["A4", "Letter", "A5", "6x9in"]


@dataclass(frozen=True)
class PdfOptions:
    """PDF options (``[tool.presswork.pdf]``)."""

    engine: Literal["weasyprint", "typst"] = (
        "weasyprint"  #: Layout engine: "weasyprint" (the CSS themes, the default) or "typst" (fast; the theme's typst/book.typ).
    )
    page_size: PageSize = "A4"  #: Page size: "A4", "Letter", "A5" or "6x9in" (margins and type size follow).
    chapter_break: Literal["auto", "page", "none"] = (
        "auto"  #: "auto": a file or `#` section opens a page, `##` sections of a one-file guide run on; "page": every chapter; "none": run on.
    )
    cover: Literal["generated", "typographic"] = (
        "generated"  #: Without a cover image: the "generated" design shared with the EPUB and deck, or the theme's HTML "typographic" cover.
    )
    print: bool = False  #: Two-sided print layout: mirrored inner/outer margins, chapters open on right-hand pages.
    footnotes: Literal["chapter", "book"] = (
        "chapter"  #: Footnote numbering restarts per "chapter" or runs through the "book".
    )
    page_refs: bool = False  #: Cross-references also say where their target is: "Figure 2.1 on page 14".
    link_footnotes: bool = False  #: Also print the URL of each external link as a footnote (for paper).
    pdf_variant: Literal["", "pdf/ua-1", "pdf/a-3u"] = ""  #: PDF variant passed to WeasyPrint ("" = plain PDF).
    code_style: Annotated[str, PygmentsStyle()] = (
        "presswork"  #: Pygments style of code highlighting ("presswork" passes WCAG AA).
    )
    tagged: bool = True  #: Tagged PDF for screen readers (headings, lists, tables with header cells, figures with alt text, reading order; running heads and folios as artifacts); false: an untagged PDF.
    batch: Literal["auto", "on", "off"] = (
        "auto"  #: "auto": a long book (from 15,000 words) is laid out in batches of chapters in parallel worker processes, cached in .presswork-cache/; "on": batches for any book that allows them; "off": one document.
    )
    batch_size: Annotated[int, Range(1, 10_000, also=(0,))] = (
        0  #: Chapters per batch with batches (0: chosen from the book's length and the cores).
    )
