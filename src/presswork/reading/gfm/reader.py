"""The ``gfm`` reader: markdown-it-py tokens -> tree blocks, raw HTML read the way GitHub renders it.

Raw HTML blocks end at a blank line in CommonMark, so ``<details>`` + Markdown + ``</details>``
arrive as three blocks: an opening tag left open in an HTML block starts a *frame* that collects
the Markdown blocks that follow until its closing tag. Inline HTML works the same way inside a
paragraph. Known safe elements map to nodes, unknown ones are unwrapped (their content is kept,
with a warning), dangerous ones are removed with a warning.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement
from markdown.extensions.toc import slugify_unicode
from markdown_it.common.utils import unescapeAll
from markdown_it.token import Token

from presswork.core.diagnostics import PressworkError, Reporter, too_deep
from presswork.core.tree import (
    Admonition,
    Attr,
    Block,
    BlockQuote,
    Blocks,
    BulletList,
    Code,
    CodeBlock,
    DefinitionItem,
    DefinitionList,
    Div,
    Emphasis,
    Figure,
    Heading,
    HorizontalRule,
    Image,
    Inline,
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
    Row,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    Text,
    plain_text,
)
from presswork.reading.attrs import admonition_kind, parse_attr_braces, parse_info, split_heading_attrs
from presswork.reading.blocks import BlockBuilder, attach_captions, figure_of, remove_keeping_tail
from presswork.reading.gfm.nodes import Node, build
from presswork.reading.gfm.parser import make_parser, nesting_limit
from presswork.reading.html import TAG_PATTERN, html_root, is_unknown
from presswork.reading.inlines import merge, trim, unwrapped_caption
from presswork.reading.lint import fence_closed, myst_directive, myst_role
from presswork.reading.listings import LISTING_ELEMENT, make_listing
from presswork.reading.locate import Locator
from presswork.reading.sanitize import UNSAFE_TAGS, is_event_attr, is_unsafe_url
from presswork.reading.shapes import SUMMARY, details

__all__ = ["GfmReader"]

_TAG = re.compile(
    TAG_PATTERN + r"|<!--.*?-->|<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>",
    re.S,
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_ALIGN = re.compile(r"text-align:\s*(left|right|center)")
_ATTR_LIST = re.compile(r"^\{:?\s*([^{}\n]*?)\s*\}")
_MARKDOWN_ATTR = re.compile(r"""\smarkdown(?:\s*=\s*["']?(?:1|block|span)["']?)?[\s/>]""")
_SOFT_BREAK = Text(" ")  #: A line break in a paragraph: a space.
_DIV_CLOSE = re.compile(r"^\s*:{3,}\s*$")
_DIV_INFO = re.compile(r"^(?P<name>[\w-]+)?\s*(?:\[(?P<title>[^\]]*)\])?\s*(?P<rest>.*)$")


class GfmReader:
    """CommonMark 0.31 + GitHub Flavored Markdown on markdown-it-py (the default reader)."""

    name = "gfm"
    dollar_math = True  #: ``$x$`` and ``$$x$$`` are math

    def read(self, body: str, path: str, reporter: Reporter, max_nesting: int) -> Blocks:
        """The blocks of ``body`` (front matter already blanked, so lines are the file's lines)."""
        env: dict[str, object] = {}
        tokens = make_parser(max_nesting, dollar_math=self.dollar_math).parse(body, env)
        _check_nesting(tokens, path, max_nesting)
        converter = _Converter(path, reporter, body.split("\n"), max_nesting)
        converter.dollar_math = self.dollar_math
        blocks = converter.document(tokens)
        converter.unused_footnotes(env)
        return blocks


def _check_nesting(tokens: list[Token], path: str, max_nesting: int) -> None:
    """Refuse lists, quotes and divs nested deeper than ``max_nesting`` (markdown-it would stop reading
    the file at its own limit) with a clear error naming the line."""
    depth = deepest = 0
    first: Pos | None = None  # where the nesting first goes too deep (the error names the deepest level)
    top = 0  # the deepest token level: at markdown-it's ceiling, it stopped reading deeper (the source may be)
    limit = nesting_limit(max_nesting) - 2
    for token in tokens:
        top = max(top, token.level)
        if token.type in _CONTAINERS:
            depth += token.nesting
            deepest = max(deepest, depth)
            if first is None and (depth > max_nesting or token.level > limit):
                first = Pos(path, token.map[0] + 1 if token.map else 0)
        if first is None and token.children:
            inline = _inline_depth(token.children)
            if inline > INLINE_LIMIT:
                raise too_deep(
                    max_nesting,
                    "inline markup (emphasis, links)",
                    inline,
                    Pos(path, token.map[0] + 1 if token.map else 0),
                )
    if first is not None:
        raise too_deep(max_nesting, "lists, quotes and divs", deepest, first, at_least=top >= limit + 1)


#: Deepest nesting of inline markup accepted (``*a **b *c ...``); deeper input is refused with an error.
INLINE_LIMIT = 200


def _inline_depth(children: list[Token]) -> int:
    depth = deepest = 0
    for child in children:
        depth += child.nesting
        deepest = max(deepest, depth)
    return deepest


_CONTAINERS = frozenset(
    (
        "blockquote_open",
        "blockquote_close",
        "bullet_list_open",
        "bullet_list_close",
        "ordered_list_open",
        "ordered_list_close",
        "container_div_open",
        "container_div_close",
        "admonition_open",
        "admonition_close",
        "alert_open",
        "alert_close",
        "dl_open",
        "dl_close",
    )
)


@dataclass
class _Frame:
    """An HTML element left open by a raw-HTML block (or inline tag) that collects what follows until it closes."""

    name: str  # as written (``details``, ``Listing``)
    opening: str  # the opening tag's text
    line: int
    blocks: list[Block] = field(default_factory=list)
    inlines: list[Inline] = field(default_factory=list)
    summary: Inlines = ()
    markdown: bool = False  # markdown="1" (md_in_html): the HTML text inside is read as Markdown


class _Converter:
    """Turns the syntax tree of one file into blocks."""

    dollar_math = True  #: the parser reads ``$x$`` as math (the reader's setting)

    def __init__(self, path: str, reporter: Reporter, lines: list[str], max_nesting: int) -> None:
        self.path = path
        self.reporter = reporter
        self.lines = lines
        self.html = BlockBuilder(
            path, reporter, Locator(lines), max_depth=4 * max_nesting + 64, max_nesting=max_nesting
        )
        self.footnotes: dict[str, Node] = {}
        self.note_cache: dict[str, Blocks] = {}
        self.note_lines: dict[str, int] = {}
        self.notes_open: set[str] = set()
        self.used_ids: set[str] = set()
        self.next_suffix: dict[str, int] = {}
        self.line = 1
        self.max_nesting = max_nesting

    # ----------------------------------------------------------------- document

    def document(self, tokens: list[Token]) -> Blocks:
        """All blocks; footnote definitions become Notes where they are called."""
        body = []
        for node in build(tokens):
            if node.type == "footnote_block":
                for note in node.children:
                    label = str(note.meta.get("label", note.meta.get("id")))
                    self.footnotes.setdefault(label, note)
                    self.note_lines[label] = _first_line(note)
            else:
                body.append(node)
        return self.blocks(body)

    def unused_footnotes(self, env: dict[str, object]) -> None:
        """Warn about footnote definitions never called (markdown-it leaves them out of the tokens)."""
        footnotes = env.get("footnotes")
        refs = footnotes.get("refs", {}) if isinstance(footnotes, dict) else {}
        for key, ident in refs.items():
            if ident != -1:
                continue
            label = key[1:]
            line = _search(self.lines, f"[^{label}]:")
            end = line
            while end < len(self.lines) and self.lines[end].strip():
                end += 1
            self.reporter.removed.setdefault(self.path, []).append((line, end))
            self.reporter.warn(f"footnote [^{label}] is defined but never used", Pos(self.path, line), "markdown")

    def unique(self, ident: str) -> str:
        """``ident``, or ``ident_1``, ``ident_2``... if taken (Python-Markdown's toc rule, in linear time)."""
        if ident and ident not in self.used_ids:
            self.used_ids.add(ident)
            return ident
        n = self.next_suffix.get(ident, 1)
        while f"{ident}_{n}" in self.used_ids:
            n += 1
        self.next_suffix[ident] = n + 1
        self.used_ids.add(f"{ident}_{n}")
        return f"{ident}_{n}"

    def pos(self, node: Node | None) -> Pos:
        """The position of ``node`` (the last known line when it has no map)."""
        if node is not None and node.map:
            self.line = node.map[0] + 1
        return Pos(self.path, self.line)

    def warn(self, message: str, line: int, category: str = "html") -> None:
        """A warning at ``line`` of this file."""
        self.reporter.warn(message, Pos(self.path, line), category)

    # ----------------------------------------------------------------- block lists

    def blocks(self, nodes: list[Node]) -> Blocks:
        """The blocks of a list of sibling nodes; raw-HTML frames collect the blocks between their tags."""
        stack = [_Frame("", "", 0)]
        for node in nodes:
            if node.type == "html_block":
                self.html_block(node, stack)
                continue
            block = self.block(node)
            if block is not None:
                stack[-1].blocks.append(block)
        while len(stack) > 1:  # an element never closed ends with its container, as in a browser
            self.close_frame(stack)
        return attach_captions(stack[0].blocks)

    def block(self, node: Node) -> Block | None:
        """One block node."""
        kind = node.type
        pos = self.pos(node)
        if kind == "paragraph":
            return self.paragraph(node, pos)
        if kind == "heading":
            return self.heading(node, pos)
        if kind in ("fence", "code_block"):
            if kind == "fence":
                self.lint_fence(node, pos)
            language, attr = parse_info(unescapeAll(node.info)) if kind == "fence" else ("", Attr())
            return CodeBlock(_code(node.content), language, attr, pos=pos)
        if kind == "math_block":
            return MathBlock(node.content.strip(), pos=pos)
        if kind == "blockquote":
            return BlockQuote(self.blocks(node.children), pos=pos)
        if kind == "alert":
            name = str(node.meta.get("kind", "note")).lower()
            body = [c for c in node.children if c.type != "alert_title"]
            return Admonition(name, (Text(name.capitalize()),), self.blocks(body), pos=pos)
        if kind == "admonition":
            return self.admonition(node, pos)
        if kind == "container_div":
            return self.fenced_div(node, pos)
        if kind in ("bullet_list", "ordered_list"):
            items = tuple(self.item(c) for c in node.children)
            if kind == "bullet_list":
                return BulletList(items, pos=pos)
            return OrderedList(items, int(node.attrs.get("start", 1)), pos=pos)
        if kind == "dl":
            return self.definition_list(node, pos)
        if kind == "table":
            return self.table(node, pos)
        if kind == "hr":
            return HorizontalRule(pos=pos)
        if kind == "inline":  # defensive: loose inline content
            children = trim(self.inlines(node.children))
            return Paragraph(children, pos=pos) if children else None
        # An unknown block token (a third-party plug-in): keep its text rather than lose it.
        text = node.content or "".join(c.content for c in node.children)
        self.warn(f"unsupported Markdown construct {kind!r} kept as plain text", pos.line, "markdown")
        return Paragraph((Text(text),), pos=pos) if text.strip() else None

    def paragraph(self, node: Node, pos: Pos) -> Block | None:
        """A Paragraph, or a Figure when it holds a lone image."""
        children = trim(self.inlines(node.children[0].children if node.children else []))
        if len(children) == 1 and isinstance(children[0], Image):
            image = children[0]
            caption: Inlines = self.image_captions.pop(id(image), ()) or ((Text(image.title),) if image.title else ())
            return Figure(image, caption, pos=pos)
        return Paragraph(children, pos=pos) if children else None

    def heading(self, node: Node, pos: Pos) -> Block:
        """A Heading; a trailing ``{#id .class}`` sets its attributes, else the id is a slug of its text."""
        children = list(trim(self.inlines(node.children[0].children if node.children else [])))
        attr = Attr()
        if children and isinstance(children[-1], Text):
            text, found = split_heading_attrs(children[-1].text)
            if found is not None:
                attr = self.safe_attr(found, node.tag)
                children[-1] = Text(text.rstrip())
                if not text.rstrip():
                    children.pop()
        inlines = tuple(children)
        ident = attr.id or self.unique(_slug(plain_text(inlines)))
        if attr.id:
            self.used_ids.add(attr.id)
        return Heading(int(node.tag[1]), inlines, Attr(ident, attr.classes, attr.kv), pos=pos)

    def admonition(self, node: Node, pos: Pos) -> Block:
        """``!!! kind "Title"`` (Python-Markdown spelling)."""
        kind = str(node.meta.get("tag") or "note").split()[0].lower()
        title: Inlines = ()
        body = []
        for child in node.children:
            if child.type == "admonition_title":
                title = trim(self.inlines(child.children[0].children if child.children else []))
            else:
                body.append(child)
        return Admonition(kind, title, self.blocks(body), pos=pos)

    def lint_fence(self, node: Node, pos: Pos) -> None:
        """Warn about a code fence that is never closed, and one that calls a MyST directive."""
        name = myst_directive(node.info)
        if name is not None:
            self.warn(
                f'MyST directive ```{{{name}}} is not supported by this reader (markdown = "myst" reads MyST): '
                "its content is shown as a code block",
                pos.line,
                "markdown",
            )
        if node.map and not fence_closed(self.lines, (node.map[0], node.map[1]), node.markup):
            at_end = not any(line.strip() for line in self.lines[node.map[1] :])
            rest = "the rest of the file" if at_end else "the rest of its list or quote"
            self.warn(f"code fence {node.markup} is never closed: {rest} is read as code", pos.line, "markdown")

    def lint_roles(self, nodes: list[Node]) -> None:
        """Warn about MyST roles (``{term}`reading```): the role name is printed as written."""
        for node, after in zip(nodes, nodes[1:], strict=False):
            if node.type == "text" and node.content.endswith("}") and after.type == "code_inline":
                role = myst_role(node.content)
                if role is not None:
                    written = f"{{{role}}}`"
                    start = max(self.line - 1, 0)
                    line = next((k + 1 for k in range(start, len(self.lines)) if written in self.lines[k]), self.line)
                    self.warn(
                        f'MyST role {{{role}}} is not supported by this reader (markdown = "myst" reads MyST): '
                        f"it is printed as written before `{after.content}`",
                        line,
                        "markdown",
                    )

    def fenced_div(self, node: Node, pos: Pos) -> Block:
        """``::: notes``, ``::: {.callout-tip title="T"}``, ``:::note[Title]``: a Div or an Admonition."""
        info = node.info.strip()
        title: Inlines = ()
        if info.startswith("{") and info.rstrip().endswith("}"):
            attr = parse_attr_braces(info.strip()[1:-1])
        else:
            m = _DIV_INFO.match(info)
            name = (m.group("name") or "") if m else info
            rest = (m.group("rest") or "").strip() if m else ""
            words = rest.split() if rest and admonition_kind((name,)) is None else []
            attr = Attr("", (name, *words) if name else tuple(words), ())
            label = (m.group("title") if m else None) or (rest if admonition_kind((name,)) else "")
            if label:
                title = (Text(label.strip()),)
        body = self.blocks(node.children)
        if node.map and not _DIV_CLOSE.match(self.lines[node.map[1]] if node.map[1] < len(self.lines) else ""):
            self.warn("fenced div ':::' is never closed (closed at the end of its container)", pos.line, "markdown")
        kind = admonition_kind(attr.classes)
        if kind is not None:
            title = title or (Text(attr.get("title") or attr.get("caption") or kind.capitalize()),)  # Quarto: both
            return Admonition(kind, title, body, pos=pos)
        return Div(attr, body, pos=pos)

    def item(self, node: Node) -> ListItem:
        """A list item with its task state (``[x]``/``[ ]``)."""
        pos = self.pos(node)
        checked = node.meta.get("checked") if "task-list-item" in str(node.attrs.get("class", "")) else None
        return ListItem(self.blocks(node.children), None if checked is None else bool(checked), pos=pos)

    def definition_list(self, node: Node, pos: Pos) -> Block:
        """A DefinitionList: each ``dt`` starts an item, each ``dd`` adds a definition."""
        items: list[tuple[Inlines, list[Blocks], Pos]] = []
        for child in node.children:
            if child.type == "dt":
                term_pos = self.pos(child)
                items.append((trim(self.inlines(child.children[0].children if child.children else [])), [], term_pos))
            else:
                if not items:
                    items.append(((), [], pos))
                items[-1][1].append(self.blocks(child.children))
        return DefinitionList(tuple(DefinitionItem(t, tuple(d), pos=p) for t, d, p in items), pos=pos)

    def table(self, node: Node, pos: Pos) -> Block:
        """A GFM table: its alignments come from the delimiter row."""
        head: list[Row] = []
        body: list[Row] = []
        alignments: list[str] = []
        for section in node.children:
            for tr in section.children:
                cells = []
                for cell in tr.children:
                    if section.type == "thead":
                        m = _ALIGN.search(str(cell.attrs.get("style", "")))
                        alignments.append(m.group(1) if m else "")
                    cells.append(trim(self.inlines(cell.children[0].children if cell.children else [])))
                (head if section.type == "thead" else body).append(tuple(cells))
        width = len(alignments)
        body = [row + ((),) * (width - len(row)) for row in body]
        caption: Inlines = ()
        if body and _caption_row(body[-1]):  # "Table: caption" right under the table (no blank line)
            first = body.pop()[0]
            lead = first[0]
            assert isinstance(lead, Text)
            caption = trim((Text(_CAPTION.sub("", lead.text, count=1)),) + first[1:])
        return Table(caption, tuple(alignments), tuple(head), tuple(body), pos=pos)

    # ----------------------------------------------------------------- raw HTML blocks

    def html_block(self, node: Node, stack: list[_Frame]) -> None:
        """A raw-HTML block: complete elements become nodes; tags left open or closed here open or close frames."""
        text = node.content
        line = self.pos(node).line
        pieces = list(_TAG.finditer(text))
        pairs = _pair(pieces)
        pending_from = 0
        for i, m in enumerate(pieces):
            name = m.group("name")
            if not name or i in pairs or name.lower() in _VOID or m.group(0).endswith("/>"):
                continue
            piece_line = line + text.count("\n", 0, m.start())
            self.flush_html(text[pending_from : m.start()], stack, piece_line)
            pending_from = m.end()
            if m.group("close"):
                if any(f.name.lower() == name.lower() for f in stack[1:]):
                    while stack[-1].name.lower() != name.lower():
                        self.close_frame(stack)
                    self.close_frame(stack)
            else:
                stack.append(_Frame(name, m.group(0), piece_line, markdown=bool(_MARKDOWN_ATTR.search(m.group(0)))))
        self.flush_html(text[pending_from:], stack, line + text.count("\n", 0, pending_from))

    def flush_html(self, html: str, stack: list[_Frame], line: int) -> None:
        """Complete HTML (no frame boundary inside) as blocks of the innermost frame."""
        if not html.strip():
            return
        frame = stack[-1]
        if frame.markdown:
            tokens = make_parser(self.max_nesting, dollar_math=self.dollar_math).parse(html)
            for token in tokens:
                if token.map:
                    token.map = [token.map[0] + line - 1, token.map[1] + line - 1]
            frame.blocks.extend(self.blocks(build(tokens)))
            return
        self.html.locator = Locator(self.lines, max(line - 1, 0))
        root = html_root(html)
        if frame.name.lower() == "details" and not frame.summary and not frame.blocks:
            summary = next((c for c in root if c.tag == "summary"), None)
            if summary is not None:
                frame.summary = trim(self.html.inlines(summary))
                remove_keeping_tail(summary)
        frame.blocks.extend(self.html.blocks(root))

    def close_frame(self, stack: list[_Frame]) -> None:
        """Close the innermost frame: its blocks become a node of the enclosing frame."""
        frame = stack.pop()
        parent = stack[-1]
        name = frame.name
        lower = name.lower()
        pos = Pos(self.path, frame.line)
        if name == LISTING_ELEMENT and self.listing(frame, parent):
            return
        if is_unknown(name):
            self.warn(f"unknown HTML element <{name}> unwrapped (its content is kept)", frame.line)
            parent.blocks.extend(frame.blocks)
            caption = unwrapped_caption(name, dict(_opening_element(frame.opening).attrib))
            if caption:
                tokens = make_parser(self.max_nesting, dollar_math=self.dollar_math).parseInline(caption)
                inlines = trim(self.inlines(build(tokens)[0].children))
                parent.blocks.append(Paragraph((Span(Attr(classes=("caption",)), inlines),), pos=pos))
            return
        if lower in UNSAFE_TAGS:
            self.warn(f"removed <{lower}> element", frame.line)
            return
        element = _opening_element(frame.opening)
        self.html.locator = Locator(self.lines, max(frame.line - 1, 0))
        self.html.check_attrs(element)
        blocks = attach_captions(frame.blocks)
        if lower == "details":
            summary = frame.summary
            if not summary and blocks and isinstance(blocks[0], Div) and blocks[0].attr.classes[:1] == (SUMMARY,):
                summary = _first_inlines(blocks[0].blocks)
                blocks = blocks[1:]
            kinds = tuple(c for c in self.html.attr(element).classes)
            if kinds and summary:
                parent.blocks.append(Admonition(kinds[0], summary, blocks, pos=pos))
            else:
                parent.blocks.append(details(summary, blocks, pos, self.html.attr(element)))
            return
        if lower == "summary":
            parent.blocks.append(Div(Attr(classes=(SUMMARY,)), blocks, pos=pos))
            return
        if lower == "blockquote":
            parent.blocks.append(BlockQuote(blocks, pos=pos))
            return
        if lower == "figure" and (figure := figure_of(blocks)) is not None:
            parent.blocks.append(figure)
            return
        attr = self.html.attr(element) if lower == "div" else self.html.attr(element, extra=(lower,))
        parent.blocks.append(Div(attr, blocks, pos=pos))

    def listing(self, frame: _Frame, parent: _Frame) -> bool:
        """mdBook's ``<Listing>``: its code block becomes a captioned, numbered listing (False when it holds none)."""
        attrs = {str(k): str(v) for k, v in _opening_element(frame.opening).attrib.items()}
        caption: Inlines = ()
        if text := (attrs.get("caption") or "").strip():
            caption = trim(
                self.inlines(
                    build(make_parser(self.max_nesting, dollar_math=self.dollar_math).parseInline(text))[0].children
                )
            )
        blocks = make_listing(attrs, frame.blocks, caption)
        if blocks is None:
            return False
        parent.blocks.extend(blocks)
        return True

    # ----------------------------------------------------------------- inlines

    image_captions: dict[int, Inlines]

    def inlines(self, nodes: list[Node]) -> Inlines:
        """The inlines of sibling inline nodes; inline HTML tags open and close frames."""
        if not hasattr(self, "image_captions"):
            self.image_captions = {}
        self.lint_roles(nodes)
        if not any(node.type == "html_inline" for node in nodes):  # the common case: no frames to open
            out: list[Inline] = []
            inline = self.inline
            for node in nodes:  # text and line breaks (most nodes) without a call each
                kind = node.type
                if kind == "text":
                    if node.content:
                        out.append(Text(node.content))
                elif kind == "softbreak":
                    out.append(_SOFT_BREAK)
                else:
                    out.extend(inline(node))
            return merge(self.attribute_lists(out) if any(isinstance(n, Image) for n in out) else out)
        stack = [_Frame("", "", self.line)]
        for node in nodes:
            if node.type == "html_inline":
                self.html_inline(node.content, stack)
            else:
                stack[-1].inlines.extend(self.inline(node))
        while len(stack) > 1:
            self.close_inline(stack)
        return merge(self.attribute_lists(stack[0].inlines))

    def attribute_lists(self, inlines: list[Inline]) -> list[Inline]:
        """``![alt](src){width=50% .wide}`` (Pandoc) or ``{: ...}`` (Python-Markdown): attributes of the image."""
        out: list[Inline] = []
        for node in inlines:
            prev = out[-1] if out else None
            if isinstance(node, Text) and isinstance(prev, Image) and (m := _ATTR_LIST.match(node.text)):
                attr = self.safe_attr(parse_attr_braces(m.group(1)), "img")
                out[-1] = Image(
                    prev.src,
                    attr.get("fig-alt") or prev.alt,  # Quarto's alt text of a figure (its caption is the brackets)
                    prev.title,
                    Attr(attr.id or prev.attr.id, prev.attr.classes + attr.classes, prev.attr.kv + attr.kv),
                )
                if id(prev) in self.image_captions:
                    self.image_captions[id(out[-1])] = self.image_captions.pop(id(prev))
                rest = node.text[m.end() :]
                if rest:
                    out.append(Text(rest))
                continue
            out.append(node)
        return out

    def safe_attr(self, attr: Attr, tag: str) -> Attr:
        """``attr`` without event handlers and script URLs (each removal is a warning)."""
        kv = []
        for key, value in attr.kv:
            if is_event_attr(key):
                self.warn(f"removed event-handler attribute '{key}' from <{tag}>", self.line)
            elif is_unsafe_url(value):
                self.warn(f"removed unsafe URL '{value[:40]}' from <{tag}>", self.line)
            else:
                kv.append((key, value))
        return Attr(attr.id, attr.classes, tuple(kv))

    def inline(self, node: Node) -> list[Inline]:
        """One inline node."""
        kind = node.type
        if kind == "text":
            return [Text(node.content)] if node.content else []
        if kind == "softbreak":
            return [Text(" ")]
        if kind == "hardbreak":
            return [LineBreak()]
        if kind == "code_inline":
            return [Code(node.content)]
        if kind in ("math_inline", "math_inline_double"):
            return [Math(node.content.strip())]
        if kind == "em":
            return [Emphasis(self.inlines(node.children))]
        if kind == "strong":
            return [Strong(self.inlines(node.children))]
        if kind == "s":
            return [Strikethrough(self.inlines(node.children))]
        if kind == "sub":
            return [Subscript(self.inlines(node.children))]
        if kind == "sup":
            return [Superscript(self.inlines(node.children))]
        if kind == "link":
            children = self.inlines(node.children)
            href = str(node.attrs.get("href", ""))
            if is_unsafe_url(href):
                self.warn(f"removed unsafe URL '{href[:40]}' from a link", self.line)
                return list(children)
            return [Link(children, href, str(node.attrs.get("title", "") or ""))]
        if kind == "image":
            caption = self.inlines(node.children)
            src = str(node.attrs.get("src", ""))
            alt = plain_text(caption)
            if is_unsafe_url(src):
                self.warn(f"removed unsafe URL '{src[:40]}' from an image", self.line)
                return [Text(alt)] if alt else []
            image = Image(src, alt, str(node.attrs.get("title", "") or ""))
            self.image_captions[id(image)] = caption
            return [image]
        if kind == "footnote_ref":
            return [self.note(str(node.meta.get("label", node.meta.get("id"))))]
        if node.children:
            return list(self.inlines(node.children))
        return [Text(node.content)] if node.content else []

    def note(self, label: str) -> Inline:
        """The Note of footnote ``label`` (a second call repeats the note)."""
        if label not in self.note_cache:
            definition = self.footnotes.get(label)
            if definition is None:
                return Note((Paragraph((Text(f"[^{label}]"),)),))
            if label in self.notes_open:
                line = _search(self.lines, f"[^{label}]:")
                raise PressworkError(f"footnote [^{label}] refers to itself", Pos(self.path, line))
            self.notes_open.add(label)
            saved = self.line
            children = [c for c in definition.children if c.type != "footnote_anchor"]
            self.note_cache[label] = self.blocks(children)
            self.notes_open.discard(label)
            self.line = saved
        return Note(self.note_cache[label])

    def html_inline(self, text: str, stack: list[_Frame]) -> None:
        """One inline HTML tag (or comment)."""
        m = _TAG.fullmatch(text.strip())
        if m is None or not m.group("name"):
            return  # a comment, processing instruction or declaration: not text of the book
        name = m.group("name")
        lower = name.lower()
        if m.group("close"):
            if any(f.name.lower() == lower for f in stack[1:]):
                while stack[-1].name.lower() != lower:
                    self.close_inline(stack)
                self.close_inline(stack)
            return
        if lower in _VOID or text.rstrip().endswith("/>"):
            if is_unknown(name):
                self.warn(f"unknown HTML element <{name}> unwrapped (its content is kept)", self.line)
                return
            self.html.locator = Locator(self.lines, max(self.line - 1, 0))
            element = _opening_element(text, lower)
            stack[-1].inlines.extend(self.html.inline(element))
            return
        stack.append(_Frame(name, text, self.line))

    def close_inline(self, stack: list[_Frame]) -> None:
        """Close the innermost inline frame: its inlines become a node of the enclosing one."""
        frame = stack.pop()
        parent = stack[-1]
        name, lower = frame.name, frame.name.lower()
        children = merge(frame.inlines)
        if is_unknown(name):
            self.warn(f"unknown HTML element <{name}> unwrapped (its content is kept)", frame.line)
            parent.inlines.extend(children)
            return
        if lower in UNSAFE_TAGS:
            self.warn(f"removed <{lower}> element", frame.line)
            return
        element = _opening_element(frame.opening, lower)
        self.html.locator = Locator(self.lines, max(frame.line - 1, 0))
        self.html.check_attrs(element)
        parent.inlines.extend(_inline_element(self, element, lower, children))


def _inline_element(conv: _Converter, el: HtmlElement, tag: str, children: Inlines) -> list[Inline]:
    """A known inline HTML element around already-read ``children``."""
    builder = conv.html
    containers = {
        "em": Emphasis,
        "i": Emphasis,
        "strong": Strong,
        "b": Strong,
        "del": Strikethrough,
        "s": Strikethrough,
        "strike": Strikethrough,
        "sub": Subscript,
        "sup": Superscript,
    }
    if tag in containers:
        return [containers[tag](children)]
    if tag in ("code", "tt", "samp"):
        return [Code(plain_text(children))]
    if tag == "kbd":
        return [Kbd(plain_text(children))]
    if tag == "a":
        href = builder.safe_url(el, "href")
        if href is None:
            attr = builder.attr(el, skip=("title", "name"))
            return [Span(attr, children)] if attr.id else list(children)
        return [Link(children, href, el.get("title", ""))]
    if tag == "span":
        return [Span(builder.attr(el), children)]
    if tag in ("mark", "ins", "abbr"):
        return [Span(builder.attr(el, extra=(tag,)), children)]
    return [Span(builder.attr(el, extra=(tag,)), children)]


def _opening_element(opening: str, tag: str = "div") -> HtmlElement:
    """An lxml element with the attributes of an opening tag (its name replaced by ``tag``)."""
    m = _TAG.fullmatch(opening.strip())
    rest = (m.group("rest") or "") if m else ""
    rest = rest.rstrip().removesuffix("/")
    safe_tag = tag if tag in ("img", "br", "wbr", "hr", "input", "area", "col", "embed", "source", "track") else "span"
    root = html_root(f"<{safe_tag}{rest}>" if safe_tag in _VOID else f"<{safe_tag}{rest}></{safe_tag}>")
    el = next(iter(root), None)
    if el is None:
        el = root
    el.tag = tag
    return el


_CAPTION = re.compile(r"^\s*Table:\s*")


def _caption_row(row: Row) -> bool:
    """Whether a table row is a ``Table: caption`` line swallowed into the table."""
    first = row[0] if row else ()
    return bool(first) and isinstance(first[0], Text) and bool(_CAPTION.match(first[0].text)) and not any(row[1:])


def _pair(pieces: list[re.Match[str]]) -> set[int]:
    """Indexes of tags closed within the same HTML block (their pairs included)."""
    paired: set[int] = set()
    open_: list[tuple[str, int]] = []
    for i, m in enumerate(pieces):
        name = m.group("name")
        if not name or name.lower() in _VOID or m.group(0).endswith("/>"):
            continue
        if not m.group("close"):
            if not _MARKDOWN_ATTR.search(m.group(0)):
                open_.append((name.lower(), i))
            continue
        for j in range(len(open_) - 1, -1, -1):
            if open_[j][0] == name.lower():
                paired.update((open_[j][1], i))
                del open_[j:]
                break
    return paired


def _first_inlines(blocks: Blocks) -> Inlines:
    first = blocks[0] if blocks else None
    return first.children if isinstance(first, Paragraph) else ()


def _code(content: str) -> str:
    """A code block's text: exactly as written, without the newline that ends its last line."""
    return content[:-1] if content.endswith("\n") else content


@functools.lru_cache(maxsize=1024)
def _slug(text: str) -> str:
    """A heading's id from its text (Python-Markdown's toc slug, as GitHub makes them)."""
    return slugify_unicode(text, "-")


def _first_line(node: Node) -> int:
    for child in node.children:
        if child.map:
            return child.map[0] + 1
    return 0


def _search(lines: list[str], needle: str) -> int:
    return next((i + 1 for i, line in enumerate(lines) if needle in line), 0)


class MdbookReader(GfmReader):
    """mdBook's Markdown: the ``gfm`` reader without dollar math, which mdBook does not have (``$PATH`` is prose)."""

    name = "mdbook"
    dollar_math = False
