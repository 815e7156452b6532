"""The ``myst`` reader: the gfm reader's converter, taught MyST's directives, roles, targets and comments.

Each directive maps onto a node presswork already has (see docs/myst.md for the table); a directive
or role presswork does not know keeps its text, with one warning naming its file and line.
"""

from __future__ import annotations

import dataclasses

from markdown_it.token import Token

from presswork.core.diagnostics import Reporter
from presswork.core.tree import (
    Attr,
    Block,
    Blocks,
    CodeBlock,
    CrossRef,
    DefinitionItem,
    DefinitionList,
    Div,
    Figure,
    Heading,
    Inline,
    Inlines,
    Link,
    MathBlock,
    Pos,
    Table,
    Text,
)
from presswork.core.walk import iter_nodes, walk
from presswork.reading.crossrefs import is_xref
from presswork.reading.gfm.nodes import Node, build
from presswork.reading.gfm.reader import _check_nesting, _Converter
from presswork.reading.inlines import trim
from presswork.reading.myst.directives import Directive, directive_name, split_directive
from presswork.reading.myst.parser import FOOTNOTES, make_myst_parser
from presswork.reading.myst.roles import role_inlines, scheme_url
from presswork.reading.myst.shapes import ANCHOR, EMBED, MystShapes

__all__ = ["MystReader"]


class MystReader:
    """MyST Markdown (the dialect of Jupyter Book and Sphinx's ``myst-parser``), built on the gfm reader."""

    name = "myst"

    def read(self, body: str, path: str, reporter: Reporter, max_nesting: int) -> Blocks:
        """The blocks of ``body`` (front matter already blanked, so lines are the file's lines)."""
        env: dict[str, object] = {}
        tokens = make_myst_parser(max_nesting).parse(body, env)
        _check_nesting(tokens, path, max_nesting)
        converter = _MystConverter(path, reporter, body.split("\n"), max_nesting)
        converter.env = env
        converter.keep_footnotes()
        blocks = converter.document(tokens)
        converter.unused_footnotes(env)
        return _titled_references(blocks)


class _MystConverter(_Converter, MystShapes):
    """The gfm converter with MyST's block and inline syntax."""

    def __init__(self, path: str, reporter: Reporter, lines: list[str], max_nesting: int) -> None:
        super().__init__(path, reporter, lines, max_nesting)
        self.toctrees: list[Directive] = []
        self.env: dict[str, object] = {}  # the file's parse environment (footnotes), shared by directive bodies

    def block(self, node: Node) -> Block | None:
        """One block node: a directive fence, a target, a comment or a block break, else as gfm."""
        kind = node.type
        if kind == "fence" and directive_name(node.info) is not None or kind == "colon_fence":
            pos = self.pos(node)
            return self.directive(split_directive(node.info, node.content, pos.line), pos)
        if kind == "myst_target":
            return _anchor(node.content.strip(), self.pos(node))
        if kind == "field_list":  # :name: body (Sphinx field lists): a definition list
            return self.field_list(node, self.pos(node))
        if kind in ("myst_line_comment", "myst_block_break"):
            return None  # a comment, or a notebook cell boundary (its metadata): not words of the book
        return super().block(node)

    def field_list(self, node: Node, pos: Pos) -> Block:
        """A field list: each ``:name:`` a term, its text the definition."""
        items: list[DefinitionItem] = []
        for child in node.children:
            if child.type == "fieldlist_name":
                term = trim(self.inlines(child.children[0].children if child.children else []))
                items.append(DefinitionItem(term, (), pos=self.pos(child)))
            elif child.type == "fieldlist_body" and items:
                last = items[-1]
                items[-1] = DefinitionItem(last.term, (*last.definitions, self.blocks(child.children)), pos=last.pos)
        return DefinitionList(tuple(items), pos=pos)

    def keep_footnotes(self) -> None:
        """Every footnote definition of the file, for calls from directive bodies (see ``parser.FOOTNOTES``)."""
        kept = self.env.get(FOOTNOTES)
        if isinstance(kept, dict):
            for label, tokens in kept.items():
                self.footnotes.setdefault(label, Node("footnote", Token("footnote_open", "", 1), build(tokens)))

    def blocks(self, nodes: list[Node]) -> Blocks:
        """The blocks of sibling nodes; a ``(label)=`` target gives its label to the block after it."""
        return _attach_targets(super().blocks(nodes))

    def inline(self, node: Node) -> list[Inline]:
        """One inline node; a ``{role}`content``` becomes the node the role stands for."""
        if node.type == "link" and not node.children and str(node.attrs.get("href", "")).startswith("#"):
            target = str(node.attrs["href"])[1:]  # MyST's [](#label): the target's own text
            return (
                [CrossRef(target, (Text(f"@{target}"),))] if is_xref(target) else [Link((Text(target),), f"#{target}")]
            )
        if node.type == "image" and EMBED.match(src := str(node.attrs.get("src", ""))):
            # mystmd's ![](#label) and ![](xref:project#label) embed a labelled block: a link to it here
            self.warn(f"MyST embed ![]({src}) is shown as a link to its target", self.line, "markdown")
            return [Link(self.inlines(node.children) or (Text(src.lstrip("#")),), src)]
        if node.type == "link" and (href := str(node.attrs.get("href", ""))) != scheme_url(href):
            node.attrs["href"] = scheme_url(href)  # [text](doi:10.1000/x): the address it stands for
        if node.type != "myst_role":
            return super().inline(node)
        name = str(node.meta.get("name", ""))
        found = role_inlines(name, node.content)
        if found is not None:
            return found
        written = f"{{{name}}}`"
        start = max(self.line - 1, 0)
        line = next((k + 1 for k in range(start, len(self.lines)) if written in self.lines[k]), self.line)
        self.warn(f"unknown MyST role {{{name}}}: its text is kept as written", line, "markdown")
        return [Text(node.content)]

    def parse_body(self, text: str, first_line: int) -> Blocks:
        """A directive's body (starting on line ``first_line`` of the file), read as MyST Markdown."""
        if not text.strip():
            return ()
        saved = self.line
        tokens = make_myst_parser(self.max_nesting).parse(text, self.env)
        for token in tokens:
            if token.map:
                token.map = [token.map[0] + first_line - 1, token.map[1] + first_line - 1]
        nodes = []
        for node in build(tokens):
            if node.type == "footnote_block":  # footnotes defined in a directive: called wherever in the file
                for note in node.children:
                    self.footnotes.setdefault(str(note.meta.get("label", note.meta.get("id"))), note)
            else:
                nodes.append(node)
        blocks = self.blocks(nodes)
        self.line = saved
        return blocks

    def parse_inlines(self, text: str) -> Inlines:
        """A title or caption written on one line, read as MyST inline Markdown."""
        if not text.strip():
            return ()
        tokens = make_myst_parser(self.max_nesting).parseInline(text.strip())
        return trim(self.inlines(build(tokens)[0].children))

    def directive(self, d: Directive, pos: Pos) -> Block | None:
        """A directive as the node it stands for (see :class:`MystShapes`)."""
        return self.shape(d, pos)


def _titled_references(blocks: Blocks) -> Blocks:
    """A ``{ref}`label``` (or ``[](#label)``) to a heading of the same file shows the heading's text, as
    MyST shows it (a reference to another file keeps its label: the reader sees one file)."""
    titles = {n.attr.id: n.children for n in iter_nodes(blocks) if isinstance(n, Heading) and n.attr.id}
    if not titles:
        return blocks

    def title(node: object) -> object:
        if isinstance(node, Link) and node.url.startswith("#") and node.url[1:] in titles:
            if node.children == (Text(node.url[1:]),):
                return Link(titles[node.url[1:]], node.url, node.title)
        return node

    result: Blocks = walk(blocks, title)
    return result


def _anchor(label: str, pos: Pos) -> Block:
    """A ``(label)=`` target: an empty anchor until it is given to the block after it."""
    return Div(Attr(label, (ANCHOR,)), (), pos=pos)


def _attach_targets(blocks: Blocks) -> Blocks:
    """Give each ``(label)=`` anchor's label to the heading, figure, table, equation or code block that
    follows it; an anchor before anything else stays an anchor (a link to it still lands there)."""
    if not any(isinstance(b, Div) and b.attr.classes == (ANCHOR,) for b in blocks):
        return blocks
    out: list[Block] = []
    pending: Div | None = None
    for block in blocks:
        if pending is not None:
            labelled = _labelled(block, pending.attr.id)
            if labelled is not None:
                out.append(labelled)
                pending = None
                continue
            out.append(pending)
            pending = None
        if isinstance(block, Div) and block.attr.classes == (ANCHOR,) and not block.blocks:
            pending = block
            continue
        out.append(block)
    if pending is not None:
        out.append(pending)
    return tuple(out)


def _labelled(block: Block, label: str) -> Block | None:
    """``block`` with the id ``label``, or None when it is no target or already has an id of its own."""
    if isinstance(block, Heading):
        return dataclasses.replace(block, attr=Attr(label, block.attr.classes, block.attr.kv))
    if isinstance(block, Figure) and not block.image.attr.id:
        image = dataclasses.replace(block.image, attr=Attr(label, block.image.attr.classes, block.image.attr.kv))
        return dataclasses.replace(block, image=image)
    if isinstance(block, (Table, CodeBlock)) and not block.attr.id:
        return dataclasses.replace(block, attr=Attr(label, block.attr.classes, block.attr.kv))
    if isinstance(block, MathBlock) and not block.attr.id:  # numbered as eq-label, reachable as label too
        ident = label if is_xref(label) else f"eq-{label}"
        math = dataclasses.replace(block, attr=Attr(ident, block.attr.classes, block.attr.kv))
        return math if ident == label else Div(Attr(), (Div(Attr(label, (ANCHOR,)), (), pos=block.pos), math))
    return None
