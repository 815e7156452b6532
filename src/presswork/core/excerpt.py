"""The source line under a message, as a compiler shows it: the line, cut to a readable width, and a caret."""

from __future__ import annotations

import re
from pathlib import Path

from presswork.core import files  # the file gate: never a line of a file that a link leads to outside the project
from presswork.core.diagnostics import EXCERPT_WIDTH, PressworkError, visible
from presswork.core.textcodec import text_encoding
from presswork.core.tree import Pos


def source_excerpt(root: Path, pos: Pos | None, column: int = 0, message: str = "") -> list[str]:
    """The source line at ``pos`` as a compiler shows it (``  12 | text``) and a caret under the
    problem: at the 1-based ``column`` when known, else under the first thing ``message`` quotes
    (``'#nowhere'``, ``<video>``) that stands on the line; no lines when the file or line cannot be read.

    At most :data:`EXCERPT_WIDTH` characters of the line are shown (those around the caret, ``…``
    where the line is cut), control characters as visible symbols. A file with a UTF-16 or UTF-32
    byte order mark is read in that encoding, any other as UTF-8."""
    if pos is None or pos.line < 1:
        return []
    path = Path(pos.file) if Path(pos.file).is_absolute() else root / pos.file
    roots = [files.real_root(path.parent) if path.is_absolute() and not path.is_relative_to(root) else root.resolve()]
    try:
        data = files.read_bytes(path, roots)
    except (OSError, PressworkError):
        return []
    text = data.decode(text_encoding(data), "replace").removeprefix("\ufeff")
    if pos.cell:  # a notebook: the line is a line of that cell's source
        text = _cell_source(text, pos.cell)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # as the reader numbers lines
    if lines[-1] == "":
        lines.pop()  # the end of the last line is not one more line
    if pos.line > len(lines):
        return []
    raw = lines[pos.line - 1]
    gutter = f"{pos.line:>4} | "
    shown = raw.expandtabs(4)
    width = 1
    if column <= 0 and message:
        column, width = _quoted_on_line(message, raw)
    # the column counts characters of the line as written: tabs before it are expanded too
    offset = len(raw[: min(column, len(raw) + 1) - 1].expandtabs(4)) if column > 0 else -1
    start = 0
    if len(shown) > EXCERPT_WIDTH:
        start = max(0, min(offset - EXCERPT_WIDTH // 4, len(shown) - EXCERPT_WIDTH)) if offset > 0 else 0
        end = start + EXCERPT_WIDTH
        shown = ("…" if start else "") + shown[start:end] + ("…" if end < len(raw.expandtabs(4)) else "")
        offset = offset - start + (1 if start else 0) if offset >= 0 else -1
        width = max(1, min(width, EXCERPT_WIDTH - offset + (1 if start else 0)))
    out = [f"{gutter}{visible(shown)}"]
    if offset >= 0:
        out.append(" " * (len(gutter) - 2) + "| " + " " * offset + "^" + "~" * (width - 1))
    return out


_QUOTED = re.compile(r"'([^'\n]{2,})'|\"([^\"\n]{2,})\"|`([^`\n]+)`|(<[A-Za-z][\w-]*>)")


def _quoted_on_line(message: str, line: str) -> tuple[int, int]:
    """(1-based column, width) of the first text ``message`` quotes that occurs in ``line``; (0, 1) if none.
    A quote cut short by :func:`clip_message` (ending in ``…``) is found by the part it shows."""
    for match in _QUOTED.finditer(message):
        quoted = next(g for g in match.groups() if g)
        if quoted.startswith("<"):
            quoted = quoted[:-1]
        elif quoted.endswith("…"):
            quoted = quoted[:-1]
        found = line.find(quoted)
        if found >= 0:
            return found + 1, len(quoted)
    return 0, 1


def _cell_source(text: str, cell: int) -> str:
    """The source of the 1-based ``cell`` of the notebook ``text`` ("" when it is not one)."""
    import json

    try:
        source = json.loads(text)["cells"][cell - 1]["source"]
    except (ValueError, KeyError, IndexError, TypeError):
        return ""
    return "".join(source) if isinstance(source, list) else str(source)
