"""Every URL written into an output passes one scheme allow-list (http, https, mailto, links inside
the book), however the hostile URL is spelt.

The hostile book here is a tree, as a reader plug-in or a transform could hand it to the exporters:
links, ``\\href`` in math and SVG images carrying ``javascript:``, ``vbscript:``, ``data:text/html``,
mixed case, entity-encoded and whitespace-prefixed URLs. Each place a URL is written is checked on
its own, then every attribute of every output file (EPUB, site, PPTX relationships, PDF link
annotations) is read back with a checker written independently of the one under test.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Chapter, Document, Figure, Heading, Image, Link, Math, Meta, Paragraph, Text
from presswork.core.urls import is_allowed_url, url_scheme
from presswork.exporters.common.html import HtmlRenderer
from presswork.exporters.common.mathrender import MathError, tex_to_mathml
from presswork.exporters.epub import EpubExporter
from presswork.exporters.html import HtmlExporter
from presswork.exporters.html.slides import render_slides
from presswork.exporters.pdf import PdfExporter
from presswork.exporters.pptx import PptxExporter
from presswork.reading.sanitize import SvgError, clean_svg
from tests.support.trees import make_context

#: The same attack, spelt as a browser or reader would still run it.
HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(2)",
    " javascript:alert(3)",
    "\tjava\nscript:alert(4)",
    "\x01javascript:alert(5)",
    "\u200bjavascript:alert(6)",
    "&#106;avascript:alert(7)",
    "&#x6A;avascript:alert(8)",
    "javascript&colon;alert(9)",
    "vbscript:msgbox(10)",
    "VBScript:msgbox(11)",
    "data:text/html,<script>alert(12)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxMyk8L3NjcmlwdD4=",
    " DATA:text/html,x14",
    "file:///etc/passwd",
]
#: Links that stay links.
KEPT = ["https://example.org/ok", "http://example.org/ok", "mailto:someone@example.org"]

_IGNORED = re.compile("[\x00-\x20\x7f\u00ad\u200b-\u200d\u2060\ufeff]")
_XML_CHARS = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd]*")
_DANGEROUS = re.compile(r"(javascript|vbscript|livescript|mocha|data|file|jar):", re.I)


def dangerous(value: str) -> bool:
    """The test's own reading of a URL: dangerous when, decoded and with ignored characters removed,
    it starts with a scheme that runs code or smuggles a document (checked raw and decoded)."""
    return any(_DANGEROUS.match(_IGNORED.sub("", v)) for v in (value, html.unescape(value)))


# ---------------------------------------------------------------------------- the one function


@pytest.mark.parametrize("url", HOSTILE)
def test_the_allow_list_refuses_every_spelling(url: str) -> None:
    assert dangerous(url)
    assert not is_allowed_url(url) and url_scheme(url) not in ("http", "https", "mailto", "")


@pytest.mark.parametrize("url", [*KEPT, "#intro", "chapter.html#x", "images/a.png", "//example.org/x"])
def test_the_allow_list_keeps_links_and_internal_references(url: str) -> None:
    assert is_allowed_url(url)
    assert not is_allowed_url(url, internal=False) if not url_scheme(url) else is_allowed_url(url, internal=False)


# ---------------------------------------------------------------------------- each place, on its own


@pytest.mark.parametrize("target", ["print", "epub"])
@pytest.mark.parametrize("url", HOSTILE)
def test_html_renderer_links(target: str, url: str) -> None:
    reporter = Reporter()
    renderer = HtmlRenderer(target=target, reporter=reporter)  # type: ignore[arg-type]
    out = renderer.inlines((Link((Text("click"),), url),))
    assert "click" in out and "<a" not in out, out
    assert reporter.warnings, "a dropped link is reported"


@pytest.mark.parametrize("url", HOSTILE)
def test_mathml_href(url: str) -> None:
    try:
        out = tex_to_mathml(r"\href{" + url + "}{x}", False)
    except MathError:
        return  # refused: the renderer shows the TeX as code, with a warning
    root = etree.fromstring(out.encode())
    hrefs = [v for el in root.iter() for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "href"]
    assert not any(dangerous(h) for h in hrefs), out


def test_mathml_keeps_an_allowed_href() -> None:
    assert 'href="https://example.org/ok"' in tex_to_mathml(r"\href{https://example.org/ok}{x}", False)


@pytest.mark.parametrize("url", HOSTILE)
def test_svg_sanitiser(url: str) -> None:
    value = html.escape(url, quote=True)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        f'<a href="{value}"><rect width="5" height="5"/></a><a xlink:href="{value}"><circle r="2"/></a></svg>'
    )
    try:
        clean = clean_svg(svg.encode()).data
    except SvgError:
        assert not _XML_CHARS.fullmatch(url), "only an image XML cannot hold is refused whole"
        return
    root = etree.fromstring(clean)
    assert not any(dangerous(v) for el in root.iter() for v in el.attrib.values()), clean


def _deck_doc(url: str) -> Document:
    return Document(
        Meta(title="Links"),
        (
            Chapter(
                "links",
                (Text("Links"),),
                "links.md",
                (
                    Heading(2, (Text("A slide"),)),
                    Paragraph(
                        (Text("A "), Link((Text("bad link"),), url), Text(" and "), Link((Text("ok"),), KEPT[0]))
                    ),
                ),
            ),
        ),
    )


@pytest.mark.parametrize("url", HOSTILE)
def test_html_slide_view(tmp_path: Path, url: str) -> None:
    ctx = make_context(tmp_path, HtmlExporter)
    page = render_slides(_deck_doc(url), {}, ctx.gate, ctx.reporter)
    root = etree.fromstring(page.encode(), etree.HTMLParser())
    assert not any(dangerous(v) for el in root.iter() for v in el.attrib.values())
    assert f'href="{KEPT[0]}"' in page


# ---------------------------------------------------------------------------- every output, read back


def hostile_document() -> Document:
    """A book with every hostile URL as a link, in math and in an SVG image; plus allowed links."""
    inlines: list = [Text("Links: ")]
    for n, url in enumerate(HOSTILE):
        inlines += [Link((Text(f"bad{n}"),), url), Text(" "), Math(r"\href{" + url + "}{m}"), Text(" ")]
    for url in KEPT:
        inlines += [Link((Text("good"),), url), Text(" ")]
    return Document(
        Meta(title="Hostile URLs", language="en"),
        (
            Chapter(
                "urls",
                (Text("URLs"),),
                "urls.md",
                (
                    Paragraph(tuple(inlines)),
                    Heading(2, (Text("A slide with links"),), number=""),
                    Paragraph(tuple(inlines)),
                    Figure(Image("evil.svg", alt="an image"), (Text("caption"),)),
                ),
            ),
        ),
    )


def evil_svg() -> str:
    links = "".join(
        f'<a href="{html.escape(u, quote=True)}"><rect width="3" height="3"/></a>'
        for u in HOSTILE
        if _XML_CHARS.fullmatch(u)
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">{links}</svg>'


def attribute_urls(data: bytes, is_html: bool) -> list[str]:
    """Every attribute value of every element of an XML or HTML file."""
    parser = etree.HTMLParser() if is_html else etree.XMLParser(recover=True, resolve_entities=False)
    root = etree.fromstring(data, parser)
    if root is None:
        return []
    return [v for el in root.iter() if isinstance(el.tag, str) for v in el.attrib.values()]


def output_urls(path: Path) -> list[str]:
    """The URLs (and other attribute values) an output carries, each place read its own way."""
    found: list[str] = []
    if path.is_dir():  # the site
        for file in sorted(path.rglob("*")):
            if file.suffix in (".html", ".svg"):
                found += attribute_urls(file.read_bytes(), file.suffix == ".html")
    elif path.suffix == ".pdf":
        from pypdf import PdfReader

        for page in PdfReader(path).pages:
            for annot in page.get("/Annots") or []:
                action = annot.get_object().get("/A") or {}
                if "/URI" in action:
                    found.append(str(action["/URI"]))
    else:  # EPUB and PPTX: every XML member, relationship targets included
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith((".xhtml", ".html", ".xml", ".opf", ".ncx", ".rels", ".svg")):
                    found += attribute_urls(z.read(name), False)
    return found


EXPORTERS = {"epub": EpubExporter, "html": HtmlExporter, "pptx": PptxExporter, "pdf": PdfExporter}


@pytest.mark.parametrize("fmt", EXPORTERS)
def test_no_output_carries_a_hostile_url(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "evil.svg").write_text(evil_svg(), encoding="utf-8")
    cls = EXPORTERS[fmt]
    target = tmp_path / (f"book-{fmt}" if cls.folder else f"book.{fmt}")
    options = {"deck": "full"} if fmt == "pptx" else {}  # every link on a slide (a talk moves some to the notes)
    cls().export(hostile_document(), make_context(tmp_path, cls, **options), target)
    urls = output_urls(target)
    bad = sorted({u[:60] for u in urls if dangerous(u)})
    assert bad == [], f"{fmt}: {bad}"
    assert KEPT[0] in urls, f"{fmt}: the allowed link is kept"


def test_math_href_from_markdown_reaches_no_output(make_book, presswork) -> None:
    """The case as found: ``$\\href{javascript:alert(1)}{x}$`` gave ``<mrow href="javascript:...">``."""
    root = make_book(
        {
            "presswork.toml": 'title = "Math Links"\n',
            "01-one.md": "# One\n\nSee $\\href{javascript:alert(1)}{x}$ and $\\href{https://example.org/ok}{y}$.\n",
        }
    )
    result = presswork("build", root, "--format", "epub,html")
    assert result.status == 0, result.err
    assert "01-one.md:3: warning: cannot typeset TeX" in result.err and "not allowed" in result.err
    found = output_urls(root / "output" / "math-links.epub") + output_urls(root / "output" / "math-links-site")
    assert [u for u in found if dangerous(u)] == []
    assert KEPT[0] in found
