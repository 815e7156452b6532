"""Numbering, in one place: chapters, appendix letters, sections, and the labels of figures, tables, equations
and listings."""

from __future__ import annotations

import dataclasses
from typing import Any

from presswork.core.config import Config
from presswork.core.tree import Chapter, CodeBlock, Figure, Heading, MathBlock, Pos, Table
from presswork.core.walk import walk_with_positions
from presswork.transforms.xrefs import listing_caption


def appendix_letter(n: int) -> str:
    """The letter of the ``n``-th appendix (1-based): A..Z, then AA, AB..."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def chapter_numbers(chapters: list[Chapter]) -> list[str]:
    """The number of each chapter: 1, 2, ... in order, and appendices lettered A, B, ...; "" for an unnumbered
    one; a sub-chapter (``depth`` 2, 3...) is numbered within the chapter above it, as mdBook numbers its
    outline: 1.2, 1.2.1."""
    out: list[str] = []
    path: list[str] = []  # the numbers of the chapters that enclose the next one, outermost first
    counts: list[int] = []  # how many sub-chapters each of them has so far
    main = appendices = 0
    for ch in chapters:
        if not ch.numbered:
            out.append("")
            continue
        depth = max(1, min(ch.depth, len(path) + 1))
        if depth == 1:
            if ch.appendix:
                appendices += 1
                label = appendix_letter(appendices)
            else:
                main += 1
                label = str(main)
            path, counts = [label], [0]
        else:
            del path[depth - 1 :], counts[depth - 1 :]
            counts[depth - 2] += 1
            label = f"{path[depth - 2]}.{counts[depth - 2]}"
            path.append(label)
            counts.append(0)
        out.append(label)
    return out


def number(chapters: list[Chapter], config: Config) -> list[Chapter]:
    """Every number of the book, in one pass per chapter: chapter and section numbers
    (``number_sections``), and the labels of captioned figures and tables ("Figure 2.1"), of
    equations with an ``eq-`` id ("(2.1)") and of code blocks with an ``lst-`` id or a caption
    ("Listing 2.1"), per chapter (``number_figures``).

    Appendices are lettered (A, B, ... and sections "A.1") whether or not sections are
    numbered; the other chapters are numbered 1, 2, ... in order. An unnumbered chapter
    (``{.unnumbered}``) takes no number: its sections are not numbered and its figures are
    "Figure 1", "Figure 2"... (as in Quarto)."""
    return [_number_chapter(ch, n, config) for ch, n in zip(chapters, chapter_numbers(chapters), strict=True)]


def _number_chapter(ch: Chapter, n: str, config: Config) -> Chapter:
    """Number chapter ``n``: its sections "n.1", "n.1.1" and its figures, tables, equations and listings."""
    counters = [0] * 7
    labels = {"Figure": 0, "Table": 0, "eq": 0, "lst": 0}

    def label(count: int) -> str:
        return f"{n}.{count}" if n else str(count)

    def fix(node: Any, pos: Pos | None) -> Any:
        if isinstance(node, Heading) and config.number_sections and n:
            counters[node.level] += 1
            counters[node.level + 1 :] = [0] * (6 - node.level)
            return dataclasses.replace(node, number=".".join([n, *map(str, counters[2 : node.level + 1])]))
        if isinstance(node, (CodeBlock, Figure, Table)) and (given := node.attr.get("number")):
            kind = "Listing" if isinstance(node, CodeBlock) else type(node).__name__
            named = node.attr.get("label") or f"{kind} {given}"
            return dataclasses.replace(node, label=named)  # numbered by its author (mdBook)
        if not config.number_figures:
            return node
        if isinstance(node, (Figure, Table)) and node.caption:
            kind = type(node).__name__
            labels[kind] += 1
            return dataclasses.replace(node, label=f"{kind} {label(labels[kind])}")
        if isinstance(node, MathBlock) and node.attr.id.startswith("eq-"):
            labels["eq"] += 1
            return dataclasses.replace(node, label=f"({label(labels['eq'])})")
        if isinstance(node, CodeBlock) and (node.attr.id.startswith("lst-") or listing_caption(node)):
            labels["lst"] += 1
            return dataclasses.replace(node, label=f"Listing {label(labels['lst'])}")
        return node

    numbered = dataclasses.replace(
        ch, blocks=walk_with_positions(ch.blocks, fix, kinds=(Heading, CodeBlock, Figure, Table, MathBlock))
    )
    return dataclasses.replace(numbered, number=n if config.number_sections or ch.appendix else "")
