"""Tree -> well-formed XHTML, shared by the PDF (target "print") and EPUB (target "epub") exporters."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from presswork.core import tree as nodes
from presswork.core.diagnostics import Reporter
from presswork.core.tree import (
    Admonition,
    Block,
    BlockNode,
    BlockQuote,
    Blocks,
    BulletList,
    Chapter,
    Cite,
    Code,
    CodeBlock,
    CrossRef,
    DefinitionItem,
    DefinitionList,
    Div,
    Emphasis,
    Figure,
    Heading,
    HorizontalRule,
    Image,
    Inline,
    InlineNode,
    Inlines,
    Kbd,
    LineBreak,
    Link,
    ListItem,
    Math,
    MathBlock,
    Note,
    OrderedList,
    Paragraph,
    Pos,
    RawBlock,
    RawInline,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    Text,
    block_node,
    inline_node,
    plain_text,
    unhandled,
)
from presswork.core.urls import DROPPED_LINK, outgoing_link
from presswork.exporters.common.highlight import highlight_html, highlight_lines_html
from presswork.exporters.common.indexmarkup import INDEX_CLASS, epub_index
from presswork.exporters.common.leadins import introduces
from presswork.exporters.common.mathrender import MathError, tex_to_mathml, tex_to_svg
from presswork.exporters.common.visibility import details_parts, is_hidden

Target = Literal["print", "epub"]
#: The EPUB 3 structural semantics namespace (``epub:type``).
EPUB_NS = "http://www.idpf.org/2007/ops"

#: Task-list glyphs: unchecked, checked.
TASK_GLYPHS = ("\u2610", "\u2611")

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def esc(text: str) -> str:
    """Escape text for XML element content (``&``, ``<``, ``>``), dropping characters XML forbids."""
    text = _XML_INVALID.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr_esc(text: str) -> str:
    """Escape text for a double-quoted XML attribute value."""
    return esc(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def attrs(**values: Any) -> str:
    """`` name="value"`` pairs for non-empty values (``class_`` -> ``class``, ``epub_type`` -> ``epub:type``)."""
    parts = []
    for name, value in values.items():
        if value is None or value == "" or value is False:
            continue
        name = name.rstrip("_").replace("epub_", "epub:").replace("_", "-")
        parts.append(f' {name}="{attr_esc(str(value))}"')
    return "".join(parts)


def image_size_style(node: Image) -> str:
    """CSS for the author's ``width``/``height`` of an image (``<img width="70%">``): pixels or percent
    of the text width, never wider than the text ("" when the author gave no size)."""
    rules = []
    for key in ("width", "height"):
        value = (node.attr.get(key) or "").strip().lower()
        if m := re.fullmatch(r"(\d+(?:\.\d+)?)\s*(px|%)?", value):
            rules.append(f"{key}: {m.group(1)}{m.group(2) or 'px'}")
    if not rules:
        return ""
    if not any(r.startswith("height") for r in rules):
        rules.append("height: auto")
    return "; ".join([*rules, "max-width: 100%"])


def scroll_region(node: Table, html: str) -> str:
    """A table's HTML in a wrapper that scrolls sideways on narrow screens, which a keyboard can reach
    (``tabindex="0"``) and a screen reader names after the table's number and caption."""
    name = " ".join(part for part in (node.label, plain_text(node.caption)) if part) or "Table"
    return f'<div class="table-wrap" tabindex="0" role="region"{attrs(aria_label=name)}>\n{html}</div>\n'


def scrollable_math(html: str) -> str:
    """Rendered display math that a keyboard can reach (``tabindex="0"``): a wide equation scrolls sideways."""
    return html.replace(' class="math display', ' tabindex="0" class="math display', 1)


class HtmlRenderer:
    """Renders tree nodes to XHTML strings; one method per node type, named after it (a subclass overrides one).

    ``target`` "print" renders math as SVG and footnotes in place (``<span class="footnote">``,
    for WeasyPrint's ``float: footnote``); "epub" renders MathML and EPUB 3 noterefs with
    footnote asides at the end of the chapter. ``link_href`` maps internal ``#id`` links,
    ``image_src`` gives the URL of an image. ``code_wrap`` > 0 pre-wraps code lines longer
    than that many columns with a continuation marker. ``link_footnotes`` (print) adds the
    URL of each external link as a footnote.
    """

    def __init__(
        self,
        *,
        target: Target,
        link_href: Callable[[str], str] = lambda url: url,
        image_src: Callable[[Image], str] = lambda img: img.src,
        reporter: Reporter | None = None,
        chapter_id: str = "",
        code_wrap: int = 0,
        link_footnotes: bool = False,
    ) -> None:
        if target not in ("print", "epub"):
            raise ValueError(f"unknown HTML target {target!r} (expected 'print' or 'epub')")
        self.target = target
        self.link_href = link_href
        self.image_src = image_src
        self.reporter = reporter if reporter is not None else Reporter()
        self.chapter_id = chapter_id
        self.code_wrap = code_wrap
        #: Code as one ``<span class="line">`` per source line (for screens: CSS wraps and marks continuations).
        self.code_lines = False
        self.link_footnotes = link_footnotes
        self._pos: Pos | None = None
        #: Mark each top-level block of a chapter with ``data-block="i"`` (its index in ``chapter.blocks``),
        #: so that print pagination and the EPUB page list can name the same block.
        self.mark_blocks = False
        self._notes: list[tuple[int, Note]] = []
        self._note_count = 0
        self._lead_in = False  #: the paragraph about to be rendered introduces the block after it

    # ------------------------------------------------------------------ entry points
    def chapter(self, chapter: Chapter, classes: str = "") -> str:
        """A ``<section class="chapter">`` with the title as ``<h1>``, the blocks and (epub) the footnotes.

        ``classes`` are added to the section's class (e.g. "run-on" for a chapter that opens no page)."""
        self.chapter_id = chapter.id
        self._notes, self._note_count = [], 0
        self._pos = chapter.title_at()
        kind = "chapter-number appendix-number" if chapter.appendix else "chapter-number"
        number = f'<span class="{kind}">{esc(chapter.number)}</span> ' if chapter.number else ""
        title = f'<h1 class="chapter-title">{number}<span class="chapter-title-text">{self.inlines(chapter.title)}</span></h1>'
        self._pos = Pos(chapter.source)
        role = "appendix" if chapter.appendix else "chapter"
        extra = f' xmlns:epub="{EPUB_NS}" epub:type="{role}"' if self.target == "epub" else ""
        body = self.chapter_body(chapter)
        notes = self.footnotes() if self.target == "epub" else ""
        cls = f"chapter {classes}" if classes else "chapter"
        return (
            f'<section class="{cls}"{attrs(id=chapter.id)}{extra} role="doc-{role}"'
            f"{attrs(data_title=plain_text(chapter.title))}>\n{title}\n{body}{notes}</section>\n"
        )

    def chapter_body(self, chapter: Chapter) -> str:
        """The XHTML of a chapter's blocks (each marked with its index when ``mark_blocks`` is set)."""
        if not self.mark_blocks:
            return self.blocks(chapter.blocks)
        return "".join(_mark_block(html, i) for i, html in enumerate(self._each(chapter.blocks)))

    def blocks(self, blocks: Blocks) -> str:
        """The XHTML of a block sequence, one block per line."""
        return "".join(self._each(blocks))

    def _each(self, blocks: Blocks) -> list[str]:
        """The XHTML of each block of a sequence, a lead-in marked as one (``class="lead-in"``, see ``leadins.py``)."""
        out = []
        for i, block in enumerate(blocks):
            self._lead_in = introduces(block, blocks[i + 1] if i + 1 < len(blocks) else None)
            out.append(self.render(block))
        return out

    def inlines(self, inlines: Inlines) -> str:
        """The XHTML of an inline sequence."""
        return "".join(self.render(i) for i in inlines)

    def render(self, node: Block | Inline) -> str:
        """The XHTML of one node (a block's position is where its warnings point)."""
        if isinstance(node, Block) and node.pos is not None:
            saved, self._pos = self._pos, node.pos
            try:
                return self._dispatch(block_node(node))
            finally:
                self._pos = saved
        return self._dispatch(block_node(node) if isinstance(node, Block) else inline_node(node))

    def _dispatch(self, node: BlockNode | InlineNode) -> str:
        """Every node type to its method, named after it (the type checker proves none is missing)."""
        match node:
            case Heading():
                return self.Heading(node)
            case Paragraph():
                return self.Paragraph(node)
            case ListItem():
                return self.ListItem(node)
            case BulletList():
                return self.BulletList(node)
            case OrderedList():
                return self.OrderedList(node)
            case DefinitionItem():
                return self.DefinitionItem(node)
            case DefinitionList():
                return self.DefinitionList(node)
            case CodeBlock():
                return self.CodeBlock(node)
            case BlockQuote():
                return self.BlockQuote(node)
            case Table():
                return self.Table(node)
            case Figure():
                return self.Figure(node)
            case Admonition():
                return self.Admonition(node)
            case MathBlock():
                return self.MathBlock(node)
            case HorizontalRule():
                return self.HorizontalRule(node)
            case Div():
                return self.Div(node)
            case RawBlock():
                return self.RawBlock(node)
            case Text():
                return self.Text(node)
            case Emphasis():
                return self.Emphasis(node)
            case Strong():
                return self.Strong(node)
            case Strikethrough():
                return self.Strikethrough(node)
            case Superscript():
                return self.Superscript(node)
            case Subscript():
                return self.Subscript(node)
            case Code():
                return self.Code(node)
            case Kbd():
                return self.Kbd(node)
            case Link():
                return self.Link(node)
            case Image():
                return self.Image(node)
            case Math():
                return self.Math(node)
            case Note():
                return self.Note(node)
            case LineBreak():
                return self.LineBreak(node)
            case Span():
                return self.Span(node)
            case CrossRef():
                return self.CrossRef(node)
            case Cite():
                return self.Cite(node)
            case RawInline():
                return self.RawInline(node)
            case _:
                unhandled(node, type(self).__name__)

    def warn(self, message: str, category: str = "html") -> None:
        """Report a warning at the position of the block being rendered."""
        self.reporter.warn(message, self._pos, category)

    # ------------------------------------------------------------------ footnotes (epub)
    def footnotes(self) -> str:
        """EPUB footnote asides for the notes called so far in this chapter (nested notes included)."""
        out: list[str] = []
        i = 0
        while i < len(self._notes):
            n, note = self._notes[i]
            i += 1
            fid = f"fn-{self.chapter_id}-{n}"
            back = f' <a href="#fnref-{attr_esc(self.chapter_id)}-{n}" role="doc-backlink">\u21a9</a>'
            label = f'<span class="footnote-label">{n}.</span> '
            blocks = list(note.blocks)
            head = blocks[0] if blocks else None
            if isinstance(head, Paragraph):
                blocks = blocks[1:]
                first = self._para(head, prefix=label, suffix=back if not blocks else "")
            else:
                first = f"<p>{label}</p>\n"
            rest = self.blocks(tuple(blocks))
            if blocks:
                rest += f'<p class="footnote-back">{back.strip()}</p>\n'
            out.append(
                f'<aside epub:type="footnote" role="doc-footnote"{attrs(id=fid)} class="footnote">\n'
                f"{first}{rest}</aside>\n"
            )
        self._notes = []
        return f'<div class="footnotes">\n{"".join(out)}</div>\n' if out else ""

    # ------------------------------------------------------------------ blocks
    def _para(self, node: Paragraph, prefix: str = "", suffix: str = "", cls: str = "") -> str:
        return f"<p{attrs(class_=cls)}>{prefix}{self.inlines(node.children)}{suffix}</p>\n"

    def Paragraph(self, node: Paragraph) -> str:
        return self._para(node, cls=self.lead_in_class())

    def lead_in_class(self) -> str:
        """``lead-in`` when the paragraph being rendered introduces the block after it, else "" (asked once)."""
        lead_in, self._lead_in = self._lead_in, False
        return "lead-in" if lead_in else ""

    def Heading(self, node: Heading) -> str:
        level = min(max(node.level, 1), 6)
        number = f'<span class="section-number">{esc(node.number)}</span> ' if node.number else ""
        cls = " ".join(node.attr.classes)
        return f"<h{level}{attrs(id=node.attr.id, class_=cls)}>{number}{self.inlines(node.children)}</h{level}>\n"

    def _item(self, node: ListItem) -> str:
        blocks = list(node.blocks)
        if node.checked is None:
            return f"<li>{self.blocks(tuple(blocks))}</li>\n"
        glyph = f'<span class="task-box" aria-hidden="true">{TASK_GLYPHS[bool(node.checked)]}</span> '
        state = "task done" if node.checked else "task"
        if blocks and isinstance(blocks[0], Paragraph):
            first = self._para(blocks[0], prefix=glyph)
            blocks = blocks[1:]
        else:
            first = f"<p>{glyph}</p>\n"
        return f'<li class="{state}">{first}{self.blocks(tuple(blocks))}</li>\n'

    def ListItem(self, node: ListItem) -> str:
        return self._item(node)

    def _tasks(self, items: tuple[nodes.ListItem, ...]) -> str:
        return ' class="task-list"' if any(i.checked is not None for i in items) else ""

    def BulletList(self, node: BulletList) -> str:
        return f"<ul{self._tasks(node.items)}>\n{''.join(self._item(i) for i in node.items)}</ul>\n"

    def OrderedList(self, node: OrderedList) -> str:
        # WeasyPrint ignores the start attribute: the list-item counter carries it for print.
        start = (
            (
                f' start="{node.start}"'
                + (f' style="counter-reset: list-item {node.start - 1}"' if self.target == "print" else "")
            )
            if node.start != 1
            else ""
        )
        return f"<ol{start}{self._tasks(node.items)}>\n{''.join(self._item(i) for i in node.items)}</ol>\n"

    def DefinitionItem(self, node: DefinitionItem) -> str:
        dds = "".join(f"<dd>{self.blocks(d)}</dd>\n" for d in node.definitions)
        return f"<dt>{self.inlines(node.term)}</dt>\n{dds}"

    def DefinitionList(self, node: DefinitionList) -> str:
        return f"<dl>\n{''.join(self.render(i) for i in node.items)}</dl>\n"

    def CodeBlock(self, node: CodeBlock) -> str:
        lang = node.language.lower()
        if self.code_lines and not self.code_wrap:
            body = highlight_lines_html(node.code, lang)
        else:
            body = highlight_html(node.code, lang, wrap=self.code_wrap)
        lines = node.code.count("\n") + 1
        cls = " ".join(("code", *node.attr.classes))
        code_cls = f"language-{lang}" if lang else ""
        from presswork.transforms.xrefs import (
            code_title,
            is_listing,
            listing_caption,
            listing_file_label,
            listing_file_name,
        )

        listing = is_listing(node)
        ident = "" if listing else node.attr.id
        pre = (
            f"<pre{attrs(id=ident, class_=cls, data_language=lang, data_lines=lines)}>"
            f"<code{attrs(class_=code_cls)}>{body}</code></pre>\n"
        )
        if not listing:
            return pre
        caption = self.inlines(node.caption) if node.caption else esc(listing_caption(node))
        label = f'<span class="label">{esc(node.label)}</span>' if node.label else ""
        head = (
            f"<figcaption>{label}{' ' if label and caption else ''}{caption}</figcaption>\n" if label or caption else ""
        )
        name = listing_file_name(node)
        label = esc(listing_file_label(node))
        file_line = f'<p class="file-name">{label}<code>{esc(name)}</code></p>\n' if name else ""
        if title := code_title(node):
            file_line = f'<p class="file-name code-title"><code>{esc(title)}</code></p>\n'  # MkDocs title="..."
        return f"<figure{attrs(id=node.attr.id, class_='listing')}>\n{head}{file_line}{pre}</figure>\n"

    def BlockQuote(self, node: BlockQuote) -> str:
        return f"<blockquote>\n{self.blocks(node.blocks)}</blockquote>\n"

    def _cell(self, tag: str, cell: Inlines, align: str) -> str:
        style = f' style="text-align: {align}"' if align in ("left", "right", "center") else ""
        return f"<{tag}{style}>{self.inlines(cell)}</{tag}>"

    def _row(self, tag: str, row: tuple[Inlines, ...], aligns: tuple[str, ...]) -> str:
        cells = "".join(self._cell(tag, c, aligns[i] if i < len(aligns) else "") for i, c in enumerate(row))
        return f"<tr>{cells}</tr>\n"

    def Table(self, node: Table) -> str:
        caption = ""
        if node.caption or node.label:
            label = f'<span class="label">{esc(node.label)}</span> ' if node.label else ""
            caption = f"<caption>{label}{self.inlines(node.caption)}</caption>\n"
        head = "".join(self._row("th", r, node.alignments) for r in node.head)
        body = "".join(self._row("td", r, node.alignments) for r in node.body)
        cls = " ".join(("table", *node.attr.classes))
        return (
            f"<table{attrs(id=node.attr.id, class_=cls)}>\n{caption}"
            f"{f'<thead>{chr(10)}{head}</thead>{chr(10)}' if head else ''}<tbody>\n{body}</tbody>\n</table>\n"
        )

    def Figure(self, node: Figure) -> str:
        label = f'<span class="label">{esc(node.label)}</span> ' if node.label else ""
        caption = f"<figcaption>{label}{self.inlines(node.caption)}</figcaption>\n" if (label or node.caption) else ""
        cls = " ".join(("figure", *node.attr.classes))
        return f"<figure{attrs(id=node.attr.id, class_=cls)}>\n{self._img(node.image, 'figure-image')}\n{caption}</figure>\n"

    def Admonition(self, node: Admonition) -> str:
        kind = re.sub(r"[^a-z0-9-]", "", node.kind.lower()) or "note"
        title = self.inlines(node.title) if node.title else esc(kind.capitalize())
        return (
            f'<aside class="admonition {kind}" role="note">\n<p class="admonition-title">{title}</p>\n'
            f"{self.blocks(node.blocks)}</aside>\n"
        )

    def MathBlock(self, node: MathBlock) -> str:
        rendered = self._math(node.tex, display=True)
        if rendered is None:
            return f'<pre{attrs(id=node.attr.id)} class="math-error"><code>{esc(node.tex)}</code></pre>\n'
        if node.label:
            number = f'<span class="equation-number">{esc(node.label)}</span>'
            return f'<div{attrs(id=node.attr.id)} class="math display equation">{rendered}{number}</div>\n'
        return f'<div{attrs(id=node.attr.id)} class="math display">{rendered}</div>\n'

    def HorizontalRule(self, node: HorizontalRule) -> str:
        return '<hr class="rule"/>\n'

    def Div(self, node: Div) -> str:
        if is_hidden(node, self.target):
            return ""
        if INDEX_CLASS in node.attr.classes and self.target == "epub":
            return epub_index(f"<div{attrs(class_=' '.join(node.attr.classes))}>\n{self.blocks(node.blocks)}</div>\n")
        cls = " ".join(node.attr.classes)
        summary, body = details_parts(node)
        if summary is not None and self.target == "epub":
            return (
                f"<details{attrs(id=node.attr.id, class_=cls)}>\n<summary>{self.inlines(summary)}</summary>\n"
                f"{self.blocks(body)}</details>\n"
            )
        if summary is not None:  # print: expanded, the summary as its title
            return (
                f'<div{attrs(id=node.attr.id, class_=cls)}>\n<p class="details-summary">{self.inlines(summary)}</p>\n'
                f"{self.blocks(body)}</div>\n"
            )
        return f"<div{attrs(id=node.attr.id, class_=cls)}>\n{self.blocks(node.blocks)}</div>\n"

    def RawBlock(self, node: RawBlock) -> str:
        self.warn("raw HTML dropped", "html")
        return ""

    # ------------------------------------------------------------------ inlines
    def Text(self, node: Text) -> str:
        return esc(node.text)

    def Emphasis(self, node: Emphasis) -> str:
        return f"<em>{self.inlines(node.children)}</em>"

    def Strong(self, node: Strong) -> str:
        return f"<strong>{self.inlines(node.children)}</strong>"

    def Strikethrough(self, node: Strikethrough) -> str:
        return f"<del>{self.inlines(node.children)}</del>"

    def Superscript(self, node: Superscript) -> str:
        return f"<sup>{self.inlines(node.children)}</sup>"

    def Subscript(self, node: Subscript) -> str:
        return f"<sub>{self.inlines(node.children)}</sub>"

    def Code(self, node: Code) -> str:
        return f"<code>{esc(node.text)}</code>"

    def Kbd(self, node: Kbd) -> str:
        return f"<kbd>{esc(node.text)}</kbd>"

    def LineBreak(self, node: LineBreak) -> str:
        return "<br/>\n"

    def Link(self, node: Link) -> str:
        text = self.inlines(node.children)
        url = node.url
        if url.startswith("#"):
            return f"<a{attrs(href=self.link_href(url), title=node.title, class_='internal')}>{text}</a>"
        # the one allow-list (presswork.core.urls); relative links were resolved before
        outgoing = outgoing_link(url, plain_text(node.children), self.link_footnotes and self.target == "print")
        if outgoing is None:
            self.warn(DROPPED_LINK.format(url=url), "link")
            return text
        href, note = outgoing
        link = f"<a{attrs(href=href, title=node.title, class_='external')}>{text}</a>"
        if note:
            link += f'<span class="footnote url-note">{esc(url)}</span>'
        return link

    def _img(self, node: Image, cls: str) -> str:
        values = attrs(
            src=self.image_src(node),
            alt=node.alt,
            title=node.title,
            class_=cls,
            id=node.attr.id,
            style=image_size_style(node),
        )
        return f"<img{values}/>"

    def Image(self, node: Image) -> str:
        return self._img(node, " ".join(("inline-image", *node.attr.classes)))

    def _math(self, tex: str, display: bool) -> str | None:
        try:
            return tex_to_svg(tex, display) if self.target == "print" else tex_to_mathml(tex, display)
        except MathError as exc:
            self.warn(f"cannot typeset TeX {tex!r} ({exc}); shown as code", "math")
            return None

    def Math(self, node: Math) -> str:
        rendered = self._math(node.tex, display=False)
        if rendered is None:
            return f'<code class="math-error">{esc(node.tex)}</code>'
        return f'<span class="math inline">{rendered}</span>'

    def Note(self, node: Note) -> str:
        if self.target == "print":
            return f'<span class="footnote">{self._inline_blocks(node.blocks)}</span>'
        self._note_count += 1
        n = self._note_count
        self._notes.append((n, node))
        cid = self.chapter_id
        return (
            f'<a epub:type="noteref" role="doc-noteref"{attrs(id=f"fnref-{cid}-{n}", href=f"#fn-{cid}-{n}")}'
            f' class="noteref">{n}</a>'
        )

    def _inline_blocks(self, blocks: Blocks) -> str:
        """Blocks as phrasing content (a print footnote lives inside a paragraph): paragraphs
        become block-displayed spans, other blocks their text."""
        out = []
        for block in blocks:
            if isinstance(block, Paragraph):
                out.append(f'<span class="footnote-para">{self.inlines(block.children)}</span>')
            elif isinstance(block, CodeBlock):
                out.append(f'<code class="footnote-code">{esc(block.code)}</code>')
            else:
                inner = [n for n in _block_inlines(block)]
                out.append(f'<span class="footnote-para">{self.inlines(tuple(inner))}</span>')
        return "".join(out)

    def Span(self, node: Span) -> str:
        classes = [c for c in node.attr.classes if c != "mark"]
        inner = self.inlines(node.children)
        if "mark" in node.attr.classes:
            return f"<mark{attrs(id=node.attr.id, class_=' '.join(classes))}>{inner}</mark>"
        lang = node.attr.get("lang") or ""
        return f"<span{attrs(id=node.attr.id, class_=' '.join(classes), lang=lang)}>{inner}</span>"

    def CrossRef(self, node: CrossRef) -> str:
        href = self.link_href("#" + node.target)
        return f"<a{attrs(href=href, class_='xref internal')}>{self.inlines(node.children)}</a>"

    def Cite(self, node: Cite) -> str:
        return f'<span class="citation"{attrs(data_cites=" ".join(node.keys))}>{self.inlines(node.children)}</span>'

    def RawInline(self, node: RawInline) -> str:
        self.warn("raw HTML dropped", "html")
        return ""


def _mark_block(html: str, index: int) -> str:
    """``html`` with ``data-block="index"`` on its first element (empty output and a rule, which no page
    can begin with, stay as they are)."""
    if html.lstrip().startswith("<hr"):
        return html
    return re.sub(
        r'^(\s*<[a-zA-Z][a-zA-Z0-9]*(?:\s+[^\s=/>]+(?:="[^"]*")?)*)(\s*/?>)',
        rf'\1 data-block="{index}"\2',
        html,
        count=1,
    )


def _block_inlines(block: Block) -> list[Inline]:
    """The inlines of a block's paragraphs and headings, flattened with spaces between (markup kept)."""
    from presswork.core.walk import iter_nodes

    out: list[Inline] = []
    for n in iter_nodes(block):
        if isinstance(n, (Paragraph, Heading)):
            if out:
                out.append(Text(" "))
            out.extend(n.children)
    return out
