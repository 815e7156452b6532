"""``presswork check`` audits accessibility: images without alt, heading jumps, tables without headers, vague link text."""

from __future__ import annotations

import io

from PIL import Image

PAGE = """# Start

Intro with a [link](https://example.org) and [click here](https://example.org/x).

#### Too deep

Text. Read [this](b.md) or [the other chapter](b.md).

![](pic.png)

| | |
|---|---|
| a | b |

## Fine

### Fine too

| Name | Value |
|------|-------|
| a    | 1     |
"""


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 0, 0)).save(out, "PNG")
    return out.getvalue()


def test_check_names_each_finding_with_file_and_line(presswork, make_book) -> None:
    book = make_book({"a.md": PAGE, "b.md": "# Other\n\nText.\n", "pic.png": png()})
    result = presswork("check", book)
    assert result.status == 0
    findings = [line for line in result.err.splitlines() if ": warning: " in line]
    assert findings == [
        "a.md:3: warning: link text 'link' does not say where the link goes (https://example.org): "
        "screen readers list links by their text",
        "a.md:3: warning: link text 'click here' does not say where the link goes (https://example.org/x): "
        "screen readers list links by their text",
        "a.md:5: warning: heading 'Too deep' is level 4 under a level-1 heading (level 2-3 skipped): "
        "screen readers list headings by level",
        "a.md:7: warning: link text 'this' does not say where the link goes (#other): "
        "screen readers list links by their text",
        "a.md:9: warning: image 'pic.png' has no alt text",
        "a.md:11: warning: table without a header row: a screen reader cannot name a cell's column",
    ]
    assert "1 chapter" not in result.out and "6 warnings" in result.out


def test_strict_check_fails_on_an_accessibility_finding(presswork, make_book) -> None:
    book = make_book({"a.md": "# A\n\nSee [here](https://example.org).\n"})
    assert presswork("check", book).status == 0
    result = presswork("check", book, "--strict")
    assert result.status != 0
    assert "a.md:3: warning: link text 'here' does not say where the link goes" in result.err


def test_a_well_made_book_has_no_findings(presswork, make_book) -> None:
    book = make_book({"a.md": "# A\n\n## B\n\n### C\n\nSee [the guide](https://example.org).\n\n## D\n"})
    result = presswork("check", book)
    assert "warning" not in result.err and "0 warnings" in result.out
