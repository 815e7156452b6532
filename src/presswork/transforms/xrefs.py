"""Cross-references: the targets' ids checked, equations and listings numbered, and every
``@fig-id``/``@tbl-id``/``@sec-id``/``@eq-id``/``@lst-id`` given its label ("Figure 2.1")."""

from __future__ import annotations

import dataclasses
from typing import Any

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Chapter, CodeBlock, CrossRef, Figure, Heading, MathBlock, Pos, Table, Text, plain_text
from presswork.core.walk import walk_with_positions
from presswork.reading.crossrefs import XREF_PREFIXES, is_xref, parse_cite

__all__ = [
    "LISTING_CAPTION_KEYS",
    "check_targets",
    "code_title",
    "is_listing",
    "listing_caption",
    "listing_file_name",
    "resolve_xrefs",
]

#: Attributes of a code block that hold its listing caption (``{#lst-x caption="..."}``, Quarto's ``lst-cap``).
LISTING_CAPTION_KEYS = ("caption", "lst-cap")


#: The node types that can be the target of a cross-reference (see :func:`_target_id`).
_TARGETS = (Figure, Heading, Table, MathBlock, CodeBlock)


def _target_id(node: Any) -> str:
    """The id a cross-reference can name on ``node`` ("" when it is no target)."""
    if isinstance(node, Figure):
        return node.attr.id or node.image.attr.id
    if isinstance(node, (Heading, Table, MathBlock, CodeBlock)):
        return node.attr.id
    return ""


def listing_caption(node: CodeBlock) -> str:
    """The caption of a listing (``caption`` or ``lst-cap`` attribute), "" when it has none."""
    return next((v for k in LISTING_CAPTION_KEYS if (v := node.attr.get(k))), "")


def listing_file_name(node: CodeBlock) -> str:
    """The file a listing shows (mdBook ``<Listing file-name="src/main.rs">``, Quarto's ``filename="x.py"``),
    "" when it names none."""
    return node.attr.get("file-name") or node.attr.get("filename") or ""


def listing_file_label(node: CodeBlock) -> str:
    """What is printed before a listing's file name, with the space after it: the author's own words when
    the reader kept them (``file-label``: "Filename:", "文件名："), else "Filename: "."""
    label = node.attr.get("file-label") or "Filename:"
    return label if label.endswith(("：", " ")) else label + " "


def code_title(node: CodeBlock) -> str:
    """The title written above a code block (MkDocs Material's ``title="bubble_sort.py"``), "" when it has none."""
    return "" if listing_file_name(node) else node.attr.get("title") or ""


def is_listing(node: CodeBlock) -> bool:
    """Whether a code block is set as a listing: numbered, or with a caption, a file name or a title."""
    return bool(node.label or node.caption or listing_caption(node) or listing_file_name(node) or code_title(node))


def check_targets(chapters: list[Chapter], reporter: Reporter) -> None:
    """A cross-reference id (``fig-``, ``tbl-``, ``sec-``, ``eq-``, ``lst-``) given twice: an error naming
    both places when some ``@id`` refers to it (which target would it mean?), else a warning (the second
    gets a unique id, as any repeated id does); run before ids are made unique, which would hide it."""
    seen: dict[str, Pos] = {}
    twice: list[tuple[str, Pos, Pos]] = []
    used: set[str] = set()

    def claim(ident: str, pos: Pos) -> None:
        if not is_xref(ident):
            return
        if ident in seen:
            twice.append((ident, seen[ident], pos))
        else:
            seen[ident] = pos

    for ch in chapters:
        claim(ch.id, ch.title_at())

        def visit(node: Any, pos: Pos | None, source: str = ch.source) -> Any:
            ident = _target_id(node)
            if ident:
                claim(ident, pos or Pos(source))
            if isinstance(node, CrossRef):
                used.add(node.target)
            return node

        walk_with_positions(ch.blocks, visit, kinds=(*_TARGETS, CrossRef))
    for ident, first, again in twice:
        if ident in used:
            raise PressworkError(f"duplicate id {ident!r}: first given at {first}", again)
        reporter.warn(f"duplicate id {ident!r}: first given at {first}; nothing refers to it", again, "link")


def _labels(chapters: list[Chapter]) -> dict[str, str]:
    """Every target's final id -> the text a reference to it shows."""
    labels: dict[str, str] = {}
    for ch in chapters:
        labels[ch.id] = f"Chapter {ch.number}" if ch.number else plain_text(ch.title)

        def visit(node: Any, pos: Pos | None) -> Any:
            ident = _target_id(node)
            if not ident:
                return node
            if isinstance(node, Heading):
                labels[ident] = f"Section {node.number}" if node.number else plain_text(node.children)
            elif isinstance(node, (Figure, Table)) and (node.label or node.caption):  # uncaptioned: no number
                kind = "Figure" if isinstance(node, Figure) else "Table"
                labels[ident] = node.label or f"{kind} \u201c{plain_text(node.caption)}\u201d"
            elif isinstance(node, MathBlock):
                labels[ident] = f"Equation {node.label}" if node.label else "the equation"
            elif isinstance(node, CodeBlock):
                caption = plain_text(node.caption) or listing_caption(node)
                labels[ident] = node.label or f"Listing \u201c{caption}\u201d"
            return node

        walk_with_positions(ch.blocks, visit, kinds=_TARGETS)
    return labels


def resolve_xrefs(chapters: list[Chapter], ids: dict[tuple[str, str], str], reporter: Reporter) -> list[Chapter]:
    """Give every CrossRef its target's final id and label.

    An unknown id is shown as ``?@id`` (as Quarto shows it) with a warning at its line (an error under
    ``--strict``). ``ids`` maps (source file, id as written) to the book id (see ``transforms.unique_ids``)."""
    by_written = {written: final for (_source, written), final in ids.items() if is_xref(written)}
    labels = _labels(chapters)
    kinds = ", ".join(f"@{p}-" for p in XREF_PREFIXES)

    def fix(node: Any, pos: Pos | None) -> Any:
        if not isinstance(node, CrossRef):
            return node
        final = by_written.get(node.target)
        if final is None or final not in labels:
            why = (
                f"the figure or table with the id {node.target!r} has no caption, so it has no number (give it one)"
                if final is not None
                else f"no figure, table, section, equation or listing has the id {node.target!r} (cross-references "
                f"are {kinds}; write the id as {{#{node.target}}} on the target)"
            )
            reporter.warn(f"cross-reference @{node.target}: {why}; shown as ?@{node.target}", pos, "link")
            return Text(f"?@{node.target}")
        return CrossRef(final, (Text(_as_written(labels[final], plain_text(node.children))),))

    out = []
    for ch in chapters:
        here = Pos(ch.source)
        out.append(
            dataclasses.replace(
                ch,
                title=walk_with_positions(ch.title, fix, ch.title_at(), kinds=(CrossRef,)),
                blocks=walk_with_positions(ch.blocks, fix, here, kinds=(CrossRef,)),
            )
        )
    return out


#: The words that open a numbered label ("Figure 1.2"): a reference written with its own prefix replaces them.
_LABEL_WORDS = ("Figure", "Table", "Section", "Chapter", "Equation", "Listing")


def _as_written(label: str, written: str) -> str:
    """``label`` as the reference asks for it: ``[Fig. @fig-x]`` gives "Fig. 1.2", ``[-@fig-x]`` gives "1.2"
    (Quarto's own prefix and no prefix); ``@fig-x`` and ``[@fig-x]`` the label itself."""
    if not written.startswith("["):
        return label
    (item,) = parse_cite(written) or (None,)
    if item is None or not (item.prefix or item.suppress_author):
        return label
    word, space, number = label.partition(" ")
    if not (space and word in _LABEL_WORDS and (number[:1].isalnum() or number.startswith("("))):
        return label  # not numbered (a caption or a title): shown whole
    return f"{item.prefix} {number}".strip() if item.prefix else number
