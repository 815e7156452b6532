"""Mermaid as a diagram renderer: the pinned ``mermaid.min.js`` in Debian's Chromium through Playwright,
offline (every request of the page is refused), all of a book's diagrams in one browser start."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from presswork.transforms.diagrams.base import DiagramError, error_at

#: The mermaid release presswork is tested with, and the SHA-256 of its ``dist/mermaid.min.js``.
VERSION = "11.17.2"
SCRIPT_SHA256 = "581ed7d74bd9048d0e3a91363927d72ef22942d7722546b27f7cc29e35390eb8"
#: Where ``python -m presswork.transforms.diagrams.setup`` installs the script (inside the virtual environment).
INSTALLED = Path(sys.prefix) / "share" / "presswork" / "mermaid" / f"mermaid-{VERSION}.min.js"
INSTALL_HINT = f"python -m presswork.transforms.diagrams.setup (fetches mermaid {VERSION} with npm, once)"
#: Labels as SVG text, not HTML in <foreignObject> (which WeasyPrint, EPUB readers and slides do not draw);
#: the themes' sans-serif face; ids derived from each diagram (stable across builds).
CONFIG: dict[str, Any] = {
    "startOnLoad": False,
    "securityLevel": "strict",
    "htmlLabels": False,
    "flowchart": {"htmlLabels": False},
    "deterministicIds": True,
    "theme": "default",
    "fontFamily": '"Noto Sans", sans-serif',
    "themeVariables": {"fontFamily": '"Noto Sans", sans-serif'},
}
_RENDER = """async ([id, source, config]) => {
  mermaid.initialize({...config, deterministicIDSeed: id});
  try { return {svg: (await mermaid.render(id, source)).svg}; }
  catch (e) { return {error: String((e && e.message) || e)}; }
}"""


def find_script() -> Path | None:
    """``$PRESSWORK_MERMAID_JS`` when set, else the script installed by the setup command, else None."""
    given = os.environ.get("PRESSWORK_MERMAID_JS", "")
    if given:
        return Path(given) if Path(given).is_file() else None
    return INSTALLED if INSTALLED.is_file() else None


def find_chromium() -> str | None:
    """``$PRESSWORK_CHROMIUM``, else Debian's ``chromium`` (or another Chromium on the PATH)."""
    given = os.environ.get("PRESSWORK_CHROMIUM", "")
    if given:
        return given if os.access(given, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


@functools.cache
def _digest(path: Path, size: int, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class MermaidRenderer:
    """Renders ``mermaid`` blocks with mermaid.js in a headless Chromium page that may load nothing."""

    name = "mermaid"

    def __init__(self, script: Path | None = None, chromium: str | None = None, timeout: float = 60.0) -> None:
        self.script = script if script is not None else find_script()
        self.chromium = chromium if chromium is not None else find_chromium()
        self.timeout = timeout

    def unavailable(self) -> str | None:
        """None when mermaid can run here, else what is missing and how to install it."""
        if self.script is None or not self.script.is_file():
            return f"the mermaid renderer is not installed (run: {INSTALL_HINT})"
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            return "Mermaid needs Playwright for Python: pip install 'presswork[diagrams]'"
        if not self.chromium:
            return "Mermaid needs Chromium (Debian/Ubuntu: apt-get install chromium; or set PRESSWORK_CHROMIUM)"
        return None

    def version(self) -> str:
        """The script's digest and the configuration: together they decide the SVG."""
        assert self.script is not None
        stat = self.script.stat()
        digest = _digest(self.script, stat.st_size, stat.st_mtime)
        return f"mermaid.min.js sha256:{digest} {json.dumps(CONFIG, sort_keys=True)}"

    def render(self, sources: list[str]) -> list[str | DiagramError]:
        """The SVG of each source, or mermaid's first line of complaint; one browser for all of them."""
        if not sources:
            return []
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        assert self.script is not None and self.chromium is not None
        args = ["--headless", "--disable-gpu", "--no-first-run"]
        root = hasattr(os, "geteuid") and os.geteuid() == 0  # Chromium refuses to start its sandbox as root
        out: list[str | DiagramError] = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=self.chromium, args=args, chromium_sandbox=not root, timeout=self.timeout * 1000
                )
                try:
                    page = browser.new_page()
                    page.set_default_timeout(self.timeout * 1000)
                    page.route("**/*", lambda route: route.abort())  # offline: no request leaves the page
                    page.set_content("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>")
                    page.add_script_tag(content=self.script.read_text(encoding="utf-8"))
                    for source in sources:
                        ident = "mermaid-" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
                        try:
                            got = page.evaluate(_RENDER, [ident, source, CONFIG])
                        except PlaywrightError as exc:
                            out.append(DiagramError(_first_line(str(exc))))
                            continue
                        if "error" in got:
                            out.append(error_at(_first_line(str(got["error"]))))
                        elif "<foreignObject" in got["svg"]:
                            out.append(
                                DiagramError("this diagram type draws HTML labels, which print and e-books cannot show")
                            )
                        else:
                            out.append(str(got["svg"]))
                finally:
                    browser.close()
        except PlaywrightError as exc:
            message = f"Chromium could not run mermaid: {_first_line(str(exc))}"
            return [*out, *(DiagramError(message) for _ in sources[len(out) :])]
        return out


def _first_line(message: str) -> str:
    """Mermaid's complaint in one line: its first line, and for a parse error ("Parse error on line 2:")
    also its last ("Expecting 'NODE_STRING', got 'EOF'")."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if not lines:
        return "unknown error"
    if lines[0].endswith(":") and len(lines) > 1:
        return f"{lines[0]} {lines[-1]}"
    return lines[0]
