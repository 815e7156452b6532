"""Options of the HTML site exporter (``[tool.presswork.html]``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from presswork.core.values import PygmentsStyle, Range


@dataclass(frozen=True)
class HtmlOptions:
    """Options of the HTML site exporter (``[tool.presswork.html]``)."""

    toc_depth: Annotated[int, Range(1, 6, also=(0,))] = (
        0  #: Heading depth of the contents sidebar (1 = chapters only); 0 = the book's ``toc_depth``.
    )
    toc_title: str = "Contents"  #: Heading of the contents sidebar and of the index page's contents.
    code_style: Annotated[str, PygmentsStyle()] = "presswork"  #: Pygments style of code colours in light mode.
    code_style_dark: Annotated[str, PygmentsStyle()] = "presswork-dark"  #: Pygments style of code colours in dark mode.
    skip_link: str = "Skip to content"  #: Text of the skip link (the first thing a keyboard reaches).
