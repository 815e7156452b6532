"""Context above a later part of a listing: the lines that enclose its first line, then an elision mark."""

from __future__ import annotations

from presswork.exporters.pptx.model.codecut import CLOSERS, Line, elision, indent_of, is_console, line_text, opens_block

#: Most lines of enclosing context repeated above a part of a listing cut inside a block.
MAX_HEADER_LINES = 3


def _keep(heads: list[int]) -> list[int]:
    """The outermost head and the innermost ones, MAX_HEADER_LINES in all."""
    if len(heads) > MAX_HEADER_LINES:
        return heads[:1] + heads[len(heads) - MAX_HEADER_LINES + 1 :]
    return heads


def enclosing_lines(lines: list[Line], opened: list[int], language: str) -> list[Line]:
    """The lines that open the blocks around a cut, to head the part after it: the outermost one and the
    innermost ones (MAX_HEADER_LINES in all), never a line that starts by closing a block ("} else {")."""
    heads = [
        i
        for i in sorted(set(opened))
        if opens_block(lines[i], language) and line_text(lines[i]).lstrip()[:1] not in CLOSERS
    ]
    return [lines[i] for i in _keep(heads)]


def outer_lines(lines: list[Line], at: int) -> list[int]:
    """Indices of the nearest less-indented lines above line ``at``, outermost first, down to the listing's
    outer level (never a line that starts by closing a block)."""
    level = indent_of(line_text(lines[at]))
    heads: list[int] = []
    for i in range(at - 1, -1, -1):
        text = line_text(lines[i])
        if not text.strip() or indent_of(text) >= level or text.lstrip()[:1] in CLOSERS:
            continue
        heads.append(i)
        level = indent_of(text)
        if not level:
            break
    return heads[::-1]


def part_header(lines: list[Line], at: int, opened: list[int], language: str, inside: bool) -> list[Line]:
    """Lines to repeat above a part of a listing that starts at line ``at`` (``inside``: the cut falls inside
    a block or a message). A part starting at an indented line opens at the outer level: console output with
    the block's first line (the command), code with the lines it is inside; then an elision mark when lines
    were skipped. Empty when the part starts at the outer level between items."""
    indented = line_text(lines[at])[:1].isspace()
    if is_console(language):
        if not indented:
            return [elision(lines, language, at)] if inside else []
        first = line_text(lines[0])
        heads = [0] if at > 1 and first.strip() and not first[:1].isspace() else []
        return [*(lines[i] for i in heads), elision(lines, language, at)]
    if not inside:
        return []
    if indented:
        heads = _keep(outer_lines(lines, at))
        header = [lines[i] for i in heads]
        skipped = not heads or heads[-1] < at - 1
    else:
        header = enclosing_lines(lines, opened, language)
        skipped = bool(header)
    return [*header, elision(lines, language, at)] if skipped else header
