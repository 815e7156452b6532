"""EPUB package metadata: Dublin Core, refinements, a stable identifier and schema.org accessibility."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from presswork.core.tree import Author, Meta

#: Namespace of the UUID5 identifiers presswork derives from a book's metadata.
PRESSWORK_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://presswork.example/epub-identifier")
#: The conformance claim written when the book meets it.
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m", "%Y", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y/%m/%d")


@dataclass(frozen=True)
class Accessibility:
    """What the book's content offers, as measured on the tree (drives the a11y metadata)."""

    has_images: bool = False
    images_without_alt: int = 0
    has_math: bool = False
    has_tables: bool = False
    tables_have_headers: bool = True
    headings_in_order: bool = True
    has_page_list: bool = False
    summary: str = ""  # "" = generate one
    certified_by: str = ""

    @property
    def conforms(self) -> bool:
        """True when the book meets WCAG 2.2 AA as far as presswork can tell: none of the author errors
        presswork checks for (images without alt text, skipped heading levels, tables without header rows)."""
        return self.images_without_alt == 0 and self.headings_in_order and self.tables_have_headers


def book_identifier(meta: Meta) -> str:
    """The package identifier: the configured one (ISBN as ``urn:isbn:``) or a UUID5 from title, authors and language."""
    ident = meta.identifier.strip()
    if ident:
        bare = re.sub(r"^(urn:)?isbn:", "", ident, flags=re.IGNORECASE).replace("-", "").replace(" ", "")
        if re.fullmatch(r"97[89]\d{10}|\d{9}[\dXx]", bare):
            return f"urn:isbn:{bare.upper()}"
        return ident
    key = "\n".join([meta.title, *(f"{a.name}|{a.role}" for a in meta.authors), meta.language])
    return f"urn:uuid:{uuid.uuid5(PRESSWORK_NS, key)}"


def w3c_date(value: str) -> str:
    """``value`` as a W3CDTF date (YYYY[-MM[-DD]] or a full UTC timestamp), or "" when it cannot be read."""
    value = value.strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        if parsed.tzinfo is None and (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0):
            return parsed.strftime("%Y-%m-%d")
        return utc_stamp(parsed)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).strftime("%Y-%m-%d")
        except ValueError:
            continue
    return ""


def utc_stamp(moment: datetime) -> str:
    """``moment`` in UTC as ``YYYY-MM-DDThh:mm:ssZ`` (naive times are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class MetadataWriter:
    """Adds a book's metadata to an ``ebooklib.epub.EpubBook`` (ebooklib writes ``dcterms:modified`` itself)."""

    book: Any
    ids: list[str] = field(default_factory=list)

    def dc(self, name: str, value: str, **attrs: str) -> None:
        """Add one ``dc:<name>`` element."""
        self.book.add_metadata("DC", name, value, attrs or None)

    def meta(self, prop: str, value: str, refines: str = "", **attrs: str) -> None:
        """Add one EPUB 3 ``<meta property=...>`` (refining ``#refines`` when given)."""
        others = {"property": prop}
        if refines:
            others["refines"] = f"#{refines}"
        others.update(attrs)
        self.book.add_metadata(None, "meta", value, others)

    def write(self, meta: Meta, title: str, identifier: str, a11y: Accessibility) -> None:
        """Write identifier, titles, contributors, language, dates, rights and accessibility metadata."""
        self.book.set_identifier(identifier)
        self.book.title = title
        self.dc("title", title, id="title")
        if meta.subtitle.strip():
            self.meta("title-type", "main", refines="title")
            self.dc("title", meta.subtitle.strip(), id="subtitle")
            self.meta("title-type", "subtitle", refines="subtitle")
        self.book.set_language(meta.language or "en")
        self._contributors(meta.authors)
        for name in ("publisher", "rights", "description"):
            value = getattr(meta, name).strip()
            if value:
                self.dc(name, value)
        for subject in meta.subjects:
            if subject.strip():
                self.dc("subject", subject.strip())
        date = w3c_date(meta.date)
        if date:
            self.dc("date", date)
        self._accessibility(a11y)

    def _contributors(self, authors: tuple[Author, ...]) -> None:
        for number, author in enumerate(authors, 1):
            if not author.name.strip():
                continue
            uid = f"creator-{number}" if author.role == "aut" else f"contributor-{number}"
            self.dc("creator" if author.role == "aut" else "contributor", author.name.strip(), id=uid)
            self.meta("role", author.role or "aut", refines=uid, scheme="marc:relators")

    def _accessibility(self, a11y: Accessibility) -> None:
        modes = ["textual", "visual"] if a11y.has_images else ["textual"]
        for mode in modes:
            self.meta("schema:accessMode", mode)
        if a11y.images_without_alt == 0:
            self.meta("schema:accessModeSufficient", "textual")
        if a11y.has_images:
            self.meta("schema:accessModeSufficient", "textual,visual")
        features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
        if a11y.has_images and a11y.images_without_alt == 0:
            features.append("alternativeText")
        if a11y.has_math:
            features.append("MathML")
        if a11y.has_page_list:
            features += ["pageBreakMarkers", "pageNavigation"]
        for feature in features:
            self.meta("schema:accessibilityFeature", feature)
        self.meta("schema:accessibilityHazard", "none")
        self.meta("schema:accessibilitySummary", a11y.summary or default_summary(a11y))
        if a11y.conforms:
            self.meta("dcterms:conformsTo", CONFORMANCE)
            self.meta("a11y:certifiedBy", a11y.certified_by or "presswork")


def default_summary(a11y: Accessibility) -> str:
    """A plain-language accessibility summary describing what the book offers."""
    parts = [
        "This publication has a navigable table of contents, structured headings in a logical reading order "
        "and reflowable text that adapts to the reader's font and size settings."
    ]
    if a11y.has_images:
        parts.append(
            "All images have text alternatives."
            if a11y.images_without_alt == 0
            else "Some images lack text alternatives."
        )
    if a11y.has_math:
        parts.append("Mathematics is given as MathML.")
    if a11y.has_tables:
        parts.append("Tables have header rows." if a11y.tables_have_headers else "Some tables lack header rows.")
    if a11y.has_page_list:
        parts.append("Page breaks of the print edition are marked in the text and listed in a page list.")
    if a11y.conforms:
        parts.append(f"It aims to meet {CONFORMANCE}.")
    return " ".join(parts)
