"""The back-of-book index: marks in the text, the entry model, sorting, page ranges and the index chapter.

Marks are Spans of class ``idx`` (see :mod:`presswork.transforms.spans`): ``[GPU]{.idx}`` indexes its text,
``[GPUs]{.idx term="GPU" sub="memory"}`` a term and subentry, ``{.idx term="CPU" see="processor"}``
a cross-reference without a locator and ``seealso="..."`` one with a locator. :func:`mark_index`
gives every mark a stable anchor id (``idx-1``, ``idx-2``... in reading order).

Exporters that want an index call :func:`with_index`: it appends an "Index" chapter whose blocks
are ordinary tree nodes (a Div of class ``book-index``, one ``index-group`` Div per letter,
nested bullet lists of entries). Each locator is a Span of class ``index-locator`` holding a Link
to its mark: with ``pages`` (anchor id -> printed folio, from a laid-out PDF) its text is the page
number, duplicates on one page are merged and consecutive pages become ranges ("12–14");
without pages it is the title of the chapter the mark is in.

Sorting is locale-independent (no ICU here): terms compare by their case-folded text with
diacritics removed (so "Ärger" files under A, as in German dictionaries, DIN 5007-1), ties by
the exact text. Languages whose alphabets put letters after "z" are honoured for those letters:
Swedish and Finnish (å ä ö), Danish and Norwegian (æ ø å), Spanish (ñ after n).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import (
    Attr,
    BulletList,
    Chapter,
    Div,
    Document,
    Emphasis,
    Inline,
    Link,
    ListItem,
    Paragraph,
    Pos,
    Span,
    Text,
    plain_text,
)
from presswork.core.walk import iter_nodes, walk_with_positions

__all__ = [
    "INDEX_CLASS",
    "IndexEntry",
    "Locator",
    "collapse_pages",
    "collect",
    "has_index",
    "index_title",
    "mark_index",
    "sort_key",
    "with_index",
    "without_index",
]

#: Class of the Div that holds a generated index (exporters style and mark it up by it).
INDEX_CLASS = "book-index"
#: Keys an index mark understands.
MARK_KEYS = frozenset({"term", "sub", "see", "seealso"})

#: "Index" in a few languages (``index_title`` in the configuration overrides it).
TITLES = {"de": "Register", "nl": "Register", "fr": "Index", "es": "Índice alfabético", "it": "Indice analitico"}

#: Letters that a language sorts after "z", in its alphabet's order.
_TAIL_LETTERS = {
    "sv": "åäö",
    "fi": "åäö",
    "da": "æøå",
    "nb": "æøå",
    "nn": "æøå",
    "no": "æøå",
}
_AFTER = {"es": {"ñ": "n\uffff"}}


@dataclass(frozen=True)
class Locator:
    """Where a mark stands: its anchor id, and the id and title of its chapter."""

    anchor: str
    chapter: str
    chapter_title: str


@dataclass
class IndexEntry:
    """One term (or subentry): its locators in reading order, cross-references and subentries."""

    term: str
    locators: list[Locator] = field(default_factory=list)
    see: list[str] = field(default_factory=list)
    seealso: list[str] = field(default_factory=list)
    subs: dict[str, IndexEntry] = field(default_factory=dict)


def is_mark(node: Any) -> bool:
    """Whether ``node`` is an index mark (a Span of class ``idx``)."""
    return isinstance(node, Span) and "idx" in node.attr.classes


def mark_term(span: Span) -> str:
    """The term a mark indexes: its ``term`` attribute, else its text (whitespace collapsed)."""
    return " ".join((span.attr.get("term") or plain_text(span.children)).split())


def mark_index(chapters: list[Chapter], reporter: Reporter) -> list[Chapter]:
    """Give every index mark an anchor id (``idx-N``, unique in the book) and check it: a mark
    without a term is an error, an unknown key a warning."""
    used = {ch.id for ch in chapters}
    for node in iter_nodes(tuple(chapters)):
        attr = getattr(node, "attr", None)
        if isinstance(attr, Attr) and attr.id:
            used.add(attr.id)
    count = 0

    def fix(node: Any, pos: Pos | None) -> Any:
        nonlocal count
        if not is_mark(node):
            return node
        term = mark_term(node)
        if not term:
            raise PressworkError('index mark {.idx} has no term: mark some text or give term="..."', pos)
        for key, _ in node.attr.kv:
            if key not in MARK_KEYS:
                reporter.warn(f"index mark '{term}': unknown key '{key}' ignored (use term, sub, see, seealso)", pos)
        if node.attr.id:
            return node
        count += 1
        ident = f"idx-{count}"
        while ident in used:
            count += 1
            ident = f"idx-{count}"
        used.add(ident)
        return dataclasses.replace(node, attr=dataclasses.replace(node.attr, id=ident))

    return [walk_with_positions(ch, fix, kinds=(Span,)) for ch in chapters]


def has_index(doc: Document) -> bool:
    """Whether the book has any index mark."""
    return any(is_mark(n) for n in iter_nodes(doc))


def sort_key(text: str, language: str = "en") -> tuple[str, str, str]:
    """A locale-independent sort key: diacritics folded, case folded; letters the language sorts
    after "z" kept apart; ties broken by case-folded and then exact text."""
    lang = language.split("-")[0].lower()
    tail = _TAIL_LETTERS.get(lang, "")
    after = _AFTER.get(lang, {})
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text).casefold():
        if ch in tail:
            out.append(chr(0x10FF00 + tail.index(ch)))
        elif ch in after:
            out.append(after[ch])
        else:
            out.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
    return "".join(out), text.casefold(), text


def group_letter(text: str, language: str = "en") -> str:
    """The letter heading ``text`` files under ("A", "Ö" in Swedish, "#" for digits and symbols)."""
    key = sort_key(text, language)[0]
    first = key[:1]
    if not first:
        return "#"
    if ord(first) >= 0x10FF00:  # a letter sorted after z: the letter itself
        lang = language.split("-")[0].lower()
        return _TAIL_LETTERS[lang][ord(first) - 0x10FF00].upper()
    return first.upper() if first.isalpha() else "#"


def index_title(language: str, configured: str = "") -> str:
    """The index chapter's title: the configured one, else "Index" in the book's language."""
    return configured or TITLES.get(language.split("-")[0].lower(), "Index")


def _hidden_nodes(root: Any, hidden: frozenset[str]) -> list[Any]:
    """The nodes inside Divs of a ``hidden`` class below ``root``."""
    if not hidden:
        return []
    return [
        n
        for div in iter_nodes(root)
        if isinstance(div, Div) and not hidden.isdisjoint(div.attr.classes)
        for n in iter_nodes(div.blocks)
    ]


def collect(doc: Document, hidden: frozenset[str] = frozenset()) -> dict[str, IndexEntry]:
    """The index entries of ``doc`` by term, locators in reading order (marks must have ids);
    marks inside Divs of a ``hidden`` class (content the output leaves out) are not collected."""
    entries: dict[str, IndexEntry] = {}
    dropped = {id(n) for ch in doc.chapters for n in _hidden_nodes(ch.blocks, hidden)}
    for ch in doc.chapters:
        title = plain_text(ch.title).strip() or ch.id
        for node in iter_nodes(ch.blocks):
            if id(node) in dropped:
                continue
            if not is_mark(node) or not node.attr.id:
                continue
            term = mark_term(node)
            entry = entries.setdefault(term, IndexEntry(term))
            sub = " ".join((node.attr.get("sub") or "").split())
            target = entry.subs.setdefault(sub, IndexEntry(sub)) if sub else entry
            see = (node.attr.get("see") or "").strip()
            seealso = (node.attr.get("seealso") or "").strip()
            if see:
                if see not in target.see:
                    target.see.append(see)
                continue  # "see" sends the reader elsewhere: no locator here
            if seealso and seealso not in target.seealso:
                target.seealso.append(seealso)
            target.locators.append(Locator(node.attr.id, ch.id, title))
    return entries


_ROMAN = re.compile(r"^[ivxlcdm]+$", re.IGNORECASE)


def collapse_pages(locators: list[Locator], pages: Mapping[str, str]) -> list[tuple[str, str]]:
    """(text, anchor) per printed locator: one per page, consecutive arabic pages as one range
    ("12–14", linking to the first), other folios (roman, lettered) one by one, in page order."""
    seen: dict[str, str] = {}
    for loc in locators:
        folio = pages.get(loc.anchor)
        if folio is not None and folio not in seen:
            seen[folio] = loc.anchor
    arabic = sorted((int(f), a) for f, a in seen.items() if f.isdigit())
    others = [(f, a) for f, a in seen.items() if not f.isdigit()]
    out: list[tuple[str, str]] = list(others)
    run: list[tuple[int, str]] = []
    for number, anchor in arabic:
        if run and number == run[-1][0] + 1:
            run.append((number, anchor))
            continue
        if run:
            out.append(_range(run))
        run = [(number, anchor)]
    if run:
        out.append(_range(run))
    return out


def _range(run: list[tuple[int, str]]) -> tuple[str, str]:
    first, last = run[0][0], run[-1][0]
    return (str(first) if first == last else f"{first}\u2013{last}"), run[0][1]


def entry_id(term: str, sub: str = "") -> str:
    """The id of an index entry's list item (a "see" reference links to it)."""
    slug = re.sub(r"[^a-z0-9]+", "-", sort_key(f"{term} {sub}".strip())[0]).strip("-") or "entry"
    return f"ix-{slug}"


def _locators(entry: IndexEntry, pages: Mapping[str, str] | None) -> list[Inline]:
    out: list[Inline] = []
    if pages is None:
        counts: dict[str, int] = {}
        for loc in entry.locators:
            counts[loc.chapter] = counts.get(loc.chapter, 0) + 1
            n = counts[loc.chapter]
            text = loc.chapter_title if n == 1 else f"({n})"
            out.append(Span(Attr(classes=("index-locator",)), (Link((Text(text),), "#" + loc.anchor),)))
    else:
        for text, anchor in collapse_pages(entry.locators, pages):
            out.append(Span(Attr(classes=("index-locator",)), (Link((Text(text),), "#" + anchor),)))
    joined: list[Inline] = []
    for node in out:
        joined.append(Text(", "))
        joined.append(node)
    return joined


def _xrefs(entry: IndexEntry, known: Mapping[str, IndexEntry], word: str, cls: str) -> list[Inline]:
    targets = entry.see if cls == "index-see" else entry.seealso
    if not targets:
        return []
    sentence = bool(entry.locators) or cls == "index-seealso"  # "12. See also x" / "term, see x"
    out: list[Inline] = [Text(". " if sentence else ", ")]
    kids: list[Inline] = [Emphasis((Text(word[:1].upper() + word[1:] if sentence else word),)), Text(" ")]
    for i, target in enumerate(targets):
        if i:
            kids.append(Text("; "))
        head, _, sub = target.partition("!")
        ref: Inline = (
            Link((Text(target.replace("!", ", ")),), "#" + entry_id(head.strip(), sub.strip()))
            if head.strip() in known
            else Text(target)
        )
        kids.append(ref)
    out.append(Span(Attr(classes=(cls,)), tuple(kids)))
    return out


def _item(
    term: str,
    entry: IndexEntry,
    known: Mapping[str, IndexEntry],
    pages: Mapping[str, str] | None,
    language: str,
    parent: str = "",
) -> ListItem:
    ident = entry_id(parent, term) if parent else entry_id(term)
    line: list[Inline] = [Span(Attr(ident, ("index-term",)), (Text(term),))]
    line += _locators(entry, pages)
    line += _xrefs(entry, known, "see", "index-see")
    line += _xrefs(entry, known, "see also", "index-seealso")
    blocks: list[Any] = [Paragraph(tuple(line))]
    if entry.subs:
        subs = sorted(entry.subs.items(), key=lambda kv: sort_key(kv[0], language))
        blocks.append(BulletList(tuple(_item(s, e, known, pages, language, term) for s, e in subs)))
    return ListItem(tuple(blocks))


def index_blocks(entries: Mapping[str, IndexEntry], language: str, pages: Mapping[str, str] | None) -> Div:
    """The index as tree nodes: a ``book-index`` Div of letter groups, each a bullet list of entries."""
    groups: dict[str, list[tuple[str, IndexEntry]]] = {}
    for term, entry in sorted(entries.items(), key=lambda kv: sort_key(kv[0], language)):
        groups.setdefault(group_letter(term, language), []).append((term, entry))
    out = []
    for letter, items in groups.items():
        head = Paragraph((Span(Attr(classes=("index-letter",)), (Text(letter),)),))
        body = BulletList(tuple(_item(t, e, entries, pages, language) for t, e in items))
        out.append(Div(Attr(classes=("index-group",)), (head, body)))
    return Div(Attr(classes=(INDEX_CLASS,)), tuple(out))


def check_xrefs(doc: Document, reporter: Reporter) -> None:
    """Warn about a ``see``/``seealso`` that names no indexed term."""
    entries = collect(doc)
    for ch in doc.chapters:

        def visit(node: Any, pos: Pos | None) -> Any:
            if is_mark(node):
                for key in ("see", "seealso"):
                    target = (node.attr.get(key) or "").strip()
                    if target and target.partition("!")[0].strip() not in entries:
                        reporter.warn(f"index: {key}='{target}' names no indexed term", pos)
            return node

        walk_with_positions(ch, visit, kinds=(Span,))


def without_index(doc: Document) -> Document:
    """``doc`` without a generated index chapter (the book as written)."""
    kept = tuple(ch for ch in doc.chapters if not _is_index_chapter(ch))
    return doc if len(kept) == len(doc.chapters) else dataclasses.replace(doc, chapters=kept)


def _is_index_chapter(ch: Chapter) -> bool:
    return len(ch.blocks) == 1 and isinstance(ch.blocks[0], Div) and INDEX_CLASS in ch.blocks[0].attr.classes


def with_index(
    doc: Document, title: str = "", pages: Mapping[str, str] | None = None, hidden: frozenset[str] = frozenset()
) -> Document:
    """``doc`` with an index chapter at the end (unchanged when the book has no index mark);
    ``pages`` maps mark ids to printed folios (see the module docstring); marks inside Divs of a
    ``hidden`` class (left out of the output being made) get no locator."""
    doc = without_index(doc)
    entries = collect(doc, hidden)
    if not entries:
        return doc
    used = {ch.id for ch in doc.chapters}
    ident, n = "index", 1
    while ident in used:
        n += 1
        ident = f"index-{n}"
    language = doc.meta.language or "en"
    chapter = Chapter(
        ident,
        (Text(index_title(language, title)),),
        doc.chapters[-1].source,
        (index_blocks(entries, language, pages),),
        appendix=False,
    )
    return dataclasses.replace(doc, chapters=(*doc.chapters, chapter))
