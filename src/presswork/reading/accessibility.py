"""The accessibility audit of ``presswork check``: what a screen reader user would stumble on, with file and line.

Images without alt text are reported while the book is read (``transforms/images.py``, in every
build too); this audit adds what only a look at the whole tree shows:

- a heading level that jumps (a level-4 heading under a level-2 one): a screen reader's list of
  headings shows a gap, and the reader wonders what was skipped;
- a table without a header row (or with an empty one): a screen reader cannot say which column
  a cell belongs to;
- a link whose text says nothing out of context ("here", "click here", "link", "this"): a list
  of the page's links reads "here, here, here".
"""

from __future__ import annotations

import re

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Document, Heading, Link, Pos, Table, plain_text
from presswork.core.walk import iter_nodes, walk_with_positions

__all__ = ["NON_DESCRIPTIVE", "audit_accessibility"]

#: Link texts that do not say where a link goes (compared lower-case, without punctuation).
NON_DESCRIPTIVE = frozenset(
    {"here", "click here", "click", "link", "this", "this link", "this page", "more", "read more", "go", "this one"}
)
_PUNCTUATION = re.compile(r"[^\w\s]")


def audit_accessibility(doc: Document, reporter: Reporter) -> int:
    """Warn (category ``accessibility``) about every finding above in ``doc``; the number of findings."""
    before = len(reporter.warnings)
    positions: dict[int, Pos | None] = {}

    def place(node: object, pos: Pos | None) -> object:
        positions[id(node)] = pos
        return node

    for chapter in doc.chapters:
        previous = 1  # the chapter's title is the level-1 heading
        walk_with_positions(chapter.blocks, place, Pos(chapter.source))  # unchanged nodes stay the same objects
        found = [n for n in iter_nodes(chapter.blocks) if isinstance(n, Heading | Table | Link)]
        for node in found:
            pos = positions.get(id(node))
            if isinstance(node, Heading):
                if node.level > previous + 1:
                    title = plain_text(node.children)
                    skipped = "-".join(dict.fromkeys((str(previous + 1), str(node.level - 1))))
                    reporter.warn(
                        f"heading {title!r} is level {node.level} under a level-{previous} heading "
                        f"(level {skipped} skipped): screen readers list headings by level",
                        pos,
                        "accessibility",
                    )
                previous = node.level
            elif isinstance(node, Table):
                if not any(plain_text(cell).strip() for row in node.head for cell in row):
                    reporter.warn(
                        "table without a header row: a screen reader cannot name a cell's column",
                        pos,
                        "accessibility",
                    )
            elif _PUNCTUATION.sub("", plain_text(node.children)).strip().lower() in NON_DESCRIPTIVE:
                reporter.warn(
                    f"link text {plain_text(node.children).strip()!r} does not say where the link goes "
                    f"({node.url}): screen readers list links by their text",
                    pos,
                    "accessibility",
                )
    return len(reporter.warnings) - before
