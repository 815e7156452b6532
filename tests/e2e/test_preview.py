"""``presswork preview`` in a real browser (Debian's chromium driven by Playwright): live reload,
the error page with file and line, and the slide view. Never downloads a browser."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from presswork.commands.preview import Preview
from tests.support.preview import running_preview

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    (root / "content").mkdir(parents=True)
    (root / "presswork.toml").write_text('title = "Preview Book"\ncontent = "content"\n', encoding="utf-8")
    (root / "content" / "01-start.md").write_text("# Start\n\nThe first words.\n", encoding="utf-8")
    (root / "content" / "02-more.md").write_text(
        "# More\n\nSecond chapter.\n\n## Part\n\n- one\n- two\n", encoding="utf-8"
    )
    return root


@pytest.fixture
def served(book: Path) -> Iterator[tuple[str, Preview]]:
    with running_preview(book) as running:
        yield running.url, running.preview


def _status(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url + "__presswork/status") as response:
        return dict(json.loads(response.read()))


def test_an_edit_shows_in_the_open_page_within_two_seconds(browser, served, book: Path) -> None:
    url, _preview = served
    page = browser.new_page()
    page.goto(url + "ch01-start.html")
    assert "The first words." in page.inner_text("main")
    page.evaluate("window.__notReloaded = true")
    page.wait_for_timeout(300)  # the event stream is connected
    started = time.monotonic()
    (book / "content" / "01-start.md").write_text("# Start\n\nThe words after the edit.\n", encoding="utf-8")
    page.wait_for_function(
        "document.querySelector('main').innerText.includes('The words after the edit.')", timeout=2000
    )
    assert time.monotonic() - started < 2.0
    assert page.evaluate("window.__notReloaded === undefined"), "the page reloaded itself (no manual reload)"
    page.close()


def test_a_markdown_error_shows_in_the_page_with_file_and_line_then_goes_away(browser, served, book: Path) -> None:
    url, _preview = served
    page = browser.new_page()
    page.goto(url + "ch02-more.html")
    page.wait_for_timeout(300)
    chapter = book / "content" / "02-more.md"
    # an include cycle is an error (a missing include or image is only a warning)
    chapter.write_text("# More\n\nSecond chapter.\n\n{{#include 02-more.md}}\n", encoding="utf-8")
    page.wait_for_function("document.body.innerText.includes('Build failed')", timeout=20_000)
    text = page.inner_text("body")
    assert "content/02-more.md:5" in text and "include cycle" in text
    assert "{{#include 02-more.md}}" in text, "the source line is shown"
    assert _status(url)["error"]
    chapter.write_text("# More\n\nRepaired chapter.\n", encoding="utf-8")
    page.wait_for_function("document.body.innerText.includes('Repaired chapter.')", timeout=20_000)
    page.close()


def test_the_slide_view_shows_the_decks_slides(browser, served) -> None:
    url, _preview = served
    page = browser.new_page()
    page.goto(url + "__presswork/slides")
    titles = page.locator(".slide-title").all_inner_texts()
    assert titles[0] == "Preview Book" and "Start" in titles and "More" in titles
    box = page.locator(".slide").first.bounding_box()
    assert box and abs(box["width"] / box["height"] - 16 / 9) < 0.02
    page.close()


def test_every_page_is_served_with_the_reload_script_and_assets_without(served) -> None:
    url, _preview = served
    with urllib.request.urlopen(url) as response:
        assert b"/__presswork/events" in response.read()
    with urllib.request.urlopen(url + "assets/site.css") as response:
        assert response.headers["Content-Type"].startswith("text/css") and b"EventSource" not in response.read()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url + "../../etc/passwd")
    assert info.value.code == 404


def test_formats_are_rebuilt_in_the_background_into_the_output_folder(book: Path) -> None:
    stop = threading.Event()
    ready: list[str] = []
    preview = Preview(
        book, port=0, port_explicit=True, formats=["epub"], say=lambda line: None, report=lambda exc: None
    )
    thread = threading.Thread(target=preview.run, kwargs={"stop": stop, "ready": ready.append}, daemon=True)
    thread.start()
    try:
        target = book / "output" / "preview-book.epub"
        deadline = time.monotonic() + 60
        while not target.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert target.is_file(), "the EPUB was built in the background"
        assert ready and _status(ready[0])["generation"] == 1, "writing it did not trigger another site build"
    finally:
        stop.set()
        thread.join(10)


def test_an_unknown_background_format_or_a_bad_port_is_a_usage_error(presswork, book: Path, capsys) -> None:
    result = presswork("preview", book, "--formats", "pfd")
    assert result.status == 2 and "unknown format 'pfd'" in result.err
    with pytest.raises(SystemExit) as info:  # argparse's own usage error
        presswork("preview", book, "--port", "70000")
    assert (
        info.value.code == 2
        and "--port/-p: must be a port number from 0 to 65535, not 70000" in capsys.readouterr().err
    )
