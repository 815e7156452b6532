"""Map block HTML elements (Python-Markdown output and raw HTML) to tree blocks."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable

from lxml.html import HtmlElement

from presswork.core.tree import (
    Admonition,
    Attr,
    Block,
    BlockQuote,
    Blocks,
    BulletList,
    CodeBlock,
    DefinitionItem,
    DefinitionList,
    Div,
    Figure,
    Heading,
    HorizontalRule,
    Image,
    Inline,
    Inlines,
    ListItem,
    MathBlock,
    Note,
    OrderedList,
    Paragraph,
    Pos,
    Row,
    Span,
    Table,
    Text,
    plain_text,
)
from presswork.reading.attrs import admonition_kind
from presswork.reading.html import html_root
from presswork.reading.inlines import InlineBuilder, Part, classes_of, parts_of, strip_math, trim
from presswork.reading.listings import author_numbered
from presswork.reading.shapes import TABS, details, tab

#: Elements that start a block of their own inside mixed content.
BLOCK_TAGS: frozenset[str] = frozenset(
    "p h1 h2 h3 h4 h5 h6 ul ol li dl dt dd pre blockquote table hr div details summary figure figcaption "
    "section article aside header footer nav main address center fieldset legend hgroup".split()
)

_ALIGN = re.compile(r"text-align:\s*(left|right|center)", re.I)
_CAPTION = re.compile(r"^\s*Table:\s+")
_MARKUP = re.compile(r"[*_`~^$<&\\\[]")


class BlockBuilder(InlineBuilder):
    """Turns the HTML of one document into blocks, locating each block in the source."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.footnotes: dict[str, HtmlElement] = {}
        self.note_cache: dict[str, Blocks] = {}

    # ----------------------------------------------------------------- entry point

    def document(self, root: HtmlElement) -> Blocks:
        """All blocks of the document ``root`` (footnote definitions become Notes at their calls)."""
        self._take_footnotes(root)
        blocks = self.blocks(root)
        for ident in self.footnotes.keys() - self.note_cache.keys():
            line = self.locator.search(f"[^{ident}]:", 1)
            self.reporter.warn(f"footnote [^{ident}] is defined but never used", Pos(self.path, line), "markdown")
        return blocks

    def _take_footnotes(self, root: HtmlElement) -> None:
        for div in root.findall("div"):
            if "footnote" not in classes_of(div):
                continue
            for li in div.iter("li"):
                ident = li.get("id", "")
                if ident.startswith("fn:"):
                    self.footnotes[ident[3:]] = li
            root.remove(div)

    # ----------------------------------------------------------------- containers

    def blocks(self, el: HtmlElement) -> Blocks:
        """The blocks inside ``el``; loose inline content is wrapped in Paragraphs."""
        return self.blocks_of(list(parts_of(el)))

    def blocks_of(self, parts: list[Part]) -> Blocks:
        """The blocks of a run of mixed content."""
        parts = self.unwrap(parts)
        self.depth += 1
        if self.depth > self.max_depth:
            raise self.too_deep(parts)
        try:
            out: list[Block] = []
            run: list[Part] = []
            for part in parts:
                if isinstance(part, str) or part.tag not in BLOCK_TAGS:
                    run.append(part)
                    continue
                self._flush(run, out)
                self.check_attrs(part)
                block = BLOCK_BUILDERS.get(part.tag, BlockBuilder.generic)(self, part)
                if block is not None:
                    out.append(block)
            self._flush(run, out)
            return attach_captions(out)
        finally:
            self.depth -= 1

    def _flush(self, run: list[Part], out: list[Block]) -> None:
        """Turn a pending run of inline content into a Paragraph (nothing if it is blank)."""
        if not run:
            return
        text = "".join(p if isinstance(p, str) else p.text_content() for p in run)
        has_content = text.strip() or any(not isinstance(p, str) and p.tag in ("img", "br") for p in run)
        if has_content:
            line = self.locator.find("para", text)
            self.locator.extend(line, text)
            children = trim(self.inlines_of(run))
            if len(children) == 1 and isinstance(children[0], Image):  # a lone <img>: a figure, as ![alt](src)
                image = children[0]
                caption = self.markdown_inlines(image.alt) if image.alt else (Text(image.title),) if image.title else ()
                out.append(Figure(image, caption, pos=self.pos(line)))
            elif children:
                out.append(Paragraph(children, pos=self.pos(line)))
        elif any(not isinstance(p, str) for p in run):
            self.inlines_of(run)  # still sanitise (warn about) dropped elements
        run.clear()

    def pos(self, line: int) -> Pos:
        """A position in this file."""
        return Pos(self.path, line)

    def generic(self, el: HtmlElement) -> Block | None:
        """Safe block markup without a node of its own: a Div named after the tag, keeping its content."""
        line = self.locator.find("div", container=True)
        return Div(self.attr(el, extra=(el.tag,)), self.blocks(el), pos=self.pos(line))

    # ----------------------------------------------------------------- leaf blocks

    def paragraph(self, el: HtmlElement) -> Block | None:
        """``<p>``: a Figure when it holds a lone image, else a Paragraph."""
        elements = [c for c in el if isinstance(c.tag, str)]
        lone = (
            len(elements) == 1
            and elements[0].tag == "img"
            and not "".join(p for p in parts_of(el) if isinstance(p, str)).strip()
        )
        if lone:
            line = self.locator.find("figure")
            images = [n for n in self.inline(elements[0]) if isinstance(n, Image)]
            if images:
                image = images[0]
                caption = self.markdown_inlines(image.alt) if image.alt else (Text(image.title),) if image.title else ()
                image = dataclasses.replace(image, alt=plain_text(caption) if image.alt else "")
                return Figure(image, caption, pos=self.pos(line))
            return None
        line = self.locator.find("para", el.text_content())
        self.locator.extend(line, el.text_content())
        children = trim(self.inlines(el))
        return Paragraph(children, pos=self.pos(line)) if children else None

    def markdown_inlines(self, text: str) -> Inlines:
        """Inline Markdown (an image's alt text) parsed into inlines."""
        if not _MARKUP.search(text):
            return (Text(text),)
        from presswork.reading.pymd.engine import to_html  # alt text is Markdown; parsed the same way by both readers

        root = html_root(to_html(text))
        first = next((c for c in root if isinstance(c.tag, str)), None)
        return trim(self.inlines(first if first is not None and first.tag == "p" else root))

    def heading(self, el: HtmlElement) -> Block:
        """``<h1>``..``<h6>``: a Heading with its id and classes."""
        line = self.locator.find("heading", el.text_content())
        return Heading(int(el.tag[1]), trim(self.inlines(el)), self.attr(el), pos=self.pos(line))

    def code(self, el: HtmlElement) -> Block:
        """``<pre>``: a CodeBlock; the language comes from a ``language-*`` class, ``key="value"`` attributes
        of the fence (``caption``, ``linenums``) are kept."""
        code_el = next((c for c in el if c.tag == "code"), None)
        source = code_el if code_el is not None else el
        code = source.text_content().removesuffix("\n")
        classes = classes_of(source)
        language = next((c[len("language-") :] for c in classes if c.startswith("language-")), "")
        rest = tuple(c for c in classes if not c.startswith("language-"))
        kv = tuple((k, v) for k, v in source.attrib.items() if k not in ("id", "class"))  # caption="...", linenums
        attr = Attr(source.get("id", ""), rest, kv)
        line = self.locator.find("code", code)
        self.locator.skip_to(line + code.count("\n") + 2 if line else 0)
        return CodeBlock(code, language, attr, pos=self.pos(line))

    def rule(self, el: HtmlElement) -> Block:
        """``<hr>``: a HorizontalRule."""
        return HorizontalRule(pos=self.pos(self.locator.find("hr")))

    def math(self, el: HtmlElement) -> Block:
        """``<div class="arithmatex">``: a MathBlock."""
        tex = strip_math(el.text_content())
        line = self.locator.find("math")
        self.locator.skip_to(line + tex.count("\n") + 2 if line else 0)
        return MathBlock(tex, pos=self.pos(line))

    # ----------------------------------------------------------------- containers with structure

    def division(self, el: HtmlElement) -> Block | None:
        """``<div>``: math, admonition, a code wrapper, or a generic Div."""
        classes = classes_of(el)
        if "arithmatex" in classes:
            return self.math(el)
        if "admonition" in classes:
            return self.admonition(el)
        if "tabbed-set" in classes:
            return self.tabs(el)
        elements = [c for c in el if isinstance(c.tag, str)]
        if "highlight" in classes and len(elements) == 1 and elements[0].tag == "pre":
            return self.code(elements[0])
        line = self.locator.find("div", container=True)
        attr = self.attr(el)
        kind = admonition_kind(attr.classes)
        if kind is not None:  # ::: note (Docusaurus), ::: {.callout-tip title="T"} (Quarto)
            title = attr.get("title")
            return Admonition(kind, (Text(title or kind.capitalize()),), self.blocks(el), pos=self.pos(line))
        return Div(attr, self.blocks(el), pos=self.pos(line))

    def admonition(self, el: HtmlElement) -> Block:
        """``<div class="admonition KIND">`` with an optional ``<p class="admonition-title">``."""
        kind = next((c for c in classes_of(el) if c != "admonition"), "note")
        line = self.locator.find("admonition", container=True)
        title: Inlines = ()
        first = next((c for c in el if isinstance(c.tag, str)), None)
        if first is not None and first.tag == "p" and "admonition-title" in classes_of(first):
            title = trim(self.inlines(first))
            remove_keeping_tail(first)
        return Admonition(kind, title, self.blocks(el), pos=self.pos(line))

    def tabs(self, el: HtmlElement) -> Block:
        """``<div class="tabbed-set">`` (pymdownx.tabbed, alternate style): a Div of class ``tabbed`` holding
        one ``tab`` Div per tab, its title first (see :func:`presswork.reading.shapes.tab`)."""
        line = self.locator.find("tab", container=True)
        pos = self.pos(line)
        children = [c for c in el if isinstance(c.tag, str)]
        labels = [label for c in children if "tabbed-labels" in classes_of(c) for label in c if label.tag == "label"]
        bodies = [
            block
            for c in children
            if "tabbed-content" in classes_of(c)
            for block in c
            if isinstance(block.tag, str) and "tabbed-block" in classes_of(block)
        ]
        tabs: list[Block] = []
        for number, body in enumerate(bodies):
            if number:
                line = self.locator.find("tab", container=True) or line
            title = trim(self.inlines(labels[number])) if number < len(labels) else ()
            tabs.append(tab(title, self.blocks(body), self.pos(line)))
        return Div(Attr(classes=(TABS,)), tuple(tabs), pos=pos)

    def details(self, el: HtmlElement) -> Block:
        """``<details class="KIND"><summary>``: an Admonition (a Div of class ``details`` without a class)."""
        summary = next((c for c in el if c.tag == "summary"), None)
        kinds = classes_of(el)
        if summary is None or not kinds:
            line = self.locator.find("div", container=True)
            title = trim(self.inlines(summary)) if summary is not None else ()
            if summary is not None:
                remove_keeping_tail(summary)
            return details(title, self.blocks(el), self.pos(line), self.attr(el))
        line = self.locator.find("admonition", container=True)
        title = trim(self.inlines(summary))
        remove_keeping_tail(summary)
        return Admonition(kinds[0], title, self.blocks(el), pos=self.pos(line))

    def figure(self, el: HtmlElement) -> Block | None:
        """``<figure>`` with one ``<img>`` and a ``<figcaption>``: a Figure (else a Div)."""
        images = list(el.iter("img"))
        caption_el = next((c for c in el if c.tag == "figcaption"), None)
        if len(images) != 1 or self.safe_url(images[0], "src") is None:
            return self.generic(el)
        line = self.locator.find("figure")
        image = self.inline(images[0])[0]
        assert isinstance(image, Image)
        caption = (
            trim(self.inlines(caption_el)) if caption_el is not None else ((Text(image.alt),) if image.alt else ())
        )
        return Figure(image, caption, self.attr(el), pos=self.pos(line))

    def quote(self, el: HtmlElement) -> Block:
        """``<blockquote>``: a BlockQuote."""
        line = self.locator.find("quote", container=True)
        return alert_of(BlockQuote(self.blocks(el), pos=self.pos(line)))

    def bullet_list(self, el: HtmlElement) -> Block:
        """``<ul>``: a BulletList."""
        line = self.locator.find("item", _first_text(el), container=True)
        return BulletList(self.items(el), pos=self.pos(line))

    def ordered_list(self, el: HtmlElement) -> Block:
        """``<ol start>``: an OrderedList."""
        line = self.locator.find("item", _first_text(el), container=True)
        try:
            start = int(el.get("start", "1"))
        except ValueError:
            start = 1
        return OrderedList(self.items(el), start, pos=self.pos(line))

    def items(self, el: HtmlElement) -> tuple[ListItem, ...]:
        """The items of a list (stray content is wrapped in an item of its own)."""
        out: list[ListItem] = []
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "li":
                out.append(ListItem(self.blocks_of([child]), pos=self.pos(self.locator.current)))
                continue
            self.check_attrs(child)
            checked = _take_checkbox(child) if "task-list-item" in classes_of(child) else None
            line = self.locator.find("item", child.text_content(), container=True)
            out.append(ListItem(self.blocks(child), checked, pos=self.pos(line)))
        return tuple(out)

    def definition_list(self, el: HtmlElement) -> Block:
        """``<dl>``: a DefinitionList; each ``<dt>`` starts an item, each ``<dd>`` adds a definition."""
        line = self.locator.find("any", _first_text(el), container=True)
        items: list[tuple[Inlines, list[Blocks], int]] = []
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "dt" or not items:
                term_line = self.locator.find("any", child.text_content(), container=True)
                items.append((trim(self.inlines(child)) if child.tag == "dt" else (), [], term_line))
                if child.tag == "dt":
                    continue
            items[-1][1].append(self.blocks(child))
        return DefinitionList(
            tuple(DefinitionItem(term, tuple(defs), pos=self.pos(n)) for term, defs, n in items), pos=self.pos(line)
        )

    def table(self, el: HtmlElement) -> Block:
        """``<table>``: a Table; the head is ``<thead>`` (or leading rows of ``<th>`` cells)."""
        rows = [tr for tr in el.iter("tr")]
        head_rows = [tr for tr in rows if tr.getparent() is not None and tr.getparent().tag == "thead"]
        if not head_rows:
            for tr in rows:
                cells = [c for c in tr if c.tag in ("td", "th")]
                if not cells or any(c.tag != "th" for c in cells):
                    break
                head_rows.append(tr)
        body_rows = [tr for tr in rows if tr not in head_rows]
        width = max((len([c for c in tr if c.tag in ("td", "th")]) for tr in rows), default=0)
        first = next(iter(head_rows or body_rows), None)
        first_cells = [c for c in first if c.tag in ("td", "th")] if first is not None else []
        alignments = tuple(_alignment(first_cells[i]) if i < len(first_cells) else "" for i in range(width))
        line = self.locator.find("table", el.text_content())
        self.locator.skip_to(line + len(rows) if line else 0)
        caption_el = next((c for c in el if c.tag == "caption"), None)
        caption = trim(self.inlines(caption_el)) if caption_el is not None else ()
        return Table(
            caption,
            alignments,
            tuple(self.row(tr, width) for tr in head_rows),
            tuple(self.row(tr, width) for tr in body_rows),
            self.attr(el),
            pos=self.pos(line),
        )

    def row(self, tr: HtmlElement, width: int) -> Row:
        """One table row, padded with empty cells to ``width``."""
        self.check_attrs(tr)
        cells = []
        for cell in (c for c in tr if c.tag in ("td", "th")):
            self.check_attrs(cell)
            cells.append(trim(self.inlines(cell)))
        return tuple(cells + [()] * (width - len(cells)))

    # ----------------------------------------------------------------- footnotes

    def note(self, el: HtmlElement) -> Inline | None:
        """A Note for ``<sup><a class="footnote-ref" href="#fn:ID">``; a second call repeats the note."""
        ref = next((a for a in el if a.tag == "a" and "footnote-ref" in classes_of(a)), None)
        if ref is None:
            return None
        ident = (ref.get("href") or "").removeprefix("#fn:")
        if ident not in self.note_cache:
            li = self.footnotes.get(ident)
            if li is None:
                return Note((Paragraph((Text(ref.text_content()),)),))
            li = copy.deepcopy(li)
            for a in list(li.iter("a")):
                if "footnote-backref" in classes_of(a):
                    remove_keeping_tail(a)
            _strip_trailing_nbsp(li)
            outer = self.locator
            self.locator = outer.fork(outer.search(f"[^{ident}]:", 1))
            try:
                self.note_cache[ident] = self.blocks(li)
            finally:
                self.locator = outer
        return Note(self.note_cache[ident])


_ALERT = re.compile(r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*", re.I)


def alert_of(quote: BlockQuote) -> Block:
    """A block quote that opens with ``[!NOTE]`` (a GitHub alert) as an Admonition, else the quote."""
    first = quote.blocks[0] if quote.blocks else None
    if not isinstance(first, Paragraph) or not first.children or not isinstance(first.children[0], Text):
        return quote
    m = _ALERT.match(first.children[0].text)
    if not m:
        return quote
    kind = m.group(1).lower()
    rest = trim((Text(first.children[0].text[m.end() :]),) + first.children[1:])
    body = ((Paragraph(rest, pos=first.pos),) if rest else ()) + quote.blocks[1:]
    return Admonition(kind, (Text(kind.capitalize()),), body, pos=quote.pos)


def remove_keeping_tail(el: HtmlElement) -> None:
    """Remove ``el`` from its parent, keeping its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _strip_trailing_nbsp(li: HtmlElement) -> None:
    """Drop the no-break space Python-Markdown puts before a footnote's back-links."""
    slots: list[tuple[HtmlElement, str]] = []

    def visit(el: HtmlElement) -> None:
        slots.append((el, "text"))
        for child in el:
            visit(child)
            slots.append((child, "tail"))

    visit(li)
    for el, slot in reversed(slots):
        value = getattr(el, slot) or ""
        if value.strip(" \t\n"):
            if value.rstrip(" \t\n").endswith("\xa0"):
                setattr(el, slot, value.rstrip(" \t\n").rstrip("\xa0"))
            return


def _take_checkbox(li: HtmlElement) -> bool | None:
    """Remove the task-list checkbox at the start of ``li``; True/False for checked/unchecked."""
    holder = li
    first = next((c for c in li if isinstance(c.tag, str)), None)
    if first is not None and first.tag == "p" and not (li.text or "").strip():
        holder = first
    box = next((c for c in holder if isinstance(c.tag, str)), None)
    if box is None or box.tag != "input" or (holder.text or "").strip():
        return None
    checked = box.get("checked") is not None
    remove_keeping_tail(box)
    return checked


def _first_text(el: HtmlElement) -> str:
    """The text of the first child element (the first item of a list)."""
    first = next((c for c in el if isinstance(c.tag, str)), None)
    return first.text_content() if first is not None else ""


def _alignment(cell: HtmlElement) -> str:
    """A cell's alignment from its ``style`` or ``align`` attribute."""
    m = _ALIGN.search(cell.get("style", ""))
    align = (m.group(1) if m else cell.get("align", "")).lower()
    return align if align in ("left", "right", "center") else ""


def _caption_of(block: Block) -> Inlines | None:
    """The caption of a ``Table: caption`` paragraph, else None."""
    if not isinstance(block, Paragraph) or not block.children or not isinstance(block.children[0], Text):
        return None
    first = block.children[0].text
    if not _CAPTION.match(first):
        return None
    rest = _CAPTION.sub("", first, count=1)
    return trim(((Text(rest),) if rest else ()) + block.children[1:])


def _sole_span(block: Block, cls: str) -> Span | None:
    """The span of a paragraph that is one ``<span class="{cls}">``, else None."""
    if not isinstance(block, Paragraph) or len(block.children) != 1:
        return None
    span = block.children[0]
    return span if isinstance(span, Span) and cls in span.attr.classes else None


def _span_caption(block: Block) -> Inlines | None:
    """The inlines of a paragraph that is one ``<span class="caption">`` (how mdBook books caption an image)."""
    span = _sole_span(block, "caption")
    return trim(span.children) if span is not None else None


#: The text of an mdBook ``<span class="filename">`` above a listing: a short label ending in a colon
#: ("Filename:", a translation's "文件名：") and the file's name, one word.
_FILE_NAME = re.compile(r"^\s*(?P<label>[^\s:：][^:：]{0,40}[:：])\s*(?P<name>\S+)\s*$")


def _span_file_name(block: Block, code: Block) -> tuple[str, str] | None:
    """The label and the file a paragraph that is one ``<span class="filename">Filename: src/main.rs</span>``
    names, when the code block after it names none itself (how older Rust book chapters head a listing)."""
    if not isinstance(code, CodeBlock) or code.attr.get("file-name") or code.attr.get("filename"):
        return None
    span = _sole_span(block, "filename")
    if span is None or not all(isinstance(c, Text) for c in span.children):
        return None
    found = _FILE_NAME.match("".join(c.text for c in span.children if isinstance(c, Text)))
    return (found["label"], found["name"]) if found else None


def _uncaptioned(figure: Figure) -> bool:
    """Whether a figure has no caption but the one its image's alt text gives (an ``<img>`` alone)."""
    return not figure.caption or _letters(plain_text(figure.caption)) == _letters(figure.image.alt)


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def figure_of(blocks: Blocks) -> Figure | None:
    """The one figure a ``<figure>`` element written around Markdown holds (an image and a ``<figcaption>``,
    in either order), its caption taken from the figcaption; None when it holds anything else."""
    figures = [b for b in blocks if isinstance(b, Figure)]
    captions = [b for b in blocks if isinstance(b, Div) and b.attr.classes[:1] == ("figcaption",)]
    if len(figures) != 1 or len(captions) != 1 or len(blocks) != 2 or not _uncaptioned(figures[0]):
        return None
    paragraphs = captions[0].blocks
    if len(paragraphs) != 1 or not isinstance(paragraphs[0], Paragraph):
        return None
    return author_numbered(dataclasses.replace(figures[0], caption=paragraphs[0].children))


def attach_captions(blocks: list[Block]) -> Blocks:
    """Move a ``Table: caption`` paragraph right after (or else right before) a table into it, a
    ``<span class="caption">`` paragraph right after an uncaptioned figure into that figure, and a
    ``<span class="filename">Filename: ...</span>`` paragraph into the code block after it; a caption
    that opens with the author's "Figure 4-1:" numbers its figure so (``reading.listings``)."""
    out = list(blocks)
    i = 0
    while i < len(out):
        block = out[i]
        if i + 1 < len(out) and (named := _span_file_name(block, out[i + 1])):  # the listing names its file
            code = out[i + 1]
            assert isinstance(code, CodeBlock)
            attr = dataclasses.replace(code.attr, kv=(*code.attr.kv, ("file-label", named[0]), ("file-name", named[1])))
            out[i] = block = dataclasses.replace(code, attr=attr)
            del out[i + 1]
        if isinstance(block, Figure) and i + 1 < len(out) and _uncaptioned(block):
            if (caption := _span_caption(out[i + 1])) is not None:
                out[i] = block = dataclasses.replace(block, caption=caption)
                del out[i + 1]
        if isinstance(block, Table) and not block.caption and i > 0:  # mdBook books caption tables above
            if (caption := _span_caption(out[i - 1])) is not None:
                out[i] = block = dataclasses.replace(block, caption=caption)
                del out[i - 1]
                i -= 1
        if isinstance(block, CodeBlock) and i + 1 < len(out) and not block.caption and not block.attr.kv:
            if (caption := _span_caption(out[i + 1])) is not None:  # an older mdBook listing's caption
                out[i] = block = dataclasses.replace(block, caption=caption)
                del out[i + 1]
        if (
            isinstance(block, (Table, CodeBlock))
            and block.caption
            or isinstance(block, Figure)
            and not _uncaptioned(block)
        ):
            out[i] = author_numbered(block)
        if isinstance(block, Table) and not block.caption:
            for j in (i + 1, i - 1):
                if 0 <= j < len(out) and (caption := _caption_of(out[j])) is not None:
                    out[i] = dataclasses.replace(block, caption=caption)
                    del out[j]
                    i = i - 1 if j < i else i
                    break
        i += 1
    return tuple(out)


BLOCK_BUILDERS: dict[str, Callable[[BlockBuilder, HtmlElement], Block | None]] = {
    "p": BlockBuilder.paragraph,
    **{f"h{n}": BlockBuilder.heading for n in range(1, 7)},
    "pre": BlockBuilder.code,
    "hr": BlockBuilder.rule,
    "div": BlockBuilder.division,
    "details": BlockBuilder.details,
    "figure": BlockBuilder.figure,
    "blockquote": BlockBuilder.quote,
    "ul": BlockBuilder.bullet_list,
    "ol": BlockBuilder.ordered_list,
    "dl": BlockBuilder.definition_list,
    "table": BlockBuilder.table,
}
