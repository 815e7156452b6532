"""What the Typst writer needs to know while it writes: options, the compile root, the links and labels, where it is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Pos
from presswork.exporters.pdf.typst.assets import RootFolder
from presswork.exporters.pdf.typst.codecache import CodeCache
from presswork.exporters.pdf.typst.markup import label_ref

__all__ = ["WriterContext", "settle_links"]


@dataclass
class WriterContext:
    """Settings and state of one book's Typst writing."""

    reporter: Reporter
    root: RootFolder
    measure_pt: float = 440.0  #: width of the text block in points
    max_image_pt: float = 440.0  #: the tallest a figure's picture may be, in points
    code_style: str = "default"
    code_columns: int = 0  #: columns of code that fit the measure (longer lines are wrapped; 0: never)
    page_refs: bool = False
    link_footnotes: bool = False
    code_cache: CodeCache | None = None  #: listings highlighted in earlier builds (None: highlight every one)
    #: Whether the theme's ``pw-listing`` takes ``file:`` (the line naming a listing's file); else it is set above.
    listing_files: bool = True
    #: Whether the theme's template defines ``pw-lead-in`` (a lead-in kept with what it introduces).
    lead_ins: bool = True
    pos: Pos | None = field(default=None)  #: where the block being written came from
    #: The anchors links point at, by number (links are written as placeholders, see :meth:`link_to`).
    targets: list[str] = field(default_factory=list)
    #: The anchors that got a label in the source written so far.
    labelled: set[str] = field(default_factory=set)
    #: Every heading written so far, in order: its level, its body as a content expression and its label
    #: markup ("" for none); the batched layout sets hidden copies of them for the contents (``batches.py``).
    headings: list[tuple[int, str, str]] = field(default_factory=list)

    def link_to(self, anchor: str) -> str:
        """A placeholder for the link target ``anchor`` (settled by :func:`settle_links` once the whole
        book is written, when it is known whether the anchor got a label)."""
        self.targets.append(anchor)
        return f"\x01{len(self.targets) - 1}\x02"

    def page_of(self, anchor: str) -> str:
        """A placeholder for " on page N" of ``anchor`` (settled like :meth:`link_to`)."""
        self.targets.append(anchor)
        return f"\x03{len(self.targets) - 1}\x04"

    def warn(self, message: str, category: str) -> None:
        """A warning at the current block."""
        self.reporter.warn(message, self.pos, category)


_PLACEHOLDER = re.compile("\x01(\\d+)\x02|\x03(\\d+)\x04")


def settle_links(source: str, ctx: WriterContext) -> str:
    """``source`` with every link placeholder made a link to its label, or plain text when the anchor
    has none (an id inside content print leaves out); every page placeholder " on page N" or nothing."""

    def settle(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            anchor = ctx.targets[int(m.group(1))]
            return f"link({label_ref(anchor)})" if anchor in ctx.labelled else "pw-nolink"
        anchor = ctx.targets[int(m.group(2))]
        return f"#pw-on-page({label_ref(anchor)});" if anchor in ctx.labelled else ""

    return _PLACEHOLDER.sub(settle, source)
