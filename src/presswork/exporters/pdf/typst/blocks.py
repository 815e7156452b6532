"""Block nodes as Typst markup: each a call of the theme template's functions, author text only ever in string literals."""

from __future__ import annotations

import re

from presswork.core.tree import (
    Admonition,
    Block,
    BlockQuote,
    Blocks,
    BulletList,
    CodeBlock,
    DefinitionList,
    Div,
    Figure,
    Heading,
    HorizontalRule,
    ListItem,
    MathBlock,
    OrderedList,
    Paragraph,
    RawBlock,
    Table,
    plain_text,
)
from presswork.exporters.common.leadins import LEAD_IN_CHARS, introduces
from presswork.exporters.common.mathrender import MathError
from presswork.exporters.common.visibility import HIDDEN_CLASSES, details_parts
from presswork.exporters.pdf.typst.code import highlighted, inline_code
from presswork.exporters.pdf.typst.figures import image_markup
from presswork.exporters.pdf.typst.indexrefs import locators_call, split_locators
from presswork.exporters.pdf.typst.inlines import InlineWriter
from presswork.exporters.pdf.typst.markup import label, string, text
from presswork.exporters.pdf.typst.mathsvg import math_image
from presswork.exporters.pdf.typst.pagestarts import BLOCK_END, block_mark
from presswork.exporters.pdf.typst.tables import table_markup
from presswork.transforms.indexing import INDEX_CLASS
from presswork.transforms.xrefs import code_title, listing_caption, listing_file_label, listing_file_name

__all__ = ["BlockWriter"]

_HIDDEN = HIDDEN_CLASSES["print"]


class BlockWriter(InlineWriter):
    """Writes block nodes (and, inherited, inlines); one method per node type, named after it.

    ``heading_shift`` is added to every heading level (a sub-chapter's sections sit deeper)."""

    heading_shift = 0
    #: How deep in containers (lists, quotes, callouts, footnotes) the writer is: 0 at a chapter's top level.
    depth = 0
    #: Listings written so far (each gets its own number, for its line labels).
    listings = 0
    #: The index of the top-level block being written in its chapter.
    block_index = 0

    #: The paragraph about to be written introduces the block after it (``leadins.py``): it is kept with it.
    lead_in = False
    #: The block before the one being written, in its sequence (a paragraph after a paragraph is indented).
    previous: Block | None = None

    def blocks(self, nodes: Blocks) -> str:
        return "".join(self._each(nodes))

    def _each(self, nodes: Blocks, top: bool = False) -> list[str]:
        """The markup of each block of a sequence, knowing the blocks beside it (``top``: a chapter's own blocks)."""
        out = []
        for i, node in enumerate(nodes):
            if top:
                self.block_index = i
            following = nodes[i + 1] if i + 1 < len(nodes) else None
            self.lead_in = self.ctx.lead_ins and introduces(node, following, LEAD_IN_CHARS)
            self.previous = nodes[i - 1] if i else None
            out.append(self.block(node))
        return out

    def chapter_blocks(self, nodes: Blocks) -> str:
        """A chapter's top-level blocks, each after its mark (where the pages begin, see pagestarts.py)."""
        out = []
        for i, markup in enumerate(self._each(nodes, top=True)):
            out.append(block_mark(i) + markup)
        out.append(block_mark(BLOCK_END) + "\n\n")
        return "".join(out)

    def nested(self, nodes: Blocks) -> str:
        """Blocks inside a container (list item, quote, callout)."""
        self.depth += 1
        try:
            return self.blocks(nodes)
        finally:
            self.depth -= 1

    def block(self, node: Block) -> str:
        """The markup of one block, ending in a paragraph break."""
        if node.pos is not None:
            self.ctx.pos = node.pos
        method = getattr(self, f"b_{node.tag}", None)
        if method is None:
            self.ctx.warn(f"{node.tag} is not printed by the Typst engine; its text is kept", "typst")
            return text(plain_text(()) or "") + "\n\n"
        out: str = method(node)
        return out + "\n\n"

    def labelled(self, anchor: str) -> str:
        """A label for ``anchor``, once per book (a repeated id is linked to its first place)."""
        if not anchor or anchor in self.ctx.labelled:
            return ""
        self.ctx.labelled.add(anchor)
        return " " + label(anchor)

    def b_Heading(self, node: Heading) -> str:
        level = min(6, node.level + self.heading_shift)
        number = f"#pw-section-number({string(node.number)});" if node.number else ""
        body = f"[{number}{self.inlines(node.children)}]"
        mark = self.labelled(node.attr.id)
        self.ctx.headings.append((level, body, mark))
        return f"#heading(level: {level}){body}{mark}"

    def b_Paragraph(self, node: Paragraph) -> str:
        lead_in, self.lead_in = self.lead_in, False  # asked once: a footnote's paragraphs are not lead-ins
        split = split_locators(node.children)
        if split is not None:  # an index entry: its page numbers from this layout
            before, anchors, after = split
            return self.inlines(before) + locators_call(anchors) + self.inlines(after)
        if lead_in:
            indent = "true" if isinstance(self.previous, Paragraph) else "false"
            return f"#pw-lead-in(indent: {indent})[{self.paragraph(node.children)}]"
        return self.paragraph(node.children)

    def _item(self, item: ListItem) -> str:
        box = {True: "#pw-task(true);", False: "#pw-task(false);", None: ""}[item.checked]
        return f"[{box}{self.nested(item.blocks).strip()}]"

    def b_BulletList(self, node: BulletList) -> str:
        tight = all(len(i.blocks) <= 1 for i in node.items)
        return f"#list(tight: {'true' if tight else 'false'}, {', '.join(self._item(i) for i in node.items)})"

    def b_OrderedList(self, node: OrderedList) -> str:
        tight = all(len(i.blocks) <= 1 for i in node.items)
        items = ", ".join(self._item(i) for i in node.items)
        return f"#enum(start: {node.start}, tight: {'true' if tight else 'false'}, {items})"

    def b_DefinitionList(self, node: DefinitionList) -> str:
        items = []
        for item in node.items:
            defs = ", ".join(f"[{self.nested(d).strip()}]" for d in item.definitions) or "[]"
            items.append(f"pw-term({self.content(item.term)}, {defs})")
        return f"#pw-terms({', '.join(items)})"

    def b_CodeBlock(self, node: CodeBlock) -> str:
        cache, style, wrap = self.ctx.code_cache, self.ctx.code_style, self.ctx.code_columns
        if cache is not None:
            lines = cache.highlighted(node.code, node.language, style, wrap)
        else:
            lines = highlighted(node.code, node.language, style, wrap)
        if node.caption:
            caption = self.content(node.caption)
        else:  # a caption given as an attribute (Quarto's ``lst-cap``), printed as written
            caption = f"[{text(attr_caption)}]" if (attr_caption := listing_caption(node)) else "none"
        number = string(node.label) if node.label else "none"
        self.listings += 1
        file, before = self.listing_file(node), ""
        if file and not self.ctx.listing_files:  # a theme template written before listings named their files
            before, file = f"#block(sticky: true, below: 0.3em, text(size: 0.85em, {file}))\n\n", ""
        args = f"caption: {caption}, number: {number}, id: {self.listings}" + (f", file: {file}" if file else "")
        return before + f"#pw-listing({lines}, {args})" + self.labelled(node.attr.id)

    def listing_file(self, node: CodeBlock) -> str:
        """The line above a listing that names its file ("Filename: src/main.rs", as in every format), or
        the title written above a code block (MkDocs Material's ``title="x.py"``); "" for neither."""
        if name := listing_file_name(node):
            return f"[{text(listing_file_label(node))}{inline_code(name)}]"
        if title := code_title(node):
            return f"[{inline_code(title)}]"
        return ""

    def b_BlockQuote(self, node: BlockQuote) -> str:
        return f"#pw-quote[{self.nested(node.blocks)}]"

    def b_Table(self, node: Table) -> str:
        body = table_markup(node, self.content)
        caption = self.content(node.caption) if node.caption else "none"
        number = string(node.label) if node.label else "none"
        return f"#pw-table-figure({body}, caption: {caption}, number: {number}){self.labelled(node.attr.id)}"

    def b_Figure(self, node: Figure) -> str:
        image = image_markup(node.image, self.ctx, inline=False)
        if not image.startswith("pw-image"):
            image = f"[{image}]"
        caption = self.content(node.caption) if node.caption else "none"
        number = string(node.label) if node.label else "none"
        floats = "none" if self.depth else ("bottom" if self.block_index < 4 else "auto")
        return (
            f"#pw-figure({image}, caption: {caption}, number: {number}, float: {floats}){self.labelled(node.attr.id)}"
        )

    def b_Admonition(self, node: Admonition) -> str:
        kind = re.sub(r"[^a-z0-9-]", "", node.kind.lower()) or "note"
        title = self.content(node.title) if node.title else f"[{text(kind.capitalize())}]"
        return f"#pw-callout({string(kind)}, {title})[{self.nested(node.blocks)}]"

    def b_MathBlock(self, node: MathBlock) -> str:
        number = string(node.label) if node.label else "none"
        try:
            image = math_image(node.tex, True, self.ctx.root)
        except MathError as exc:
            self.ctx.warn(f"cannot typeset TeX {node.tex!r} ({exc}); shown as code", "math")
            image = f"#pw-listing(([#{string(node.tex)};],), caption: none, number: none);"
        return f"#pw-equation([{image}], number: {number}){self.labelled(node.attr.id)}"

    def b_HorizontalRule(self, node: HorizontalRule) -> str:
        return "#pw-rule()"

    def b_Div(self, node: Div) -> str:
        if not _HIDDEN.isdisjoint(node.attr.classes):
            return ""
        mark = ""
        if node.attr.id:
            mark = f"#pw-mark({string(node.attr.id)}){self.labelled(node.attr.id)};"
        summary, body = details_parts(node)
        head = f"#pw-details-summary{self.content(summary)}\n\n" if summary is not None else ""
        inner = head + self.blocks(body)
        if INDEX_CLASS in node.attr.classes:
            return f"{mark}#pw-index[{inner}]"
        return mark + inner

    def b_RawBlock(self, node: RawBlock) -> str:
        self.ctx.warn("raw HTML dropped", "html")
        return ""
