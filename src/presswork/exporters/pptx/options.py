"""Options of the PowerPoint exporter (``[tool.presswork.pptx]``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from presswork.core.values import PygmentsStyle, Range
from presswork.exporters.pptx.model.deck import DeckOptions


@dataclass(frozen=True)
class PptxOptions:
    """Options of ``[tool.presswork.pptx]``."""

    slide_level: Annotated[int, Range(2, 6, also=(0,))] = (
        0  #: Heading level (2..6) that starts a slide; 0 = chosen from the book's structure.
    )
    prose: Literal["lead", "slide", "notes"] = (
        "lead"  #: Long paragraphs: first sentence on the slide + full text in notes ("lead"), all on slides ("slide"), all in notes ("notes").
    )
    template: str = ""  #: A .pptx/.potx template (project-relative); "" = the theme's pptx/reference.pptx.
    agenda: bool = True  #: Add an agenda slide listing the chapters.
    code_style: Annotated[str, PygmentsStyle()] = (
        "presswork"  #: Pygments style for code colours (a light-background style).
    )
    index: bool = False  #: Add the book's index (entries marked ``{.idx}``) as slides at the end.
    handout: bool = False  #: Also write "<name>-handout.pdf": each slide with its speaker notes (needs LibreOffice).

    def deck(self) -> DeckOptions:
        """The options that steer how the deck model is derived."""
        return DeckOptions(self.slide_level, self.prose, self.agenda)
