"""Messages a hostile or odd project gets: every problem names its ``file:line``, no message shows
more than 200 characters of a source line (nor a raw control character), small ``data:`` images are
embedded like files and large ones refused with their size, UTF-16 files are read, percent-encoded
links are not counted as lost words, and nesting errors name ``max_nesting`` and the real depth."""

from __future__ import annotations

import base64
import codecs
import io
import random
import zipfile
from pathlib import Path

import pytest

from presswork.project.datauri import MAX_DATA_IMAGE_BYTES
from tests.support.cli import problem_lines
from tests.support.safety import bomb_png, output_blobs, pdf_image_sizes, png

#: The most characters any line of the command's messages may have: 200 of the source, and a gutter.
LONGEST_LINE = 220


def assert_refused(result, where: str, *words: str) -> None:
    """Exit 1, one problem naming ``where`` (``file:line``) with ``words`` in it, no traceback, short lines."""
    assert result.status == 1, result.err[-3000:]
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err[-3000:]
    problems = problem_lines(result.err)
    assert len(problems) == 1, [p[:300] for p in problems]
    assert problems[0].startswith(f"{where}: "), problems[0][:300]
    for word in words:
        assert word in problems[0], problems[0][:300]
    assert_short(result.err)


def assert_short(err: str) -> None:
    """No line of ``err`` is longer than LONGEST_LINE, and none holds a raw control character."""
    for line in err.splitlines():
        assert len(line) <= LONGEST_LINE, f"{len(line)} characters: {line[:120]}..."
        assert not any(ord(c) < 32 and c != "\t" for c in line), repr(line[:120])


def data_png(width: int = 30, height: int = 20) -> str:
    return "data:image/png;base64," + base64.b64encode(png(width, height)).decode()


# ---------------------------------------------------------------------------- every problem has a line


@pytest.mark.parametrize(
    "title",
    ['# Title <img src="missing.png" alt="logo">', "# Title ![logo](missing.png)"],
)
def test_missing_image_in_a_heading_names_its_line(presswork, make_book, title: str) -> None:
    book = make_book({"01-a.md": f"<!-- a comment first -->\n\n{title}\n\ntext\n"})
    assert_refused(
        presswork("build", book, "--format", "epub", "--strict"), "01-a.md:3", "file not found: 'missing.png'"
    )


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('# Title <a href="nowhere.md">here</a>\n\ntext\n', "01-a.md:1", "link 'nowhere.md'"),
        ("# Title [here](file:///etc/passwd)\n\ntext\n", "01-a.md:1", "link 'file:///etc/passwd'"),
        ('# Title\n\ntext\n\nA <a href="http://[bad">link</a> b\n', "01-a.md:5", "link 'http://[bad' removed"),
        ('# Title\n\ntext\n\nA <img src="http://[::1/x.png" alt="v"> b\n', "01-a.md:5", "remote image"),
    ],
)
def test_bad_href_names_its_line(presswork, make_book, text: str, where: str, message: str) -> None:
    book = make_book({"01-a.md": text})
    result = presswork("build", book, "--format", "epub", "--strict")
    assert_refused(result, where, message)


# ---------------------------------------------------------------------------- at most 200 characters


def test_a_long_line_is_shown_around_the_problem(presswork, make_book) -> None:
    line = "word " * 20_000 + "![gone](missing.png) " + "more " * 20_000
    book = make_book({"01-a.md": f"# Long\n\n{line}\n"})
    result = presswork("build", book, "--format", "epub", "--strict")
    assert_refused(result, "01-a.md:3", "file not found: 'missing.png'")
    shown, caret = result.err.strip().splitlines()[-2:]
    assert "![gone](missing.png)" in shown
    assert shown.index("missing.png") == caret.index("^")  # the caret stands under the quoted name


def test_control_characters_are_never_echoed(presswork, make_book) -> None:
    book = make_book({"01-a.md": b"# A\n\nok\n\x00\x01\x1b[31m red\n"})
    result = presswork("build", book, "--format", "epub")
    assert_refused(result, "01-a.md:4", "binary data: NUL byte")
    assert "\x00" not in result.err and "\x1b" not in result.err
    assert "\u2400" in result.err  # NUL shown as its symbol


# ---------------------------------------------------------------------------- data: images


@pytest.mark.slow
def test_small_data_image_is_embedded_in_every_format(presswork, make_book) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><script>alert(1)</script><rect width="30" height="20" fill="teal"/></svg>'
    disguised = "data:image/png;base64," + base64.b64encode(svg).decode()  # an SVG that says it is a PNG
    book = make_book(
        {
            "01-a.md": f"# Plots\n\ntext\n\n![A plot]({data_png(31, 17)})\n\n"
            f"## Drawing\n\n![A drawing]({disguised})\n\n"
            f'Inline <img src="{data_png(31, 17)}" alt="same plot"> here.\n'
        }
    )
    result = presswork("build", book, "--format", "epub,pdf,pptx,html")
    assert result.status == 0, result.err[-2000:]
    assert "01-a.md:9: warning: removed from SVG image" in result.err  # sanitised, like a file
    assert_short(result.err)
    out = book / "output"
    epub = output_blobs(out / "plots.epub")
    assert png(31, 17) in epub.values()
    svgs = [blob for name, blob in epub.items() if name.endswith(".svg")]
    assert svgs and all(b"<script" not in blob for blob in svgs)
    assert png(31, 17) in output_blobs(out / "plots.pptx").values()
    assert (31, 17) in pdf_image_sizes(out / "plots.pdf")
    site = out / "plots-site"
    assert png(31, 17) in [p.read_bytes() for p in site.rglob("*.png")]
    assert not any(b"<script" in p.read_bytes() for p in site.rglob("*.svg"))


def test_large_data_image_is_refused_with_its_size(presswork, make_book) -> None:
    from PIL import Image

    noise = io.BytesIO()
    Image.frombytes("RGB", (600, 600), random.Random(22).randbytes(600 * 600 * 3)).save(noise, "PNG")
    data = noise.getvalue()
    assert len(data) > MAX_DATA_IMAGE_BYTES
    uri = "data:image/png;base64," + base64.b64encode(data).decode()
    book = make_book({"01-a.md": f"# Big\n\ntext\n\n![Noise]({uri})\n"})
    assert_refused(
        presswork("build", book, "--format", "epub"),
        "01-a.md:5",
        f"data: image of {len(data):,} bytes",
        f"({MAX_DATA_IMAGE_BYTES:,} bytes)",
    )


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("data:image/png;base64," + base64.b64encode(b"GIF89a garbage").decode(), "cannot be read"),
        ("data:image/png;base64,%%%%", "invalid base64"),
        ("data:image/png;base64," + base64.b64encode(bomb_png()).decode(), "108,000,000 pixels, over max_image_pixels"),
    ],
)
def test_data_image_is_checked_like_a_file(presswork, make_book, uri: str, message: str) -> None:
    book = make_book({"01-a.md": f"# Bad\n\ntext\n\n![Bad]({uri})\n"})
    assert_refused(presswork("build", book, "--format", "epub"), "01-a.md:5", message)


def test_data_image_over_the_pixel_limit_is_refused(presswork, make_book) -> None:
    book = make_book(
        {"presswork.toml": "max_image_pixels = 100\n", "01-a.md": f"# Big\n\ntext\n\n![Big]({data_png(30, 20)})\n"}
    )
    assert_refused(presswork("build", book, "--format", "epub"), "01-a.md:5", "600 pixels, over max_image_pixels")


# ---------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_file_with_a_utf16_or_utf32_bom_is_read(presswork, make_book, codec: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE}
    text = "# Wide Chapter\n\nText saved by Notepad: café, 日本.\n"
    book = make_book({"01-a.md": bom[codec] + text.encode(codec), "02-b.md": "# Narrow\n\nplain\n"})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err
    (epub,) = (book / "output").glob("*.epub")
    with zipfile.ZipFile(epub) as z:
        pages = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xhtml"))
    assert "café, 日本".encode() in pages


def test_utf16_without_a_bom_is_named(presswork, make_book) -> None:
    book = make_book({"01-a.md": "# Wide\n\ntext\n".encode("utf-16-le")})
    assert_refused(presswork("build", book, "--format", "epub"), "01-a.md:1", "looks like UTF-16")


def test_utf16_file_with_a_problem_is_shown_decoded(presswork, make_book) -> None:
    text = "# Wide\n\ntext\n\n![gone](missing.png)\n"
    book = make_book({"01-a.md": codecs.BOM_UTF16_LE + text.encode("utf-16-le")})
    result = presswork("build", book, "--format", "epub", "--strict")
    assert_refused(result, "01-a.md:5", "file not found")
    assert "   5 | ![gone](missing.png)" in result.err


# ---------------------------------------------------------------------------- the word audit


@pytest.mark.parametrize(
    ("name", "href"),
    [
        ("03-ünï日本 é.md", "03-ünï日本%20é.md"),
        ("03-ünï日本%20é.md", "03-ünï日本%2520é.md"),
        ("03-a b.md", "<03-a b.md>"),
    ],
)
def test_working_link_to_an_odd_file_name_loses_no_words(presswork, make_book, name: str, href: str) -> None:
    book = make_book({"01-a.md": f"# One\n\nSee [the other]({href}) for more.\n", name: "# Three\n\ntext\n"})
    result = presswork("check", book, "--strict")
    assert result.status == 0, result.err
    assert "missing" not in result.err


# ---------------------------------------------------------------------------- nesting


def _lists(levels: int) -> str:
    return "".join("  " * i + "- item\n" for i in range(levels))


@pytest.mark.parametrize(
    ("markdown", "body", "where", "what"),
    [
        ("gfm", "<div>" * 300 + "x" + "</div>" * 300 + "\n", "01-a.md:3", "HTML elements nested 300 levels deep"),
        ("gfm", "*a " * 300 + "x" + "*" * 300 + "\n", "01-a.md:3", "nested 300 levels deep"),
        ("gfm", ">" * 60 + " deep\n", "01-a.md:3", "nested 60 levels deep"),
        ("gfm", _lists(44), "01-a.md:43", "nested 44 levels deep"),
        ("gfm", _lists(60), "01-a.md:43", "nested at least 46 levels deep"),
        ("python-markdown", "<div>" * 300 + "x" + "</div>" * 300 + "\n", "01-a.md:3", "nested 300 levels deep"),
        ("python-markdown", ">" * 60 + " deep\n", "01-a.md:3", "block quotes nested 60 levels deep"),
    ],
)
def test_nesting_error_names_max_nesting_and_the_depth(
    presswork, make_book, markdown: str, body: str, where: str, what: str
) -> None:
    book = make_book({"presswork.toml": f'markdown = "{markdown}"\n', "01-a.md": "# Deep\n\n" + body})
    result = presswork("build", book, "--format", "epub")
    assert_refused(result, where, "nesting deeper than 40 levels", what, "max_nesting = 40")


def test_nesting_limit_in_the_message_is_the_configured_one(presswork, make_book, tmp_path: Path) -> None:
    book = make_book(
        {"presswork.toml": "max_nesting = 12\n", "01-a.md": "# Deep\n\n" + "<div>" * 100 + "x" + "</div>" * 100}
    )
    assert_refused(
        presswork("build", book, "--format", "epub"), "01-a.md:3", "deeper than 12 levels", "100 levels deep"
    )
