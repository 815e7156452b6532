"""Options of the PowerPoint exporter (``[tool.presswork.pptx]``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from presswork.core.tree import Document
from presswork.core.values import PygmentsStyle, Range
from presswork.exporters.pptx.model.deck import DeckKind, DeckOptions
from presswork.exporters.pptx.model.talk import deck_budget


@dataclass(frozen=True)
class PptxOptions:
    """Options of ``[tool.presswork.pptx]``."""

    slide_level: Annotated[int, Range(2, 6, also=(0,))] = (
        0  #: Heading level (2..6) that starts a slide; 0 = chosen from the book's structure.
    )
    prose: Literal["lead", "slide", "notes"] = (
        "lead"  #: Long paragraphs: first sentence on the slide + full text in notes ("lead"), all on slides ("slide"), all in notes ("notes").
    )
    deck: DeckKind = "talk"  #: "talk": a presentation, each section's key content on slides and the rest in the speaker notes; "full": every word on the slides (handouts, self-study).
    talk_minutes: Annotated[int, Range(5, 600)] = (
        45  #: Length of the talk: a "talk" deck holds about 0.9 slides a minute (fewer for a short book).
    )
    slides: Annotated[int, Range(0, 1000)] = 0  #: Most slides of a "talk" deck (0 = from talk_minutes).
    template: str = ""  #: A .pptx/.potx template (project-relative); "" = the theme's pptx/reference.pptx.
    agenda: bool = True  #: Add an agenda slide listing the chapters.
    code_style: Annotated[str, PygmentsStyle()] = (
        "presswork"  #: Pygments style for code colours (a light-background style).
    )
    index: bool = False  #: Add the book's index (entries marked ``{.idx}``) as slides at the end.
    handout: bool = False  #: Also write "<name>-handout.pdf": each slide with its speaker notes (needs LibreOffice).

    def model_options(self) -> DeckOptions:
        """The options that steer how the deck model is derived."""
        return DeckOptions(self.slide_level, self.prose, self.agenda, self.deck)

    def budget(self, doc: Document) -> int:
        """The slides a talk deck of ``doc`` may hold (0 for a full deck: no budget)."""
        return deck_budget(doc, self.talk_minutes, self.slides) if self.deck == "talk" else 0
