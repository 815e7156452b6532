"""Helpers of the safety tests: a planted secret outside the project, every byte of an output,
a local HTTP server that counts requests, an audit-hook recorder of file opens and sockets,
and cheap PNG files (also ones whose header claims a huge size)."""

from __future__ import annotations

import contextlib
import http.server
import io
import struct
import subprocess
import sys
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MARKER = "PRESSWORK-SECRET-7f3a9c"


# ---------------------------------------------------------------------------- images


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int = 4, height: int = 3, text: str = "") -> bytes:
    """A small valid RGB PNG (optionally with a tEXt chunk holding ``text``)."""
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    extra = _chunk(b"tEXt", b"Comment\x00" + text.encode()) if text else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + extra
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def bomb_png(width: int = 12000, height: int = 9000) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels (108 megapixels by default) with a
    tiny, truncated pixel stream: cheap to write, and only a header read can accept it."""
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + ihdr + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b"")


# ---------------------------------------------------------------------------- secrets


@dataclass
class Secret:
    """Files outside the project, each holding :data:`MARKER`."""

    folder: Path
    text: Path
    image: Path
    css: Path


def plant_secret(parent: Path) -> Secret:
    """Write ``parent/outside/`` with a text file, a PNG and a stylesheet that all carry the marker."""
    folder = parent / "outside"
    folder.mkdir(parents=True, exist_ok=True)
    text = folder / "secret.txt"
    text.write_text(f"{MARKER}\n")
    image = folder / "secret.png"
    image.write_bytes(png(37, 23, MARKER))
    css = folder / "evil.css"
    css.write_text(f'body::before {{ content: "{MARKER}"; }}\n')
    return Secret(folder, text, image, css)


def output_blobs(path: Path) -> dict[str, bytes]:
    """Every byte a reader of ``path`` could see: each member of a zip (EPUB, PPTX), and for a
    PDF its raw bytes and its text (pdftotext)."""
    data = path.read_bytes()
    blobs = {path.name: data}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                blobs[f"{path.name}!{name}"] = z.read(name)
    if path.suffix == ".pdf":
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
        blobs[f"{path.name}!text"] = text
        from pypdf import PdfReader

        reader = PdfReader(path)
        for number, page in enumerate(reader.pages):
            for image in page.images:
                blobs[f"{path.name}!p{number}/{image.name}"] = image.data
    return blobs


def find_in_outputs(folder: Path, needles: list[bytes]) -> list[str]:
    """``member: needle`` for every needle found (case-insensitively) in any output under ``folder``."""
    hits = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        for name, blob in output_blobs(path).items():
            low = blob.lower()
            hits += [f"{name}: {n.decode()}" for n in needles if n.lower() in low]
    return hits


def pdf_image_sizes(path: Path) -> list[tuple[int, int]]:
    """Pixel sizes of the images embedded in a PDF."""
    from pypdf import PdfReader

    sizes = []
    for page in PdfReader(path).pages:
        for image in page.images:
            sizes.append(image.image.size)
    return sizes


# ---------------------------------------------------------------------------- audit hook


@dataclass
class Recorder:
    """File opens and network connections seen by the interpreter's audit hook while recording."""

    active: bool = False
    opened: list[str] = field(default_factory=list)
    connects: list[str] = field(default_factory=list)

    def hook(self, event: str, args: tuple) -> None:
        if not self.active:
            return
        if event == "open" and args and isinstance(args[0], (str, bytes, Path)):
            self.opened.append(str(args[0]) if not isinstance(args[0], bytes) else args[0].decode(errors="replace"))
        elif event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
            self.connects.append(f"{event} {args[1] if event == 'socket.connect' else args[0]}")

    @contextlib.contextmanager
    def recording(self) -> Iterator[Recorder]:
        self.opened.clear()
        self.connects.clear()
        self.active = True
        try:
            yield self
        finally:
            self.active = False

    def opened_under(self, folder: Path) -> list[str]:
        """Files opened inside ``folder`` (symlinks resolved)."""
        real = folder.resolve()
        out = []
        for name in self.opened:
            with contextlib.suppress(OSError, ValueError):
                if Path(name).resolve().is_relative_to(real):
                    out.append(name)
        return out


RECORDER = Recorder()
sys.addaudithook(RECORDER.hook)


# ---------------------------------------------------------------------------- HTTP server


@dataclass
class LocalServer:
    """An HTTP server on 127.0.0.1 serving ``files`` ({path: bytes}); ``/redirect?to=URL`` redirects."""

    files: dict[str, bytes]
    requests: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @contextlib.contextmanager
    def running(self) -> Iterator[LocalServer]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.requests.append(self.path)
                if self.path.startswith("/redirect?to="):
                    self.send_response(302)
                    self.send_header("Location", self.path.split("=", 1)[1])
                    self.end_headers()
                    return
                body = server.files.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = httpd.server_address[1]
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            httpd.shutdown()
            httpd.server_close()


def epub_problems(epub: Path) -> list[str]:
    """EPUBCheck errors and warnings of ``epub`` (empty when valid; skipped without Java)."""
    import pytest

    from tests.support.epubcheck import available, problems, run_epubcheck

    if not available():
        pytest.skip("EPUBCheck needs Java and the epubcheck package")
    return [str(m) for m in problems(run_epubcheck(epub))]


def check_outputs_valid(folder: Path) -> None:
    """Every output in ``folder`` opens: EPUB passes EPUBCheck, PDF is read by pypdf, PPTX by python-pptx."""
    for path in folder.iterdir():
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as z:
                assert z.testzip() is None
            assert epub_problems(path) == []
        elif path.suffix == ".pdf":
            from pypdf import PdfReader

            assert len(PdfReader(path).pages) >= 1
        elif path.suffix == ".pptx":
            from pptx import Presentation

            assert len(Presentation(io.BytesIO(path.read_bytes())).slides) >= 1
