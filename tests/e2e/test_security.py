"""Content is untrusted: one gate for files, no network unless allowed, sanitised HTML and SVG.

Every test plants a secret outside the project and checks, through the interpreter's audit
hook, that no build opened it, and by reading every byte of every output (zip members,
PDF text and images) that nothing of it got in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Pos
from presswork.project.assets import AssetGate
from tests.support import REPO
from tests.support.outputs import byte_difference
from tests.support.safety import (
    MARKER,
    RECORDER,
    LocalServer,
    Secret,
    bomb_png,
    check_outputs_valid,
    epub_problems,
    find_in_outputs,
    output_blobs,
    pdf_image_sizes,
    plant_secret,
    png,
)

ALL = "epub,pdf,pptx"


@pytest.fixture
def secret(tmp_path: Path) -> Secret:
    return plant_secret(tmp_path)


def assert_clean(result, book: Path, secret: Secret) -> None:
    """No traceback, nothing opened outside the project, nothing of the secret in any output."""
    assert "Traceback" not in result.err
    assert RECORDER.opened_under(secret.folder) == []
    assert MARKER not in result.out + result.err
    if (book / "output").exists():
        assert find_in_outputs(book / "output", [MARKER.encode(), b"secret.txt", b"secret.png", b"evil.css"]) == []


# ---------------------------------------------------------------------------- the gate itself


def test_gate_refuses_every_way_out_of_the_project(tmp_path: Path, secret: Secret) -> None:
    root = tmp_path / "book"
    (root / "img").mkdir(parents=True)
    (root / "img" / "ok.png").write_bytes(png())
    (root / "img" / "link.png").symlink_to(secret.image)
    (root / "img" / "loop.png").symlink_to(root / "img" / "loop.png")
    gate = AssetGate(root)
    here = Pos("a.md", 7)
    assert gate.resolve("img/ok.png", "a.md", here) == (root / "img" / "ok.png").resolve()
    assert gate.resolve("../img/ok.png", "chapters/a.md") == (root / "img" / "ok.png").resolve()  # inside: fine
    refused = {
        "../outside/secret.png": "outside the project folder",
        "img/../../outside/secret.png": "outside the project folder",
        "%2e%2e/outside/secret.png": "outside the project folder",
        str(secret.image): "outside the project folder",
        secret.image.as_uri(): "file: URLs are not allowed",
        "FILE://" + str(secret.image): "file: URLs are not allowed",
        "img/link.png": "outside the project folder",
        "data:text/html;base64,AAAA": "is not an image",  # a small data: image is read (tests/security)
        "ftp://example.org/x.png": "ftp: URLs are not allowed",
        "img/missing.png": "file not found",
        "img/loop.png": "img/loop.png",
        "img/ok.png\x00.txt": "invalid file name",
    }
    with RECORDER.recording():
        for ref, message in refused.items():
            with pytest.raises(PressworkError) as info:
                gate.read_bytes(ref, "a.md", here)
            assert message in info.value.message, ref
            assert str(info.value).startswith("a.md:7: ")
    assert RECORDER.opened_under(secret.folder) == []


def test_gate_makes_no_request_unless_allowed(tmp_path: Path) -> None:
    with LocalServer({"/x.png": png()}).running() as server:
        gate = AssetGate(tmp_path)
        with pytest.raises(PressworkError, match="set allow_remote = true"):
            gate.read_bytes(f"{server.base}/x.png")
        other = AssetGate(tmp_path, allow_remote=True, remote_hosts=["example.org"])
        with pytest.raises(PressworkError, match="not in remote_hosts"):
            other.read_bytes(f"{server.base}/x.png")
        assert server.requests == []
        allowed = AssetGate(tmp_path, allow_remote=True, remote_hosts=["127.0.0.1"], remote_max_bytes=10_000)
        assert allowed.read_bytes(f"{server.base}/x.png") == png()
        assert allowed.read_bytes(f"{server.base}/x.png") == png()  # cached: one request per build
        assert server.requests == ["/x.png"]
        # A redirect may not lead to a host (or scheme) the configuration does not allow.
        with pytest.raises(PressworkError, match="'localhost' .* not in remote_hosts"):
            allowed.read_bytes(f"{server.base}/redirect?to=http://localhost:{server.port}/x.png")
        with pytest.raises(PressworkError, match="file:///etc/passwd' is not allowed"):
            allowed.read_bytes(f"{server.base}/redirect?to=file:///etc/passwd")
        tiny = AssetGate(tmp_path, allow_remote=True, remote_max_bytes=10)
        with pytest.raises(PressworkError, match="larger than remote_max_bytes"):
            tiny.read_bytes(f"{server.base}/x.png")


def test_gate_sanitises_svg_and_checks_its_size(tmp_path: Path, secret: Secret) -> None:
    svg = (
        f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY s SYSTEM "{secret.text.as_uri()}">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
        "<script>alert(1)</script><foreignObject><p>x</p></foreignObject><text>&s;</text>"
        f'<image xlink:href="{secret.image.as_uri()}" width="5" height="5"/><image href="http://127.0.0.1:9/t.png"/>'
        '<use href="#r"/><rect id="r" onclick="alert(2)" style="fill: url(http://127.0.0.1:9/p)" width="3" height="3"/>'
        '<a href="javascript:alert(3)"><set attributeName="href" to="javascript:alert(4)"/>link</a>'
        "<style>@import url(http://127.0.0.1:9/x.css); rect { fill: url(#g) }</style></svg>"
    )
    (tmp_path / "evil.svg").write_text(svg)
    reporter = Reporter()
    gate = AssetGate(tmp_path, reporter=reporter)
    with RECORDER.recording():
        clean = gate.read_bytes("evil.svg", pos=Pos("a.md", 3)).decode()
    assert RECORDER.opened_under(secret.folder) == [] and RECORDER.connects == []
    for gone in (
        "<script",
        "foreignObject",
        "DOCTYPE",
        "&s;",
        "onclick",
        "javascript",
        "127.0.0.1",
        "@import",
        "secret",
        "<set",
    ):
        assert gone not in clean, gone
    assert '<use href="#r"/>' in clean and "url(#g)" in clean and "link</a>" in clean
    [warning] = reporter.warnings
    assert str(warning).startswith("a.md:3: warning: removed from SVG image 'evil.svg': DOCTYPE")
    (tmp_path / "huge.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100000 80000"/>')
    with pytest.raises(PressworkError, match="100000x80000 = 8,000,000,000 pixels, over max_image_pixels"):
        gate.read_bytes("huge.svg")
    (tmp_path / "page.png").write_text("<html><body>not an image</body></html>")
    with pytest.raises(PressworkError, match="not an SVG image"):
        gate.read_bytes("page.png")


def test_pixel_limit_reads_only_the_header(tmp_path: Path) -> None:
    gate = AssetGate(tmp_path)
    with pytest.raises(PressworkError) as info:
        gate.image_size(bomb_png(), "big.png", Pos("a.md", 2))
    assert str(info.value) == (
        "a.md:2: image 'big.png' has 12000x9000 = 108,000,000 pixels, over max_image_pixels (50,000,000)"
    )
    # The limit is the configuration's, not Pillow's: a larger limit accepts the header.
    assert AssetGate(tmp_path, max_image_pixels=200_000_000).image_size(bomb_png(), "big.png") == (12000, 9000)


# ---------------------------------------------------------------------------- whole builds


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("![Secret](../outside/secret.png)", "'../outside/secret.png' is outside the project folder"),
        ("![Secret](chapters/../../outside/secret.png)", "is outside the project folder"),
        ("![Secret]({abs})", "is outside the project folder"),
        ("![Secret]({uri})", "file: URLs are not allowed"),
        ('<img src="../outside/secret.png" alt="Secret">', "'../outside/secret.png' is outside the project folder"),
        ('<img src="{uri}" alt="Secret">', "file: URLs are not allowed"),
        ("![Secret](images/link.png)", "'images/link.png' is outside the project folder"),
    ],
)
def test_images_outside_the_project_are_refused(
    presswork, make_book, secret: Secret, markdown: str, message: str
) -> None:
    text = markdown.format(abs=secret.image, uri=secret.image.as_uri())
    book = make_book({"01-a.md": f"# A\n\nText.\n\n{text}\n", "images/ok.png": png()})
    (book / "images" / "link.png").symlink_to(secret.image)
    with RECORDER.recording():
        result = presswork("build", book, "--format", ALL)
    assert result.status == 1
    assert "01-a.md:5: " in result.err and message in result.err
    assert not (book / "output").exists()
    assert_clean(result, book, secret)


def test_links_to_files_outside_become_text_with_a_warning(presswork, make_book, secret: Secret) -> None:
    book = make_book(
        {
            "01-a.md": (
                f"# A\n\n[one](../outside/secret.txt) [two]({secret.text.as_uri()}) "
                f"[three]({secret.text}) [four](02-missing.md)\n"
            )
        }
    )
    with RECORDER.recording():
        result = presswork("build", book, "--format", "epub,pptx")
    assert result.status == 0, result.err
    assert "01-a.md:3: warning: link to missing file '../outside/secret.txt'" in result.err
    assert "01-a.md:3: warning: link 'file:" in result.err and "file: links are not allowed" in result.err
    assert "01-a.md:3: warning: link to missing chapter file '02-missing.md'" in result.err
    assert_clean(result, book, secret)


def test_chapter_file_linked_from_outside_is_refused(presswork, make_book, secret: Secret) -> None:
    book = make_book({"01-a.md": "# A\n\ntext\n"})
    (book / "02-b.md").symlink_to(secret.text)
    with RECORDER.recording():
        result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert "02-b.md: chapter file is a link to a file outside the project folder" in result.err
    assert_clean(result, book, secret)


@pytest.mark.parametrize("fmt", ["epub", "pdf", "pptx"])
def test_cover_and_template_outside_are_refused_naming_the_config(
    presswork, make_book, secret: Secret, fmt: str
) -> None:
    book = make_book({"presswork.toml": 'cover = "../outside/secret.png"\n', "01-a.md": "# A\n\ntext\n"})
    with RECORDER.recording():
        result = presswork("build", book, "--format", fmt)
    assert result.status == 1
    assert "presswork.toml: cover: '../outside/secret.png' is outside the project folder" in result.err
    assert_clean(result, book, secret)
    (book / "presswork.toml").write_text(f'[pptx]\ntemplate = "{secret.image}"\n')
    with RECORDER.recording():
        result = presswork("build", book, "--format", "pptx")
    assert result.status == 1 and "presswork.toml: [pptx] template: " in result.err
    assert_clean(result, book, secret)


def test_theme_css_cannot_reach_outside(presswork, make_book, secret: Secret) -> None:
    """A project theme whose stylesheet imports and references files outside (and remote ones):
    the PDF is built, the resources are refused with warnings, nothing is read or requested."""
    with LocalServer({"/x.css": f"body{{color:red}} /* {MARKER} */".encode()}).running() as server:
        css = (
            f'@import url("{secret.css.as_uri()}");\n@import url("../../../outside/evil.css");\n'
            f'@import url("{server.base}/x.css");\n'
            f'body {{ background: url("{secret.image.as_uri()}"); }}\nh1 {{ background: url("{server.base}/b.png"); }}\n'
        )
        book = make_book(
            {
                "presswork.toml": 'theme = "evil"\n',
                "01-a.md": "# A\n\ntext\n",
                "themes/evil/theme.toml": 'name = "evil"\nextends = "default"\n',
                "themes/evil/pdf/book.css": css,
            }
        )
        default_css = (REPO / "themes/default/pdf/book.css").read_text()
        (book / "themes/evil/pdf/book.css").write_text(default_css + "\n" + css)
        with RECORDER.recording():
            result = presswork("build", book, "--format", "pdf")
        assert result.status == 0, result.err
        assert server.requests == [] and RECORDER.connects == []
    assert "warning: resource not loaded:" in result.err
    assert_clean(result, book, secret)
    assert (37, 23) not in pdf_image_sizes(book / "output" / "a.pdf")


def test_theme_file_linked_outside_is_refused(presswork, make_book, secret: Secret) -> None:
    book = make_book(
        {
            "presswork.toml": 'theme = "evil"\n',
            "01-a.md": "# A\n\ntext\n",
            "themes/evil/theme.toml": 'name = "evil"\nextends = "default"\n',
        }
    )
    (book / "themes/evil/templates/epub").mkdir(parents=True)
    (book / "themes/evil/templates/epub/chapter.xhtml").symlink_to(secret.text)
    with RECORDER.recording():
        result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert (
        "theme file 'chapter.xhtml' is a link to" in result.err
        and "outside the project and theme folders" in result.err
    )
    assert_clean(result, book, secret)


REMOTE_BOOK = """# Remote

![Logo]({base}/logo.png)

<img src="{base}/raw.png" alt="Raw">

<link rel="stylesheet" href="{base}/style.css">

<iframe src="{base}/frame.html"></iframe>

<video poster="{base}/poster.png"></video> <audio src="{base}/a.mp3"></audio>

[A link is not a request]({base}/page.html)
"""


@pytest.mark.slow
def test_remote_resources_make_zero_requests_by_default(presswork, make_book, secret: Secret) -> None:
    with LocalServer({"/logo.png": png(5, 5)}).running() as server:
        book = make_book({"01-a.md": REMOTE_BOOK.format(base=server.base)})
        with RECORDER.recording():
            result = presswork("build", book, "--format", ALL)
        assert result.status == 0, result.err
        assert server.requests == []
        assert RECORDER.connects == []
    assert f"01-a.md:3: warning: remote image '{server.base}/logo.png' not fetched (allow_remote is off)" in result.err
    assert "01-a.md:7: warning: removed <link> element" in result.err
    assert "01-a.md:9: warning: removed <iframe> element" in result.err
    assert_clean(result, book, secret)
    # The alt text stands in for the image, in every format.
    assert b"Logo" in output_blobs(book / "output" / "remote.pdf")["remote.pdf!text"]
    assert epub_problems(book / "output" / "remote.epub") == []


@pytest.mark.slow
def test_allowed_remote_image_is_fetched_once_and_embedded(presswork, make_book) -> None:
    image = png(29, 17)
    with LocalServer({"/logo.png": image}).running() as server:
        book = make_book(
            {
                "presswork.toml": 'allow_remote = true\nremote_hosts = ["127.0.0.1"]\n',
                "01-a.md": f"# Remote\n\n![Logo]({server.base}/logo.png)\n",
            }
        )
        result = presswork("build", book, "--format", ALL)
        assert result.status == 0, result.err
        assert server.requests == ["/logo.png"]  # one request for the three formats
    out = book / "output"
    assert image in output_blobs(out / "remote.epub").values()
    assert image in output_blobs(out / "remote.pptx").values()
    assert (29, 17) in pdf_image_sizes(out / "remote.pdf")
    check_outputs_valid(out)


def test_remote_host_not_in_the_list_is_an_error_without_a_request(presswork, make_book) -> None:
    with LocalServer({"/logo.png": png()}).running() as server:
        book = make_book(
            {
                "presswork.toml": 'allow_remote = true\nremote_hosts = ["images.example.org"]\n',
                "01-a.md": f"# Remote\n\ntext\n\n![Logo]({server.base}/logo.png)\n",
            }
        )
        result = presswork("build", book, "--format", "epub")
        assert server.requests == []
    assert result.status == 1
    assert "01-a.md:5: remote host '127.0.0.1'" in result.err and "not in remote_hosts" in result.err


ATTACKS = """# Attacks

Text <span onclick="alert('c')">click</span> and <a href="javascript:alert('j')">js</a>
and <a href=" JaVa&#x09;ScRiPt:alert('k')">obfuscated</a> and [md js](javascript:alert('m')).

<script>alert('s')</script>

<div onmouseover="alert('o')">hover</div>

![Pic](images/ok.png){: onerror="alert('e')" }

<img src="images/ok.png" alt="Raw" onload="alert('l')">

## Heading {: onclick="alert('h')" }

<form action="https://evil.example/"><input name="q"></form>

<object data="images/evil.svg"></object><embed src="images/evil.svg">

<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>

<details ontoggle="alert('t')" open><summary>More</summary>Body</details>

<style>body { background: url("{uri}") }</style>

<svg><script>alert('v')</script></svg>

![Diagram](images/evil.svg)
"""
EVIL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><script>alert("svg")</script>'
    '<rect width="30" height="20" fill="teal" onclick="alert(\'r\')"/></svg>'
)


@pytest.mark.slow
def test_scripts_and_event_handlers_never_reach_an_output(presswork, make_book, secret: Secret) -> None:
    book = make_book(
        {
            "01-a.md": ATTACKS.replace("{uri}", secret.image.as_uri()),
            "images/ok.png": png(),
            "images/evil.svg": EVIL_SVG,
        }
    )
    with RECORDER.recording():
        result = presswork("build", book, "--format", ALL)
    assert result.status == 0, result.err
    for where, what in [
        (3, "removed event-handler attribute 'onclick' from <span>"),
        (3, "removed unsafe URL 'javascript:alert('j')' from <a>"),
        (6, "removed <script> element"),
        (8, "removed event-handler attribute 'onmouseover'"),
        (10, "removed event-handler attribute 'onerror'"),
        (12, "removed event-handler attribute 'onload'"),
        (14, "removed event-handler attribute 'onclick' from <h2>"),
        (16, "removed <form> element"),
        (18, "removed <object> element"),
        (20, "removed unsafe URL 'data:text/html"),
        (22, "removed event-handler attribute 'ontoggle'"),
        (24, "removed <style> element"),
        (26, "removed <svg> element"),
        (28, "removed from SVG image 'images/evil.svg': <script>, onclick attribute"),
    ]:
        assert f"01-a.md:{where}: warning: {what}" in result.err, what
    assert_clean(result, book, secret)
    needles = [
        b"<script",
        b"onclick",
        b"onerror",
        b"onload",
        b"onmouseover",
        b"ontoggle",
        b"javascript",
        b"alert(",
        b"data:text/html",
        b"<form",
        b"<object",
        b"<embed",
        b"evil.example",
    ]
    assert find_in_outputs(book / "output", needles) == []
    assert epub_problems(book / "output" / "attacks.epub") == []


def test_strict_fails_on_removed_html_and_replaces_no_output(presswork, make_book) -> None:
    book = make_book({"01-a.md": "# A\n\ntext\n"})
    assert presswork("build", book, "--format", "epub").status == 0
    before = (book / "output" / "a.epub").read_bytes()
    (book / "01-a.md").write_text("# A\n\nchanged <b onclick='x()'>text</b>\n")
    result = presswork("build", book, "--format", "epub", "--strict")
    assert result.status == 1
    assert (
        "01-a.md:3: removed event-handler attribute 'onclick' from <b> (--strict turns warnings into errors)"
        in result.err
    )
    assert byte_difference((book / "output" / "a.epub").read_bytes(), before) == ""
    assert presswork("build", book, "--format", "epub").status == 0  # without --strict: a warning
    assert byte_difference((book / "output" / "a.epub").read_bytes(), before) != ""


def test_no_request_and_no_outside_read_in_a_default_build_of_the_feature_book(
    presswork, features_book: Path, secret: Secret
) -> None:
    with RECORDER.recording():
        result = presswork("build", features_book, "--format", "epub,pptx")
    assert result.status == 0, result.err
    assert RECORDER.connects == []
    outside = [
        p
        for p in RECORDER.opened
        if Path(p).is_absolute()
        and Path(p).resolve().is_relative_to(features_book.parent)
        and not Path(p).resolve().is_relative_to(features_book)
    ]
    assert outside == []
