"""The EPUB package, step by step: metadata, stylesheet and images, cover, title page, chapters, nav, zip."""

from __future__ import annotations

import dataclasses
import io
import posixpath
from datetime import UTC
from typing import Any

from ebooklib import epub
from markupsafe import Markup

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Chapter, Document, Image, MathBlock, Meta, Table, plain_text
from presswork.core.values import is_language_tag
from presswork.exporters.base import BuildContext
from presswork.exporters.common.chaptercache import ChapterCache, ChapterKey, Lookups, chapter_bytes
from presswork.exporters.common.cjk import book_cjk_language, localize_cjk_css, span_languages
from presswork.exporters.common.contents import chapter_files, id_index
from presswork.exporters.common.cover import CoverText, render_cover
from presswork.exporters.common.highlight import pygments_css
from presswork.exporters.common.html import HtmlRenderer, scroll_region, scrollable_math
from presswork.exporters.common.pagination import PageStart
from presswork.exporters.epub.content import CORE_IMAGE_TYPES, Images, assess, collect_images
from presswork.exporters.epub.meta import MetadataWriter, book_identifier, w3c_date
from presswork.exporters.epub.nav import TocEntry, build_toc, ncx_toc
from presswork.exporters.epub.options import EpubOptions
from presswork.exporters.epub.pagelist import PageEntry, add_markers, marker_id
from presswork.project.assets import image_media_type

CSS_FILE = "styles/book.css"
NAV_FILE = "nav.xhtml"
COVER_PAGE = "text/cover.xhtml"
TITLE_PAGE = "text/titlepage.xhtml"
XHTML = "application/xhtml+xml"
#: Languages written right to left (the spine then progresses right to left).
RTL_LANGUAGES = frozenset({"ar", "arc", "dv", "fa", "he", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi"})


class EpubRenderer(HtmlRenderer):
    """The shared XHTML renderer with EPUB tweaks: tables scroll sideways inside a focusable wrapper on
    narrow screens; code comes line by line, for the stylesheet to wrap with a hanging indent and a marker."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.code_lines = True

    def Table(self, node: Table) -> str:
        return scroll_region(node, super().Table(node))

    def MathBlock(self, node: MathBlock) -> str:
        return scrollable_math(super().MathBlock(node))


def _relative(href: str, from_file: str) -> str:
    """``href`` (package path) as seen from package file ``from_file``."""
    path, _, fragment = href.partition("#")
    rel = posixpath.relpath(path, posixpath.dirname(from_file) or ".")
    return f"{rel}#{fragment}" if fragment else rel


def _item(uid: str, name: str, content: bytes | str, media: str, properties: list[str] | None = None) -> Any:
    item = epub.EpubItem(
        uid=uid,
        file_name=name,
        media_type=media,
        content=content.encode("utf-8") if isinstance(content, str) else content,
    )
    item.properties = properties or []
    return item


def _doc_properties(xhtml: str) -> list[str]:
    """Manifest properties an XHTML document needs (ebooklib detects none)."""
    props = []
    if "<math" in xhtml:
        props.append("mathml")
    if "<svg" in xhtml:
        props.append("svg")
    return props


class EpubBook:
    """An EPUB being assembled for one book; each step adds its files, spine entries and landmarks."""

    def __init__(self, doc: Document, ctx: BuildContext[EpubOptions]) -> None:
        if not doc.chapters:
            raise PressworkError("the book has no chapters: nothing to put in the EPUB")
        self.doc, self.ctx, self.opts = doc, ctx, ctx.options
        meta = doc.meta  # configuration already merged over front matter (metadata.build_meta)
        self.title = meta.title.strip() or plain_text(doc.chapters[0].title).strip() or "Untitled"
        self.lang = meta.language if is_language_tag(meta.language) else "en"  # checked at load; a plug-in's tree too
        self.direction = "rtl" if self.lang.split("-")[0].lower() in RTL_LANGUAGES else ""
        self.page = {"lang": self.lang, "title": self.title, "dir": self.direction}
        self.files = chapter_files(doc, "text/", ".xhtml")
        self.images = collect_images(doc, ctx.gate)
        self.book = epub.EpubBook()
        self.spine: list[Any] = []
        self.guide: list[dict[str, str]] = []
        self.landmarks: list[dict[str, str]] = []
        self.print_pages: dict[str, list[PageStart]] = {}  # chapter id -> the print pages that open in it
        self.page_list: list[PageEntry] = []
        self.print_source = ""
        #: Each chapter's rendered section, kept between builds (common/chaptercache.py).
        self.chapter_cache = ChapterCache(ctx.gate.root, "epub-chapters")

    def paginate(self) -> None:
        """The print edition's page starts (laid out by the PDF exporter, or taken from its cache)."""
        if not self.opts.page_list:
            return
        from presswork.core.config import format_options
        from presswork.exporters.pdf import PdfOptions
        from presswork.exporters.pdf.document import print_edition

        pdf_options = format_options(self.ctx.config, "pdf", PdfOptions)
        c = self.ctx
        quiet = BuildContext(
            config=c.config,
            theme=c.theme,
            gate=c.gate,
            reporter=Reporter(),  # the PDF warns
            build_time=c.build_time,
            reproducible=c.reproducible,
            options=pdf_options,
        )
        try:
            if pdf_options.engine == "typst":  # the Typst layout's pages (never a second, WeasyPrint, layout)
                from presswork.exporters.pdf.typst import typst_print_edition

                starts = typst_print_edition(self.doc, quiet)
            else:
                starts = print_edition(self.doc, quiet)
        except PressworkError as exc:
            self.ctx.reporter.warn(
                f"no page list: the print edition could not be laid out ({exc.message})", None, "epub"
            )
            return
        for start in starts:
            if start is not None:
                self.print_pages.setdefault(start.chapter, []).append(start)
        size = pdf_options.page_size + (", two-sided" if pdf_options.print else "")
        self.print_source = f"{self.title}, print edition (PDF, {size})"

    def metadata(self) -> None:
        """Dublin Core metadata, the identifier and the accessibility facts (warning about what is missing)."""
        meta = self.doc.meta
        a11y = assess(self.doc, self.ctx.reporter)
        a11y = dataclasses.replace(
            a11y,
            summary=self.opts.accessibility_summary,
            certified_by=self.opts.certified_by or meta.publisher,
            has_page_list=bool(self.print_pages),
        )
        writer = MetadataWriter(self.book)
        writer.write(meta, self.title, book_identifier(meta), a11y)
        if self.print_pages:
            writer.dc("source", self.print_source, id="print-source")
            writer.meta("source-of", "pagination", refines="print-source")
        if self.direction:
            self.book.set_direction(self.direction)

    def resources(self) -> None:
        """The stylesheet (theme CSS and code colours) and every image the chapters show."""
        images = self.images
        css = (
            localize_cjk_css(
                self.ctx.theme.render("epub/book.css"), book_cjk_language(self.doc), span_languages(self.doc)
            )
            + "\n/* code colours */\n"
            + pygments_css(self.opts.code_style, ".code")
            + "\n"
        )
        if self.opts.code_style_dark:
            css += (
                "@media (prefers-color-scheme: dark) {\n" + pygments_css(self.opts.code_style_dark, ".code") + "\n}\n"
            )
        self.book.add_item(_item("css", CSS_FILE, css, "text/css"))
        for number, asset in enumerate(images.by_src.values(), 1):
            self.book.add_item(_item(f"img-{number}", asset.href, asset.data, asset.media_type))

    def front_matter(self) -> None:
        """The cover and the title page, as the options ask."""
        meta = self.doc.meta
        if self.opts.cover:
            self._cover(self.book, self.ctx, meta, self.title, self.page)
            self._landmark("cover", COVER_PAGE, "cover", "cover", "Cover")
        if self.opts.title_page:
            xhtml = self.ctx.theme.render(
                "epub/titlepage.xhtml",
                **self.page,
                css=_relative(CSS_FILE, TITLE_PAGE),
                subtitle=meta.subtitle.strip(),
                authors=[a.name for a in meta.authors if a.name.strip()],
                publisher=meta.publisher.strip(),
                rights=meta.rights.strip(),
                date=w3c_date(meta.date),
                description="",
            )
            self.book.add_item(_item("titlepage", TITLE_PAGE, xhtml, XHTML))
            self._landmark("titlepage", TITLE_PAGE, "title-page", "titlepage", "Title Page")

    def _landmark(self, uid: str, href: str, guide_type: str, landmark_type: str, title: str) -> None:
        self.spine.append(uid)
        self.guide.append({"type": guide_type, "href": href, "title": title})
        self.landmarks.append({"type": landmark_type, "href": href, "title": title})

    def chapters(self) -> list[TocEntry]:
        """The contents (placed in the spine before the chapters) and one XHTML document per chapter."""
        opts = self.opts
        toc = build_toc(self.doc, self.files, opts.toc_depth or self.ctx.config.toc_depth)
        self.spine.append("nav")
        self.guide.append({"type": "toc", "href": NAV_FILE, "title": opts.toc_title})
        self.landmarks.append({"type": "toc", "href": f"{NAV_FILE}#toc", "title": opts.toc_title})
        ids = id_index(self.doc, self.files)
        for number, ch in enumerate(self.doc.chapters, 1):
            name = self.files[ch.id]
            xhtml = self._chapter(ch, name, ids, self.images, self.ctx, self.page)
            for start in self.print_pages.get(ch.id, []):
                self.page_list.append(PageEntry(start.folio, f"{name}#{marker_id(start.folio)}"))
            self.book.add_item(_item(f"chapter-{number}", name, xhtml, XHTML, _doc_properties(xhtml)))
            self.spine.append(f"chapter-{number}")
        self.chapter_cache.prune()
        first = self.files[self.doc.chapters[0].id]
        self.guide.append({"type": "text", "href": first, "title": "Start"})
        self.landmarks.append({"type": "bodymatter", "href": first, "title": "Start of content"})
        return toc

    def navigation(self, toc: list[TocEntry]) -> None:
        """The nav document (contents and landmarks), the NCX, the spine and the guide."""
        nav = self.ctx.theme.render(
            "epub/nav.xhtml",
            lang=self.lang,
            dir=self.direction,
            toc_title=self.opts.toc_title,
            css=CSS_FILE,
            toc=toc,
            landmarks=self.landmarks,
            pages=self.page_list,
        )
        self.book.add_item(_item("nav", NAV_FILE, nav, XHTML, ["nav"]))
        self.book.add_item(epub.EpubNcx())
        self.book.toc = ncx_toc(toc)
        self.book.spine = self.spine
        self.book.guide = self.guide

    def embed_fonts(self) -> None:
        """With ``embed_fonts``: the theme's fonts, subset to the book's characters, in ``fonts/`` with ``@font-face``
        rules at the top of the stylesheet (call after every document has been added)."""
        if not self.opts.embed_fonts:
            return
        from presswork.exporters.epub.fonts import embedded_fonts

        sheet = self.book.get_item_with_href(CSS_FILE)
        css = sheet.get_content().decode("utf-8")
        documents = [item.get_content().decode("utf-8") for item in self.book.get_items() if item.media_type == XHTML]
        rules = []
        for number, font in enumerate(embedded_fonts(css, documents), 1):
            href = f"fonts/{font.name}"
            self.book.add_item(_item(f"font-{number}", href, font.data, font.media_type))
            rules.append(font.font_face(_relative(href, CSS_FILE)))
        if rules:
            # @font-face rules after the @namespace rule, which must come before every other rule.
            head, sep, rest = css.partition("\n@namespace")
            if sep:
                line, _, tail = rest.partition("\n")
                css = head + sep + line + "\n" + "".join(rules) + tail
            else:
                css = "".join(rules) + css
            sheet.content = css.encode("utf-8")

    def package(self) -> bytes:
        """The EPUB zip as ebooklib writes it (normalised afterwards)."""
        buffer = io.BytesIO()
        epub.write_epub(
            buffer,
            self.book,
            {
                "raise_exceptions": True,
                "epub3_landmark": False,
                "epub3_pages": False,
                "mtime": self.ctx.build_time.astimezone(UTC),
                "compresslevel": 0,  # an intermediate zip: the package is compressed once, when it is normalised
            },
        )
        return buffer.getvalue()

    def _cover(self, book: Any, ctx: BuildContext[EpubOptions], meta: Meta, title: str, page: dict[str, str]) -> None:
        """The cover image (configured, else generated) with its ``cover-image`` property and cover page."""
        source = meta.cover  # the configured cover, else the front matter's
        if source:
            data = ctx.gate.read_bytes(source)
            ctx.gate.image_size(data, source)
            media = image_media_type(data, source)  # by its bytes: an extension can lie
            if media not in CORE_IMAGE_TYPES:
                raise PressworkError(f"cover {source!r} must be a JPEG, PNG, SVG, WebP or GIF image")
            name = f"images/cover{CORE_IMAGE_TYPES[media]}"
        else:
            authors = tuple(a.name for a in meta.authors if a.name.strip())
            data = render_cover(
                CoverText(title, meta.subtitle.strip(), authors, meta.publisher, book_cjk_language(self.doc)),
                dict(ctx.theme.options),
            )
            name, media = "images/cover.png", "image/png"
        image = epub.EpubCover(file_name=name)
        image.media_type, image.content = media, data
        book.add_item(image)
        book.add_metadata(None, "meta", "", {"name": "cover", "content": image.id})
        names = ", ".join(a.name for a in meta.authors if a.name.strip())
        alt = f"Cover: {title}" + (f" by {names}" if names else "")
        xhtml = ctx.theme.render(
            "epub/cover.xhtml", **page, css=_relative(CSS_FILE, COVER_PAGE), image=_relative(name, COVER_PAGE), alt=alt
        )
        book.add_item(_item("cover", COVER_PAGE, xhtml, XHTML, _doc_properties(xhtml)))

    def _chapter(
        self,
        ch: Chapter,
        name: str,
        ids: dict[str, str],
        images: Images,
        ctx: BuildContext[EpubOptions],
        page: dict[str, str],
    ) -> str:
        """The complete XHTML document of one chapter, internal links pointing into the right files
        (its section rendered, or taken from ``.presswork-cache/epub-chapters/``)."""
        starts = self.print_pages.get(ch.id)
        lookups = Lookups({"link": lambda target: ids.get(target, ""), "image": images.href})

        def make(reporter: Reporter, ask: Lookups) -> tuple[str, str]:
            def link_href(url: str) -> str:
                target_id = url[1:]
                holder = ask("link", target_id)
                if not holder:
                    renderer.warn(f"link {url!r} points at no id in the book; it links to its chapter instead", "link")
                    return posixpath.basename(name)
                if holder == name:
                    return f"#{target_id}"
                return _relative(f"{holder}#{target_id}", name)

            def image_src(img: Image) -> str:
                return _relative(ask("image", img.src), name)

            renderer = EpubRenderer(
                target="epub", link_href=link_href, image_src=image_src, reporter=reporter, chapter_id=ch.id
            )
            renderer.mark_blocks = bool(starts)
            return renderer.chapter(ch), ""

        options = (("target", "epub"), ("file", name), ("mark_blocks", str(bool(starts))))
        body = self.chapter_cache.render(ChapterKey(chapter_bytes(ch), options), lookups, ctx.reporter, make).html
        if starts:
            body = add_markers(body, starts)
        return ctx.theme.render(
            "epub/chapter.xhtml",
            lang=page["lang"],
            dir=page["dir"],
            title=plain_text(ch.title) or page["title"],
            css=_relative(CSS_FILE, name),
            body=Markup(body),
            body_class="bodymatter",
        )
