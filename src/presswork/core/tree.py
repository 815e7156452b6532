"""The presswork document tree: a small, closed set of immutable node types.

Modelled on Pandoc's AST. Every node is a frozen dataclass whose children are
tuples, so trees compare by value. Source positions (``pos``) are carried by blocks
for diagnostics but never take part in equality. The tree serialises to JSON with a
format version (see :func:`to_json` / :func:`from_json`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Never, NoReturn, cast, get_args

#: Bumped whenever the JSON shape of the tree changes incompatibly.
FORMAT_VERSION = "1.5"  # 1.1: Chapter.part, Chapter.appendix; 1.2: CrossRef, Cite, equation/listing labels; 1.3: Chapter.numbered; 1.4: CodeBlock.caption; 1.5: Chapter.depth


@dataclass(frozen=True)
class Pos:
    """Where a block came from: a project-relative file path and a 1-based line (0 = unknown);
    in a notebook, ``cell`` is the 1-based cell and ``line`` a line of that cell (0 = not a notebook)."""

    file: str
    line: int = 0
    cell: int = 0

    def __str__(self) -> str:
        where = f"{self.file}:cell {self.cell}" if self.cell else self.file
        return f"{where}:{self.line}" if self.line else where


@dataclass(frozen=True)
class Attr:
    """Identifier, classes and key-value attributes of a node that can be styled or targeted."""

    id: str = ""
    classes: tuple[str, ...] = ()
    kv: tuple[tuple[str, str], ...] = ()

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of key-value attribute ``key`` (``default`` when absent)."""
        return next((v for k, v in self.kv if k == key), default)


NO_ATTR = Attr()


class Node:
    """Base of every node; ``tag`` names the node type in JSON."""

    tag: ClassVar[str] = "Node"

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        cls.tag = cls.__name__
        if not cls.__name__.startswith("_") and cls.__name__ not in ("Block", "Inline"):
            NODE_TYPES[cls.__name__] = cls


NODE_TYPES: dict[str, type] = {}


@dataclass(frozen=True)
class Inline(Node):
    """Base of inline (phrasing) nodes."""


@dataclass(frozen=True)
class Block(Node):
    """Base of block nodes; ``pos`` is where the block starts in the source (not compared)."""

    pos: Pos | None = field(default=None, compare=False, kw_only=True, repr=False)


Inlines = tuple[Inline, ...]
Blocks = tuple[Block, ...]

# --------------------------------------------------------------------------- inlines


@dataclass(frozen=True)
class Text(Inline):
    """Plain text (spaces included)."""

    text: str


@dataclass(frozen=True)
class Emphasis(Inline):
    """Emphasised text (usually italic)."""

    children: Inlines


@dataclass(frozen=True)
class Strong(Inline):
    """Strongly emphasised text (usually bold)."""

    children: Inlines


@dataclass(frozen=True)
class Strikethrough(Inline):
    """Deleted text (``~~x~~``)."""

    children: Inlines


@dataclass(frozen=True)
class Superscript(Inline):
    """Superscript (``^x^`` or ``<sup>``)."""

    children: Inlines


@dataclass(frozen=True)
class Subscript(Inline):
    """Subscript (``~x~`` or ``<sub>``)."""

    children: Inlines


@dataclass(frozen=True)
class Code(Inline):
    """Inline code, shown verbatim in a monospace font."""

    text: str


@dataclass(frozen=True)
class Kbd(Inline):
    """A key or key combination the reader presses (``<kbd>``)."""

    text: str


@dataclass(frozen=True)
class Link(Inline):
    """A hyperlink. ``url`` is external (``https:``, ``mailto:``) or internal ``#id``
    (ids are unique across the book after transforms)."""

    children: Inlines
    url: str
    title: str = ""


@dataclass(frozen=True)
class Image(Inline):
    """An inline image; ``src`` is project-relative after transforms (or a remote URL)."""

    src: str
    alt: str = ""
    title: str = ""
    attr: Attr = NO_ATTR


@dataclass(frozen=True)
class Math(Inline):
    """Inline TeX math (``$...$``)."""

    tex: str


@dataclass(frozen=True)
class Note(Inline):
    """A footnote, stored where it is called (as in Pandoc); exporters number it."""

    blocks: Blocks


@dataclass(frozen=True)
class LineBreak(Inline):
    """A hard line break."""


@dataclass(frozen=True)
class Span(Inline):
    """Generic inline container carrying attributes (classes such as ``mark``)."""

    attr: Attr
    children: Inlines


@dataclass(frozen=True)
class CrossRef(Inline):
    """A reference to a numbered target (``@fig-id``, ``@sec-id``...): ``target`` is the id as written,
    ``children`` the text shown (the source text until transforms set the label, "Figure 2.1")."""

    target: str
    children: Inlines


@dataclass(frozen=True)
class Cite(Inline):
    """A citation (``[@key, p. 33]``, ``@key``, ``[-@key]``, ``[@a; @b]``): ``source`` is the citation as
    written, ``keys`` the keys cited, ``children`` the text shown (formatted by the citation style in
    transforms; the source text before), ``references`` the cited works' bibliography entries as plain
    text (set by transforms; the deck puts them in the slide's notes)."""

    source: str
    keys: tuple[str, ...]
    children: Inlines
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class RawInline(Inline):
    """Inline raw HTML that maps to no node; already sanitised. Exporters may drop it with a warning."""

    format: str
    text: str


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading(Block):
    """A section heading. Inside a chapter, levels run 2..6 (the chapter title is level 1);
    after transforms every heading has an id, unique in the book."""

    level: int
    children: Inlines
    attr: Attr = NO_ATTR
    number: str = ""  # section number such as "2.3" when numbering is on, else ""


@dataclass(frozen=True)
class Paragraph(Block):
    """A paragraph of inlines."""

    children: Inlines


@dataclass(frozen=True)
class ListItem(Block):
    """One list item: blocks, and its task state (None = not a task, True/False = [x]/[ ])."""

    blocks: Blocks
    checked: bool | None = None


@dataclass(frozen=True)
class BulletList(Block):
    """An unordered list."""

    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class OrderedList(Block):
    """A numbered list starting at ``start``."""

    items: tuple[ListItem, ...]
    start: int = 1


@dataclass(frozen=True)
class DefinitionItem(Block):
    """A term and its one or more definitions (each a block list)."""

    term: Inlines
    definitions: tuple[Blocks, ...]


@dataclass(frozen=True)
class DefinitionList(Block):
    """A list of terms with definitions."""

    items: tuple[DefinitionItem, ...]


@dataclass(frozen=True)
class CodeBlock(Block):
    """Verbatim code; ``language`` is a Pygments lexer name or ""."""

    code: str
    language: str = ""
    attr: Attr = NO_ATTR
    label: str = ""  # "Listing 1.3" for a listing (an ``lst-`` id) when numbering is on, else ""
    caption: Inlines = ()  # a listing's caption with its markup (mdBook ``<Listing caption="...">``), else ()


@dataclass(frozen=True)
class BlockQuote(Block):
    """A quotation of blocks."""

    blocks: Blocks


Cell = Inlines
Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Table(Block):
    """A table. ``alignments`` has one of "left", "right", "center", "" per column;
    ``head`` and ``body`` are rows of cells, each cell a tuple of inlines."""

    caption: Inlines
    alignments: tuple[str, ...]
    head: tuple[Row, ...]
    body: tuple[Row, ...]
    attr: Attr = NO_ATTR
    label: str = ""  # "Table 3.2" when numbering is on, else ""


@dataclass(frozen=True)
class Figure(Block):
    """A stand-alone image with a caption (an image alone in its paragraph)."""

    image: Image
    caption: Inlines
    attr: Attr = NO_ATTR
    label: str = ""  # "Figure 2.1" when numbering is on, else ""


@dataclass(frozen=True)
class Admonition(Block):
    """A call-out box (``!!! note "Title"``); ``kind`` is note, tip, warning, danger, ..."""

    kind: str
    title: Inlines
    blocks: Blocks


@dataclass(frozen=True)
class MathBlock(Block):
    """Display TeX math (``$$...$$``); an ``eq-`` id (``$$ ... $$ {#eq-x}``) makes it a numbered equation."""

    tex: str
    attr: Attr = NO_ATTR
    label: str = ""  # "(2.1)" for a numbered equation, else ""


@dataclass(frozen=True)
class HorizontalRule(Block):
    """A thematic break."""


@dataclass(frozen=True)
class Div(Block):
    """Generic block container with attributes: classes ``notes``, ``only-slides``,
    ``no-slides``, ``slide-break`` steer exporters (see docs/authoring.md)."""

    attr: Attr
    blocks: Blocks


@dataclass(frozen=True)
class RawBlock(Block):
    """Block raw HTML that maps to no node; already sanitised. Exporters may drop it with a warning."""

    format: str
    text: str


# --------------------------------------------------------------------------- document


@dataclass(frozen=True)
class Author:
    """A contributor and their role (MARC relator code: ``aut`` author, ``edt`` editor, ...)."""

    name: str
    role: str = "aut"


@dataclass(frozen=True)
class Meta:
    """Book metadata. Empty strings / tuples mean "not given"."""

    title: str = ""
    subtitle: str = ""
    authors: tuple[Author, ...] = ()
    language: str = "en"
    identifier: str = ""  # ISBN, URN or URL; "" = derive a stable UUID5 from the metadata
    publisher: str = ""
    rights: str = ""
    date: str = ""  # ISO 8601 date of publication
    modified: str = ""  # ISO 8601 date of last update
    description: str = ""
    subjects: tuple[str, ...] = ()
    cover: str = ""  # project-relative cover image path, "" = generate one


@dataclass(frozen=True)
class Chapter:
    """One chapter: its id (unique in the book), title, the source file it came from
    (project-relative) and its blocks (without the title heading)."""

    id: str
    title: Inlines
    source: str
    blocks: Blocks
    number: str = ""  # "3" when chapters are numbered, else "" ("A" for an appendix)
    part: str = ""  # title of the book part the chapter belongs to ("" = none); a part opens at its first chapter
    appendix: bool = False  # an appendix (lettered A, B, ... when chapters are numbered)
    #: False for a chapter whose heading says ``{.unnumbered}`` (or ``{-}``): it takes no number, and its
    #: figures and tables are numbered 1, 2, ... without a chapter number, as Quarto and Pandoc do.
    numbered: bool = True
    #: Nesting in the book's outline: 1 for a chapter, 2 for a sub-chapter of the chapter before it
    #: (a SUMMARY.md entry nested one list deeper), 3 below that...
    depth: int = 1
    #: Level of the source heading that opened the chapter (1 for ``#``, 2 for ``##`` ...);
    #: 1 for a chapter that is a whole file or has no heading. Exporters decide page breaks by it.
    source_level: int = 1
    #: Where the title heading stands (None: no heading); warnings about the title's inlines point
    #: there. Not part of the tree JSON, nor of comparisons.
    title_pos: Pos | None = field(default=None, compare=False, metadata={"json": False})

    def title_at(self) -> Pos:
        """The position of the chapter's title: its heading's line, else the source file."""
        return self.title_pos or Pos(self.source)


@dataclass(frozen=True)
class Document:
    """A whole book: metadata and chapters in reading order."""

    meta: Meta
    chapters: tuple[Chapter, ...]


# --------------------------------------------------------------------------- unions

#: Every concrete inline node type. Dispatch on it with ``match`` and end with
#: ``case _: unhandled(node)``, so that the type checker names each type a new
#: node leaves unhandled.
InlineNode = (
    Text
    | Emphasis
    | Strong
    | Strikethrough
    | Superscript
    | Subscript
    | Code
    | Kbd
    | Link
    | Image
    | Math
    | Note
    | LineBreak
    | Span
    | CrossRef
    | Cite
    | RawInline
)
#: Every concrete block node type (list and definition items included), for exhaustive dispatch.
BlockNode = (
    Heading
    | Paragraph
    | ListItem
    | BulletList
    | OrderedList
    | DefinitionItem
    | DefinitionList
    | CodeBlock
    | BlockQuote
    | Table
    | Figure
    | Admonition
    | MathBlock
    | HorizontalRule
    | Div
    | RawBlock
)


def _check_unions() -> None:
    """The unions hold every node class, and only those: a new node type must be added to one."""
    inline, block = set(get_args(InlineNode)), set(get_args(BlockNode))
    for cls in NODE_TYPES.values():
        if (cls in inline) != issubclass(cls, Inline) or (cls in block) != issubclass(cls, Block):
            raise TypeError(f"node type {cls.__name__} is missing from InlineNode/BlockNode in tree.py")


_check_unions()


def unhandled(node: Never, where: str = "presswork") -> NoReturn:
    """The end of an exhaustive ``match`` over node types: the type checker proves it unreachable
    (``node`` must have been narrowed to nothing); at run time a node that is not in the unions
    (a foreign object) is a TypeError naming its type."""
    raise TypeError(f"{where} cannot render node type {type(node).__name__!r}")


def inline_node(node: Inline) -> InlineNode:
    """``node`` typed as the union of concrete inline types, for an exhaustive ``match``
    (every Inline subclass is in the union: checked when this module is imported)."""
    return cast("InlineNode", node)


def block_node(node: Block) -> BlockNode:
    """``node`` typed as the union of concrete block types, for an exhaustive ``match``."""
    return cast("BlockNode", node)


# --------------------------------------------------------------------------- plain text


def _same(tex: str) -> str:
    return tex


def plain_text(inlines: Iterable[Inline], *, notes: bool = False, math: Callable[[str], str] = _same) -> str:
    """The text of inlines without markup, for titles, alt texts, search and speaker notes.

    Footnotes are left out, or with ``notes`` added in parentheses where they are called;
    TeX is shown as written, or as ``math(tex)``. A line break is a space, an image its alt text.
    """
    out: list[str] = []
    for node in map(inline_node, inlines):
        match node:
            case Text(text) | Code(text) | Kbd(text):
                out.append(text)
            case Math(tex):
                out.append(math(tex))
            case LineBreak():
                out.append(" ")
            case Image():
                out.append(node.alt)
            case Note(blocks):
                if notes:
                    out.append(" (" + blocks_text(blocks, notes=notes, math=math) + ")")
            case RawInline():
                pass
            case (
                Emphasis(kids)
                | Strong(kids)
                | Strikethrough(kids)
                | Superscript(kids)
                | Subscript(kids)
                | Link(kids)
                | Span(_, kids)
                | CrossRef(_, kids)
                | Cite(_, _, kids, _)
            ):
                out.append(plain_text(kids, notes=notes, math=math))
            case _:
                unhandled(node, "plain_text")
    return "".join(out)


def blocks_text(blocks: Iterable[Block], *, notes: bool = False, math: Callable[[str], str] = _same) -> str:
    """The plain text of blocks, one line per paragraph-like block (list items marked "•" or "3.",
    table cells joined by " | "); ``notes`` and ``math`` as for :func:`plain_text`."""

    def text(inlines: Inlines) -> str:
        return plain_text(inlines, notes=notes, math=math)

    def sub(inner: Blocks) -> str:
        return blocks_text(inner, notes=notes, math=math)

    lines: list[str] = []
    for b in map(block_node, blocks):
        match b:
            case Paragraph(kids) | Heading(_, kids):
                lines.append(text(kids))
            case BulletList(items):
                lines.extend("• " + sub(it.blocks).replace("\n", " ") for it in items)
            case OrderedList(items, start):
                lines.extend(f"{start + i}. " + sub(it.blocks).replace("\n", " ") for i, it in enumerate(items))
            case ListItem(inner) | BlockQuote(inner) | Div(_, inner):
                lines.append(sub(inner))
            case CodeBlock(code):
                lines.append(code)
            case MathBlock(tex):
                lines.append(tex)
            case Table():
                lines.extend(" | ".join(text(c) for c in row) for row in (*b.head, *b.body))
                lines.append(text(b.caption))
            case Figure():
                lines.append(text(b.caption) or b.image.alt)
            case DefinitionList(items):
                lines.extend(text(it.term) + ": " + " ".join(sub(d) for d in it.definitions) for it in items)
            case DefinitionItem(term, definitions):
                lines.append(text(term) + ": " + " ".join(sub(d) for d in definitions))
            case Admonition(_, title, inner):
                lines.append(text(title) + ": " + sub(inner))
            case HorizontalRule() | RawBlock():
                pass
            case _:
                unhandled(b, "blocks_text")
    return "\n".join(x for x in lines if x)


# --------------------------------------------------------------------------- JSON


def _encode(value: Any) -> Any:
    if isinstance(value, Node) and dataclasses.is_dataclass(value):
        body = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "pos"}
        out: dict[str, Any] = {"t": value.tag, **body}
        pos = getattr(value, "pos", None)
        if pos is not None:
            out["pos"] = [pos.file, pos.line, pos.cell] if pos.cell else [pos.file, pos.line]
        return out
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            "t": type(value).__name__,
            **{
                f.name: _encode(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.metadata.get("json", True)
            },
        }
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


_PLAIN_TYPES: dict[str, type] = {c.__name__: c for c in (Attr, Author, Meta, Chapter, Document)}


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict) and "t" in value:
        cls = NODE_TYPES.get(value["t"]) or _PLAIN_TYPES.get(value["t"])
        if cls is None:
            raise ValueError(f"unknown node type {value['t']!r} in tree JSON")
        kwargs = {k: _decode(v) for k, v in value.items() if k not in ("t", "pos")}
        if cls is Attr:
            kwargs["kv"] = tuple(tuple(p) for p in kwargs.get("kv", ()))
        if "pos" in value:
            kwargs["pos"] = Pos(*value["pos"][:3])
        return cls(**kwargs)
    return value


def to_json(doc: Document, indent: int | None = 2) -> str:
    """Serialise a document as JSON: ``{"presswork-tree": FORMAT_VERSION, "document": {...}}``."""
    return json.dumps({"presswork-tree": FORMAT_VERSION, "document": _encode(doc)}, indent=indent, ensure_ascii=False)


def from_json(text: str) -> Document:
    """Read a document back from :func:`to_json` output."""
    data = json.loads(text)
    version = str(data.get("presswork-tree", ""))
    if version.split(".")[0] != FORMAT_VERSION.split(".")[0]:
        raise ValueError(f"tree JSON format {version!r} is not supported (expected {FORMAT_VERSION})")
    doc = _decode(data["document"])
    if not isinstance(doc, Document):
        raise ValueError("tree JSON does not hold a Document")
    return doc
