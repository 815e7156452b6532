"""What each MyST directive becomes: admonitions, figures, code, math, tables, glossaries, asides..."""

from __future__ import annotations

import re

from presswork.core.tree import (
    Admonition,
    Attr,
    Block,
    BlockQuote,
    Blocks,
    CodeBlock,
    DefinitionItem,
    DefinitionList,
    Div,
    Figure,
    Image,
    Inline,
    Inlines,
    LineBreak,
    Link,
    MathBlock,
    Paragraph,
    Pos,
    Span,
    Strong,
    Text,
)
from presswork.reading.attrs import ADMONITION_KINDS
from presswork.reading.html import html_root
from presswork.reading.myst.directives import Directive
from presswork.reading.myst.tables import MystTables
from presswork.reading.sanitize import is_unsafe_url
from presswork.reading.shapes import details

__all__ = ["ANCHOR", "EMBED", "MystShapes"]

#: A source that names a labelled block (``#label``, ``xref:book#label``) rather than a picture: mystmd embeds it.
EMBED = re.compile(r"^(?:#|(?!https?:|data:)[a-z][a-z0-9+.-]*:(?!//))", re.I)

#: The class of the empty Div a ``(label)=`` target leaves where nothing can take its label.
ANCHOR = "myst-target"

#: Admonition directives and the title each shows.
ADMONITIONS = {
    "note": "Note",
    "warning": "Warning",
    "tip": "Tip",
    "important": "Important",
    "caution": "Caution",
    "seealso": "See also",
    "hint": "Hint",
    "danger": "Danger",
    "attention": "Attention",
    "error": "Error",
}
_VERSIONS = {
    "versionadded": "New in version",
    "versionchanged": "Changed in version",
    "deprecated": "Deprecated since version",
}
_CODE = frozenset({"code-block", "code", "sourcecode", "code-cell"})
_QUOTES = frozenset({"epigraph", "pull-quote", "highlights", "blockquote"})
_ASIDES = frozenset({"margin", "sidebar", "aside", "topic"})
_TITLED_DIVS = frozenset({"tab-item", "card", "grid-item-card", "tab"})
_DIVS = frozenset({"tab-set", "grid", "grid-item", "card-carousel", "div", "container", "only", "cssclass", "centered"})
#: Directives that only ask for something presswork makes itself (a table of contents, the bibliography).
_GENERATED = frozenset({"contents", "tableofcontents", "bibliography", "toctree", "toc"})
#: sphinx-proof (``prf:``) and mystmd (``proof:``) statements, and sphinx-exercise's exercises: titled call-outs.
_STATEMENTS = frozenset(
    "theorem lemma definition remark conjecture corollary algorithm example property observation proposition "
    "assumption axiom criterion notation".split()
)
#: Pygments has no ``ipython3`` lexer without IPython installed: notebook cells are Python.
_LANGUAGES = {"ipython3": "python", "ipython": "python", "ipython2": "python", "python3": "python"}
_CARD_RULE = re.compile(r"^\s*\^{3,}\s*$", re.M)


class MystShapes(MystTables):
    """Directive -> node, mixed into the converter (which gives ``parse_body``, ``parse_inlines`` and ``warn``)."""

    path: str
    toctrees: list[Directive]

    def shape(self, d: Directive, pos: Pos) -> Block | None:
        """The node directive ``d`` stands for (None when it leaves nothing in the text)."""
        name = d.name.lower()
        if name in ADMONITIONS:
            text = f"{d.argument}\n{d.body}" if d.argument else d.body
            blocks = self.parse_body(text, d.body_line - 1 if d.argument else d.body_line)
            return Admonition(name, (Text(ADMONITIONS[name]),), blocks, pos=pos)
        if name == "admonition":
            kind = next((c for c in d.options.get("class", "").split() if c in ADMONITION_KINDS), "note")
            title = self.parse_inlines(d.argument) or (Text(kind.capitalize()),)
            return Admonition(kind, title, self.body(d), pos=pos)
        if name == "dropdown":
            return details(self.parse_inlines(d.argument), self.body(d), pos)
        if name.partition(":")[0] in ("prf", "proof") or name in ("proof", "exercise", "solution"):
            return self.statement(d, pos)
        if name == "iframe":
            url = d.argument.strip()  # the page is not embedded: a link to it
            shown: Blocks = () if is_unsafe_url(url) else (Paragraph((Link((Text(url),), url),), pos=pos),)
            return Div(Attr(classes=("iframe",)), shown + self.body(d), pos=pos)
        if name in _VERSIONS:
            version, _, rest = d.argument.partition(" ")
            text = f"{rest}\n{d.body}" if rest else d.body
            title = (Text(f"{_VERSIONS[name]} {version}".strip()),)
            return Admonition("note", title, self.parse_body(text, d.body_line - 1 if rest else d.body_line), pos=pos)
        if name in ("figure", "image"):
            return self.figure(d, pos)
        if name == "figure-md":
            return self.markdown_figure(d, pos)
        if name == "line-block":
            lines = [self.parse_inlines(x) for x in d.body.split("\n")]
            return Paragraph(
                tuple(x for i, line in enumerate(lines) for x in ((LineBreak(),) if i else ()) + line), pos=pos
            )
        if name in _CODE:
            return self.code(d, pos)
        if name == "mermaid":
            return CodeBlock(d.body, "mermaid", pos=pos)
        if name == "math":
            label = d.options.get("label") or d.options.get("name") or ""
            ident = label if not label or label.startswith("eq-") else f"eq-{label}"
            math = MathBlock(d.body.strip(), Attr(ident), pos=pos)
            if ident == label:
                return math
            # numbered as eq-label ({eq}), and an anchor with the label as written ({ref}, {numref}, [](#label))
            return Div(Attr(), (Div(Attr(label, (ANCHOR,)), (), pos=pos), math), pos=pos)
        if name == "table":
            return self.table_directive(d, pos)
        if name == "list-table":
            return self.list_table(d, pos)
        if name == "csv-table":
            return self.csv_table(d, pos)
        if name == "glossary":
            return self.glossary(d, pos)
        if name == "index":
            return self.index(d, pos)
        if name in _QUOTES:
            return BlockQuote(self.body(d), pos=pos)
        if name in _ASIDES:
            head = (Paragraph((Strong(self.parse_inlines(d.argument)),), pos=pos),) if d.argument else ()
            return Div(Attr(d.ident, ("aside", name)), head + self.body(d), pos=pos)
        if name in _TITLED_DIVS:
            title = self.parse_inlines(d.argument)
            url = d.options.get("link", "")
            if url and not is_unsafe_url(url):  # a card that links: its title is the link
                titled: Blocks = (Paragraph((Link(title or (Text(url),), url),), pos=pos),)
            else:
                titled = (Paragraph((Strong(title),), pos=pos),) if title else ()
            body = _CARD_RULE.sub("", d.body)
            return Div(Attr(classes=(name,)), titled + self.parse_body(body, d.body_line), pos=pos)
        if name in _DIVS:
            extra = tuple(d.argument.split()) if name in ("div", "container") else ()  # {div} its-classes
            return Div(Attr(classes=(name, *extra)), self.body(d), pos=pos)
        if name == "toctree":
            self.toctrees.append(d)
            return None
        if name in _GENERATED:
            return None
        if name in ("button-ref", "button-link"):
            target = d.argument.strip()
            label_text = self.parse_inlines(" ".join(d.body.split())) or (Text(target),)
            if name == "button-ref":
                doc = d.options.get("ref-type") == "doc"
                target = (target if "." in target.rsplit("/", 1)[-1] else f"{target}.md") if doc else f"#{target}"
            return Paragraph((Link(label_text, target),), pos=pos)
        if name == "rubric":
            return Paragraph((Strong(self.parse_inlines(d.argument)),), pos=pos)
        if name in ("include", "literalinclude"):
            self.warn(
                f"MyST {name} of {d.argument!r} is not expanded here: its path is kept as text", pos.line, "include"
            )
            return Paragraph((Text(d.argument),), pos=pos)
        if name == "raw" and d.argument.strip().lower() == "html":
            return self.raw_html(d, pos)
        if name in ("eval-rst", "raw"):
            what = "reStructuredText" if name == "eval-rst" else f"raw {d.argument or 'text'}"
            self.warn(f"MyST {{{name}}} block: its {what} is kept as written, not rendered", pos.line, "markdown")
            return CodeBlock(d.body, "rst" if name == "eval-rst" else "", pos=pos)
        return self.unknown(d, pos)

    def statement(self, d: Directive, pos: Pos) -> Block:
        """A theorem, proof, exercise or solution: a call-out titled with its kind and its argument."""
        kind = d.name.lower().partition(":")[2] or d.name.lower()
        if kind not in _STATEMENTS and kind not in ("proof", "exercise", "solution"):
            kind = "proof"
        title: Inlines = (Text(kind.capitalize()),)
        if d.argument and kind != "solution":
            title += (Text(" ("),) + self.parse_inlines(d.argument) + (Text(")"),)
        elif d.argument:
            title += (Text(" to "),) + self.parse_inlines(d.argument)
        return Admonition("note", title, self.body(d), pos=pos)

    def unknown(self, d: Directive, pos: Pos) -> Block:
        """A directive presswork does not know: its argument and body kept as text, with one warning."""
        self.warn(f"unknown MyST directive {{{d.name}}}: its text is kept, not its meaning", pos.line, "markdown")
        head = (Paragraph(self.parse_inlines(d.argument), pos=pos),) if d.argument else ()
        options = tuple(
            Paragraph((Text(f"{key}: {value}"),), pos=pos) for key, value in d.options.items() if value.strip()
        )
        return Div(Attr(classes=("myst-" + d.name.replace(":", "-"),)), head + options + self.body(d), pos=pos)

    def figure(self, d: Directive, pos: Pos) -> Block:
        """``{figure}`` (its first paragraph is the caption, the rest a legend) or ``{image}``."""
        src = d.argument.strip()
        alt = d.options.get("alt", "")
        if not src:  # mystmd's subfigures: the images are in the body, the caption is its last paragraph
            blocks = self.body(d)
            return Div(Attr(d.ident, ("figure-legend",)), blocks, pos=pos)
        if EMBED.match(src):  # mystmd: a figure of a labelled block (a notebook's output), not of a file
            self.warn(f"MyST figure of {src} is shown as a link to its target, with its caption", pos.line, "markdown")
            link = Paragraph((Link((Text(alt or src.lstrip("#")),), src),), pos=pos)
            return Div(Attr(d.ident, ("figure-legend",)), (link, *self.body(d)), pos=pos)
        if is_unsafe_url(src):
            self.warn(f"removed unsafe URL '{src[:40]}' from a figure", pos.line)
            return Paragraph((Text(alt),), pos=pos) if alt else Div(Attr(), (), pos=pos)
        kv = tuple((k, d.options[k]) for k in ("width", "height") if d.options.get(k))
        classes = tuple(d.options.get("class", "").split())
        image = Image(src, alt, "", Attr(d.ident, classes, kv))
        blocks = self.body(d) if d.name.lower() == "figure" else ()
        caption: Inlines = ()
        if blocks and isinstance(blocks[0], Paragraph):
            caption, blocks = blocks[0].children, blocks[1:]
        figure = Figure(image, caption, pos=pos)
        if not blocks:
            return figure
        return Div(Attr(classes=("figure-legend",)), (figure, *blocks), pos=pos)

    def markdown_figure(self, d: Directive, pos: Pos) -> Block:
        """``{figure-md}``: a Markdown image, then its caption."""
        blocks = list(self.body(d))
        first = blocks[0] if blocks else None
        if isinstance(first, Figure):
            caption: Inlines = first.caption
            second = blocks[1] if len(blocks) > 1 else None
            if isinstance(second, Paragraph):
                caption = second.children
                del blocks[1]
            image = first.image
            name = d.ident or d.argument.strip()
            if name and not image.attr.id:
                image = Image(image.src, image.alt, image.title, Attr(name, image.attr.classes, image.attr.kv))
            blocks[0] = Figure(image, caption, first.attr, pos=pos)
        return blocks[0] if len(blocks) == 1 else Div(Attr(classes=("figure-legend",)), tuple(blocks), pos=pos)

    def code(self, d: Directive, pos: Pos) -> Block:
        """``{code-block}``/``{code-cell}``: the language, a caption and a name; line numbers and emphasis are
        presentation presswork leaves to its theme."""
        language = d.argument.split()[0] if d.argument.strip() else ""
        language = _LANGUAGES.get(language.lower(), language)
        kv = tuple((key, d.options[key]) for key in ("caption", "filename") if d.options.get(key))
        return CodeBlock(d.body, language, Attr(d.ident, (), kv), pos=pos)

    def glossary(self, d: Directive, pos: Pos) -> Block:
        """Sphinx's ``{glossary}``: terms on their own lines, each definition indented below."""
        items: list[DefinitionItem] = []
        terms: list[tuple[str, int]] = []
        definition: list[str] = []
        start = 0

        def close() -> None:
            if terms:
                text = "\n".join(line[_indent(definition) :] for line in definition)
                term: Inlines = ()
                for i, (t, _) in enumerate(terms):
                    term += ((Text(", "),) if i else ()) + self.parse_inlines(t)
                items.append(DefinitionItem(term, (self.parse_body(text, start),), pos=Pos(self.path, terms[0][1])))

        for offset, line in enumerate(d.body.split("\n")):
            number = d.body_line + offset
            if line.strip() and not line[:1].isspace():
                if definition and any(x.strip() for x in definition):
                    close()
                    terms, definition = [], []
                terms.append((line.strip(), number))
                start = number + 1
            elif terms:
                definition.append(line)
        close()
        return DefinitionList(tuple(items), pos=pos)

    def index(self, d: Directive, pos: Pos) -> Block:
        """``{index}``: index entries (``single: term; sub``, ``pair: a; b``, ``see: a; b`` or ``a, b``) as marks."""
        marks: list[Inline] = []
        for line in [d.argument, *d.body.split("\n")]:
            kind, colon, entries = line.partition(":")
            if not colon or " " in kind.strip():
                kind, entries = "single", line
            kind = kind.strip().lower()
            if kind == "single" and not colon:
                parts = [[e.strip()] for e in entries.split(",") if e.strip()]
            else:
                parts = [[p.strip() for p in entries.split(";") if p.strip()]]
            for part in parts:
                if not part:
                    continue
                kv: tuple[tuple[str, str], ...] = (("term", part[0].lstrip("!")),)
                if kind in ("see", "seealso") and len(part) > 1:
                    kv += ((kind, part[1]),)
                elif len(part) > 1:
                    kv += (("sub", part[1]),)
                marks.append(Span(Attr(classes=("idx",), kv=kv), ()))
        return Div(Attr(classes=("index-marks",)), (Paragraph(tuple(marks), pos=pos),) if marks else (), pos=pos)

    def raw_html(self, d: Directive, pos: Pos) -> Block:
        """``{raw} html``: read as the HTML presswork reads elsewhere (sanitised, unknown elements unwrapped)."""
        builder = self.html  # type: ignore[attr-defined]
        return Div(Attr(), builder.blocks(html_root(d.body)), pos=pos)


def _indent(lines: list[str]) -> int:
    return min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
