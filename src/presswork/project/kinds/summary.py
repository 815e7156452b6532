"""The ``SUMMARY.md`` of mdBook and GitBook/HonKit: chapters in reading order, part titles and drafts."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.project.kinds.base import Entry, chapter_inside, read_project_file

_ITEM = re.compile(r"^(?P<indent>\s*)[-*+]\s+(?P<rest>.*)$")
_LINK = re.compile(r"^\[(?P<title>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<target>[^)]*)\)\s*$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_SEPARATOR = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_APPENDIX = re.compile(r"^\s*append(ix|ices)\b", re.IGNORECASE)


@dataclass
class Summary:
    """A parsed SUMMARY.md: its entries and the notes (drafts, external links) to report."""

    entries: list[Entry]
    notes: list[tuple[str, int, str]]


def plain_title(text: str) -> str:
    """A SUMMARY link text as plain text (code spans and emphasis markers removed)."""
    return re.sub(r"[`*_]+", "", text).strip()


def parse_summary(file: Path, content: Path, display: str, folder: Path | None = None) -> Summary:
    """Parse ``file`` (a SUMMARY.md of the project ``folder``, by default ``content``); chapter paths are
    relative to the folder ``content`` and must lead to files inside the project.

    Prefix chapters (plain links before the list), numbered chapters (nested list items),
    part titles (headings after the first one) and suffix chapters are all chapters in
    order; a heading starts a part; draft chapters (``[Title]()``) are left out with a note;
    a second link to a file already listed (``page.md#section``) adds nothing.
    """
    folder = folder or content
    try:
        lines = read_project_file(file, folder, display).splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PressworkError(f"cannot read the summary: {exc}", Pos(display)) from None
    entries: list[Entry] = []
    notes: list[tuple[str, int, str]] = []
    seen: set[Path] = set()
    part = ""
    headings = 0
    listed = False
    in_fence = False
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence or not line.strip() or line.lstrip().startswith("<!--"):
            continue
        heading = _HEADING.match(line)
        if heading:
            headings += 1
            text = plain_title(heading.group("text"))
            if headings == 1 and not entries and text.lower() in {"summary", "table of contents", "contents"}:
                continue
            part = text
            continue
        if _SEPARATOR.match(line):
            part = ""  # suffix chapters follow: they belong to no part
            continue
        item = _ITEM.match(line)
        rest = (item.group("rest") if item else line).strip()
        if not item and listed:
            part = ""  # a plain link after the list: a suffix chapter
        listed = listed or bool(item)
        link = _LINK.match(rest)
        if link is None:
            if item:  # a list item without a link: a heading-like label (GitBook) -> nothing to read
                notes.append((display, number, f"summary entry {rest!r} has no link; left out"))
            continue
        title = plain_title(link.group("title"))
        target = link.group("target").strip().strip("<>")
        if not target:
            notes.append((display, number, f"draft chapter {title!r} (no file) left out"))
            continue
        split = urllib.parse.urlsplit(target)
        if split.scheme or target.startswith("//"):
            notes.append((display, number, f"summary link {target!r} is not a chapter of the book; left out"))
            continue
        path = chapter_inside(
            content / urllib.parse.unquote(split.path), folder, split.path, "the summary", Pos(display, number)
        )
        if path in seen:
            continue
        if not path.is_file():
            raise PressworkError(
                f"chapter file {split.path!r} listed in the summary does not exist", Pos(display, number)
            )
        seen.add(path)
        entries.append(Entry(path, title, part, bool(_APPENDIX.match(part) or _APPENDIX.match(title))))
    return Summary(entries, notes)
