"""The HTML site and the preview pass axe-core (npm ``axe-core`` injected into Debian's chromium): no serious or
critical violation on any page, light and dark, at phone and desktop width."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.preview import running_preview

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Where the lead installs axe-core (``npm install axe-core`` in that folder).
AXE = (
    Path(os.environ.get("PRESSWORK_AXE_DIR", Path(__file__).resolve().parents[2] / ".tools" / "axe"))
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)"),
    pytest.mark.skipif(not AXE.is_file(), reason=f"needs npm axe-core at {AXE}"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


#: Every page is checked light at desktop width and dark at phone width; the other two combinations on the
#: first pages (the same templates and stylesheet), which keeps the test's run time down.
FULL = (("light", 1280), ("dark", 390))
SAMPLED = (("light", 390), ("dark", 1280))
SAMPLED_PAGES = 2


def serious_violations(browser: object, urls: list[str]) -> list[str]:
    """``scheme width url: impact rule (nodes)`` for every serious or critical axe violation on the pages."""
    script = AXE.read_text(encoding="utf-8")
    found = []
    runs = [(scheme, width, urls) for scheme, width in FULL]
    runs += [(scheme, width, urls[:SAMPLED_PAGES]) for scheme, width in SAMPLED]
    for scheme, width, pages in runs:
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)  # type: ignore[attr-defined]
        for url in pages:
            page.goto(url)
            page.add_script_tag(content=script)
            violations = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => [v.impact, v.id, v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')])"
            )
            found += [
                f"{scheme} {width} {url}: {i} {rule} ({nodes})"
                for i, rule, nodes in violations
                if i in ("serious", "critical")
            ]
        page.close()
    return found


def built_site(root: Path, out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "presswork", "build", str(root), "--format", "html", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    (site,) = [p for p in out.iterdir() if p.is_dir() and p.name.endswith("-site")]
    return site


def test_the_sample_site_has_no_serious_axe_violations(browser: object, tmp_path: Path) -> None:
    book = tmp_path / "sample"
    shutil.copytree(REPO / "content", book / "content")
    shutil.copy(REPO / "pyproject.toml", book / "pyproject.toml")
    site = built_site(book, tmp_path / "out")
    pages = sorted(site.glob("*.html"))
    assert len(pages) > 5
    assert serious_violations(browser, [p.as_uri() for p in pages]) == []


def test_the_features_site_has_no_serious_axe_violations(browser: object, features_book: Path, tmp_path: Path) -> None:
    """Code, tables, footnotes, figures, math, admonitions: every kind of block the reader makes."""
    site = built_site(features_book, tmp_path / "out")
    assert serious_violations(browser, [p.as_uri() for p in sorted(site.glob("*.html"))]) == []


def test_the_preview_and_its_slide_view_have_no_serious_axe_violations(browser: object, features_book: Path) -> None:
    with running_preview(features_book) as running:
        assert serious_violations(browser, [running.url, running.url + "__presswork/slides"]) == []
