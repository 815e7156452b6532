"""Inline nodes as Typst markup: text as string literals, styling as function calls, links and labels by generated names."""

from __future__ import annotations

from presswork.core.tree import (
    Blocks,
    Cite,
    Code,
    CrossRef,
    Emphasis,
    Image,
    Inline,
    Inlines,
    Kbd,
    LineBreak,
    Link,
    Math,
    Note,
    RawInline,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Text,
    plain_text,
)
from presswork.core.urls import DROPPED_LINK, outgoing_link
from presswork.exporters.common.mathrender import MathError
from presswork.exporters.pdf.typst.code import inline_code
from presswork.exporters.pdf.typst.context import WriterContext
from presswork.exporters.pdf.typst.figures import image_markup
from presswork.exporters.pdf.typst.markup import string, text
from presswork.exporters.pdf.typst.mathsvg import math_image

__all__ = ["InlineWriter"]

#: The shortest word Typst can hyphenate (at least two letters on each side of a hyphen).
_HYPHENABLE = 4


class InlineWriter:
    """Writes inline nodes; one method per node type, named after it."""

    def __init__(self, ctx: WriterContext) -> None:
        self.ctx = ctx

    def blocks(self, nodes: Blocks) -> str:
        """The markup of a block sequence (the block writer's)."""
        raise NotImplementedError

    def nested(self, nodes: Blocks) -> str:
        """The markup of blocks inside a container (the block writer's)."""
        raise NotImplementedError

    def labelled(self, anchor: str) -> str:
        """A label for ``anchor`` (the block writer's)."""
        raise NotImplementedError

    def inlines(self, nodes: Inlines) -> str:
        """The markup of an inline sequence."""
        return "".join(self.inline(n) for n in nodes)

    def inline(self, node: Inline) -> str:
        """The markup of one inline node (an unknown one: its text, with a warning)."""
        method = getattr(self, f"i_{node.tag}", None)
        if method is None:
            self.ctx.warn(f"{node.tag} is not printed by the Typst engine; its text is kept", "typst")
            return text(plain_text((node,)))
        result: str = method(node)
        return result

    def content(self, nodes: Inlines) -> str:
        """Inlines as a Typst content block ``[...]`` (for function arguments)."""
        return f"[{self.inlines(nodes)}]"

    def i_Text(self, node: Text) -> str:
        return text(node.text)

    def paragraph(self, nodes: Inlines) -> str:
        """A paragraph's inlines, its last word never hyphenated (no stub of a word on the last line)."""
        if not nodes or not isinstance(nodes[-1], Text):
            return self.inlines(nodes)
        head, _, last = nodes[-1].text.rpartition(" ")
        if sum(c.isalpha() for c in last) < _HYPHENABLE:
            return self.inlines(nodes)  # too short for Typst to hyphenate: no call needed
        before = self.inlines(nodes[:-1]) + (text(head + " ") if head or " " in nodes[-1].text else "")
        return f"{before}#pw-last-word[{text(last)}];"

    def i_Emphasis(self, node: Emphasis) -> str:
        return f"#emph{self.content(node.children)};"

    def i_Strong(self, node: Strong) -> str:
        return f"#strong{self.content(node.children)};"

    def i_Strikethrough(self, node: Strikethrough) -> str:
        return f"#strike{self.content(node.children)};"

    def i_Superscript(self, node: Superscript) -> str:
        return f"#super{self.content(node.children)};"

    def i_Subscript(self, node: Subscript) -> str:
        return f"#sub{self.content(node.children)};"

    def i_Code(self, node: Code) -> str:
        return inline_code(node.text)

    def i_Kbd(self, node: Kbd) -> str:
        return f"#pw-kbd({string(node.text)});"

    def i_LineBreak(self, node: LineBreak) -> str:
        return "#linebreak();"

    def i_Link(self, node: Link) -> str:
        inner = self.content(node.children)
        url = node.url
        if url.startswith("#"):
            return f"#{self.ctx.link_to(url[1:])}{inner};"
        outgoing = outgoing_link(url, plain_text(node.children), self.ctx.link_footnotes)
        if outgoing is None:
            self.ctx.warn(DROPPED_LINK.format(url=url), "link")
            return inner[1:-1]
        href, note = outgoing
        link = f"#link({string(href)}){inner};"
        if note:
            link += f"#footnote[#pw-url({string(url)})];"
        return link

    def i_Image(self, node: Image) -> str:
        return image_markup(node, self.ctx, inline=True) + self.labelled(node.attr.id)

    def i_Math(self, node: Math) -> str:
        try:
            return math_image(node.tex, False, self.ctx.root)
        except MathError as exc:
            self.ctx.warn(f"cannot typeset TeX {node.tex!r} ({exc}); shown as code", "math")
            return inline_code(node.tex)

    def i_Note(self, node: Note) -> str:
        return f"#footnote[{self.nested(node.blocks)}];"

    def i_Span(self, node: Span) -> str:
        inner = self.inlines(node.children)
        if "mark" in node.attr.classes:
            inner = f"#highlight[{inner}];"
        if node.attr.id:
            # a placed, queryable mark: index locators and cross-references find its page
            inner = f"#pw-mark({string(node.attr.id)}){self.labelled(node.attr.id)};{inner}"
        return inner

    def i_CrossRef(self, node: CrossRef) -> str:
        out = f"#{self.ctx.link_to(node.target)}{self.content(node.children)};"
        if self.ctx.page_refs:
            out += self.ctx.page_of(node.target)
        return out

    def i_Cite(self, node: Cite) -> str:
        return self.inlines(node.children)

    def i_RawInline(self, node: RawInline) -> str:
        self.ctx.warn("raw HTML dropped", "html")
        return ""
