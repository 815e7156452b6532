"""The EPUB 3 exporter: valid, accessible, reproducible reflowable books."""

from __future__ import annotations

import dataclasses
import io
import posixpath
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import Any

from ebooklib import epub
from markupsafe import Markup

from ..assets import media_type
from ..diagnostics import PressworkError
from ..tree import Chapter, Document, Image, Meta, Table, plain_text
from .base import BuildContext, Exporter
from .epub_content import Images, assess, collect_images
from .epub_cover import CoverText, render_cover
from .epub_meta import MetadataWriter, book_identifier, w3c_date
from .epub_nav import build_toc, chapter_files, id_index, ncx_toc
from .epub_package import normalize_epub
from .highlight import pygments_css
from .html import HtmlRenderer

CSS_FILE = "styles/book.css"
NAV_FILE = "nav.xhtml"
COVER_PAGE = "text/cover.xhtml"
TITLE_PAGE = "text/titlepage.xhtml"
XHTML = "application/xhtml+xml"
#: Languages written right to left (the spine then progresses right to left).
RTL_LANGUAGES = frozenset({"ar", "arc", "dv", "fa", "he", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi"})


class EpubRenderer(HtmlRenderer):
    """The shared XHTML renderer with EPUB tweaks: tables scroll sideways inside a wrapper on narrow screens."""

    def Table(self, node: Table) -> str:
        return f'<div class="table-wrap">\n{super().Table(node)}</div>\n'


@dataclass(frozen=True)
class EpubOptions:
    """Options of the EPUB exporter (``[tool.presswork.epub]``)."""

    toc_depth: int = 0  #: Heading depth of the contents (1 = chapters only); 0 = the book's ``toc_depth``.
    cover: bool = True  #: Add a cover: the configured image, else one generated from the theme.
    title_page: bool = True  #: Add a title page (title, subtitle, authors, publisher, rights) after the cover.
    toc_title: str = "Contents"  #: Heading of the contents page.
    accessibility_summary: str = ""  #: schema:accessibilitySummary; "" = describe what the book offers.
    certified_by: str = ""  #: a11y:certifiedBy of the conformance claim; "" = the publisher, else "presswork".
    code_style: str = "default"  #: Pygments style of code colours.


def _relative(href: str, from_file: str) -> str:
    """``href`` (package path) as seen from package file ``from_file``."""
    path, _, fragment = href.partition("#")
    rel = posixpath.relpath(path, posixpath.dirname(from_file) or ".")
    return f"{rel}#{fragment}" if fragment else rel


def _item(uid: str, name: str, content: bytes | str, media: str, properties: list[str] | None = None) -> Any:
    item = epub.EpubItem(uid=uid, file_name=name, media_type=media,
                         content=content.encode("utf-8") if isinstance(content, str) else content)
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


class EpubExporter(Exporter):
    """Writes an EPUB 3 that EPUBCheck accepts without errors or warnings."""

    name = "epub"
    extension = "epub"
    description = "EPUB 3 e-book: reflowable, accessible, with contents, cover and metadata"
    Options = EpubOptions

    def export(self, doc: Document, ctx: BuildContext, target: Path) -> None:
        """Metadata, images, cover, title page, chapters, contents, then a reproducible zip."""
        opts: EpubOptions = ctx.options if isinstance(ctx.options, EpubOptions) else EpubOptions()
        if not doc.chapters:
            raise PressworkError("the book has no chapters: nothing to put in the EPUB")
        meta = doc.meta  # configuration already merged over front matter (metadata.build_meta)
        title = meta.title.strip() or plain_text(doc.chapters[0].title).strip() or "Untitled"
        lang = meta.language or "en"
        files = chapter_files(doc)
        images = collect_images(doc, ctx.gate)
        a11y = assess(doc, ctx.reporter)
        a11y = dataclasses.replace(a11y, summary=opts.accessibility_summary,
                                   certified_by=opts.certified_by or meta.publisher)

        book = epub.EpubBook()
        identifier = book_identifier(meta)
        MetadataWriter(book).write(meta, title, identifier, a11y)
        direction = "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else ""
        if direction:
            book.set_direction(direction)
        page = {"lang": lang, "title": title, "dir": direction}

        css = ctx.theme.render("epub/book.css") + "\n/* code colours */\n" + pygments_css(opts.code_style, ".code") + "\n"
        book.add_item(_item("css", CSS_FILE, css, "text/css"))
        for number, asset in enumerate(images.by_src.values(), 1):
            book.add_item(_item(f"img-{number}", asset.href, asset.data, asset.media_type))

        spine: list[Any] = []
        guide: list[dict[str, str]] = []
        landmarks: list[dict[str, str]] = []
        if opts.cover:
            self._cover(book, ctx, meta, title, page)
            spine.append("cover")
            guide.append({"type": "cover", "href": COVER_PAGE, "title": "Cover"})
            landmarks.append({"type": "cover", "href": COVER_PAGE, "title": "Cover"})
        if opts.title_page:
            xhtml = ctx.theme.render("epub/titlepage.xhtml", **page, css=_relative(CSS_FILE, TITLE_PAGE),
                                     subtitle=meta.subtitle.strip(),
                                     authors=[a.name for a in meta.authors if a.name.strip()],
                                     publisher=meta.publisher.strip(), rights=meta.rights.strip(),
                                     date=w3c_date(meta.date), description="")
            book.add_item(_item("titlepage", TITLE_PAGE, xhtml, XHTML))
            spine.append("titlepage")
            guide.append({"type": "title-page", "href": TITLE_PAGE, "title": "Title Page"})
            landmarks.append({"type": "titlepage", "href": TITLE_PAGE, "title": "Title Page"})

        depth = opts.toc_depth or ctx.config.toc_depth
        toc = build_toc(doc, files, depth)
        spine.append("nav")
        guide.append({"type": "toc", "href": NAV_FILE, "title": opts.toc_title})
        landmarks.append({"type": "toc", "href": f"{NAV_FILE}#toc", "title": opts.toc_title})

        ids = id_index(doc, files)
        for number, ch in enumerate(doc.chapters, 1):
            name = files[ch.id]
            xhtml = self._chapter(ch, name, ids, images, ctx, page)
            book.add_item(_item(f"chapter-{number}", name, xhtml, XHTML, _doc_properties(xhtml)))
            spine.append(f"chapter-{number}")
        first = files[doc.chapters[0].id]
        guide.append({"type": "text", "href": first, "title": "Start"})
        landmarks.append({"type": "bodymatter", "href": first, "title": "Start of content"})

        nav = ctx.theme.render("epub/nav.xhtml", lang=lang, dir=direction, toc_title=opts.toc_title, css=CSS_FILE,
                               toc=toc, landmarks=landmarks)
        book.add_item(_item("nav", NAV_FILE, nav, XHTML, ["nav"]))
        book.add_item(epub.EpubNcx())
        book.toc = ncx_toc(toc)
        book.spine = spine
        book.guide = guide

        buffer = io.BytesIO()
        epub.write_epub(buffer, book, {"raise_exceptions": True, "epub3_landmark": False, "epub3_pages": False,
                                       "mtime": ctx.build_time.astimezone(timezone.utc)})
        target.write_bytes(normalize_epub(buffer.getvalue(), ctx.build_time))

    def _cover(self, book: Any, ctx: BuildContext, meta: Meta, title: str, page: dict[str, str]) -> None:
        """The cover image (configured, else generated) with its ``cover-image`` property and cover page."""
        source = meta.cover  # the configured cover, else the front matter's
        if source:
            data = ctx.gate.read_bytes(source)
            ctx.gate.image_size(data, source)
            suffix = Path(source).suffix.lower()
            media = media_type(source)
            if not media.startswith("image/"):
                raise PressworkError(f"cover {source!r} must be a JPEG, PNG, SVG, WebP or GIF image")
            name = f"images/cover{'.jpg' if media == 'image/jpeg' else suffix}"
        else:
            authors = tuple(a.name for a in meta.authors if a.name.strip())
            data = render_cover(CoverText(title, meta.subtitle.strip(), authors, meta.publisher),
                                dict(ctx.theme.options))
            name, media = "images/cover.png", "image/png"
        image = epub.EpubCover(file_name=name)
        image.media_type, image.content = media, data
        book.add_item(image)
        book.add_metadata(None, "meta", "", {"name": "cover", "content": image.id})
        names = ", ".join(a.name for a in meta.authors if a.name.strip())
        alt = f"Cover: {title}" + (f" by {names}" if names else "")
        xhtml = ctx.theme.render("epub/cover.xhtml", **page, css=_relative(CSS_FILE, COVER_PAGE),
                                 image=_relative(name, COVER_PAGE), alt=alt)
        book.add_item(_item("cover", COVER_PAGE, xhtml, XHTML, _doc_properties(xhtml)))

    def _chapter(self, ch: Chapter, name: str, ids: dict[str, str], images: Images, ctx: BuildContext,
                 page: dict[str, str]) -> str:
        """The complete XHTML document of one chapter, internal links pointing into the right files."""
        def link_href(url: str) -> str:
            target_id = url[1:]
            holder = ids.get(target_id)
            if holder is None:
                renderer.warn(f"link {url!r} points at no id in the book; it links to its chapter instead", "link")
                return posixpath.basename(name)
            if holder == name:
                return f"#{target_id}"
            return _relative(f"{holder}#{target_id}", name)

        def image_src(img: Image) -> str:
            return _relative(images.href(img.src), name)

        renderer = EpubRenderer(target="epub", link_href=link_href, image_src=image_src, reporter=ctx.reporter,
                                chapter_id=ch.id)
        body = renderer.chapter(ch)
        return ctx.theme.render("epub/chapter.xhtml", lang=page["lang"], dir=page["dir"],
                                title=plain_text(ch.title) or page["title"], css=_relative(CSS_FILE, name), body=Markup(body), body_class="bodymatter")
