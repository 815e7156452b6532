"""Options of the EPUB exporter (``[tool.presswork.epub]``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from presswork.core.values import PygmentsStyle, Range


@dataclass(frozen=True)
class EpubOptions:
    """Options of the EPUB exporter (``[tool.presswork.epub]``)."""

    toc_depth: Annotated[int, Range(1, 6, also=(0,))] = (
        0  #: Heading depth of the contents (1 = chapters only); 0 = the book's ``toc_depth``.
    )
    cover: bool = True  #: Add a cover: the configured image, else one generated from the theme.
    title_page: bool = True  #: Add a title page (title, subtitle, authors, publisher, rights) after the cover.
    toc_title: str = "Contents"  #: Heading of the contents page.
    accessibility_summary: str = ""  #: schema:accessibilitySummary; "" = describe what the book offers.
    certified_by: str = ""  #: a11y:certifiedBy of the conformance claim; "" = the publisher, else "presswork".
    page_list: bool = (
        True  #: Page list and invisible page-break markers from the print edition (lays the PDF out, cached).
    )
    code_style: Annotated[str, PygmentsStyle()] = (
        "presswork"  #: Pygments style of code colours ("presswork" passes WCAG AA).
    )
    code_style_dark: Annotated[str, PygmentsStyle(optional=True)] = (
        "presswork-dark"  #: Pygments style of code colours in night mode (prefers-color-scheme: dark); "" = none.
    )
    embed_fonts: bool = (
        False  #: Embed the theme's fonts (WOFF2, subset to the book's characters) so the book looks as designed.
    )
