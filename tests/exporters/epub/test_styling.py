"""EPUB styling for every reader: the package's language, night-mode-safe CSS, no hyphenation in code/URLs/tables."""

from __future__ import annotations

import re
from pathlib import Path

from presswork.exporters.epub.package import package_language
from tests.exporters.epub.test_epub import NS, Book, _variants, build

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_package_element_carries_the_language(tmp_path: Path) -> None:
    book = Book(build(tmp_path)[0])
    assert book.opf.get(XML_LANG) == "en"
    assert book.opf.find(".//dc:language", NS).text == "en"
    rtl = Book(build(tmp_path / "rtl", _variants()["right-to-left"])[0])
    assert rtl.opf.get("dir") == "rtl" and rtl.opf.get(XML_LANG)


def test_package_language_replaces_rather_than_duplicates() -> None:
    opf = (
        '<?xml version="1.0"?><package xml:lang="de" xmlns="http://www.idpf.org/2007/opf" version="3.0"><x/></package>'
    )
    fixed = package_language(opf, "fr", "")
    assert fixed.count("xml:lang") == 1 and 'xml:lang="fr"' in fixed and "<x/>" in fixed


def _css(tmp_path: Path) -> str:
    return Book(build(tmp_path)[0]).zip.read("EPUB/styles/book.css").decode("utf-8")


def test_css_is_safe_in_night_mode(tmp_path: Path) -> None:
    css = _css(tmp_path)
    body = re.search(r"\bbody\s*\{([^}]*)\}", css)
    assert body and not re.search(r"(^|[^-])color\s*:", body.group(1)), "the body colour is the reader's"
    light_tints = re.findall(r"background(?:-color)?\s*:\s*#(?:f|e)[0-9a-f]{5}", css, re.I)
    assert not light_tints, light_tints
    dark = css[css.index("@media (prefers-color-scheme: dark)") :]
    assert re.search(r"\.code \.hl-\w+ \{[^}]*color", dark), "code colours are swapped in dark mode"


def test_no_hyphenation_in_code_urls_and_tables(tmp_path: Path) -> None:
    css = _css(tmp_path)
    selectors = " ".join(m.group(1) for m in re.finditer(r"([^{}]*)\{[^}]*\bhyphens:\s*(?:manual|none)", css))
    for needed in ("code", "pre", "a", "table", "th", "caption"):
        assert re.search(rf"(^|[\s,]){needed}([\s,.:]|$)", selectors), needed
