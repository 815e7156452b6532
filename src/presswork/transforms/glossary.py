"""The glossary: ``glossary.md`` becomes a sorted Glossary chapter, and ``{Term}`` in the text links to its entry.

The glossary file (config ``glossary``, default ``glossary.md`` in the content folder) is not an
ordinary chapter: its definition lists are collected, sorted like the index (see
:func:`presswork.transforms.indexing.sort_key`) and set as a "Glossary" chapter at the end of the book, each
term with an id (``gls-<term>``). Paragraphs before the lists stay as its introduction.

References, in one of two spellings:

- ``{Term}`` in plain prose: a brace group whose text matches a glossary term (case-insensitive,
  whitespace collapsed). Braces in code are never looked at (code is its own node), nor are
  ``{{ variables }}``, ``{#id .class}`` attribute groups or anything whose text is not a term:
  those stay literal text, untouched.
- ``[text]{.gls}`` or ``[text]{.gls term="Term"}``: explicit, for a term that reads differently
  in the sentence ("[tokenizers]{.gls term="tokenizer"}").

An explicit reference to an undefined term warns with its file and line. A ``{...}`` group warns
only when it is clearly meant as a reference, which we take to be: the book has a glossary, and
the text is one to four words of letters (hyphens and apostrophes allowed) that starts with a
capital letter or has more than one word. ``{name}``, ``{x}``, ``{a, b}`` and ``{1}`` stay quiet.

Each reference becomes a Span of class ``gls`` holding a Link to the entry (a heading gets the
plain term). With ``glossary_first = "mark"`` the first reference to a term in each chapter
also has class ``gls-first`` (the themes set it in small capitals).
"""

from __future__ import annotations

import dataclasses
import difflib
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import (
    Attr,
    Block,
    Chapter,
    DefinitionItem,
    DefinitionList,
    Div,
    Heading,
    Inline,
    Link,
    Note,
    Pos,
    Span,
    Table,
    Text,
    plain_text,
)
from presswork.core.walk import field_names, iter_nodes
from presswork.transforms.indexing import sort_key

__all__ = ["GLOSSARY_FIRST", "Glossary", "add_glossary", "link_terms", "split_glossary"]

#: Values of the ``glossary_first`` setting.
GLOSSARY_FIRST = ("none", "mark")
#: ``{Term}`` in text: not ``{{``, not after ``$`` or a backslash or a word character.
_REF = re.compile(r"(?<![\w$\\{])\{(?P<text>[^{}\n]{1,80})\}(?![\w}])")
#: Text that is clearly meant as a term reference (see the module docstring).
_WORDS = re.compile(r"^[^\W\d_][\w'\u2019-]*(?: [^\W\d_][\w'\u2019-]*){0,3}$")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def term_key(text: str) -> str:
    """How terms are compared: case-folded, whitespace collapsed, apostrophes straightened."""
    return " ".join(text.translate(_QUOTES).casefold().split())


@dataclass(frozen=True)
class Glossary:
    """The glossary as read from its file: source, title, introduction and entries."""

    source: str
    title: tuple[Inline, ...]
    intro: tuple[Block, ...]
    items: tuple[DefinitionItem, ...]
    first_chapter_id: str


def split_glossary(
    chapters: list[Chapter], content: str, name: str, explicit: bool
) -> tuple[list[Chapter], Glossary | None]:
    """The chapters without the glossary file's, and the glossary (None when there is no such file;
    an error when ``explicit``, i.e. configured, and missing)."""
    if not name:
        return chapters, None
    wanted = posixpath.normpath(posixpath.join(content, name))
    mine = [ch for ch in chapters if posixpath.normpath(ch.source) == wanted]
    if not mine:
        if explicit:
            raise PressworkError(f"glossary file '{name}' is not among the book's files (looked for {wanted})")
        return chapters, None
    if len(mine) == len(chapters):
        return chapters, None  # the glossary is the whole book: leave it a chapter
    if not explicit and not _looks_like_glossary(mine):
        return chapters, None  # a glossary.md written as prose or sections stays an ordinary chapter
    intro: list[Block] = []
    items: list[DefinitionItem] = []
    for ch in mine:
        for block in ch.blocks:
            if isinstance(block, DefinitionList):
                items.extend(block.items)
            else:
                intro.append(block)
    if not items:
        raise PressworkError(
            f"glossary file '{name}' has no definition list (Term, then ': definition')", Pos(wanted, 1)
        )
    title = mine[0].title or (Text("Glossary"),)
    rest = [ch for ch in chapters if ch not in mine]
    return rest, Glossary(wanted, title, tuple(intro), tuple(items), mine[0].id)


def _looks_like_glossary(chapters: list[Chapter]) -> bool:
    """Whether an unconfigured ``glossary.md`` is a glossary: one chapter with a definition list and no sections."""
    if len(chapters) != 1:
        return False
    blocks = chapters[0].blocks
    return any(isinstance(b, DefinitionList) for b in blocks) and not any(isinstance(b, Heading) for b in blocks)


def _entry_ids(glossary: Glossary, used: set[str], reporter: Reporter) -> dict[str, tuple[str, str]]:
    """term key -> (entry id, term as written); duplicates warn (the first definition wins the links)."""
    out: dict[str, tuple[str, str]] = {}
    for item in glossary.items:
        term = plain_text(item.term).strip()
        key = term_key(term)
        if key in out:
            reporter.warn(f"glossary term '{term}' is defined twice (links go to the first)", item.pos)
            continue
        base = "gls-" + (re.sub(r"[^a-z0-9]+", "-", sort_key(term)[0]).strip("-") or "term")
        ident, n = base, 1
        while ident in used:
            n += 1
            ident = f"{base}-{n}"
        used.add(ident)
        out[key] = (ident, term)
    return out


def add_glossary(
    chapters: list[Chapter], glossary: Glossary | None, language: str, first: str, reporter: Reporter
) -> list[Chapter]:
    """Link the references in ``chapters`` and append the Glossary chapter (sorted, terms with ids)."""
    if first not in GLOSSARY_FIRST:
        raise PressworkError(f"glossary_first must be one of {', '.join(GLOSSARY_FIRST)}, not {first!r}")
    used = {ch.id for ch in chapters}
    for node in iter_nodes(tuple(chapters)):
        attr = getattr(node, "attr", None)
        if isinstance(attr, Attr) and attr.id:
            used.add(attr.id)
    ids = _entry_ids(glossary, used, reporter) if glossary else {}
    if glossary is None:  # then only the gls spans change (they are unwrapped, with a warning)
        return [link_terms(ch, ids, False, first == "mark", reporter) if _has_gls(ch) else ch for ch in chapters]
    chapters = [link_terms(ch, ids, True, first == "mark", reporter) for ch in chapters]
    items = []
    done: set[str] = set()
    for item in sorted(glossary.items, key=lambda it: sort_key(plain_text(it.term).strip(), language)):
        key = term_key(plain_text(item.term))
        ident = ids[key][0] if key not in done else ""
        done.add(key)
        term: tuple[Inline, ...] = (Span(Attr(ident, ("gls-term",)), item.term),)
        items.append(DefinitionItem(term, item.definitions, pos=item.pos))
    ident, n = glossary.first_chapter_id or "glossary", 1
    while ident in used:
        n += 1
        ident = f"glossary-{n}"
    blocks = (*glossary.intro, Div(Attr(classes=("glossary",)), (DefinitionList(tuple(items)),)))
    chapter = Chapter(ident, glossary.title, glossary.source, blocks)
    return [*chapters, link_terms(chapter, ids, True, False, reporter)]  # references between entries too


def link_terms(
    chapter: Chapter, ids: Mapping[str, tuple[str, str]], has_glossary: bool, mark_first: bool, reporter: Reporter
) -> Chapter:
    """``chapter`` with its glossary references linked (see the module docstring)."""
    seen: set[str] = set()

    def ref(shown: tuple[Inline, ...], key: str, plain: bool) -> Inline:
        ident = ids[key][0]
        classes: tuple[str, ...] = ("gls",)
        if mark_first and key not in seen and not plain:
            classes = ("gls", "gls-first")
        if not plain:
            seen.add(key)
        return Span(Attr(classes=classes), shown if plain else (Link(shown, "#" + ident),))

    def text_refs(node: Text, pos: Pos | None, plain: bool) -> list[Inline]:
        out: list[Inline] = []
        last = 0
        for m in _REF.finditer(node.text):
            shown = m.group("text")
            key = term_key(shown)
            if key in ids:
                if m.start() > last:
                    out.append(Text(node.text[last : m.start()]))
                out.append(ref((Text(shown),), key, plain))
                last = m.end()
            elif has_glossary and _WORDS.match(shown.strip()) and (" " in shown.strip() or shown.strip()[0].isupper()):
                close = difflib.get_close_matches(key, list(ids), n=1, cutoff=0.6)
                hint = f" (did you mean '{ids[close[0]][1]}'?)" if close else ""
                reporter.warn(f"glossary: '{{{shown}}}' is not a glossary term{hint}; it stays as written", pos)
        if not out:
            return [node]
        if last < len(node.text):
            out.append(Text(node.text[last:]))
        return out

    def inlines(kids: tuple[Inline, ...], pos: Pos | None, plain: bool) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in kids:
            if isinstance(node, Text) and "{" in node.text:
                out.extend(text_refs(node, pos, plain))
            elif isinstance(node, Span) and "gls" in node.attr.classes and not _is_done(node):
                term = " ".join((node.attr.get("term") or plain_text(node.children)).split())
                key = term_key(term)
                if key in ids:
                    out.append(ref(node.children, key, plain))
                else:
                    reporter.warn(f"glossary: '{term}' is not a glossary term; it stays as written", pos)
                    out.extend(node.children)
            elif isinstance(node, Link) or (isinstance(node, Span) and "gls" in node.attr.classes):
                out.append(node)  # no link inside a link
            else:
                out.append(_descend(node, pos, plain))
        return tuple(out)

    def _descend(node: Inline, pos: Pos | None, plain: bool) -> Inline:
        if isinstance(node, Note):
            return Note(_walk_blocks(node.blocks, fix, pos or Pos(chapter.source)))
        changes: dict[str, Any] = {}
        for name in field_names(type(node)):
            value = getattr(node, name)
            if name == "children" and isinstance(value, tuple):
                changes[name] = inlines(value, pos, plain)
        return dataclasses.replace(node, **changes) if changes else node

    def fix(node: Any, pos: Pos | None) -> Any:
        if isinstance(node, Heading):
            return dataclasses.replace(node, children=inlines(node.children, pos, True))
        changes: dict[str, Any] = {}
        for name in field_names(type(node)):
            value = getattr(node, name)
            if name in ("children", "term", "caption") and isinstance(value, tuple) and value:
                if all(isinstance(v, Inline) for v in value):
                    changes[name] = inlines(value, pos, False)
            elif name in ("head", "body") and isinstance(node, Table):
                changes[name] = tuple(tuple(inlines(cell, pos, False) for cell in row) for row in value)
        return dataclasses.replace(node, **changes) if changes else node

    blocks = _walk_blocks(chapter.blocks, fix, Pos(chapter.source))
    return dataclasses.replace(chapter, blocks=blocks)


def _has_gls(chapter: Chapter) -> bool:
    """Whether ``chapter``'s blocks hold a glossary reference span (``[term]{.gls}``)."""
    return any("gls" in span.attr.classes for span in iter_nodes(chapter.blocks, (Span,)))


def _is_done(span: Span) -> bool:
    """A gls Span this module made already (it holds the Link, or is a heading's plain term)."""
    return (
        any(isinstance(k, Link) and k.url.startswith("#gls-") for k in span.children)
        or "gls-first" in span.attr.classes
    )


def _walk_blocks(blocks: tuple[Block, ...], fn: Any, pos: Pos) -> tuple[Block, ...]:
    """Apply ``fn`` top-down to the blocks only (inline containers are handled by ``fn`` itself)."""
    out: list[Block] = []
    for block in blocks:
        here = block.pos or pos
        new = fn(block, here)
        changes: dict[str, Any] = {}
        for name in field_names(type(new)):
            value = getattr(new, name)
            if name == "pos" or not isinstance(value, tuple) or not value:
                continue
            if all(isinstance(v, Block) for v in value):
                changes[name] = _walk_blocks(value, fn, here)
            elif all(isinstance(v, tuple) and all(isinstance(b, Block) for b in v) for v in value):
                changes[name] = tuple(_walk_blocks(v, fn, here) for v in value)
        out.append(dataclasses.replace(new, **changes) if changes else new)
    return tuple(out)
