"""Tests of the shared XHTML renderer (presswork.exporters.common.html)."""

from __future__ import annotations

import pytest
from lxml import etree

from presswork.core.diagnostics import Reporter
from presswork.core.tree import (
    Attr,
    Chapter,
    CodeBlock,
    Div,
    Heading,
    Image,
    Math,
    MathBlock,
    Note,
    Paragraph,
    Pos,
    RawBlock,
    RawInline,
    Span,
    Strong,
    Text,
)
from presswork.exporters.common.highlight import highlight_html, wrap_points
from presswork.exporters.common.html import HtmlRenderer
from tests.support.trees import feature_document

XHTML = "http://www.w3.org/1999/xhtml"
NS = {
    "h": XHTML,
    "epub": "http://www.idpf.org/2007/ops",
    "m": "http://www.w3.org/1998/Math/MathML",
    "svg": "http://www.w3.org/2000/svg",
}


def parse(fragment: str) -> etree._Element:
    """Parse an XHTML fragment as XML (raises on anything not well-formed)."""
    doc = f'<html xmlns="{XHTML}" xmlns:epub="{NS["epub"]}"><body>{fragment}</body></html>'
    return etree.fromstring(doc.encode("utf-8"))


def render_book(target: str, **kw: object) -> tuple[list[etree._Element], Reporter]:
    reporter = Reporter()
    out = []
    for ch in feature_document().chapters:
        renderer = HtmlRenderer(target=target, reporter=reporter, **kw)  # type: ignore[arg-type]
        out.append(parse(renderer.chapter(ch)))
    return out, reporter


@pytest.mark.parametrize("target", ["print", "epub"])
def test_feature_document_is_well_formed_and_complete(target: str) -> None:
    roots, reporter = render_book(target)
    assert reporter.warnings == []
    ch1, ch2 = roots
    assert ch1.find(".//h:section", NS).get("id") == "getting-started"
    assert ch1.xpath("string(.//h:h1)", namespaces=NS).split() == ["1", "Getting", "Started"]
    assert ch1.find(".//h:h2", NS).get("id") == "installing"
    assert ch1.find(".//h:ol", NS).get("start") == "3"
    assert ch1.xpath("string(.//h:pre[@class='code'])", namespaces=NS).startswith("def greet(name: str) -> str:")
    assert ch1.find(".//h:pre//h:span[@class='hl-k']", NS) is not None
    # task list glyphs, not form controls
    tasks = ch1.xpath(".//h:li[contains(@class,'task')]", namespaces=NS)
    assert [t.xpath("string(.//h:span[@class='task-box'])", namespaces=NS) for t in tasks] == ["\u2611", "\u2610"]
    assert ch1.find(".//h:input", NS) is None
    warning = ch1.find(".//h:aside[@class='admonition warning']", NS)
    assert warning.get("role") == "note" and "Mind the gap" in warning.xpath("string(.)")
    captions = [c.xpath("string(.)") for c in ch1.iterfind(".//h:figcaption", NS)]
    assert captions == ["Figure 1.1 Monthly builds", "Figure 1.2 The pipeline"]
    assert ch1.find(".//h:figcaption/h:span[@class='label']", NS).text == "Figure 1.1"
    # table: caption with label, thead, alignment per column
    table = ch2.find(".//h:table", NS)
    assert table.xpath("string(h:caption)", namespaces=NS) == "Table 2.1 Build options"
    heads = table.findall("h:thead/h:tr/h:th", NS)
    assert [h.get("style") for h in heads] == ["text-align: left", "text-align: center", "text-align: right"]
    assert len(table.findall("h:tbody/h:tr", NS)) == 6
    assert ch2.find(".//h:mark", NS).text == "highlighted"
    assert "Speaker notes only." not in etree.tostring(ch2, encoding="unicode")
    assert "Generic div content." in etree.tostring(ch2, encoding="unicode")
    assert ch2.find(".//h:figure/h:figcaption", NS).xpath("string(.)") == "A photo"


def test_print_uses_svg_math_and_inline_footnotes() -> None:
    (ch1, _), _ = render_book("print")
    assert ch1.find(".//h:span[@class='math inline']/svg:svg", NS) is not None
    assert ch1.find(".//h:div[@class='math display']/svg:svg", NS) is not None
    assert ch1.find(".//m:math", NS) is None
    note = ch1.find(".//h:p/h:span[@class='footnote']", NS)
    assert "A footnote with a link." == note.xpath("string(.)")
    assert ch1.find(".//h:aside[@role='doc-footnote']", NS) is None


def test_epub_uses_mathml_and_noteref_aside_pairs() -> None:
    (ch1, _), _ = render_book("epub")
    assert ch1.find(".//svg:svg", NS) is None
    maths = ch1.findall(".//m:math", NS)
    assert [m.get("display") for m in maths] == ["inline", "block"]
    ref = ch1.find(".//h:a[@role='doc-noteref']", NS)
    assert ref.get("{http://www.idpf.org/2007/ops}type") == "noteref"
    assert (ref.get("id"), ref.get("href"), ref.text) == ("fnref-getting-started-1", "#fn-getting-started-1", "1")
    aside = ch1.find(".//h:aside[@id='fn-getting-started-1']", NS)
    assert aside.get("{http://www.idpf.org/2007/ops}type") == "footnote" and aside.get("role") == "doc-footnote"
    back = aside.find(".//h:a[@role='doc-backlink']", NS)
    assert back.get("href") == "#fnref-getting-started-1"
    assert "A footnote with a link." in aside.xpath("string(.)")


def test_internal_links_go_through_link_href() -> None:
    reporter = Reporter()
    renderer = HtmlRenderer(
        target="epub",
        reporter=reporter,
        link_href=lambda url: f"ch.xhtml{url}",
        image_src=lambda img: f"media/{img.src}",
    )
    ch1 = parse(renderer.chapter(feature_document().chapters[0]))
    hrefs = [a.get("href") for a in ch1.iterfind(".//h:a", NS)]
    assert "ch.xhtml#reference" in hrefs and "https://presswork.example/docs" in hrefs
    assert "#fn-getting-started-1" in hrefs  # note refs stay in the chapter
    assert ch1.find(".//h:img", NS).get("src") == "media/images/chart.png"


def test_escaping_and_unsafe_input() -> None:
    reporter = Reporter()
    renderer = HtmlRenderer(target="print", reporter=reporter)
    ch = Chapter(
        "c<&>",
        (Text('<b>&amp;"x"</b>'),),
        "c.md",
        (
            Paragraph(
                (
                    Text("a < b && c > d \x01"),
                    Span(Attr(classes=('x" onclick="y',)), (Text("s"),)),
                    RawInline("html", "<script>alert(1)</script>"),
                ),
                pos=Pos("c.md", 3),
            ),
            RawBlock("html", "<iframe src=x>", pos=Pos("c.md", 5)),
            CodeBlock("if a < b & c:\n    pass", "no-such-language"),
        ),
    )
    html = renderer.chapter(ch)
    root = parse(html)
    assert root.xpath("string(.//h:h1)", namespaces=NS) == '<b>&amp;"x"</b>'
    assert root.xpath("string(.//h:p)", namespaces=NS).startswith("a < b && c > d s")
    assert "<script" not in html and "<iframe" not in html and "onclick=" not in html.replace("onclick=&quot;", "")
    assert root.xpath("string(.//h:pre)", namespaces=NS) == "if a < b & c:\n    pass"
    assert [(str(w.pos), w.message) for w in reporter.warnings] == [
        ("c.md:3", "raw HTML dropped"),
        ("c.md:5", "raw HTML dropped"),
    ]


def test_tex_error_warns_with_position_and_shows_source() -> None:
    for target in ("print", "epub"):
        reporter = Reporter()
        renderer = HtmlRenderer(target=target, reporter=reporter)  # type: ignore[arg-type]
        html = renderer.blocks(
            (Paragraph((Math(r"\frac{a}{"),), pos=Pos("m.md", 7)), MathBlock(r"x^{", pos=Pos("m.md", 9)))
        )
        root = parse(html)
        assert root.find(".//h:code[@class='math-error']", NS).text == r"\frac{a}{"
        assert root.find(".//h:pre[@class='math-error']", NS) is not None
        assert [str(w.pos) for w in reporter.warnings] == ["m.md:7", "m.md:9"]
        assert all(w.category == "math" for w in reporter.warnings)


def test_hidden_divs_headings_numbers_and_unknown_nodes() -> None:
    renderer = HtmlRenderer(target="print")
    html = renderer.blocks(
        (
            Div(Attr(classes=("only-slides",)), (Paragraph((Text("slide"),)),)),
            Div(Attr(classes=("no-slides",)), (Paragraph((Text("book"),)),)),
            Heading(3, (Text("Sub"),), Attr(id="sub"), number="2.3"),
        )
    )
    root = parse(html)
    assert "<p>slide</p>" not in html and root.find(".//h:div[@class='no-slides']", NS) is not None
    h3 = root.find(".//h:h3", NS)
    assert h3.get("id") == "sub" and h3.xpath("string(.)") == "2.3 Sub"

    class Strange:
        tag = "Strange"

    with pytest.raises(TypeError, match="cannot render node type 'Strange'"):
        renderer.render(Strange())


def test_subclass_overrides_one_node() -> None:
    class Loud(HtmlRenderer):
        def Text(self, node: Text) -> str:
            return super().Text(node).upper()

    assert Loud(target="print").inlines((Text("hi <x>"),)) == "HI &LT;X&GT;"


def test_link_footnotes_and_nested_notes() -> None:
    from presswork.core.tree import Link

    inner = Note((Paragraph((Text("inner"),)),))
    outer = Note((Paragraph((Text("outer"), inner)),))
    para = Paragraph((Link((Text("site"),), "https://a.example/x"), outer))
    printed = parse(HtmlRenderer(target="print", link_footnotes=True).blocks((para,)))
    assert printed.find(".//h:span[@class='footnote url-note']", NS).text == "https://a.example/x"
    epub = parse(HtmlRenderer(target="epub", chapter_id="c").chapter(Chapter("c", (Text("C"),), "c.md", (para,))))
    assert [a.get("id") for a in epub.iterfind(".//h:aside", NS)] == ["fn-c-1", "fn-c-2"]


def test_code_wrap_marks_continuation_lines() -> None:
    code = "x = " + "word " * 30
    html = highlight_html(code, "python", wrap=40)
    text = etree.fromstring(f"<pre>{html}</pre>").xpath("string(.)")
    lines = text.split("\n")
    assert len(lines) == 5 and all(len(line) <= 40 for line in lines)
    assert all(line.startswith("\u21aa ") for line in lines[1:])
    assert text.replace("\n\u21aa ", "") == code
    assert wrap_points("short", 40) == [] and wrap_points("z" * 100, 40) == [40, 78]


def _details() -> Div:
    summary = Paragraph((Span(Attr(classes=("summary",)), (Text("More "), Strong((Text("tools"),)))),))
    return Div(Attr(classes=("details",)), (summary, Paragraph((Text("Hidden body."),))))


def test_details_is_a_disclosure_in_the_epub_and_expanded_in_print() -> None:
    epub = HtmlRenderer(target="epub").render(_details())
    assert epub.startswith('<details class="details">\n<summary>More <strong>tools</strong></summary>')
    assert "<p>Hidden body.</p>" in epub and "summary" not in epub.split("</summary>")[1]
    printed = HtmlRenderer(target="print").render(_details())
    assert '<p class="details-summary">More <strong>tools</strong></p>' in printed
    assert "<p>Hidden body.</p>" in printed and "<details" not in printed


@pytest.mark.parametrize(
    "kv, style",
    [
        ((("width", "70%"),), "width: 70%; height: auto; max-width: 100%"),
        ((("width", "320"), ("height", "200px")), "width: 320px; height: 200px; max-width: 100%"),
        ((("width", "huge"),), None),
        ((), None),
    ],
)
def test_author_image_sizes_become_css(kv: tuple[tuple[str, str], ...], style: str | None) -> None:
    html = HtmlRenderer(target="print").render(Image("x.png", "X", attr=Attr(kv=kv)))
    if style is None:
        assert "style=" not in html
    else:
        assert f'style="{style}"' in html
