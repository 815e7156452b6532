"""Conformance support: read the spec files' examples, render a tree to canonical HTML, normalise HTML."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html

from presswork.core.tree import (
    Admonition,
    Block,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    DefinitionList,
    Div,
    Emphasis,
    Figure,
    Heading,
    HorizontalRule,
    Image,
    Inline,
    Kbd,
    LineBreak,
    Link,
    ListItem,
    Math,
    MathBlock,
    Note,
    OrderedList,
    Paragraph,
    RawBlock,
    RawInline,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    Text,
)

DATA = Path(__file__).parent / "data"
_FENCE = "`" * 32


@dataclass(frozen=True)
class Example:
    """One spec example: its number, section, Markdown and expected HTML, and extension (``table``...)."""

    number: int
    section: str
    markdown: str
    html: str
    extension: str


def examples(name: str) -> list[Example]:
    """The examples of a spec file in data/ (``→`` stands for a tab, as in the spec)."""
    out: list[Example] = []
    section = ""
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        if line.startswith(_FENCE + " example"):
            extension = line[len(_FENCE + " example") :].strip()
            md: list[str] = []
            out_html: list[str] = []
            i += 1
            while lines[i] != ".":
                md.append(lines[i])
                i += 1
            i += 1
            while lines[i] != _FENCE:
                out_html.append(lines[i])
                i += 1
            text = ("\n".join(md) + "\n").replace("→", "\t")
            expected = ("\n".join(out_html) + "\n").replace("→", "\t") if out_html else ""
            out.append(Example(len(out) + 1, section, text, expected, extension))
        i += 1
    return out


_RAW_HTML = re.compile(r"<[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|</[A-Za-z]|<!--|<\?|<![A-Z\[]")


def has_raw_html(example: Example) -> bool:
    """Whether an example's Markdown holds raw HTML (a tag, comment, declaration...); autolinks do not count."""
    return bool(_RAW_HTML.search(example.markdown))


# ----------------------------------------------------------------------------- tree -> HTML


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def render_blocks(blocks: tuple[Block, ...]) -> str:
    """The canonical HTML of blocks (CommonMark's renderer, as far as the tree holds the information)."""
    return "".join(render_block(b) for b in blocks)


def render_block(b: Block) -> str:
    if isinstance(b, Paragraph):
        return f"<p>{render_inlines(b.children)}</p>\n"
    if isinstance(b, Heading):
        return f"<h{b.level}>{render_inlines(b.children)}</h{b.level}>\n"
    if isinstance(b, CodeBlock):
        cls = f' class="language-{_esc(b.language)}"' if b.language else ""
        return f"<pre><code{cls}>{_esc(b.code + chr(10) if b.code else '')}</code></pre>\n"
    if isinstance(b, BlockQuote):
        return f"<blockquote>\n{render_blocks(b.blocks)}</blockquote>\n"
    if isinstance(b, BulletList):
        return "<ul>\n" + "".join(render_block(i) for i in b.items) + "</ul>\n"
    if isinstance(b, OrderedList):
        start = f' start="{b.start}"' if b.start != 1 else ""
        return f"<ol{start}>\n" + "".join(render_block(i) for i in b.items) + "</ol>\n"
    if isinstance(b, ListItem):
        checked = 'checked="" ' if b.checked else ""
        box = "" if b.checked is None else f'<input {checked}disabled="" type="checkbox"> '
        return f"<li>{box}{render_blocks(b.blocks)}</li>\n"
    if isinstance(b, HorizontalRule):
        return "<hr />\n"
    if isinstance(b, Table):

        def row(cells: tuple, tag: str) -> str:
            out = []
            for i, cell in enumerate(cells):
                align = b.alignments[i] if i < len(b.alignments) else ""
                attr = f' align="{align}"' if align else ""
                out.append(f"<{tag}{attr}>{render_inlines(cell)}</{tag}>")
            return "<tr>\n" + "\n".join(out) + "\n</tr>\n"

        head = "<thead>\n" + "".join(row(r, "th") for r in b.head) + "</thead>\n"
        body = ("<tbody>\n" + "".join(row(r, "td") for r in b.body) + "</tbody>\n") if b.body else ""
        return f"<table>\n{head}{body}</table>\n"
    if isinstance(b, Figure):
        return f"<p>{render_inlines((b.image,))}</p>\n"
    if isinstance(b, Div):
        return render_blocks(b.blocks)
    if isinstance(b, Admonition):
        return f"<div>{render_inlines(b.title)}{render_blocks(b.blocks)}</div>\n"
    if isinstance(b, MathBlock):
        return f'<div class="math">{_esc(b.tex)}</div>\n'
    if isinstance(b, DefinitionList):
        return (
            "<dl>"
            + "".join(
                f"<dt>{render_inlines(i.term)}</dt>" + "".join(f"<dd>{render_blocks(d)}</dd>" for d in i.definitions)
                for i in b.items
            )
            + "</dl>\n"
        )
    if isinstance(b, RawBlock):
        return b.text
    raise TypeError(f"no HTML for {type(b).__name__}")


def render_inlines(inlines: tuple[Inline, ...]) -> str:
    return "".join(render_inline(n) for n in inlines)


def render_inline(n: Inline) -> str:
    simple = {Emphasis: "em", Strong: "strong", Strikethrough: "del", Subscript: "sub", Superscript: "sup"}
    if isinstance(n, Text):
        return _esc(n.text)
    for cls, tag in simple.items():
        if isinstance(n, cls):
            return f"<{tag}>{render_inlines(n.children)}</{tag}>"  # type: ignore[attr-defined]
    if isinstance(n, Code):
        return f"<code>{_esc(n.text)}</code>"
    if isinstance(n, Kbd):
        return f"<kbd>{_esc(n.text)}</kbd>"
    if isinstance(n, Link):
        title = f' title="{_esc(n.title)}"' if n.title else ""
        return f'<a href="{_esc(n.url)}"{title}>{render_inlines(n.children)}</a>'
    if isinstance(n, Image):
        title = f' title="{_esc(n.title)}"' if n.title else ""
        return f'<img src="{_esc(n.src)}" alt="{_esc(n.alt)}"{title} />'
    if isinstance(n, LineBreak):
        return "<br />\n"
    if isinstance(n, Math):
        return f'<span class="math">{_esc(n.tex)}</span>'
    if isinstance(n, Span):
        return render_inlines(n.children)
    if isinstance(n, Note):
        return "<sup>note</sup>"
    if isinstance(n, RawInline):
        return n.text
    raise TypeError(f"no HTML for {type(n).__name__}")


# ----------------------------------------------------------------------------- normalising


_BLOCK = frozenset("p ul ol li blockquote pre h1 h2 h3 h4 h5 h6 hr table thead tbody tr th td div dl dt dd".split())


def normalise(fragment: str) -> str:
    """Canonical form of an HTML fragment: entities decoded, attributes sorted, white space collapsed
    outside ``<pre>``, ``<p>`` directly inside ``<li>`` unwrapped (the tree does not record whether a
    list is tight or loose, which changes only that)."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for li in root.iter("li"):
        for p in [c for c in li if c.tag == "p"]:
            p.drop_tag()
    out: list[str] = []

    def text(value: str | None, pre: bool) -> None:
        if value:
            out.append(_esc(value) if pre else _esc(re.sub(r"\s+", " ", value)))

    def visit(el: lxml.html.HtmlElement, pre: bool) -> None:
        attrs = "".join(f' {k}="{_esc(v)}"' for k, v in sorted(el.attrib.items()))
        if el.tag in _BLOCK:
            out.append("\n")
        out.append(f"<{el.tag}{attrs}>")
        text(el.text, pre or el.tag == "pre")
        for child in el:
            if isinstance(child.tag, str):
                visit(child, pre or el.tag == "pre")
            text(child.tail, pre or el.tag == "pre")
        out.append(f"</{el.tag}>")
        if el.tag in _BLOCK:
            out.append("\n")

    text(root.text, False)
    for child in root:
        if isinstance(child.tag, str):
            visit(child, False)
        text(child.tail, False)
    result = "".join(out)
    result = re.sub(r" *\n[\n ]*", "\n", result)  # white space next to block boundaries is not content
    result = re.sub(r"(<(?:p|li|h\d|td|th|dt|dd|blockquote)[^>]*>)\s+", r"\1", result)
    result = re.sub(r"\s+(</(?:p|li|h\d|td|th|dt|dd|blockquote)>)", r"\1", result)
    return result.strip()
