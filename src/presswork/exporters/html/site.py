"""The pages of the HTML site: names, links, images, stylesheet, sidebar, chapter pages and the index."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from presswork.core.diagnostics import PressworkError
from presswork.core.files import make_dirs, write_new
from presswork.core.tree import Chapter, Document, Image, MathBlock, Note, Table, plain_text
from presswork.core.values import is_language_tag
from presswork.exporters.base import BuildContext
from presswork.exporters.common.contents import ContentsEntry, book_contents, chapter_files, id_index
from presswork.exporters.common.highlight import pygments_css
from presswork.exporters.common.html import EPUB_NS, HtmlRenderer, attr_esc, attrs, scroll_region, scrollable_math
from presswork.exporters.epub.content import Images, collect_images
from presswork.exporters.html.options import HtmlOptions

CSS_FILE = "assets/site.css"
INDEX_FILE = "index.html"
#: Languages written right to left.
RTL_LANGUAGES = frozenset({"ar", "arc", "dv", "fa", "he", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi"})


class SiteRenderer(HtmlRenderer):
    """The shared renderer (EPUB flavour: MathML, footnotes at the end of a chapter) as plain HTML5:
    no ``epub:type`` attributes, every image with an ``alt`` (empty when the source gives none),
    wide tables in a scrolling wrapper that a keyboard can reach."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(target="epub", **kwargs)  # type: ignore[arg-type]
        self.code_lines = True

    def chapter(self, chapter: Chapter, classes: str = "") -> str:
        role = "appendix" if chapter.appendix else "chapter"
        return super().chapter(chapter, classes).replace(f' xmlns:epub="{EPUB_NS}" epub:type="{role}"', "", 1)

    def footnotes(self) -> str:
        # Markup only: text is escaped, so '<aside epub:type=' cannot come from the book's words.
        return super().footnotes().replace('<aside epub:type="footnote" ', "<aside ")

    def Note(self, node: Note) -> str:
        return super().Note(node).replace('<a epub:type="noteref" ', "<a ", 1)

    def Table(self, node: Table) -> str:
        return scroll_region(node, super().Table(node))

    def MathBlock(self, node: MathBlock) -> str:
        return scrollable_math(super().MathBlock(node))

    def _img(self, node: Image, cls: str) -> str:
        return (
            f"<img{attrs(src=self.image_src(node), title=node.title, class_=cls, id=node.attr.id)}"
            f'{attrs(width=node.attr.get("width"), height=node.attr.get("height"))} alt="{attr_esc(node.alt)}"/>'
        )


@dataclass
class Link:
    """A contents entry of the sidebar: label, href and nested entries; ``current`` marks the open page."""

    label: str
    href: str
    children: list[Link] = field(default_factory=list)
    current: bool = False


def _links(entries: list[ContentsEntry], pages: dict[str, str], page: str = "") -> list[Link]:
    def link(entry: ContentsEntry, file: str) -> Link:
        file = pages[entry.id] if entry.level == 1 else file  # a sub-chapter has its own page
        href = file if entry.level == 1 else f"{file}#{entry.id}"
        return Link(
            entry.label or entry.id,
            href,
            [link(c, file) for c in entry.children],
            current=entry.level == 1 and file == page,
        )

    return [link(e, pages[e.id]) for e in entries]


class Site:
    """One build of the site: pages, stylesheet and images for ``doc``."""

    def __init__(self, doc: Document, ctx: BuildContext[HtmlOptions]) -> None:
        if not doc.chapters:
            raise PressworkError("the book has no chapters: nothing to put on the site")
        self.doc, self.ctx, self.opts = doc, ctx, ctx.options
        meta = doc.meta
        self.title = meta.title.strip() or plain_text(doc.chapters[0].title).strip() or "Untitled"
        self.lang = meta.language if is_language_tag(meta.language) else "en"  # checked at load; a plug-in's tree too
        self.direction = "rtl" if self.lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"
        self.pages = chapter_files(doc, "", ".html")
        self.ids = id_index(doc, self.pages)
        self.contents = book_contents(doc, self.opts.toc_depth or ctx.config.toc_depth, "epub")
        self.images: Images = collect_images(doc, ctx.gate)
        self.files: dict[str, str | bytes] = {}

    # ------------------------------------------------------------------ steps
    def write(self, target: Path) -> None:
        """Render every file, then write them into the new folder ``target`` (mtimes at the build time
        when the build is reproducible)."""
        self.stylesheet()
        for asset in self.images.by_src.values():
            self.files[asset.href] = asset.data
        chapters = self.doc.chapters
        for i, ch in enumerate(chapters):
            self.files[self.pages[ch.id]] = self.chapter_page(
                ch, chapters[i - 1] if i else None, chapters[i + 1] if i + 1 < len(chapters) else None
            )
        self.files[INDEX_FILE] = self.index_page()
        target.mkdir()
        root = Path(os.path.realpath(target))  # every file goes inside the new folder (through the file gate)
        stamp = self.ctx.build_time.timestamp()
        for name in sorted(self.files):
            path = target / name
            make_dirs(path.parent, root)
            data = self.files[name]
            write_new(path, data.encode("utf-8") if isinstance(data, str) else data, root)
            if self.ctx.reproducible:
                os.utime(path, (stamp, stamp))

    def stylesheet(self) -> None:
        """The theme's site stylesheet with code colours for light and dark mode."""
        dark = "\n".join(f"  {rule}" for rule in pygments_css(self.opts.code_style_dark, ".code").splitlines())
        css = (
            self.ctx.theme.render("html/site.css")
            + "\n/* code colours */\n"
            + pygments_css(self.opts.code_style, ".code")
            + f"\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
        )
        self.files[CSS_FILE] = css

    def _page(
        self,
        name: str,
        *,
        title: str,
        body: str,
        prev: tuple[str, str] | None = None,
        next_: tuple[str, str] | None = None,
        body_class: str = "chapter-page",
    ) -> str:
        meta = self.doc.meta
        return self.ctx.theme.render(
            "templates/html/page.html",
            lang=self.lang,
            dir=self.direction,
            title=title,
            book_title=self.title,
            css=CSS_FILE,
            index=INDEX_FILE,
            body=Markup(body),
            body_class=body_class,
            toc_title=self.opts.toc_title,
            skip_link=self.opts.skip_link,
            contents=_links(self.contents, self.pages, name),
            prev=prev,
            next=next_,
            rights=meta.rights.strip(),
            description=meta.description.strip(),
            authors=[a.name for a in meta.authors if a.name.strip()],
        )

    def chapter_page(self, ch: Chapter, prev: Chapter | None, next_: Chapter | None) -> str:
        """The page of one chapter, internal links pointing into the right pages."""
        name = self.pages[ch.id]

        def link_href(url: str) -> str:
            target_id = url[1:]
            holder = self.ids.get(target_id)
            if holder is None:
                renderer.warn(f"link {url!r} points at no id in the book; it links to its chapter instead", "link")
                return name
            return f"#{target_id}" if holder == name else f"{holder}#{target_id}"

        def image_src(img: Image) -> str:
            return posixpath.normpath(self.images.href(img.src))

        renderer = SiteRenderer(link_href=link_href, image_src=image_src, reporter=self.ctx.reporter, chapter_id=ch.id)
        body = renderer.chapter(ch)
        title = plain_text(ch.title).strip() or self.title
        return self._page(
            name,
            title=f"{title} · {self.title}",
            body=body,
            prev=(self.pages[prev.id], plain_text(prev.title)) if prev else (INDEX_FILE, self.title),
            next_=(self.pages[next_.id], plain_text(next_.title)) if next_ else None,
        )

    def index_page(self) -> str:
        """The index page: title, subtitle, authors, description and the whole contents."""
        meta = self.doc.meta
        first = self.doc.chapters[0]
        body = self.ctx.theme.render(
            "templates/html/index.html",
            title=self.title,
            subtitle=meta.subtitle.strip(),
            authors=[a.name for a in meta.authors if a.name.strip()],
            publisher=meta.publisher.strip(),
            date=meta.date,
            description=meta.description.strip(),
            toc_title=self.opts.toc_title,
            contents=_links(
                book_contents(self.doc, max(self.opts.toc_depth or self.ctx.config.toc_depth, 2), "epub"), self.pages
            ),
            start=self.pages[first.id],
            start_title=plain_text(first.title),
        )
        return self._page(
            INDEX_FILE,
            title=self.title,
            body=body,
            next_=(self.pages[first.id], plain_text(first.title)),
            body_class="index-page",
        )
