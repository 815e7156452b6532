"""EPUB styling for every reader: the package's language, night-mode-safe CSS, no hyphenation in code/URLs/tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
    # No light opaque tint behind text; pictures alone get a white backing at night (transparent ones vanish).
    light_tints = [
        selector
        for selector, body in re.findall(r"([^{}]*)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
        if re.search(r"background(?:-color)?\s*:\s*#(?:f|e)[0-9a-f]{5}", body, re.I)
        and not all(part.strip().split(" ")[-1].split(".")[0] == "img" for part in selector.split(","))
    ]
    assert not light_tints, light_tints
    dark = css[css.index("@media (prefers-color-scheme: dark)") :]
    assert re.search(r"\.code \.hl-\w+ \{[^}]*color", dark), "code colours are swapped in dark mode"


def test_no_hyphenation_in_code_urls_and_tables(tmp_path: Path) -> None:
    css = _css(tmp_path)
    selectors = " ".join(m.group(1) for m in re.finditer(r"([^{}]*)\{[^}]*\bhyphens:\s*(?:manual|none)", css))
    for needed in ("code", "pre", "a", "table", "th", "caption"):
        assert re.search(rf"(^|[\s,]){needed}([\s,.:]|$)", selectors), needed


def _luminance(rgb: tuple[int, ...]) -> float:
    """WCAG relative luminance of an (r, g, b) colour."""
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in rgb[:3])]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_a_chapter_is_readable_in_chromium_in_light_and_dark_mode(tmp_path: Path) -> None:
    """As a browser-based reading system shows it: headings and text contrast at least 4.5:1 with the page
    painted on screen, in both schemes (the dark block's light accents must never sit on a white page)."""
    import io
    import shutil
    import zipfile

    from PIL import Image

    playwright = pytest.importorskip("playwright.sync_api")
    epub = build(tmp_path)[0]
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(epub) as z:
        z.extractall(folder)
    chapter = sorted((folder / "EPUB" / "text").glob("ch*.xhtml"))[0]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=["--no-sandbox"]
        )
        try:
            for scheme in ("light", "dark"):
                page = browser.new_page(color_scheme=scheme, viewport={"width": 600, "height": 400})
                page.goto(chapter.as_uri())
                shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
                page_rgb = shot.getpixel((3, 3))  # the page margin, as painted
                for selector in ("h1", "h2", "p"):
                    if page.locator(selector).count():
                        fg = page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).color")
                        rgb = tuple(int(float(v)) for v in re.findall(r"[\d.]+", fg)[:3])
                        hi, lo = sorted((_luminance(rgb), _luminance(page_rgb)), reverse=True)
                        assert (hi + 0.05) / (lo + 0.05) >= 4.5, (scheme, selector, fg, page_rgb)
        finally:
            browser.close()
