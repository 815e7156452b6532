"""Images whose file extension lies: the EPUB declares the type their bytes have, so EPUBCheck accepts it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tests.support.safety import epub_problems, png


def _manifest(epub: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(epub) as z:
        opf = next(z.read(n).decode() for n in z.namelist() if n.endswith(".opf"))
    items = re.findall(r"<item\b[^>]*>", opf)
    return [
        (re.search(r'href="([^"]+)"', item).group(1), re.search(r'media-type="([^"]+)"', item).group(1))  # type: ignore[union-attr]
        for item in items
    ]


def test_a_png_named_jpeg_is_declared_as_png(presswork, make_book) -> None:
    book = make_book(
        {
            "01-a.md": "# A\n\n![Donate](images/donate.jpeg)\n\nText after.\n",
            "images/donate.jpeg": png(8, 6),
            "cover.jpg": png(60, 90),
        }
    )
    (book / "presswork.toml").write_text('cover = "cover.jpg"\n')
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err
    epub = book / "output" / "a.epub"
    images = [(href, kind) for href, kind in _manifest(epub) if kind.startswith("image/")]
    assert images and all(kind == "image/png" and href.endswith(".png") for href, kind in images), images
    assert epub_problems(epub) == []
