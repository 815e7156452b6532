"""Book metadata: merge configuration with the first chapter's front matter, parse dates."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from presswork.core.config import Config
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Author, Meta, Pos
from presswork.core.values import CONTROL_CHARACTERS, LanguageTag
from presswork.reading.smartquotes import smarten_text

#: Date spellings accepted in configuration and front matter, besides ISO 8601.
DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%Y/%m/%d", "%d.%m.%Y")

#: Front-matter keys (Astro, Hugo, Jekyll and Pandoc spellings) and the metadata field each fills.
FRONT_MATTER_KEYS = {
    "title": "title",
    "subtitle": "subtitle",
    "description": "description",
    "summary": "description",
    "abstract": "description",
    "author": "authors",
    "authors": "authors",
    "lang": "language",
    "language": "language",
    "tags": "subjects",
    "keywords": "subjects",
    "subjects": "subjects",
    "publishDate": "date",
    "pubDate": "date",
    "date": "date",
    "updatedDate": "modified",
    "lastmod": "modified",
    "modified": "modified",
    "publisher": "publisher",
    "rights": "rights",
    "copyright": "rights",
    "identifier": "identifier",
    "isbn": "identifier",
    "cover": "cover",
    "heroImage": "cover",
}
_DATE_FIELDS = ("date", "modified")


def parse_date(value: Any, field: str, where: Pos) -> str:
    """An ISO 8601 date (YYYY-MM-DD) from "2025-03-04", "04 Mar 2025", "March 4, 2025", a date or a datetime."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return ""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise PressworkError(f"{field}: unknown date format {text!r}; write it as 2025-03-04 or 04 Mar 2025", where)


def _as_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip()) if "," in value else (value.strip(),)
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return (str(value),)


def _author(entry: Any) -> Author:
    """``"Name"``, ``"Name (edt)"`` or a mapping ``{name:, role:}``."""
    if isinstance(entry, dict):
        return Author(str(entry.get("name", "")).strip(), str(entry.get("role", "aut")).strip() or "aut")
    text = str(entry).strip()
    m = re.fullmatch(r"(.+?)\s*\(([a-z]{3})\)", text)
    return Author(m.group(1), m.group(2)) if m else Author(text)


def front_matter_fields(front: dict[str, Any], where: Pos, reporter: Reporter | None = None) -> dict[str, Any]:
    """Metadata fields found in one file's front matter, normalised (unknown keys are ignored:
    front matter is shared with other tools such as static site generators). Control characters
    are removed, and a ``lang`` that is not a BCP 47 tag is left out, each with a warning."""
    found: dict[str, Any] = {}
    for key, value in front.items():
        field = FRONT_MATTER_KEYS.get(str(key))
        if field is None or field in found or value in (None, ""):
            continue
        if field in _DATE_FIELDS:
            found[field] = parse_date(value, str(key), where)
        elif field == "authors":
            found[field] = tuple(
                _author(_clean(a, str(key), where, reporter)) for a in (value if isinstance(value, list) else [value])
            )
        elif field == "subjects":
            found[field] = tuple(_clean(v, str(key), where, reporter) for v in _as_list(value))
        elif isinstance(value, (list, dict)):  # a title or a cover is one value, not a list or a table
            if reporter is not None:
                reporter.warn(f"front matter {str(key)!r} must be text, not a {type(value).__name__}; ignored", where)
        else:
            found[field] = _clean(str(value).strip(), str(key), where, reporter)
    language = found.get("language")
    if language is not None and (problem := LanguageTag().problem(language)):
        if reporter is not None:
            key = next(k for k in front if FRONT_MATTER_KEYS.get(str(k)) == "language")
            reporter.warn(f"front matter {key!r} {problem}; the book's language is taken from elsewhere", where)
        del found["language"]
    return found


def _clean(value: Any, key: str, where: Pos, reporter: Reporter | None) -> Any:
    """``value`` without control characters (a warning names the key when some were removed)."""
    if isinstance(value, dict):
        return {k: _clean(v, key, where, reporter) for k, v in value.items()}
    if not isinstance(value, str) or not CONTROL_CHARACTERS.search(value):
        return value
    found = CONTROL_CHARACTERS.search(value)
    if reporter is not None and found is not None:
        reporter.warn(f"front matter {key!r}: control character U+{ord(found.group()):04X} removed", where)
    return CONTROL_CHARACTERS.sub("", value)


#: Metadata shown to readers (covers, title pages, slides), set with the same punctuation as the text.
_DISPLAY_FIELDS = ("title", "subtitle", "description", "publisher", "rights")


def build_meta(
    config: Config, front: dict[str, Any], front_pos: Pos, fallback_title: str = "", reporter: Reporter | None = None
) -> Meta:
    """Book metadata: explicit configuration wins over the first chapter's front matter. The
    configuration was checked when it was loaded; the front matter is cleaned here (``reporter``
    hears what was removed)."""
    fields = front_matter_fields(front, front_pos, reporter)
    where = Pos(config.config_file.name if config.config_file else "presswork.toml")
    for name in ("title", "subtitle", "language", "identifier", "publisher", "rights", "description", "cover"):
        value = getattr(config, name)
        if value:
            fields[name] = value
    for name in _DATE_FIELDS:
        if getattr(config, name):
            fields[name] = parse_date(getattr(config, name), name, where)
    if config.authors:
        fields["authors"] = tuple(_author(a) for a in config.authors)
    if config.subjects:
        fields["subjects"] = config.subjects
    fields.setdefault("title", CONTROL_CHARACTERS.sub("", fallback_title) or "Untitled")
    fields["language"] = fields.get("language") or "en"
    for name in _DISPLAY_FIELDS:  # typographic quotes and dashes, as the reader gives the book's text
        if isinstance(fields.get(name), str):
            fields[name] = smarten_text(fields[name])
    return Meta(**fields)
