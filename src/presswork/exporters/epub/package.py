"""Fixes to the package document ebooklib writes: the language of the ``<package>`` element itself."""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import quoteattr


def _opf_path(archive: zipfile.ZipFile) -> str:
    """The package document's path, from ``META-INF/container.xml``."""
    container = archive.read("META-INF/container.xml").decode("utf-8")
    match = re.search(r'full-path="([^"]+)"', container)
    return match.group(1) if match else "EPUB/content.opf"


def package_language(opf: str, lang: str, direction: str = "") -> str:
    """``opf`` whose ``<package>`` carries ``xml:lang`` (and ``dir`` for a right-to-left book).

    Ace by DAISY reports a missing ``xml:lang`` on ``<package>`` as a serious violation
    (``epub-lang``); ``dc:language`` alone does not satisfy it, and ebooklib never writes it.
    """

    def fix(match: re.Match[str]) -> str:
        tag = match.group(0)
        tag = re.sub(r'\s(xml:lang|dir)="[^"]*"', "", tag)
        extra = f" xml:lang={quoteattr(lang)}" + (f" dir={quoteattr(direction)}" if direction else "")
        return tag[: len("<package")] + extra + tag[len("<package") :]

    return re.sub(r"<package\b[^>]*>", fix, opf, count=1)


def patch_package(data: bytes, lang: str, direction: str = "") -> bytes:
    """The EPUB zip ``data`` with its package document's language set (other entries copied as they are)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        opf_name = _opf_path(source)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename == opf_name:
                    content = package_language(content.decode("utf-8"), lang, direction).encode("utf-8")
                info.compress_type = zipfile.ZIP_STORED  # an intermediate zip: compressed once, when normalised
                target.writestr(info, content)
    return out.getvalue()
