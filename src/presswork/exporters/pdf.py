"""The PDF exporter: theme templates + the shared XHTML renderer, laid out by WeasyPrint."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import mimetypes
import os
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..assets import AssetGate, media_type
from ..diagnostics import PressworkError, Reporter
from ..tree import Document, Heading, Image, Pos, plain_text
from ..walk import iter_nodes
from .base import BuildContext, Exporter
from .glyphs import css_font_families, missing_glyphs
from .highlight import pygments_css
from .html import HtmlRenderer

PageSize = Literal["A4", "Letter", "A5", "6x9in"]


@dataclass(frozen=True)
class PageGeometry:
    """A page size and the margins and type size that suit it (lengths in mm, sizes in pt)."""

    css_size: str
    width: float
    height: float
    top: float
    bottom: float
    inner: float
    outer: float
    body_pt: float

    @property
    def measure(self) -> float:
        """Width of the text block in mm."""
        return self.width - self.inner - self.outer

    @property
    def text_height(self) -> float:
        """Height of the text block in mm."""
        return self.height - self.top - self.bottom


#: Page geometries: a measure of roughly 65-80 characters and generous foot margins for folios.
PAGE_GEOMETRY: dict[str, PageGeometry] = {
    "A4": PageGeometry("A4", 210, 297, 25, 30, 27, 33, 11),
    "Letter": PageGeometry("letter", 215.9, 279.4, 24, 28, 27, 33, 11),
    "A5": PageGeometry("A5", 148, 210, 17, 22, 18, 16, 9.5),
    "6x9in": PageGeometry("6in 9in", 152.4, 228.6, 18, 22, 19, 16, 10),
}
#: Code is set at this fraction of the body size; DejaVu Sans Mono advances 0.602 em per character.
CODE_SCALE = 0.84
MONO_ADVANCE = 0.6021
#: Horizontal padding of a code block in em of the code size (matches ``pre.code`` in book.css).
CODE_PADDING_EM = 0.9
PT_MM = 25.4 / 72
#: Fonts Pango falls back to although the stylesheet does not name them (naming a colour
#: emoji font in font-family makes it draw digits and spaces too).
FALLBACK_FAMILIES = ("Noto Color Emoji",)


@dataclass(frozen=True)
class Options:
    """PDF options (``[tool.presswork.pdf]``)."""

    page_size: PageSize = "A4"  #: Page size: "A4", "Letter", "A5" or "6x9in" (margins and type size follow).
    print: bool = False  #: Two-sided print layout: mirrored inner/outer margins, chapters open on right-hand pages.
    footnotes: Literal["chapter", "book"] = "chapter"  #: Footnote numbering restarts per "chapter" or runs through the "book".
    link_footnotes: bool = False  #: Also print the URL of each external link as a footnote (for paper).
    pdf_variant: Literal["", "pdf/ua-1", "pdf/a-3u"] = ""  #: PDF variant passed to WeasyPrint ("" = plain PDF).
    code_style: str = "default"  #: Pygments style of code highlighting.


class GateFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that reads only through the build's AssetGate.

    ``file:`` URLs must name files inside the project or theme folders, http(s) URLs are
    fetched only when the configuration allows remote resources, ``data:`` URLs are
    decoded; everything else is refused. A refusal is a build warning, never a request.
    """

    def __init__(self, gate: AssetGate, reporter: Reporter) -> None:
        super().__init__(allowed_protocols=("file", "http", "https", "data"))
        self.gate = gate
        self.reporter = reporter

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """The bytes of ``url`` as a response, or ValueError when the gate refuses it."""
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.lower()
        try:
            if scheme == "file":
                path = urllib.request.url2pathname(parts.path)
                data = self.gate.read_bytes(path)
                if media_type(path).startswith("image/"):
                    self.gate.image_size(data, self.gate.relative(Path(path)))
            elif scheme in ("http", "https"):
                data = self.gate.fetch(url)
            elif scheme == "data":
                return super().fetch(url, headers)
            else:
                raise PressworkError(f"{scheme or 'relative'} URLs are not allowed: {url!r}")
        except PressworkError as exc:
            self.reporter.warn(f"resource not loaded: {exc.message}", exc.pos, "asset")
            raise ValueError(exc.message) from None
        mime = mimetypes.guess_type(parts.path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_css(geo: PageGeometry, two_sided: bool, book_title: str, footnotes: str) -> str:
    """The generated part of the print stylesheet: page size, margins, type size, the running book title."""
    if two_sided:
        margins = (f"@page :left {{ margin: {geo.top}mm {geo.inner}mm {geo.bottom}mm {geo.outer}mm; }}\n"
                   f"@page :right {{ margin: {geo.top}mm {geo.outer}mm {geo.bottom}mm {geo.inner}mm; }}\n")
    else:
        side = (geo.inner + geo.outer) / 2
        margins = f"@page {{ margin: {geo.top}mm {side}mm {geo.bottom}mm {side}mm; }}\n"
    reset = "section.chapter { counter-reset: footnote; }\n" if footnotes == "chapter" else ""
    return (f"@page {{ size: {geo.css_size}; }}\n{margins}"
            f":root {{ font-size: {geo.body_pt}pt; }}\n"
            f"figure img, img.figure-image {{ max-height: {geo.text_height * 0.62:.0f}mm; }}\n"
            f".cover, .cover-image {{ width: {geo.width}mm; height: {geo.height}mm; }}\n"
            f".colophon {{ margin-top: {geo.text_height * 0.45:.0f}mm; }}\n"
            f"h1.chapter-title {{ string-set: book {_css_string(book_title)}; }}\n{reset}")


@contextlib.contextmanager
def font_timestamps(when: datetime | None) -> Iterator[None]:
    """Stamp subset fonts with ``when`` instead of the current time.

    Without HarfBuzz's subsetter (Debian's ``libharfbuzz-subset0``), WeasyPrint subsets
    fonts with fontTools, which writes the current time into each font's ``head.modified``
    unless ``SOURCE_DATE_EPOCH`` is set: two builds of a dated book would then differ.
    ``None`` (a build that is not reproducible) leaves the environment alone.
    """
    if when is None or "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def code_columns(geo: PageGeometry, two_sided: bool) -> int:
    """Columns of monospace text that fit a code block on the text measure."""
    measure = geo.measure if two_sided else geo.width - (geo.inner + geo.outer)
    char = geo.body_pt * CODE_SCALE * MONO_ADVANCE * PT_MM
    return max(20, math.floor(measure / char - 2 * CODE_PADDING_EM / MONO_ADVANCE) - 1)


def contents(doc: Document, depth: int) -> list[dict[str, Any]]:
    """Contents entries: chapter id/number/title with their sections down to heading level ``depth``."""
    out = []
    for ch in doc.chapters:
        sections = [{"id": h.attr.id, "number": h.number, "title": plain_text(h.children), "level": h.level}
                    for h in iter_nodes(ch.blocks) if isinstance(h, Heading) and 2 <= h.level <= depth]
        out.append({"id": ch.id, "number": ch.number, "title": plain_text(ch.title), "sections": sections})
    return out


class PdfExporter(Exporter):
    """A print-ready PDF: cover, title and copyright pages, contents, running heads, footnotes, bookmarks."""

    name = "pdf"
    extension = "pdf"
    description = "print-ready PDF (WeasyPrint)"
    Options = Options

    def export(self, doc: Document, ctx: BuildContext, target: Path) -> None:
        """Render the book to XHTML with the theme, lay it out and write the PDF to ``target``."""
        opts: Options = ctx.options if isinstance(ctx.options, Options) else Options()
        if opts.page_size not in PAGE_GEOMETRY:
            raise PressworkError(f"unknown page_size {opts.page_size!r}; choose one of {', '.join(PAGE_GEOMETRY)}")
        geo = PAGE_GEOMETRY[opts.page_size]
        css_text = self.stylesheet(doc, ctx, opts, geo)
        self.check_glyphs(doc, ctx, css_text)
        html = self.document_html(doc, ctx, opts, geo)

        fetcher = GateFetcher(ctx.gate, ctx.reporter)
        fonts = FontConfiguration()
        theme_css = ctx.theme.path("pdf/book.css")
        stylesheet = CSS(string=css_text, base_url=theme_css.as_uri(), url_fetcher=fetcher, font_config=fonts)
        options: dict[str, Any] = {}
        if opts.pdf_variant:
            options["pdf_variant"] = opts.pdf_variant
        if opts.pdf_variant == "pdf/ua-1":
            options["pdf_tags"] = True
        if ctx.reproducible:
            seed = f"{doc.meta.identifier}|{doc.meta.title}|{ctx.build_time.isoformat()}"
            options["pdf_identifier"] = hashlib.md5(seed.encode("utf-8")).hexdigest().encode("ascii")

        logger = logging.getLogger("weasyprint")
        level = logger.level
        logger.setLevel(logging.CRITICAL)  # the fetcher reports refused resources itself
        try:
            document = HTML(string=html, base_url=ctx.gate.root.as_uri() + "/", url_fetcher=fetcher)
            with font_timestamps(ctx.build_time if ctx.reproducible else None):
                document.write_pdf(target, stylesheets=[stylesheet], font_config=fonts, **options)
        except PressworkError:
            raise
        except Exception as exc:  # WeasyPrint errors are not ours to show as tracebacks
            raise PressworkError(f"PDF layout failed: {type(exc).__name__}: {exc}") from exc
        finally:
            logger.setLevel(level)

    # ------------------------------------------------------------------ parts
    def stylesheet(self, doc: Document, ctx: BuildContext, opts: Options, geo: PageGeometry) -> str:
        """The whole print stylesheet: generated page geometry, then ``pdf/book.css`` of every theme
        along the extends chain (parent first, so a theme overrides only what it restyles), then
        ``pdf/two-sided.css`` likewise when printing two-sided, then code colours."""
        parts = [page_css(geo, opts.print, doc.meta.title, opts.footnotes)]
        names = ("pdf/book.css", "pdf/two-sided.css") if opts.print else ("pdf/book.css",)
        for name in names:
            parts += [(d / name).read_text(encoding="utf-8") for d in reversed(ctx.theme.dirs) if (d / name).is_file()]
        parts.append(pygments_css(opts.code_style, "pre.code"))
        return "\n".join(parts)

    def check_glyphs(self, doc: Document, ctx: BuildContext, css_text: str) -> None:
        """Warn about characters that no font named in the stylesheet can draw, per chapter file."""
        families = [*css_font_families(css_text), *FALLBACK_FAMILIES]
        texts: list[tuple[str | Pos, str]] = [("book metadata", " ".join(
            (doc.meta.title, doc.meta.subtitle, doc.meta.publisher, doc.meta.rights,
             *(a.name for a in doc.meta.authors))))]
        for ch in doc.chapters:
            chunks = [plain_text(ch.title)]
            chunks += [getattr(n, "text", "") or getattr(n, "code", "") or getattr(n, "alt", "")
                       for n in iter_nodes(ch.blocks)]
            texts.append((ch.source, "".join(chunks)))
        for where, text in texts:
            missing = missing_glyphs(text, families)
            if missing:
                shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:8])
                more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
                ctx.reporter.warn(f"no theme font has a glyph for {shown}{more}; they will print as boxes",
                                  where, "glyph")

    def image_url(self, ctx: BuildContext) -> Any:
        """Image sources as file: URLs of the real (gate-checked) path; remote URLs stay as they are."""
        def src(img: Image) -> str:
            if "://" in img.src or img.src.startswith("//"):
                return img.src
            try:
                return ctx.gate.resolve(img.src).as_uri()
            except PressworkError as exc:
                ctx.reporter.warn(f"image not included: {exc.message}", exc.pos, "asset")
                return ""
        return src

    def document_html(self, doc: Document, ctx: BuildContext, opts: Options, geo: PageGeometry) -> str:
        """The whole book as one HTML document, from the theme's ``templates/pdf/book.html``."""
        renderer = HtmlRenderer(target="print", reporter=ctx.reporter, image_src=self.image_url(ctx),
                                code_wrap=code_columns(geo, opts.print), link_footnotes=opts.link_footnotes)
        chapters = [Markup(renderer.chapter(ch)) for ch in doc.chapters]
        meta = doc.meta
        cover = ""
        cover_ref = meta.cover  # the configured cover, else the front matter's (metadata.build_meta)
        if cover_ref:
            try:
                data = ctx.gate.read_bytes(cover_ref)
                ctx.gate.image_size(data, cover_ref)
                cover = ctx.gate.resolve(cover_ref).as_uri()
            except PressworkError as exc:
                ctx.reporter.warn(f"cover not used: {exc.message}", exc.pos or Pos(cover_ref), "asset")
        stamp = ctx.build_time.strftime("%Y-%m-%dT%H:%M:%SZ")
        return ctx.theme.render(
            "templates/pdf/book.html", meta=meta, chapters=chapters, cover=cover,
            toc=contents(doc, max(1, ctx.config.toc_depth)), authors=[a.name for a in meta.authors if a.role == "aut"],
            contributors=[(a.name, a.role) for a in meta.authors if a.role != "aut"],
            created=stamp, modified=stamp, build_date=ctx.build_time.strftime("%Y-%m-%d"),
            page_size=opts.page_size, two_sided=opts.print,
        )
