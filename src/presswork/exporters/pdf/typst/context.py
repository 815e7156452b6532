"""What the Typst writer needs to know while it writes: options, the compile root, the anchors that exist, where it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Pos
from presswork.exporters.pdf.typst.assets import RootFolder

__all__ = ["WriterContext"]


@dataclass
class WriterContext:
    """Settings and state of one book's Typst writing."""

    reporter: Reporter
    root: RootFolder
    anchors: frozenset[str]  #: element ids in the book (links to others are printed as plain text)
    code_style: str = "default"
    page_refs: bool = False
    link_footnotes: bool = False
    pos: Pos | None = field(default=None)  #: where the block being written came from

    def warn(self, message: str, category: str) -> None:
        """A warning at the current block."""
        self.reporter.warn(message, self.pos, category)
