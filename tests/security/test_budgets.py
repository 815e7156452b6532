"""Budgets a hostile project cannot break: YAML aliases, includes, paragraph length, slide pictures
and remote fetches. Each case is a small project as an attacker would write it; each over-budget
case ends with exit status 1 and one ``file:line`` message, never a traceback, a hang or a
MemoryError."""

from __future__ import annotations

import contextlib
import http.server
import io
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from presswork.reading import read_markdown
from tests.support.cli import problem_lines
from tests.support.safety import LocalServer, png


def assert_refused(result, where: str, *words: str) -> None:
    """Exit 1, one problem naming ``where`` (``file:line``) with ``words`` in it, and no traceback."""
    assert result.status == 1, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err[-2000:]
    problems = problem_lines(result.err)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{where}: "), problems[0][:300]
    for word in words:
        assert word in problems[0], problems[0][:300]


def laughs(levels: int, indent: str = "") -> str:
    """A "billion laughs" YAML block: ``levels`` anchors, each a list of ten aliases of the previous one."""
    lines = [f'{indent}l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{indent}l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- YAML


def test_billion_laughs_in_front_matter_under_an_ignored_key(presswork, make_book) -> None:
    front = "---\ntitle: Laughs\nunused:\n" + laughs(10, "  ") + "---\n"
    book = make_book({"01-a.md": front + "# Laughs\n\ntext\n"})
    started = time.process_time()
    result = presswork("build", book, "--format", "epub")
    assert time.process_time() - started < 10
    # The document passes the budget in line 8, on the eighth alias of l3 (each stands for 11,111 values).
    assert_refused(result, "01-a.md:8", "aliases expand to more than 100,000 values", "*l3")
    assert not (book / "output").exists()


def test_billion_laughs_in_mkdocs_yml(presswork, make_book) -> None:
    config = "site_name: Laughs\nnav:\n  - index.md\nextra:\n" + laughs(10, "  ")
    book = make_book({"mkdocs.yml": config, "docs/index.md": "# Home\n\ntext\n"})
    result = presswork("build", book, "--format", "epub")
    assert_refused(result, "mkdocs.yml:9", "aliases expand to more than 100,000 values", "*l3")


@pytest.mark.parametrize(
    ("front", "where", "message"),
    [
        ("a: &a [1, *a]\n", "01-a.md:2", "alias *a refers to a value that contains it"),
        ("a: &a {b: *a}\n", "01-a.md:2", "alias *a refers to a value that contains it"),
        ("deep: " + "[" * 5000 + "]" * 5000 + "\n", "01-a.md:2", "YAML nested deeper than 100 levels"),
    ],
)
def test_front_matter_that_never_ends_is_refused(presswork, make_book, front: str, where: str, message: str) -> None:
    book = make_book({"01-a.md": f"---\n{front}---\n# A\n\ntext\n"})
    assert_refused(presswork("build", book, "--format", "epub"), where, message)


def test_aliases_within_the_budget_still_work(presswork, make_book) -> None:
    front = "---\nbase: &who {name: Ada}\nauthor: *who\nkeywords: &k [x, y]\nsubjects: *k\n---\n"
    book = make_book({"01-a.md": front + "# A\n\ntext\n"})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err


# ---------------------------------------------------------------------------- includes


def test_includes_count_against_max_file_bytes(presswork, make_book) -> None:
    big = ("lorem ipsum dolor sit amet " * 3 + "\n") * 12_000  # about 1 MB
    page = "# Includes\n\n" + "".join("{{< include big.md >}}\n\n" for _ in range(300))
    book = make_book({"01-a.md": page, "big.md": big})
    started = time.process_time()
    result = presswork("build", book, "--format", "epub")
    assert time.process_time() - started < 10
    # The eleventh include (line 23) passes 10 MB.
    assert_refused(result, "01-a.md:23", "includes make 01-a.md larger than max_file_bytes (10,000,000 bytes)")


def test_mdbook_line_range_includes_count_too(presswork, make_book) -> None:
    lines = "".join(f"line {i} of the included file\n" for i in range(4000))
    page = "# Ranges\n\n" + "".join("{{#include part.rs:1:3000}}\n" for _ in range(300))
    book = make_book({"presswork.toml": "max_file_bytes = 1000000\n", "01-a.md": page, "part.rs": lines})
    result = presswork("build", book, "--format", "epub")
    assert_refused(result, "01-a.md:13", "larger than max_file_bytes (1,000,000 bytes)")


# ---------------------------------------------------------------------------- linear reading


def _paragraph(lines: int) -> str:
    return "# Long\n\n" + "".join(f"w{i} x\n" for i in range(lines))


def _reading_time(lines: int) -> float:
    text = _paragraph(lines)
    started = time.process_time()
    read_markdown(text, "long.md")
    return time.process_time() - started


@pytest.mark.slow  # among the slowest of the fast tier: reads paragraphs of up to a million lines
def test_reading_time_grows_linearly_with_paragraph_lines() -> None:
    """Four times the lines take about four times the CPU time, not sixteen (a quadratic reader):
    the ratio of two sizes, so that a slow or loaded machine does not fail it."""
    _reading_time(5_000)  # warm up: imports, parser construction
    small = min(_reading_time(50_000) for _ in range(2))
    large = _reading_time(200_000)
    assert large / small < 8, f"50k lines: {small:.2f} s, 200k lines: {large:.2f} s (ratio {large / small:.1f})"


# ---------------------------------------------------------------------------- slide pictures


BIG_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="5000" height="5000">'
    '<rect width="5000" height="5000" fill="teal"/><circle cx="2500" cy="2500" r="2000" fill="orange"/></svg>'
)


def test_big_svg_on_a_slide_is_scaled_down_not_a_bug(presswork, make_book) -> None:
    from presswork.exporters.pptx.output.pictures import MAX_RASTER_PIXELS

    book = make_book({"01-a.md": "# Big\n\n## Slide\n\n![A big drawing](img/big.svg)\n", "img/big.svg": BIG_SVG})
    result = presswork("build", book, "--format", "pptx")
    assert result.status == 0, result.err
    assert "Traceback" not in result.err and "bug" not in result.err
    from PIL import Image

    with zipfile.ZipFile(book / "output" / "big.pptx") as z:
        sizes = [Image.open(io.BytesIO(z.read(n))).size for n in z.namelist() if n.startswith("ppt/media/")]
    drawing = [s for s in sizes if s[0] == s[1]]  # the square drawing (the others are the theme's)
    assert drawing, sizes
    width, height = drawing[0]
    assert width * height <= MAX_RASTER_PIXELS
    assert width >= 2000  # still sharp enough to fill a slide


# ---------------------------------------------------------------------------- remote fetches


@contextlib.contextmanager
def dripping_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that sends a PNG one byte every 0.2 s (``/drip.png``) or its headers
    one byte every 0.2 s (``/slow-headers.png``); yields its base URL and the paths requested."""
    requests: list[str] = []
    body = png(8, 8)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            requests.append(self.path)
            with contextlib.suppress(OSError):
                if self.path == "/slow-headers.png":
                    for byte in b"HTTP/1.0 200 OK\r\nX-Padding: " + b"x" * 600:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.2)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("path", ["/drip.png", "/slow-headers.png"])
def test_remote_timeout_bounds_the_whole_fetch(presswork, make_book, path: str) -> None:
    with dripping_server() as (base, requests):
        book = make_book(
            {
                "presswork.toml": 'allow_remote = true\nremote_hosts = ["127.0.0.1"]\nremote_timeout = 2\n',
                "01-a.md": f"# Remote\n\ntext\n\n![Logo]({base}{path})\n",
            }
        )
        started = time.perf_counter()
        result = presswork("build", book, "--format", "epub")
        elapsed = time.perf_counter() - started
    assert elapsed < 8, f"the build took {elapsed:.1f} s with remote_timeout = 2"
    assert_refused(result, "01-a.md:5", f"'{base}{path}' took longer than remote_timeout (2 s)")
    assert requests == [path]


@pytest.mark.slow
def test_refused_redirect_is_requested_once_for_every_format(presswork, make_book) -> None:
    with LocalServer({"/logo.png": png()}).running() as server:
        target = "/redirect?to=http://evil.example/x.png"
        book = make_book(
            {
                "presswork.toml": 'allow_remote = true\nremote_hosts = ["127.0.0.1"]\n',
                "01-a.md": f"# Remote\n\ntext\n\n![Logo]({server.base}{target})\n",
            }
        )
        result = presswork("build", book, "--format", "epub,pdf,pptx")
        assert server.requests == [target]  # not once per format, nor again after the first refusal
    assert result.status == 1
    assert "01-a.md:5: remote host 'evil.example'" in result.err and "not in remote_hosts" in result.err
    assert "Traceback" not in result.err


def test_each_remote_url_is_fetched_once(tmp_path: Path) -> None:
    from presswork.core.diagnostics import PressworkError
    from presswork.project.assets import AssetGate

    with LocalServer({"/a.png": png()}).running() as server:
        gate = AssetGate(tmp_path, allow_remote=True, remote_hosts=["127.0.0.1"])
        for _ in range(3):
            assert gate.read_bytes(f"{server.base}/a.png") == png()
            with pytest.raises(PressworkError, match="HTTP Error 404"):
                gate.read_bytes(f"{server.base}/missing.png")
        assert server.requests == ["/a.png", "/missing.png"]
