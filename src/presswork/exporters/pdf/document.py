"""The book as one print document: the theme's stylesheet, a glyph check, the XHTML, and WeasyPrint's layout."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from presswork.compat.weasyprint import import_weasyprint
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.files import read_text
from presswork.core.tree import Chapter, Document, Image, Pos, blocks_text, plain_text
from presswork.exporters.base import BuildContext
from presswork.exporters.common.breaking import chapter_breaks
from presswork.exporters.common.chaptercache import ChapterCache, ChapterKey, Lookups, Rendered, chapter_bytes
from presswork.exporters.common.cjk import book_cjk_language, localize_cjk_css, span_languages
from presswork.exporters.common.contents import book_contents, part_openings
from presswork.exporters.common.cover import CoverText, data_uri, svg_for_page
from presswork.exporters.common.fonts import css_font_families, missing_glyphs
from presswork.exporters.common.highlight import pygments_css
from presswork.exporters.common.pagination import (
    PageStart,
    cache_key,
    files_digest,
    load,
    locked,
    page_starts,
    store,
    told_source,
)
from presswork.exporters.pdf.floats import settle_floats
from presswork.exporters.pdf.labels import folio_text, labels_finisher, page_labels
from presswork.exporters.pdf.layout import PAGE_GEOMETRY, PageGeometry, code_columns, page_css
from presswork.exporters.pdf.options import PdfOptions
from presswork.exporters.pdf.render import PrintRenderer
from presswork.exporters.pdf.tagging import tagging_finisher
from presswork.exporters.pdf.timestamps import font_timestamps
from presswork.project.datauri import data_uri as image_data_uri
from presswork.project.datauri import is_data_uri

if TYPE_CHECKING:  # WeasyPrint is imported when a layout is made (0.9 s), not by the EPUB's page list
    from weasyprint.text.fonts import FontConfiguration

    from presswork.exporters.pdf.batches import BatchedLayout

#: Fonts Pango falls back to although the stylesheet does not name them (naming a colour
#: emoji font in font-family makes it draw digits and spaces too).
FALLBACK_FAMILIES = ("Noto Color Emoji",)

#: With the ``page_refs`` option: each cross-reference followed by the page of its target, from the layout.
PAGE_REFS_CSS = 'a.xref::after { content: " on page " target-counter(attr(href url), page); }'

LOG = logging.getLogger("presswork.pdf")


def geometry(opts: PdfOptions) -> PageGeometry:
    """The page geometry of the ``page_size`` option (an unknown size is an error naming the choices)."""
    if opts.page_size not in PAGE_GEOMETRY:
        raise PressworkError(f"unknown page_size {opts.page_size!r}; choose one of {', '.join(PAGE_GEOMETRY)}")
    return PAGE_GEOMETRY[opts.page_size]


def stylesheet(doc: Document, ctx: BuildContext[PdfOptions], geo: PageGeometry) -> str:
    """The whole print stylesheet: generated page geometry, then ``pdf/book.css`` of every theme
    along the extends chain (parent first, so a theme overrides only what it restyles), then
    ``pdf/two-sided.css`` likewise when printing two-sided, then code colours."""
    opts = ctx.options
    parts = [page_css(geo, opts.print, doc.meta.title, opts.footnotes)]
    names = ("pdf/book.css", "pdf/two-sided.css") if opts.print else ("pdf/book.css",)
    for name in names:
        roots = ctx.gate.allowed_dirs()
        parts += [read_text(d / name, roots) for d in reversed(ctx.theme.dirs) if (d / name).is_file()]
    parts.append(pygments_css(opts.code_style, "pre.code"))
    if opts.page_refs:
        parts.append(PAGE_REFS_CSS)
    return localize_cjk_css("\n".join(parts), book_cjk_language(doc), span_languages(doc))


def check_glyphs(doc: Document, ctx: BuildContext[PdfOptions], css_text: str) -> None:
    """Warn about characters that no font named in the stylesheet can draw, per chapter file."""
    families = [*css_font_families(css_text), *FALLBACK_FAMILIES]
    texts: list[tuple[str | Pos, str]] = [
        (
            "book metadata",
            " ".join(
                (
                    doc.meta.title,
                    doc.meta.subtitle,
                    doc.meta.publisher,
                    doc.meta.rights,
                    *(a.name for a in doc.meta.authors),
                )
            ),
        )
    ]
    for ch in doc.chapters:
        texts.append((ch.source, plain_text(ch.title) + "\n" + blocks_text(ch.blocks, notes=True)))
    for where, text in texts:
        missing = missing_glyphs(text, families)
        if missing:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:8])
            more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
            ctx.reporter.warn(f"no theme font has a glyph for {shown}{more}; they will print as boxes", where, "glyph")


def resolve_image(ctx: BuildContext[PdfOptions], source: str) -> tuple[str, PressworkError | None]:
    """The URL of image ``source`` ("" and the reason when the gate refuses it); a ``data:`` image is
    given as a ``data:`` URL of its checked bytes (an SVG sanitised)."""
    if "://" in source or source.startswith("//"):
        return source, None
    try:
        if is_data_uri(source):
            return image_data_uri(ctx.gate.read_bytes(source)), None
        return ctx.gate.resolve(source).as_uri(), None
    except PressworkError as exc:
        return "", exc


def print_chapters(
    doc: Document, ctx: BuildContext[PdfOptions], geo: PageGeometry, opens: Sequence[bool]
) -> list[Rendered]:
    """Each chapter's print XHTML and body, rendered or taken from ``.presswork-cache/print-chapters/``
    (:mod:`~presswork.exporters.common.chaptercache`); their warnings reach ``ctx.reporter``."""
    opts = ctx.options
    wrap = code_columns(geo, opts.print)
    problems: dict[str, PressworkError] = {}

    def image_answer(source: str) -> str:
        url, problem = resolve_image(ctx, source)
        if problem is None:
            return url
        problems[source] = problem
        return f"\0{problem.message}\0{problem.pos or ''}"

    lookups = Lookups({"image": image_answer})
    cache = ChapterCache(ctx.gate.root, "print-chapters")
    out: list[Rendered] = []
    for ch, opens_page in zip(doc.chapters, opens, strict=True):
        options = (
            ("target", "print"),
            ("code_wrap", str(wrap)),
            ("link_footnotes", str(opts.link_footnotes)),
            ("mark_blocks", "True"),
            ("opens_page", str(opens_page)),
        )

        def make(reporter: Reporter, ask: Lookups, ch: Chapter = ch, opens_page: bool = opens_page) -> tuple[str, str]:
            def image_src(img: Image) -> str:
                url = ask("image", img.src)
                if img.src in problems:
                    problem = problems[img.src]
                    reporter.warn(f"image not included: {problem.message}", problem.pos, "asset")
                    return ""
                return url

            renderer = PrintRenderer(
                breaks={ch.id: opens_page},
                reporter=reporter,
                image_src=image_src,
                code_wrap=wrap,
                link_footnotes=opts.link_footnotes,
            )
            renderer.mark_blocks = True  # pagination names blocks by index (common/pagination.py)
            return renderer.chapter(ch), renderer.bodies[ch.id]

        out.append(cache.render(ChapterKey(chapter_bytes(ch), options), lookups, ctx.reporter, make))
    cache.prune()
    return out


def document_html(
    doc: Document,
    ctx: BuildContext[PdfOptions],
    geo: PageGeometry,
    bodies: dict[str, str] | None = None,
    chapters_out: list[str] | None = None,
) -> str:
    """The whole book as one HTML document, from the theme's ``templates/pdf/book.html``.

    ``bodies``, when given, receives the body XHTML of each chapter by id (for :func:`lay_out`);
    ``chapters_out`` each chapter's own HTML, in order (for the batched layout)."""
    opts = ctx.options
    opens = chapter_breaks(doc.chapters, opts.chapter_break)
    rendered = print_chapters(doc, ctx, geo, opens)
    chapters = [Markup(r.html) for r in rendered]
    if bodies is not None:
        bodies.update({ch.id: r.body for ch, r in zip(doc.chapters, rendered, strict=True)})
    if chapters_out is not None:
        chapters_out.extend(str(c) for c in chapters)
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
    elif not opts.print and opts.cover == "generated":
        authors = tuple(a.name for a in meta.authors if a.name.strip())
        text = CoverText(meta.title, meta.subtitle.strip(), authors, meta.publisher, book_cjk_language(doc))
        cover = data_uri(svg_for_page(text, dict(ctx.theme.options), geo.width, geo.height), "image/svg+xml")
    stamp = ctx.build_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    return ctx.theme.render(
        "templates/pdf/book.html",
        meta=meta,
        chapters=chapters,
        cover=cover,
        toc=book_contents(doc, max(1, ctx.config.toc_depth), "print", parts=True),
        parts=part_openings(doc),
        authors=[a.name for a in meta.authors if a.role == "aut"],
        contributors=[(a.name, a.role) for a in meta.authors if a.role != "aut"],
        created=stamp,
        modified=stamp,
        build_date=ctx.build_time.strftime("%Y-%m-%d"),
        page_size=opts.page_size,
        two_sided=opts.print,
        runs_on=not all(opens[1:]),
    )


def render(doc: Document, ctx: BuildContext[PdfOptions], html: str, css_text: str) -> tuple[Any, FontConfiguration]:
    """Lay ``html`` out with ``css_text`` (resources through the gate): WeasyPrint's document and its fonts."""
    import_weasyprint()
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from presswork.exporters.pdf.fetcher import GateFetcher

    fetcher = GateFetcher(ctx.gate, ctx.reporter)
    fonts = FontConfiguration()
    theme_css = ctx.theme.path("pdf/book.css")
    try:
        sheet = CSS(string=css_text, base_url=theme_css.as_uri(), url_fetcher=fetcher, font_config=fonts)
        source = HTML(string=html, base_url=ctx.gate.root.as_uri() + "/", url_fetcher=fetcher)
        return source.render(stylesheets=[sheet], font_config=fonts), fonts
    except PressworkError:
        raise
    except Exception as exc:  # WeasyPrint errors are not ours to show as tracebacks
        raise PressworkError(f"PDF layout failed: {type(exc).__name__}: {exc}") from exc


def lay_out(doc: Document, ctx: BuildContext[PdfOptions], html: str, css_text: str, bodies: dict[str, str]) -> Any:
    """Lay the book out; when a figure moved whole to the next page and left a hole, scale or defer
    it and lay out again (:func:`~.floats.settle_floats`)."""
    return settle_floats(render(doc, ctx, html, css_text)[0], html, bodies, lambda h: render(doc, ctx, h, css_text)[0])


def lay_out_book(
    doc: Document, ctx: BuildContext[PdfOptions], geo: PageGeometry, html: str, css_text: str, bodies: dict[str, str]
) -> Any:
    """The final layout of a :func:`~.index.draft` book: floats placed (:func:`lay_out`), then, when it
    has index marks, laid out again with the index's real page numbers (:func:`~.index.finish`)."""
    from presswork.exporters.pdf.index import finish

    def again(revised: Document) -> Any:
        revised_bodies: dict[str, str] = {}
        return lay_out(revised, ctx, document_html(revised, ctx, geo, revised_bodies), css_text, revised_bodies)

    return finish(doc, ctx, lay_out(doc, ctx, html, css_text, bodies), again)


def pdf_identifier(doc: Document, ctx: BuildContext[PdfOptions]) -> bytes | None:
    """The fixed PDF identifier of a reproducible build (None: WeasyPrint chooses one)."""
    if not ctx.reproducible:
        return None
    seed = f"{doc.meta.identifier}|{doc.meta.title}|{ctx.build_time.isoformat()}"
    return hashlib.md5(seed.encode("utf-8")).hexdigest().encode("ascii")


def write_pdf(doc: Document, ctx: BuildContext[PdfOptions], laid_out: Any, target: Path) -> None:
    """Write a laid-out book to ``target``, with page labels that match its folios."""
    opts = ctx.options
    options: dict[str, Any] = {}
    if opts.pdf_variant:
        options["pdf_variant"] = opts.pdf_variant
    if opts.tagged or opts.pdf_variant == "pdf/ua-1":
        options["pdf_tags"] = True
    identifier = pdf_identifier(doc, ctx)
    if identifier is not None:
        options["pdf_identifier"] = identifier
    labels = labels_finisher(page_labels(laid_out.pages))

    def finisher(document: Any, pdf: Any) -> None:
        labels(document, pdf)
        tagging_finisher(document, pdf)

    try:
        with font_timestamps(ctx.build_time if ctx.reproducible else None):
            laid_out.write_pdf(target, finisher=finisher, **options)
    except (PressworkError, OSError):
        raise  # an OSError is the disk's (full, read-only): the build names the output it could not write
    except Exception as exc:  # WeasyPrint errors are not ours to show as tracebacks
        raise PressworkError(f"PDF output failed: {type(exc).__name__}: {exc}") from exc


def record_pagination(ctx: BuildContext[PdfOptions], key: str, laid_out: Any) -> list[PageStart | None]:
    """Where each laid-out page begins, cached under the project (``key``: the print HTML and CSS's
    :func:`~presswork.exporters.common.pagination.cache_key`) for the EPUB's page list."""
    starts = page_starts(laid_out.pages, [folio_text(f) for f in page_labels(laid_out.pages)])
    store(ctx.gate.root, key, starts)
    return starts


@dataclass(frozen=True)
class PrintSource:
    """The book ready to lay out: drafted (with its index), its geometry, stylesheet and print HTML,
    each chapter's body (for floats) and own HTML (for batches), and the layout's cache key."""

    doc: Document
    geo: PageGeometry
    css: str
    html: str
    bodies: dict[str, str]
    chapters: list[str]
    key: str


def print_source(doc: Document, ctx: BuildContext[PdfOptions]) -> PrintSource:
    """Everything a print layout starts from (the PDF exporter and the EPUB's page list alike)."""
    from presswork.exporters.pdf.index import draft

    geo = geometry(ctx.options)
    doc = draft(doc, ctx)
    css_text = stylesheet(doc, ctx, geo)
    bodies: dict[str, str] = {}
    chapters: list[str] = []
    html = document_html(doc, ctx, geo, bodies, chapters)
    hashes: dict[str, str] = {}
    allowed = ctx.gate.is_allowed
    files = files_digest(html, ctx.gate.root.as_uri() + "/", allowed, hashes=hashes) + files_digest(
        css_text, ctx.theme.path("pdf/book.css").as_uri(), allowed, css=True, hashes=hashes
    )
    return PrintSource(doc, geo, css_text, html, bodies, chapters, cache_key(html, css_text, files))


@dataclass(frozen=True)
class PrintLayout:
    """A laid-out book: in batches (``batched``) or as one WeasyPrint document (``laid_out``), and
    where its pages begin (stored for the EPUB's page list)."""

    batched: BatchedLayout | None
    laid_out: Any
    starts: list[PageStart | None]


def lay_out_print(src: PrintSource, ctx: BuildContext[PdfOptions], merging: bool = True) -> PrintLayout:
    """The book laid out in batches when :func:`~.batches.lay_out_batched` allows it, else as one
    document; its page starts are stored for the EPUB. Call it under :func:`locked` with ``src.key``.
    ``merging``: its batches will be merged into the PDF (else only its page starts are wanted)."""
    from presswork.exporters.pdf.batches import lay_out_batched

    batched = lay_out_batched(src.doc, ctx, src.html, src.css, src.chapters, src.bodies, merging)
    if batched is not None:
        store(ctx.gate.root, src.key, batched.starts)
        return PrintLayout(batched, None, batched.starts)
    laid_out = lay_out_book(src.doc, ctx, src.geo, src.html, src.css, src.bodies)
    return PrintLayout(None, laid_out, record_pagination(ctx, src.key, laid_out))


def source_identity(doc: Document, ctx: BuildContext[PdfOptions]) -> str:
    """What makes two workers' print sources of one build the same: the very tree, configuration, theme and
    gate (forked from the build process, an object has the same address in both, and no other object can take
    it while it lives; the tree is frozen) and every option and input :func:`print_source` reads besides."""
    parts = (id(doc), id(ctx.config), id(ctx.theme), id(ctx.gate), repr(ctx.options), ctx.build_time, ctx.reproducible)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def print_edition(doc: Document, ctx: BuildContext[PdfOptions]) -> list[PageStart | None]:
    """The page starts of the book's print edition: from the cache when the PDF (or an earlier
    build) laid this exact HTML out, else laid out now (once, under a lock) and cached. Beside the
    PDF's worker, the key of its layout comes from that worker when both print the same source
    (the book's print HTML is not written twice: 0.45 s of CPU for a 100-chapter book)."""
    told = told_source(ctx.gate.root, source_identity(doc, ctx))
    if told is not None and (starts := load(ctx.gate.root, told)) is not None:
        LOG.info("EPUB page list: the PDF worker's layout of the same print source")
        return starts
    src = print_source(doc, ctx)
    cached = load(ctx.gate.root, src.key)
    if cached is not None:
        return cached
    with locked(ctx.gate.root, src.key):
        cached = load(ctx.gate.root, src.key)
        if cached is not None:
            return cached
        return lay_out_print(src, ctx, merging=False).starts
