"""The ``SUMMARY.md`` of mdBook and GitBook/HonKit: chapters in reading order, their nesting, parts and drafts.

The grammar is mdBook's (``src/book/summary.rs``), read with markdown-it-py as mdBook reads it with
pulldown-cmark: an optional title (a first ``#`` heading, which mdBook ignores), prefix chapters
(links outside a list), numbered chapters (a nested list: the nesting is the book's outline and
gives mdBook's numbers ``1``, ``1.2``, ``1.2.1``, continued across parts), part titles (``#``
headings; in GitBook/HonKit a heading of any level) and suffix chapters (links after the list or
after a ``---`` rule). A list item is the first link it holds; text after that link is not part of
the outline (mdBook ignores it too). A draft (``[Title]()``) has no file: it is left out with a
note. A listed file that does not exist becomes an empty chapter with its title, as mdBook creates
it, with a note naming the summary's line.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.project.kinds.base import Entry, chapter_inside, read_project_file

_APPENDIX = re.compile(r"^\s*append(ix|ices)\b", re.IGNORECASE)
#: First headings that title the summary itself in GitBook/HonKit books, not a part of the book.
_SUMMARY_TITLES = frozenset({"summary", "table of contents", "contents"})


@dataclass
class Summary:
    """A parsed SUMMARY.md: its entries, the title line it opens with and the notes to report."""

    entries: list[Entry]
    notes: list[tuple[str, int, str]]
    title: str = ""  #: The summary's title line ("" when it has none); mdBook does not use it.


def plain_title(text: str) -> str:
    """A SUMMARY link text as plain text (code spans and emphasis markers removed)."""
    return re.sub(r"[`*_]+", "", text).strip()


def _inline_text(tokens: Sequence[Token]) -> str:
    """The plain text of inline tokens (text, code spans and line breaks), as mdBook's ``stringify_events``."""
    out = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out).strip()


@dataclass
class _Link:
    """One link of the summary: its title, target and the line it stands on."""

    title: str
    target: str
    line: int
    trailing: str = ""  #: Text after the link in the same list item (not part of the outline).


def _item_link(inline: Token) -> _Link | None:
    """The first link of a list item's text (None when its text does not start with a link)."""
    children = inline.children or []
    start = _first_link(children)
    if start < 0 or _inline_text(children[:start]):
        return None
    end = next((i for i in range(start, len(children)) if children[i].type == "link_close"), len(children))
    line = (inline.map[0] + 1) if inline.map else 0
    link = _Link(_inline_text(children[start + 1 : end]), str(children[start].attrGet("href") or ""), line)
    link.trailing = _inline_text(children[end + 1 :])
    return link


def _first_link(children: Sequence[Token]) -> int:
    return next((i for i, c in enumerate(children) if c.type == "link_open"), -1)


def _all_links(inline: Token) -> list[_Link]:
    """Every link of a paragraph outside the list (prefix and suffix chapters)."""
    children = inline.children or []
    line = (inline.map[0] + 1) if inline.map else 0
    out = []
    for i, child in enumerate(children):
        if child.type == "link_open":
            end = next((j for j in range(i, len(children)) if children[j].type == "link_close"), len(children))
            out.append(_Link(_inline_text(children[i + 1 : end]), str(child.attrGet("href") or ""), line))
    return out


@dataclass
class _State:
    """What the walk over the summary's tokens knows so far."""

    kind: str
    part: str = ""
    depth: int = 0  #: Nesting of lists at this token (0 = outside any list).
    counters: list[int] = field(default_factory=list)  #: mdBook's section number of the last numbered chapter.
    significant: bool = False  #: Something other than a title line has been seen.
    title: str = ""


def parse_summary(file: Path, content: Path, display: str, folder: Path | None = None, kind: str = "mdbook") -> Summary:
    """Parse ``file`` (a SUMMARY.md of the project ``folder``, by default ``content``); chapter paths are
    relative to the folder ``content`` and must lead to files inside the project. ``kind`` is
    ``"mdbook"`` (only ``#`` headings title parts) or ``"honkit"`` (any heading does).

    A second link to a file already listed (``page.md#section``) adds nothing.
    """
    folder = folder or content
    try:
        text = read_project_file(file, folder, display)
    except (OSError, UnicodeDecodeError) as exc:
        raise PressworkError(f"cannot read the summary: {exc}", Pos(display)) from None
    entries: list[Entry] = []
    notes: list[tuple[str, int, str]] = []
    seen: set[Path] = set()
    state = _State(kind)
    tokens = MarkdownIt("commonmark").parse(text)
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            state.depth += 1
            state.significant = True
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            state.depth -= 1
        elif token.type == "hr":
            state.part = ""  # suffix chapters follow: they belong to no part
            state.significant = True
        elif token.type == "heading_open":
            _heading(token, tokens[index + 1], state)
        elif token.type == "list_item_open":
            del state.counters[state.depth :]
            state.counters.extend([0] * (state.depth - len(state.counters)))
            state.counters[state.depth - 1] += 1
            inline = next((t for t in tokens[index + 1 :] if t.type in ("inline", "list_item_close")), None)
            link = _item_link(inline) if inline is not None and inline.type == "inline" else None
            line = (token.map[0] + 1) if token.map else 0
            if link is None:
                label = _inline_text((inline.children or []) if inline is not None and inline.type == "inline" else [])
                notes.append((display, line, f"summary entry {label!r} has no link; left out"))
                continue
            if link.trailing:
                notes.append((display, line, f"text after the link of {link.title!r} is not part of the outline"))
            number = ".".join(map(str, state.counters))
            _add(link, state, state.depth, number, entries, notes, seen, content, folder, display)
        elif token.type == "inline" and state.depth == 0 and tokens[index - 1].type == "paragraph_open":
            state.significant = True
            if entries and state.part and _after_list(tokens, index):
                state.part = ""  # a plain link after the list: a suffix chapter
            for link in _all_links(token):
                _add(link, state, 1, "", entries, notes, seen, content, folder, display)
    return Summary(entries, notes, state.title)


def _after_list(tokens: Sequence[Token], index: int) -> bool:
    """Whether a list was closed since the last heading before ``tokens[index]``."""
    for token in reversed(tokens[:index]):
        if token.type == "heading_open":
            return False
        if token.type in ("bullet_list_close", "ordered_list_close"):
            return True
    return False


def _heading(token: Token, inline: Token, state: _State) -> None:
    """A heading of the summary: its title line, a part title, or (mdBook, below ``#``) nothing."""
    level = int(token.tag[1:])
    text = plain_title(_inline_text(inline.children or []))
    first = not state.significant
    state.significant = True
    if state.kind == "mdbook":
        if level != 1:
            return  # mdBook reads only ``#`` headings
        if first:
            state.title = text  # the title line: mdBook does not show it as a part
            return
    elif first and (level == 1 or text.lower() in _SUMMARY_TITLES):
        state.title = text
        return
    state.part = text


def _add(
    link: _Link,
    state: _State,
    depth: int,
    number: str,
    entries: list[Entry],
    notes: list[tuple[str, int, str]],
    seen: set[Path],
    content: Path,
    folder: Path,
    display: str,
) -> None:
    """Add the chapter ``link`` names to ``entries`` (or a note saying why it is left out)."""
    title = plain_title(link.title)
    target = link.target.strip().strip("<>")
    if not target:
        notes.append((display, link.line, f"draft chapter {title!r} (no file) left out"))
        return
    split = urllib.parse.urlsplit(target)
    if split.scheme or target.startswith("//"):
        notes.append((display, link.line, f"summary link {target!r} is not a chapter of the book; left out"))
        return
    ref = urllib.parse.unquote(split.path)
    path = chapter_inside(content / ref, folder, ref, "the summary", Pos(display, link.line))
    if path in seen:
        return
    missing = not path.is_file()
    if missing:
        notes.append(
            (
                display,
                link.line,
                f"chapter file {ref!r} listed in the summary does not exist; an empty chapter {title!r} stands in"
                " its place",
            )
        )
    seen.add(path)
    # a chapter is never nested deeper than one below the chapter before it (a draft parent is left out)
    depth = max(1, min(depth, (entries[-1].depth + 1) if entries else 1))
    appendix = bool(_APPENDIX.match(state.part) or _APPENDIX.match(title))
    entries.append(Entry(path, title, state.part, appendix, depth, number, missing))
