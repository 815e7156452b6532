"""Links between chapter files and to the book's web site, rewritten to book ids."""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import re
import urllib.parse
from typing import Any

from presswork.core.diagnostics import Reporter
from presswork.core.tree import (
    Attr,
    Chapter,
    Link,
    Pos,
    Span,
)
from presswork.core.walk import walk_with_positions

EXTERNAL_SCHEMES = ("http", "https", "mailto", "tel", "ftp")


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
        path, _, query = path.partition("?")  # a query asks the site for something (a search): kept as written
        path = urllib.parse.unquote(path)
        if query and not path and (address := site_page(source, "./")) is not None:
            return dataclasses.replace(node, url=f"{address}?{query}" + (f"#{frag}" if frag else ""))
        target_file: str | None = source
        if not path:
            target_file = source
        else:
            target_file = chapter_file(source, path)
            if target_file is None and (address := site_page(source, path)) is not None:
                address += f"?{query}" if query else ""
                return dataclasses.replace(node, url=address + (f"#{frag}" if frag else ""))
            if target_file is None and not frag and path in book_ids:  # MyST's [text](label): a target's label
                return dataclasses.replace(node, url="#" + path)
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
            ch,
            blocks=walk_with_positions(ch.blocks, functools.partial(fix, source=ch.source), kinds=(Link,)),
            title=ch.title,
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
