"""``presswork preview``: serve the HTML site on 127.0.0.1, rebuild on save and reload the open page.

Pipeline: build the site into a private folder -> serve it (``http.server`` in a thread) with a
small script injected into every page -> watch the sources (``watch.watch``) and rebuild ->
tell the open pages through Server-Sent Events (``/__presswork/events``) to reload. A failed
build replaces every page with an error page naming the file and line (with the source line);
``/__presswork/slides`` shows the deck's slides as HTML, paginated by the deck model. Other
formats (``--formats``) are rebuilt in the background into the project's output folder.
"""

from __future__ import annotations

import contextlib
import errno
import html
import json
import mimetypes
import shutil
import sys
import tempfile
import threading
import urllib.parse
import webbrowser
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from presswork.core.diagnostics import PressworkError, UsageError
from presswork.core.excerpt import source_excerpt

#: Where the live-reload events are served.
EVENTS_PATH = "/__presswork/events"
#: The slide view.
SLIDES_PATH = "/__presswork/slides"
#: The state of the preview as JSON (generation and error), for tools and tests.
STATUS_PATH = "/__presswork/status"
#: The type of the short plain-text answers (errors, refusals).
TEXT = "text/plain; charset=utf-8"
#: How often (s) an idle event stream sends a comment, so a closed page is noticed.
KEEPALIVE_S = 10.0

#: The script injected into every page: reload when the site was rebuilt (keeping the scroll
#: position), reconnecting by itself when the server restarts. No external JavaScript.
RELOAD_SCRIPT = """<script>
(function () {
  var generation = %d, key = "presswork-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) { sessionStorage.removeItem(key); window.scrollTo(0, parseInt(saved, 10) || 0); }
  var events = new EventSource("%s?since=" + generation);
  events.addEventListener("reload", function (event) {
    if (event.data !== String(generation)) {
      sessionStorage.setItem(key, String(window.scrollY));
      location.reload();
    }
  });
})();
</script>
"""


@dataclass
class PreviewState:
    """What the server shows: the current site folder, the last build error and the slide view.

    ``generation`` goes up with every finished build (good or failed); the event streams
    wait on ``changed`` for it.
    """

    site: Path | None = None
    error: PressworkError | None = None
    error_page: str = ""
    slides: str = ""
    generation: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)
    closing: bool = False

    def publish(self, site: Path | None, error: PressworkError | None, error_page: str = "", slides: str = "") -> None:
        """Record a finished build and wake every open page."""
        with self.changed:
            if site is not None:
                self.site = site
            if slides:
                self.slides = slides
            self.error, self.error_page = error, error_page
            self.generation += 1
            self.changed.notify_all()

    def close(self) -> None:
        """End every event stream (the server is stopping)."""
        with self.changed:
            self.closing = True
            self.changed.notify_all()


def _since(query: str) -> int | None:
    """The ``since`` generation of an event-stream request (-1 when absent), or None when it is not a number."""
    values = urllib.parse.parse_qs(query).get("since", [""])
    text = values[0].strip()
    if not text:
        return -1
    if len(values) > 1 or len(text) > 18 or not text.lstrip("-").isdigit() or not text.isascii():
        return None
    return int(text)


def inject(page: bytes, generation: int) -> bytes:
    """``page`` with the reload script before ``</body>`` (or at the end)."""
    script = (RELOAD_SCRIPT % (generation, EVENTS_PATH)).encode("utf-8")
    at = page.rfind(b"</body>")
    return page[:at] + script + page[at:] if at >= 0 else page + script


def error_page(exc: PressworkError, root: Path, title: str = "Build failed") -> str:
    """The page shown instead of the site while the sources do not build: the message, the place
    (``file:line``) and the source line with a caret where the column is known."""
    where = str(exc.pos) if exc.pos else ""
    excerpt = "\n".join(source_excerpt(root, exc.pos, exc.column))
    location = f'<p class="where"><code>{html.escape(where)}</code></p>' if where else ""
    source = f"<pre>{html.escape(excerpt)}</pre>" if excerpt else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="color-scheme" content="light dark"/><title>{html.escape(title)} · presswork preview</title>
<style>
body {{ margin: 0; font-family: "Noto Sans", "DejaVu Sans", sans-serif; background: #fff5f5; color: #3b0a0a; }}
main {{ max-width: 52rem; margin: 3rem auto; padding: 1.5rem 2rem; background: #fff; border-left: 0.4rem solid #b42318;
  border-radius: 0.4rem; box-shadow: 0 0.2rem 1rem rgba(0,0,0,.08); }}
h1 {{ margin-top: 0; font-size: 1.4rem; color: #b42318; }}
.message {{ font-size: 1.1rem; }}
pre, code {{ font-family: "DejaVu Sans Mono", monospace; }}
pre {{ background: #fbeaea; padding: 0.8rem 1rem; border-radius: 0.3rem; overflow-x: auto; }}
.hint {{ color: #6b4b4b; font-size: 0.9rem; }}
@media (prefers-color-scheme: dark) {{
  body {{ background: #1d1214; color: #f5dede; }} main {{ background: #2a1a1c; }} h1 {{ color: #ff8a80; }}
  pre {{ background: #3a2326; }} .hint {{ color: #c9a9a9; }}
}}
</style></head>
<body>
<main id="main" role="alert">
<h1>{html.escape(title)}</h1>
{location}
<p class="message">{html.escape(exc.message)}</p>
{source}
<p class="hint">Fix the source and save: this page reloads by itself.</p>
</main>
</body>
</html>
"""


class PreviewHandler(BaseHTTPRequestHandler):
    """Serves the current site, the event stream, the slide view, the status and the error page."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet: the terminal shows builds, not requests."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        """Answer one request: every request gets a status, never a dropped connection."""
        try:
            self._route()
        except Exception as exc:  # noqa: BLE001 - a request never takes the server thread down silently
            self.close_connection = True
            with contextlib.suppress(Exception):
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(exc).__name__}".encode(), TEXT)

    def _route(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        state = self.server.state
        if (refusal := self._refusal()) is not None:
            status, text = refusal
            self.close_connection = True
            self._send(status, text.encode("utf-8"), TEXT)
            return
        if url.path == EVENTS_PATH:
            since = _since(url.query)
            if since is None:
                self._send(HTTPStatus.BAD_REQUEST, b"since must be a whole number", TEXT)
                return
            self._events(since)
            return
        if url.path == STATUS_PATH:
            with state.changed:
                body = {"generation": state.generation, "error": str(state.error) if state.error else None}
            self._send(HTTPStatus.OK, json.dumps(body).encode("utf-8"), "application/json")
            return
        if url.path == SLIDES_PATH or url.path == SLIDES_PATH + "/":
            page = state.error_page if state.error else state.slides
            self._send(HTTPStatus.OK, inject(page.encode("utf-8"), state.generation), "text/html; charset=utf-8")
            return
        try:
            path = urllib.parse.unquote(url.path, errors="strict")
        except UnicodeDecodeError:
            path = ""
        if "\x00" in path or not path.startswith("/"):
            self._send(HTTPStatus.BAD_REQUEST, b"bad path", TEXT)
            return
        self._file(path)

    def _refusal(self) -> tuple[HTTPStatus, str] | None:
        """Why this request is refused before it is routed: a ``Host`` that is not the address the
        preview serves on (a page whose name was rebound to 127.0.0.1 must not read the book), or none."""
        host = self.headers.get("Host")
        if host is None:
            return (HTTPStatus.BAD_REQUEST, "a Host header is required") if self.request_version != "HTTP/1.0" else None
        if host.strip().lower() not in self.server.hosts:
            return HTTPStatus.MISDIRECTED_REQUEST, "this preview answers only to its own address"
        return None

    def _file(self, path: str) -> None:
        state = self.server.state
        with state.changed:
            site, generation, failed = state.site, state.generation, state.error_page if state.error else ""
        name = path.lstrip("/") or "index.html"
        if name.endswith("/"):
            name += "index.html"
        is_page = name.endswith(".html")
        if failed and is_page:
            self._send(HTTPStatus.OK, inject(failed.encode("utf-8"), generation), "text/html; charset=utf-8")
            return
        try:
            target = (site / name).resolve() if site else None
            found = (
                target is not None and site is not None and target.is_relative_to(site.resolve()) and target.is_file()
            )
        except (OSError, ValueError):  # a name the file system cannot hold (too long, bad characters)
            found = False
        if target is None or not found:
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain; charset=utf-8")
            return
        try:
            data = target.read_bytes()
        except OSError:  # the folder was replaced by a rebuild between the check and the read
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"rebuilding; try again", "text/plain; charset=utf-8")
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if is_page:
            data, kind = inject(data, generation), "text/html; charset=utf-8"
        elif kind.startswith("text/") or kind in ("image/svg+xml", "application/javascript"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, data, kind)

    def _send(self, status: HTTPStatus, data: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        with contextlib.suppress(ConnectionError):
            self.wfile.write(data)

    def _events(self, since: int) -> None:
        """A Server-Sent Events stream: ``reload`` with the generation whenever it differs from ``since``."""
        state = self.server.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = since
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while True:
                with state.changed:
                    if state.generation == seen and not state.closing:
                        state.changed.wait(KEEPALIVE_S)
                    generation, closing = state.generation, state.closing
                if closing:
                    return
                if generation != seen:
                    seen = generation
                    self.wfile.write(f"event: reload\ndata: {generation}\n\n".encode())
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (ConnectionError, OSError):
            return


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server bound to 127.0.0.1 that holds the preview's state."""

    daemon_threads = True

    def __init__(self, port: int, state: PreviewState) -> None:
        self.state = state
        super().__init__(("127.0.0.1", port), PreviewHandler)
        bound = self.server_address[1]
        #: The ``Host`` values the preview answers to: its own address, by number or by name.
        self.hosts = frozenset(f"{name}:{bound}" for name in ("127.0.0.1", "localhost", "[::1]"))

    @property
    def url(self) -> str:
        """The address of the site."""
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a reset or a broken pipe) is not an error of the preview: nothing is printed.
        Anything else is printed as the server library does."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def open_server(port: int, state: PreviewState, explicit: bool) -> PreviewServer:
    """Bind the server: ``port`` (0 = any free port); a busy default port falls back to a free one,
    a busy port asked for is a usage error."""
    try:
        return PreviewServer(port, state)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise UsageError(f"--port {port}: cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
        if explicit:
            raise UsageError(f"--port {port}: the port is in use; choose another, or 0 for any free port") from None
        return PreviewServer(0, state)


@dataclass
class Preview:
    """One preview session: builds, serves and watches until stopped."""

    source: Path
    port: int = 8000
    port_explicit: bool = False
    formats: Sequence[str] = ()
    theme: str | None = None
    drafts: bool = False
    say: Callable[[str], None] = print
    report: Callable[[PressworkError], None] = lambda exc: print(exc)
    state: PreviewState = field(default_factory=PreviewState)

    def __post_init__(self) -> None:
        from presswork.build.exporting import open_project

        self.project = open_project(self.source)
        self.workdir = Path(tempfile.mkdtemp(prefix="presswork-preview-"))
        self._background = threading.Event()
        self._stopping = threading.Event()

    def rebuild(self) -> None:
        """Build the site (and the slide view); publish it or the error."""
        from presswork.build.pipeline import build
        from presswork.exporters.html.slides import render_slides
        from presswork.project.gate import make_gate
        from presswork.project.theme import load_theme

        try:
            result = build(self.source, formats=["html"], out=self.workdir, theme=self.theme, drafts=self.drafts)
            site = result.outputs["html"]
            config = result.project.config if result.project else self.project.config
            theme = load_theme(self.theme or config.theme, self.project.root)
            gate = make_gate(config, theme, result.reporter)
            slides = render_slides(
                result.document,
                config.format_options.get("pptx", {}),
                gate,
                result.reporter,
                str(theme.options.get("accent", "#1f4e79")),
            )
        except PressworkError as exc:
            self.state.publish(None, exc, error_page(exc, self.project.root))
            self.report(exc)
            return
        for warning in result.reporter.warnings:
            self.say(str(warning))
        self.state.publish(site, None, slides=slides)
        if self.formats:
            self._background.set()

    def _build_others(self) -> None:
        """The background builder of ``--formats``: one build after each good site build, never two at once."""
        from presswork.build.pipeline import build

        while not self._stopping.is_set():
            if not self._background.wait(0.2):
                continue
            self._background.clear()
            try:
                result = build(self.source, formats=list(self.formats), theme=self.theme, drafts=self.drafts)
            except PressworkError as exc:
                self.say(f"background build failed: {exc}")
                continue
            names = ", ".join(p.name for p in result.outputs.values())
            self.say(f"wrote {names}")

    def run(
        self,
        stop: threading.Event | None = None,
        ready: Callable[[str], None] | None = None,
        open_browser: bool = False,
    ) -> None:
        """Serve and rebuild until interrupted (or until ``stop`` is set)."""
        from presswork.build.session import rebuild_session
        from presswork.commands.watch import watch
        from presswork.project.theme import load_theme

        server = open_server(self.port, self.state, self.port_explicit)
        serving = threading.Thread(target=server.serve_forever, name="presswork-preview-http", daemon=True)
        serving.start()
        others = threading.Thread(target=self._build_others, name="presswork-preview-formats", daemon=True)
        if self.formats:
            others.start()
        theme = load_theme(self.theme or self.project.config.theme, self.project.root)
        folders = [self.project.root, *(d for d in theme.dirs if not d.is_relative_to(self.project.root))]
        first = [True]

        def rebuild() -> None:
            self.rebuild()
            if first[0]:
                first[0] = False
                if ready:
                    ready(server.url)
                if open_browser:
                    webbrowser.open(server.url)

        try:
            with rebuild_session(self.project.root):
                watch(folders, self.project.out_dir, rebuild, self.report, status=self.say, stop_event=stop)
        finally:
            self._stopping.set()
            self.state.close()
            server.shutdown()
            server.server_close()
            shutil.rmtree(self.workdir, ignore_errors=True)
