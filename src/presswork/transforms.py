"""Tree transforms: unique ids, cross-file links, numbering, asset resolution and checks."""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import re
import urllib.parse
from typing import Any

from presswork.apparatus import apparatus, glossary_last
from presswork.assets import AssetGate, is_remote
from presswork.citations import apply_citations, load_bibliography
from presswork.config import Config
from presswork.datauri import describe, is_data_uri
from presswork.diagnostics import PressworkError, Reporter, too_deep
from presswork.diagrams import render_diagrams
from presswork.reading.crossrefs import mark_chapters
from presswork.structure import slugify
from presswork.tree import (
    Attr,
    Block,
    Chapter,
    DefinitionItem,
    Div,
    Document,
    Figure,
    Heading,
    Image,
    Link,
    ListItem,
    Node,
    Note,
    Paragraph,
    Pos,
    Span,
    Table,
    Text,
    plain_text,
)
from presswork.walk import children, walk, walk_with_positions
from presswork.xrefs import check_targets, number_targets, resolve_xrefs

EXTERNAL_SCHEMES = ("http", "https", "mailto", "tel", "ftp")


# ------------------------------------------------------------------ limits

#: Nodes that hold others without adding a level a reader would count (an item of a list,
#: a paragraph's or heading's words).
_NOT_A_LEVEL = (ListItem, DefinitionItem, Paragraph, Heading)


def check_nesting(chapters: list[Chapter], max_nesting: int) -> None:
    """Refuse a tree nested deeper than ``max_nesting`` levels, counting lists, quotes,
    admonitions, divs, notes, tables and inline markup together.

    Runs iteratively (no recursion), before any transform or exporter that recurses.
    """
    for ch in chapters:
        stack: list[tuple[Any, int, Pos | None]] = [(n, 0, ch.title_at()) for n in ch.title]
        stack += [(n, 0, Pos(ch.source)) for n in ch.blocks]
        first: Pos | None = None  # the first block found too deep; the error names the deepest level
        deepest = 0
        while stack:
            node, depth, pos = stack.pop()
            if not isinstance(node, Node):
                continue
            here = node.pos if isinstance(node, Block) and node.pos is not None else pos
            kids = list(children(node))
            level = depth + (1 if kids and not isinstance(node, _NOT_A_LEVEL) else 0)
            deepest = max(deepest, level)
            if level > max_nesting and first is None:
                first = here
            stack.extend((kid, level, here) for kid in kids)
        if first is not None:
            raise too_deep(max_nesting, "lists, quotes, notes and inline markup (counted together)", deepest, first)


def flatten_notes(chapters: list[Chapter], reporter: Reporter) -> list[Chapter]:
    """A footnote inside a footnote is not supported by the formats (and makes page layout
    crawl): its text is appended to the enclosing footnote, with a warning."""

    def fix(node: Any, pos: Pos | None) -> Any:
        if not isinstance(node, Note):
            return node
        inner: list[Note] = []

        def lift(n: Any) -> Any:
            if isinstance(n, Note):
                inner.append(n)
                return Span(Attr(), ())
            return n

        blocks = walk(node.blocks, lift)
        if not inner:
            return node
        reporter.warn(
            "a footnote inside a footnote is not supported: its text is added to the end of the enclosing footnote",
            pos,
            "note",
        )
        return dataclasses.replace(node, blocks=blocks + tuple(b for n in inner for b in n.blocks))

    return [
        dataclasses.replace(ch, title=walk_with_positions(ch.title, fix), blocks=walk_with_positions(ch.blocks, fix))
        for ch in chapters
    ]


# ------------------------------------------------------------------ ids


def unique_ids(chapters: list[Chapter]) -> tuple[list[Chapter], dict[tuple[str, str], str]]:
    """Make chapter and element ids unique across the book.

    Returns the chapters and a map (source file, id as written) -> book id, used to
    resolve links. Where one file has the same id twice, the first one wins the map.
    """
    used: set[str] = set()
    mapping: dict[tuple[str, str], str] = {}

    def claim(source: str, ident: str) -> str:
        base = ident or "section"
        new, n = base, 1
        while new in used:
            n += 1
            new = f"{base}-{n}"
        used.add(new)
        mapping.setdefault((source, ident), new)
        return new

    out = []
    for ch in chapters:
        ch_id = claim(ch.source, ch.id)

        def fix(node: Any, pos: Pos | None, source: str = ch.source) -> Any:
            attr = getattr(node, "attr", None)
            if isinstance(node, Heading) and not node.attr.id:
                attr = dataclasses.replace(node.attr, id=slugify(plain_text(node.children)))
            if isinstance(attr, Attr) and attr.id:
                return dataclasses.replace(node, attr=dataclasses.replace(attr, id=claim(source, attr.id)))
            return node

        out.append(dataclasses.replace(ch, id=ch_id, blocks=walk_with_positions(ch.blocks, fix)))
    return out, mapping


# ------------------------------------------------------------------ links


def resolve_links(
    chapters: list[Chapter], ids: dict[tuple[str, str], str], reporter: Reporter, content: str = ".", site_url: str = ""
) -> list[Chapter]:
    """Rewrite links between chapter files (``02-setup.md#install``) and within a file (``#x``)
    to book ids (``#install``). Links written for the rendered web site resolve too: ``page.html``,
    ``page/``, ``/docs/page``, ``../page.md#anchor`` (see :func:`site_candidates`). A link to a page
    that is not in the book points to ``site_url`` when one is configured; otherwise it, like any
    link whose target does not exist, becomes plain text with a warning. ``content`` is the
    project-relative folder of the chapter files (the root of the site)."""
    first_chapter: dict[str, str] = {}
    for ch in chapters:
        first_chapter.setdefault(ch.source, ch.id)
    content = posixpath.normpath(content)
    book_ids = set(ids.values())
    # GitHub, Pandoc and Python-Markdown slug headings differently ("a--b" vs "a-b"): a fragment
    # that matches no id exactly may still match one letter for letter.
    loose_ids: dict[tuple[str, str], str] = {}
    for (src, written), book_id in ids.items():
        loose_ids.setdefault((src, _loose(written)), book_id)
    by_stem: dict[str, list[str]] = {}
    for src in first_chapter:
        by_stem.setdefault(posixpath.splitext(posixpath.basename(src))[0], []).append(src)

    def chapter_file(source: str, path: str) -> str | None:
        """The chapter file a link path names: as written, with ".md" added, as the site page
        of a chapter, or, for the extension-less site paths of documentation sets
        ("/using-npm/developers"), the one chapter file of that name."""
        for candidate in site_candidates(source, path, content):
            if candidate in first_chapter:
                return candidate
        if not posixpath.splitext(path.rstrip("/"))[1] or path.endswith(".html"):
            stem = posixpath.splitext(posixpath.basename(path.rstrip("/")))[0]
            found = by_stem.get(stem, [])
            if len(found) == 1:
                return found[0]
        return None

    def site_page(source: str, path: str) -> str | None:
        """The absolute address on ``site_url`` of a site page the book does not hold, or None."""
        if not site_url or posixpath.splitext(path.rstrip("/"))[1].lower() not in ("", ".html", ".htm", ".md", ".qmd"):
            return None
        if path.startswith("/"):
            return urllib.parse.urljoin(site_url.rstrip("/") + "/", path.lstrip("/"))
        here = posixpath.relpath(posixpath.dirname(source), content) if content != "." else posixpath.dirname(source)
        target = posixpath.normpath(posixpath.join(here, path))
        if target.startswith(".."):
            return None
        stem, ext = posixpath.splitext(target)
        if ext.lower() in (".md", ".qmd"):
            target = (
                (posixpath.dirname(target) + "/index.html").lstrip("/")
                if posixpath.basename(stem).lower() in ("readme", "index")
                else stem + ".html"
            )
        return urllib.parse.urljoin(site_url.rstrip("/") + "/", target + ("/" if path.endswith("/") else ""))

    def fix(node: Any, pos: Pos | None, source: str) -> Any:
        if not isinstance(node, Link):
            return node
        url = node.url.strip()
        try:
            scheme = urllib.parse.urlsplit(url).scheme.lower()
        except ValueError as exc:  # "http://[bad": an unclosed IPv6 address
            reporter.warn(f"link {url!r} removed: not a valid URL ({exc})", pos, "link")
            return Span(Attr(), node.children)
        if scheme in EXTERNAL_SCHEMES or url.startswith("//"):
            return node
        if scheme and len(scheme) > 1:
            reporter.warn(f"link {url!r} removed: {scheme}: links are not allowed", pos, "link")
            return Span(Attr(), node.children)
        path, _, frag = url.partition("#")
        path = urllib.parse.unquote(path)
        target_file: str | None = source
        if not path:
            target_file = source
        else:
            target_file = chapter_file(source, path)
            if target_file is None and (address := site_page(source, path)) is not None:
                return dataclasses.replace(node, url=address + (f"#{frag}" if frag else ""))
            if target_file is None:
                what = "chapter file" if path.lower().endswith((".md", ".markdown")) else "file"
                reporter.warn(
                    f"link to missing {what} {path!r} (links may point to chapters and their headings)", pos, "link"
                )
                return Span(Attr(), node.children)
        if not frag:
            return dataclasses.replace(node, url="#" + first_chapter[target_file])
        frag = urllib.parse.unquote(frag)
        target = ids.get((target_file, frag)) or loose_ids.get((target_file, _loose(frag)))
        if target is None and frag in book_ids and target_file == source:
            target = frag
        if target is None:
            reporter.warn(f"broken internal link {url!r}: no heading or anchor with id {frag!r}", pos, "link")
            return Span(Attr(), node.children)
        return dataclasses.replace(node, url="#" + target)

    return [
        dataclasses.replace(
            ch, blocks=walk_with_positions(ch.blocks, functools.partial(fix, source=ch.source)), title=ch.title
        )
        for ch in chapters
    ]


def site_candidates(source: str, path: str, content: str = ".") -> list[str]:
    """The chapter files a link may name, most likely first: the file as written and with ``.md``
    added; for a site page (``page.html``, ``page/``, ``dir/index.html``) the Markdown file it was
    made from (``page.md``, ``page.qmd``, ``page/index.md``, ``page/README.md``); a path from the
    site root (``/page``, ``/docs/page``) is tried from the content folder, dropping leading folders."""
    bases: list[str] = []
    if path.startswith("/"):
        parts = [p for p in path.split("/") if p]
        for i in range(len(parts)):
            bases.append(posixpath.normpath(posixpath.join(content, *parts[i:])))
    else:
        bases.append(posixpath.normpath(posixpath.join(posixpath.dirname(source), path)))
    out: list[str] = []
    for target in bases:
        stem, ext = posixpath.splitext(target)
        ext = ext.lower()
        if ext in (".html", ".htm"):
            if posixpath.basename(stem).lower() == "index":
                folder = posixpath.dirname(stem)
                out += [posixpath.join(folder, n) for n in ("index.md", "README.md", "index.qmd", "readme.md")]
            out += [stem + ".md", stem + ".qmd", stem + ".markdown"]
        elif ext in (".md", ".qmd", ".markdown"):
            out += [target, stem + ".qmd" if ext == ".md" else stem + ".md"]
        else:
            out += [target, target + ".md", target + ".qmd"]
            out += [posixpath.join(target, n) for n in ("index.md", "README.md", "index.qmd", "readme.md")]
    return [posixpath.normpath(c) for c in out]


def _loose(ident: str) -> str:
    """An id reduced to its letters and digits, to match anchors made by other slug rules."""
    return re.sub(r"[\W_]+", "", ident.lower())


# ------------------------------------------------------------------ profiles

_PROFILE_CLASS = re.compile(r"^(only|no)-profile-(.+)$")


def apply_profile(chapters: list[Chapter], profile: str) -> list[Chapter]:
    """Settle the profile divs for the edition ``profile`` ("" = none): ``::: only-profile-NAME``
    keeps its content only in that edition, ``::: no-profile-NAME`` in every other one. A div
    kept is opened (its blocks take its place, unless it has other classes or an id)."""

    def fix(node: Any) -> Any:
        if not isinstance(node, Div):
            return node
        rules = [m for m in map(_PROFILE_CLASS.match, node.attr.classes) if m]
        if not rules:
            return node
        shown = all((m.group(2) == profile) == (m.group(1) == "only") for m in rules)
        if not shown:
            return _EMPTY
        rest = tuple(c for c in node.attr.classes if not _PROFILE_CLASS.match(c))
        return dataclasses.replace(node, attr=dataclasses.replace(node.attr, classes=rest))

    out = []
    for ch in chapters:
        blocks = walk(ch.blocks, fix)
        out.append(dataclasses.replace(ch, blocks=_drop_empty(blocks)))
    return out


#: Marks a block left out by :func:`apply_profile` (removed from its parent by :func:`_drop_empty`).
_EMPTY = Div(Attr(classes=("presswork-dropped",)), ())


def _drop_empty(blocks: Any) -> Any:
    def fix(node: Any) -> Any:
        for f in dataclasses.fields(node) if dataclasses.is_dataclass(node) else ():
            value = getattr(node, f.name)
            if isinstance(value, tuple) and any(v is _EMPTY or v == _EMPTY for v in value):
                node = dataclasses.replace(node, **{f.name: tuple(v for v in value if v != _EMPTY)})
        return node

    return tuple(b for b in walk(blocks, fix) if b != _EMPTY)


# ------------------------------------------------------------------ numbering


def appendix_letter(n: int) -> str:
    """The letter of the ``n``-th appendix (1-based): A..Z, then AA, AB..."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def number(chapters: list[Chapter], config: Config) -> list[Chapter]:
    """Chapter and section numbers (``number_sections``) and figure/table labels (``number_figures``).

    Appendices are lettered (A, B, ... and sections "A.1") whether or not sections are
    numbered; the other chapters are numbered 1, 2, ... in order."""
    out: list[Chapter] = []
    main = appendices = 0
    for ch in chapters:
        if ch.appendix:
            appendices += 1
            numbered = _number_chapter(ch, appendix_letter(appendices), config)
            out.append(dataclasses.replace(numbered, number=appendix_letter(appendices)))
        else:
            main += 1
            out.append(_number_chapter(ch, str(main), config))
    return out


def _number_chapter(ch: Chapter, n: str, config: Config) -> Chapter:
    """Number chapter ``n``: its sections "n.1", "n.1.1" and its captioned figures and tables."""
    counters = [0] * 7
    labels = {"Figure": 0, "Table": 0}

    def fix(node: Any, pos: Pos | None) -> Any:
        if isinstance(node, Heading) and config.number_sections:
            counters[node.level] += 1
            counters[node.level + 1 :] = [0] * (6 - node.level)
            return dataclasses.replace(node, number=".".join([n, *map(str, counters[2 : node.level + 1])]))
        if isinstance(node, (Figure, Table)) and config.number_figures and node.caption:
            kind = type(node).__name__
            labels[kind] += 1
            return dataclasses.replace(node, label=f"{kind} {n}.{labels[kind]}")
        return node

    return dataclasses.replace(
        ch, blocks=walk_with_positions(ch.blocks, fix), number=n if config.number_sections else ""
    )


# ------------------------------------------------------------------ assets


def resolve_assets(chapters: list[Chapter], gate: AssetGate, reporter: Reporter) -> list[Chapter]:
    """Resolve every image through the gate to a project-relative path, checking that it
    exists, stays inside the project and is not over the pixel limit. Remote images are kept
    only when the configuration allows remote resources; otherwise they become their alt text."""

    def fix(node: Any, pos: Pos | None, source: str) -> Any:
        if not isinstance(node, Image):
            return node
        if is_remote(node.src):
            if gate.allow_remote:
                return node
            reporter.warn(
                f"remote image {node.src!r} not fetched (allow_remote is off); its alt text is shown", pos, "remote"
            )
            return Span(Attr(classes=("image-alt",)), (Text(node.alt or node.src),))
        if is_data_uri(node.src):  # a small image written inline: checked like a file, kept as written
            gate.image_size(gate.read_bytes(node.src, source, pos), describe(node.src), pos)
            if not node.alt:
                reporter.warn(f"image '{describe(node.src)}' has no alt text", pos, "alt-text")
            return node
        path = gate.resolve(node.src, source, pos)
        gate.image_size(gate.read_bytes(node.src, source, pos), node.src, pos)
        src = gate.relative(path)
        if not node.alt:  # the EPUB's accessibility check says the same words: one warning, not two
            reporter.warn(f"image {src!r} has no alt text", pos, "alt-text")
        return dataclasses.replace(node, src=src)

    out = []
    for ch in chapters:
        blocks = walk_with_positions(ch.blocks, functools.partial(fix, source=ch.source))
        # A figure whose image became alt text is a paragraph of that text.
        out.append(dataclasses.replace(ch, blocks=_unfigure(blocks)))
    return out


def _unfigure(blocks: Any) -> Any:
    from presswork.tree import Paragraph

    def fix(node: Any) -> Any:
        if isinstance(node, Figure) and not isinstance(node.image, Image):
            return Paragraph((node.image,), pos=node.pos)
        return node

    return walk(blocks, fix)


# ------------------------------------------------------------------ pipeline


def apply_transforms(
    chapters: list[Chapter], meta: Any, config: Config, gate: AssetGate, reporter: Reporter
) -> Document:
    """Run every transform in order and return the finished document."""
    if not chapters:
        raise PressworkError("the book has no content: no chapter file has any text")
    check_nesting(chapters, config.max_nesting)
    chapters = apply_profile(chapters, config.profile)
    chapters = flatten_notes(chapters, reporter)
    chapters = render_diagrams(chapters, config.root, reporter)  # diagram code -> SVG figures, before ids and numbers
    bibliography = load_bibliography(config, gate, meta.language)
    chapters = mark_chapters(chapters, bibliography.keys if bibliography else frozenset())
    check_targets(chapters, reporter)
    chapters = glossary_last(chapters, config)  # back matter: numbered last, then set apart (apparatus.py)
    chapters, ids = unique_ids(chapters)
    chapters = resolve_links(chapters, ids, reporter, config.content, config.site_url)
    chapters = number(chapters, config)
    chapters = number_targets(chapters, config)
    chapters = resolve_xrefs(chapters, ids)
    chapters = apply_citations(chapters, bibliography, reporter, meta.language)
    chapters = resolve_assets(chapters, gate, reporter)
    chapters = apparatus(chapters, meta.language, config, reporter)  # index marks, glossary links
    return Document(meta, tuple(chapters))
