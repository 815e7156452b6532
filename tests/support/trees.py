"""Hand-built document trees for exporter tests (exporters are tested from trees, not Markdown)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

from presswork.core.tree import (
    Admonition,
    Attr,
    Author,
    Block,
    BlockQuote,
    BulletList,
    Chapter,
    Cite,
    Code,
    CodeBlock,
    CrossRef,
    DefinitionItem,
    DefinitionList,
    Div,
    Document,
    Emphasis,
    Figure,
    Heading,
    HorizontalRule,
    Image,
    Kbd,
    LineBreak,
    Link,
    ListItem,
    Math,
    MathBlock,
    Meta,
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
)

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">
<rect x="10" y="10" width="380" height="180" rx="16" fill="#dbe7f3" stroke="#1f4e79" stroke-width="4"/>
<text x="200" y="110" font-family="sans-serif" font-size="36" text-anchor="middle" fill="#1f4e79">pipeline</text>
</svg>
"""


def write_images(folder: Path) -> None:
    """Write the images the feature document refers to (images/chart.png, images/diagram.svg, images/photo.jpg)."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    images = folder / "images"
    images.mkdir(parents=True, exist_ok=True)
    img = PILImage.new("RGB", (800, 400), "white")
    draw = ImageDraw.Draw(img)
    for i, h in enumerate((120, 260, 200, 330, 90)):
        draw.rectangle((60 + i * 140, 380 - h, 160 + i * 140, 380), fill=(31, 78, 121))
    img.save(images / "chart.png")
    PILImage.new("RGB", (600, 900), (200, 120, 60)).save(images / "photo.jpg", quality=85)
    (images / "diagram.svg").write_text(SVG, encoding="utf-8")


def P(*parts: object) -> Paragraph:
    """A paragraph from strings and inline nodes."""
    return Paragraph(tuple(Text(p) if isinstance(p, str) else p for p in parts), pos=Pos("ch1.md", 1))


def item(*parts: object, checked: bool | None = None, sub: tuple = ()) -> ListItem:
    return ListItem((P(*parts), *sub), checked=checked)


def feature_document() -> Document:
    """A two-chapter book using every node type once or more; images as written by :func:`write_images`."""
    ch1 = Chapter(
        id="getting-started",
        title=(Text("Getting Started"),),
        source="01-start.md",
        number="1",
        blocks=(
            P(
                "Welcome to the ",
                Emphasis((Text("feature"),)),
                " book with ",
                Strong((Text("strong"),)),
                " text, ",
                Strikethrough((Text("deleted"),)),
                " words, ",
                Code("inline_code()"),
                ", H",
                Subscript((Text("2"),)),
                "O and E = mc",
                Superscript((Text("2"),)),
                ". Press ",
                Kbd("Ctrl+C"),
                " to stop.",
                Note((P("A footnote with ", Link((Text("a link"),), "https://example.com/"), "."),)),
                " Inline math ",
                Math(r"\frac{a}{b} + \sqrt{x^2}"),
                " sits in the line.",
            ),
            Heading(2, (Text("Installing"),), Attr(id="installing")),
            P(
                "See ",
                Link((Text("the reference chapter"),), "#reference"),
                " and ",
                Link((Text("options"),), "#options"),
                " or the ",
                Link((Text("website"),), "https://presswork.example/docs"),
                ".",
                LineBreak(),
                "After a line break.",
            ),
            OrderedList(
                (
                    item("Download the package"),
                    item("Install it", sub=(BulletList((item("on Linux"), item("on macOS"))),)),
                    item("Run it"),
                ),
                start=3,
            ),
            BulletList((item("done task", checked=True), item("open task", checked=False))),
            CodeBlock(
                'def greet(name: str) -> str:\n    """Say hello."""\n    return f"Hello, {name}!"\n\nprint(greet("world"))',
                "python",
            ),
            Admonition("warning", (Text("Mind the gap"),), (P("Admonition body text."),)),
            Admonition("tip", (Text("Tip"),), (P("A helpful tip."),)),
            BlockQuote((P("A quotation."), BlockQuote((P("A nested quotation."),)))),
            Figure(
                Image("images/chart.png", "Bar chart of monthly builds"), (Text("Monthly builds"),), label="Figure 1.1"
            ),
            Figure(Image("images/diagram.svg", "Pipeline diagram"), (Text("The pipeline"),), label="Figure 1.2"),
            HorizontalRule(),
            MathBlock(r"E = mc^2 \quad \sum_{i=1}^{n} i = \frac{n(n+1)}{2}"),
        ),
    )
    ch2 = Chapter(
        id="reference",
        title=(Text("Reference"),),
        source="02-reference.md",
        number="2",
        blocks=(
            P("Back to ", Link((Text("installing"),), "#installing"), "."),
            Heading(2, (Text("Options"),), Attr(id="options")),
            Table(
                (Text("Build options"),),
                ("left", "center", "right"),
                head=(((Text("Option"),), (Text("Kind"),), (Text("Default"),)),),
                body=tuple((((Code(f"opt_{i}"),), (Text("flag"),), (Text(str(i * 10)),))) for i in range(6)),
                label="Table 2.1",
            ),
            DefinitionList(
                (
                    DefinitionItem((Text("Exporter"),), ((P("A plug-in that writes one format."),),)),
                    DefinitionItem((Text("Theme"),), ((P("Templates and styles."),), (P("Second definition."),))),
                )
            ),
            Heading(3, (Text("Languages"),), Attr(id="languages")),
            P("Déjà vu, Ελληνικά, Русский, 日本語のテキスト, العربية."),
            Div(Attr(classes=("notes",)), (P("Speaker notes only."),)),
            Div(Attr(classes=("aside",)), (P("Generic div content."),)),
            P(Span(Attr(classes=("mark",)), (Text("highlighted"),)), " and a photo:"),
            Figure(Image("images/photo.jpg", "Orange photo"), (Text("A photo"),)),
        ),
    )
    meta = Meta(
        title="The Feature Book",
        subtitle="Every node once",
        authors=(Author("Ada Writer"), Author("Ed Itor", "edt")),
        language="en",
        publisher="presswork tests",
        rights="CC BY 4.0",
        date="2025-03-04",
        modified="2025-03-05",
        description="A book that uses every feature.",
        subjects=("testing", "publishing"),
    )
    return Document(meta, (ch1, ch2))


def make_context(root: Path, exporter_cls: type, theme: str = "default", **options: object):
    """A BuildContext for exporting a hand-built tree from project folder ``root`` (images written there)."""
    import dataclasses
    from datetime import datetime

    from presswork.core.config import Config
    from presswork.core.diagnostics import Reporter
    from presswork.exporters.base import BuildContext
    from presswork.project.assets import AssetGate
    from presswork.project.theme import load_theme

    root.mkdir(parents=True, exist_ok=True)
    config = dataclasses.replace(Config(), root=root)
    th = load_theme(theme, root)
    gate = AssetGate(root, th.dirs)
    return BuildContext(
        config=config,
        theme=th,
        gate=gate,
        reporter=Reporter(),
        build_time=datetime(2025, 3, 4, 12, 0, tzinfo=UTC),
        reproducible=True,
        options=exporter_cls.Options(**options),
    )


# --------------------------------------------------------------------------- every node type


def _p(word: str) -> Paragraph:
    return Paragraph((Text(word),))


#: One sample per node type of presswork.core.tree, each carrying a marker word ("node" + the type's
#: name, lower-cased) that a renderer must show. A type added to tree.py without a sample here
#: fails tests/exporters/test_every_node.py until it is handled by every exporter.
NODE_SAMPLES: dict[str, Any] = {
    "Text": lambda: Text("nodetext"),
    "Emphasis": lambda: Emphasis((Text("nodeemphasis"),)),
    "Strong": lambda: Strong((Text("nodestrong"),)),
    "Strikethrough": lambda: Strikethrough((Text("nodestrikethrough"),)),
    "Superscript": lambda: Superscript((Text("nodesuperscript"),)),
    "Subscript": lambda: Subscript((Text("nodesubscript"),)),
    "Code": lambda: Code("nodecode"),
    "Kbd": lambda: Kbd("nodekbd"),
    "Link": lambda: Link((Text("nodelink"),), "https://example.com/"),
    "Image": lambda: Image("images/chart.png", "nodeimage"),
    "Math": lambda: Math("nodemath"),
    "Note": lambda: Note((_p("nodenote"),)),
    "LineBreak": lambda: LineBreak(),
    "Span": lambda: Span(Attr(classes=("mark",)), (Text("nodespan"),)),
    "CrossRef": lambda: CrossRef("fig-x", (Text("nodecrossref"),)),
    "Cite": lambda: Cite("[@x]", ("x",), (Text("nodecite"),), ("Doe, J. (2020). Book.",)),
    "RawInline": lambda: RawInline("html", "<u>noderawinline</u>"),
    "Heading": lambda: Heading(2, (Text("nodeheading"),), Attr(id="nodeheading")),
    "Paragraph": lambda: _p("nodeparagraph"),
    "ListItem": lambda: ListItem((_p("nodelistitem"),)),
    "BulletList": lambda: BulletList((ListItem((_p("nodebulletlist"),)),)),
    "OrderedList": lambda: OrderedList((ListItem((_p("nodeorderedlist"),)),), start=2),
    "DefinitionItem": lambda: DefinitionItem((Text("nodedefinitionitem"),), ((_p("definition"),),)),
    "DefinitionList": lambda: DefinitionList((DefinitionItem((Text("term"),), ((_p("nodedefinitionlist"),),)),)),
    "CodeBlock": lambda: CodeBlock("nodecodeblock = 1", "python"),
    "BlockQuote": lambda: BlockQuote((_p("nodeblockquote"),)),
    "Table": lambda: Table(
        (Text("caption"),), ("", ""), (((Text("nodetable"),), (Text("head"),)),), (((Text("cell"),), (Text("cell"),)),)
    ),
    "Figure": lambda: Figure(Image("images/chart.png", "chart"), (Text("nodefigure"),)),
    "Admonition": lambda: Admonition("note", (Text("nodeadmonition"),), (_p("body"),)),
    "MathBlock": lambda: MathBlock("nodemathblock"),
    "HorizontalRule": lambda: HorizontalRule(),
    "Div": lambda: Div(Attr(classes=("aside",)), (_p("nodediv"),)),
    "RawBlock": lambda: RawBlock("html", "<section>noderawblock</section>"),
}
#: Node types that show no words of their own (a line break, a rule) or that exporters drop with a
#: warning (raw HTML): the evidence of handling them is their structure or the warning.
WORDLESS = frozenset({"LineBreak", "HorizontalRule"})
DROPPED = frozenset({"RawInline", "RawBlock"})
#: Items that only exist inside their lists (they are rendered inside a BulletList / DefinitionList).
CONTAINED = {"ListItem": "BulletList", "DefinitionItem": "DefinitionList"}


def marker(name: str) -> str:
    """The word a sample of node type ``name`` shows."""
    return "node" + name.lower()


def sample_blocks(name: str) -> tuple[Block, ...]:
    """Blocks holding one sample of node type ``name`` (an inline inside a paragraph, with words
    either side; an item inside its list)."""
    node = NODE_SAMPLES[name]()
    if isinstance(node, Block):
        if name == "ListItem":
            return (BulletList((node,)),)
        if name == "DefinitionItem":
            return (DefinitionList((node,)),)
        return (node,)
    return (
        Paragraph(
            (Text("before "), node, Text(" after")),
        ),
    )


def every_node_document() -> Document:
    """A one-chapter book with a sample of every node type of presswork.core.tree, in NODE_TYPES order."""
    from presswork.core.tree import NODE_TYPES

    blocks = tuple(b for name in NODE_TYPES for b in sample_blocks(name))
    meta = Meta(title="Every Node", authors=(Author("Ada Writer"),), language="en", date="2025-03-04")
    return Document(meta, (Chapter("every-node", (Text("Every node"),), "every.md", blocks),))
