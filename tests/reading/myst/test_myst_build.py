"""A small MyST book built with ``markdown = "myst"``: the EPUB and the PDF show what the directives and roles
mean, never the markup itself, and a MyST include goes through the include gate."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image as PILImage

from tests.support.outputs import epub_text, pdf_text

_LITERAL = re.compile(r"\{[a-z][\w:-]*\}`?|```")

CHAPTER = """\
# Reading MyST

(sec-why)=
## Why

```{note}
Directives become call-outs.
```

:::{figure} cat.png
:name: fig-cat
:width: 40%

A cat on a mat.
:::

See {numref}`fig-cat`, {ref}`the reasons <sec-why>` and {term}`parser`.
Water is H{sub}`2`O; press {kbd}`Ctrl+S`.

```{include} part.md
```

```{toctree}
:hidden:
other
```
"""


def _png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 80, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def book(make_book) -> Path:
    return make_book(
        {
            "presswork.toml": 'title = "MyST book"\nmarkdown = "myst"\nchapters = ["chapter.md"]\n',
            "chapter.md": CHAPTER,
            "part.md": "Included words arrive.\n",
            "cat.png": _png(),
        }
    )


@pytest.mark.slow
def test_myst_book_outputs_show_meaning_not_markup(presswork, book: Path) -> None:
    result = presswork("build", book, "--format", "epub,pdf")
    assert result.status == 0, result.err
    assert "audit" not in result.err
    epub = epub_text(book / "output" / "myst-book.epub")
    pdf = pdf_text(book / "output" / "myst-book.pdf")
    for text in (epub, pdf):
        flat = " ".join(text.split())
        assert "Directives become call-outs." in flat
        assert "A cat on a mat." in flat
        assert "Included words arrive." in flat
        assert "Figure 1.1" in flat  # {numref} to a fig- name is a numbered cross-reference
        assert "the reasons" in flat and "parser" in flat
        assert not _LITERAL.findall(text), _LITERAL.findall(text)
        assert "toctree" not in text and "other" not in flat.split()
