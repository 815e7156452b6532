"""Map inline HTML elements (Python-Markdown output and raw HTML) to tree inlines."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeAlias

from lxml.html import HtmlElement

from presswork.core.diagnostics import PressworkError, Reporter, too_deep
from presswork.core.tree import (
    Attr,
    Blocks,
    Code,
    Emphasis,
    Image,
    Inline,
    Inlines,
    Kbd,
    LineBreak,
    Link,
    Math,
    Pos,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Text,
)
from presswork.reading.html import UNKNOWN_TAG, html_root, tag_name_of
from presswork.reading.locate import Locator
from presswork.reading.sanitize import DROPPED_ATTRS, UNSAFE_TAGS, URL_ATTRS, is_event_attr, is_unsafe_url

Part: TypeAlias = str | HtmlElement
"""A piece of mixed content: a text run or an element (whose tail is a separate part)."""

_SPACE = re.compile(r"[ \t\n\r\f]+")
_STYLE_SIZE = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*([0-9.]+\s*(?:px|%)?)\s*(?=;|$)", re.I)
_MATH_DELIMS = re.compile(r"^\s*(?:\\\(|\\\[|\$\$?)(.*?)(?:\\\)|\\\]|\$\$?)\s*$", re.S)


def parts_of(el: HtmlElement) -> Iterator[Part]:
    """The text and child elements of ``el`` in document order (comments dropped, their tails kept)."""
    if el.text:
        yield el.text
    for child in el:
        if isinstance(child.tag, str):
            yield child
        if child.tail:
            yield child.tail


def unwrapped_caption(name: str, attrs: dict[str, str]) -> str:
    """The text an unwrapped component carries in an attribute (mdBook ``<Listing number="1-2" caption="...">``
    shows "Listing 1-2: ..."), or ""."""
    caption = (attrs.get("caption") or "").strip()
    if not caption:
        return ""
    number = (attrs.get("number") or "").strip()
    return f"{name} {number}: {caption}" if number else caption


def classes_of(el: HtmlElement) -> tuple[str, ...]:
    """The element's classes, in order."""
    return tuple((el.get("class") or "").split())


def strip_math(tex: str) -> str:
    """TeX without its ``\\( \\)``, ``\\[ \\]`` or ``$`` delimiters."""
    m = _MATH_DELIMS.match(tex)
    return (m.group(1) if m else tex).strip()


def trim(inlines: Inlines) -> Inlines:
    """Drop the spaces at both ends of a block's inlines and around hard line breaks."""
    items = list(inlines)
    last = len(items) - 1
    for i, node in enumerate(items):
        if isinstance(node, Text):
            text = node.text
            if i == 0 or isinstance(items[i - 1], LineBreak):
                text = text.lstrip(" ")
            if i == last or isinstance(items[i + 1], LineBreak):
                text = text.rstrip(" ")
            if text != node.text:
                items[i] = Text(text)
    return tuple(n for n in items if not (isinstance(n, Text) and not n.text))


def merge(nodes: list[Inline]) -> Inlines:
    """Join adjacent text nodes, collapsing each run of white space to one space.

    A run of text nodes is joined once and then collapsed, so a paragraph of a million lines
    takes linear time (joining them one by one copied the growing text at every line).
    """
    out: list[Inline] = []
    run: list[str] = []  # the texts of the current run of adjacent text nodes

    def flush() -> None:
        text = _SPACE.sub(" ", "".join(run))
        if text:
            out.append(Text(text))
        run.clear()

    for node in nodes:
        if isinstance(node, Text):
            run.append(node.text)
            continue
        if run:
            flush()
        out.append(node)
    if run:
        flush()
    return tuple(out)


class InlineBuilder:
    """Turns inline HTML into inlines; sanitises attributes and URLs, warning about each removal."""

    def __init__(self, path: str, reporter: Reporter, locator: Locator, max_depth: int, max_nesting: int = 40) -> None:
        self.path = path
        self.reporter = reporter
        self.locator = locator
        self.max_depth = max_depth  # calls of blocks_of/inlines_of deep (a guard against recursion)
        self.max_nesting = max_nesting  # the configured limit, which error messages name
        self.depth = 0

    # ----------------------------------------------------------------- hooks for blocks

    def note(self, el: HtmlElement) -> Inline | None:
        """The Note for a footnote reference ``<sup><a class="footnote-ref">`` (None if ``el`` is none)."""
        return None

    def blocks(self, el: HtmlElement) -> Blocks:
        """Blocks of a container element (implemented by the block builder)."""
        raise NotImplementedError

    # ----------------------------------------------------------------- diagnostics

    def too_deep(self, parts: list[Part]) -> PressworkError:
        """The error for HTML nested past the recursion guard, naming ``max_nesting`` and the depth
        of the deepest element of the HTML that ``parts`` belong to."""
        element = next((p for p in parts if not isinstance(p, str)), None)
        depth = self.max_depth
        if element is not None:
            level: list[HtmlElement] = [element.getroottree().getroot()]
            depth = 0
            while level:  # breadth first: no recursion, whatever the depth
                level = [child for el in level for child in el if isinstance(child.tag, str)]
                depth += 1 if level else 0
        return too_deep(self.max_nesting, "HTML elements", depth, Pos(self.path, self.locator.current))

    def warn_html(self, message: str, needle: str) -> None:
        """Warn about removed HTML at the line where ``needle`` first appears (from the current block)."""
        self.reporter.warn(message, Pos(self.path, self.locator.search(needle)), "html")

    def check_attrs(self, el: HtmlElement) -> None:
        """Warn about (and ignore) event-handler attributes and script URLs of ``el``."""
        for name, value in el.attrib.items():
            if is_event_attr(name):
                self.warn_html(f"removed event-handler attribute '{name}' from <{el.tag}>", name)
            elif name in URL_ATTRS and is_unsafe_url(value):
                self.warn_html(f"removed unsafe URL '{value[:40]}' from <{el.tag}>", value[:12])

    def safe_url(self, el: HtmlElement, name: str) -> str | None:
        """The URL in attribute ``name``, or None when it is missing or unsafe."""
        value = el.get(name)
        return None if value is None or is_unsafe_url(value) else value

    def attr(self, el: HtmlElement, extra: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> Attr:
        """Identifier, classes (``extra`` first) and the harmless other attributes of ``el``."""
        kv = tuple(
            (k, v)
            for k, v in el.attrib.items()
            if k not in DROPPED_ATTRS and k not in skip and not is_event_attr(k) and not is_unsafe_url(v)
        )
        return Attr(el.get("id", ""), extra + classes_of(el), kv)

    # ----------------------------------------------------------------- inlines

    def inlines(self, el: HtmlElement) -> Inlines:
        """The inlines inside ``el``."""
        return self.inlines_of(list(parts_of(el)))

    def unwrap(self, parts: list[Part]) -> list[Part]:
        """Replace unknown or custom elements (``<Listing>``, ``<center>``) by their content, warning once each."""
        if not any(not isinstance(p, str) and p.tag == UNKNOWN_TAG for p in parts):
            return parts
        out: list[Part] = []
        for part in parts:
            if isinstance(part, str) or part.tag != UNKNOWN_TAG:
                out.append(part)
                continue
            name = tag_name_of(part)
            self.warn_html(f"unknown HTML element <{name}> unwrapped (its content is kept)", f"<{name}")
            out.extend(self.unwrap(list(parts_of(part))))
            caption = unwrapped_caption(name, dict(part.attrib))
            if caption:
                p = html_root("<p></p>")[0]
                p.text = caption
                out.append(p)
        return out

    def inlines_of(self, parts: list[Part]) -> Inlines:
        """The inlines of a run of mixed content."""
        parts = self.unwrap(parts)
        self.depth += 1
        if self.depth > self.max_depth:
            raise self.too_deep(parts)
        try:
            out: list[Inline] = []
            for part in parts:
                if isinstance(part, str):
                    out.append(Text(part))
                else:
                    out.extend(self.inline(part))
            return merge(out)
        finally:
            self.depth -= 1

    def inline(self, el: HtmlElement) -> list[Inline]:
        """One element as zero or more inlines."""
        tag = el.tag
        if tag in UNSAFE_TAGS:
            self.warn_html(f"removed <{tag}> element", f"<{tag}")
            return []
        self.check_attrs(el)
        builder = INLINE_BUILDERS.get(tag)
        if builder is not None:
            return builder(self, el)
        # Safe markup without a node of its own: keep the words in a Span named after the tag.
        return [Span(self.attr(el, extra=(tag,)), self.inlines(el))]

    def link(self, el: HtmlElement) -> list[Inline]:
        """``<a>``: a Link, or a Span when it has no (safe) target."""
        children = self.inlines(el)
        url = self.safe_url(el, "href")
        if url is None:
            return [Span(self.attr(el, skip=("title", "name")), children)] if el.get("id") else list(children)
        return [Link(children, url, el.get("title", ""))]

    def image(self, el: HtmlElement) -> list[Inline]:
        """``<img>``: an Image with src, alt, title (its alt text alone if the src is unsafe)."""
        src = self.safe_url(el, "src")
        alt = el.get("alt", "")
        if src is None:
            return [Text(alt)] if alt else []
        attr = self.attr(el, skip=("alt", "title"))
        sizes = tuple((k, v) for k, v in _STYLE_SIZE.findall(el.get("style", "")) if attr.get(k) is None)
        if sizes:  # style="width: 50%" sizes the image like width="50%"
            attr = Attr(attr.id, attr.classes, attr.kv + tuple((k, v.replace(" ", "")) for k, v in sizes))
        return [Image(src, alt, el.get("title", ""), attr)]

    def sup(self, el: HtmlElement) -> list[Inline]:
        """``<sup>``: a footnote reference or a Superscript."""
        note = self.note(el)
        return [note] if note is not None else [Superscript(self.inlines(el))]

    def span(self, el: HtmlElement) -> list[Inline]:
        """``<span>``: inline math from arithmatex, or a Span."""
        if "arithmatex" in classes_of(el):
            return [Math(strip_math(el.text_content()))]
        return [Span(self.attr(el), self.inlines(el))]

    def abbr(self, el: HtmlElement) -> list[Inline]:
        """``<abbr title>``: a Span of class ``abbr`` keeping the title."""
        return [Span(self.attr(el, extra=("abbr",)), self.inlines(el))]


def _container(kind: Callable[[Inlines], Inline]) -> Callable[[InlineBuilder, HtmlElement], list[Inline]]:
    """A builder for an element that becomes ``kind(children)``."""
    return lambda b, el: [kind(b.inlines(el))]


def _classed(name: str) -> Callable[[InlineBuilder, HtmlElement], list[Inline]]:
    """A builder for an element that becomes a Span of class ``name``."""
    return lambda b, el: [Span(b.attr(el, extra=(name,)), b.inlines(el))]


def _code_text(el: HtmlElement) -> str:
    return str(el.text_content()).replace("\n", " ")


INLINE_BUILDERS: dict[str, Callable[[InlineBuilder, HtmlElement], list[Inline]]] = {
    "em": _container(Emphasis),
    "i": _container(Emphasis),
    "strong": _container(Strong),
    "b": _container(Strong),
    "del": _container(Strikethrough),
    "s": _container(Strikethrough),
    "strike": _container(Strikethrough),
    "sub": _container(Subscript),
    "sup": InlineBuilder.sup,
    "code": lambda b, el: [Code(_code_text(el))],
    "tt": lambda b, el: [Code(_code_text(el))],
    "samp": lambda b, el: [Code(_code_text(el))],
    "kbd": lambda b, el: [Kbd(el.text_content())],
    "br": lambda b, el: [LineBreak()],
    "hr": lambda b, el: [LineBreak()],  # a rule inside a line of text: the words on either side stay apart
    "wbr": lambda b, el: [],
    "a": InlineBuilder.link,
    "img": InlineBuilder.image,
    "span": InlineBuilder.span,
    "mark": _classed("mark"),
    "ins": _classed("ins"),
    "abbr": InlineBuilder.abbr,
}
