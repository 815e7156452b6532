"""The preview against a hostile browser page or client: every request gets an HTTP status (never a
dropped connection or a traceback), and a ``Host`` other than the preview's own address is refused
(a page whose name was rebound to 127.0.0.1 cannot read the book). Raw sockets against a real,
running preview."""

from __future__ import annotations

import http.client
import re
import socket
import struct
import time
from collections.abc import Iterator

import pytest

from tests.support.preview import Running, running_preview


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("preview") / "book"
    root.mkdir()
    (root / "presswork.toml").write_text('title = "Hostile Client"\n', encoding="utf-8")
    (root / "01-start.md").write_text("# Start\n\nThe first words.\n", encoding="utf-8")
    with running_preview(root) as running:
        yield running


def raw(port: int, request: bytes, timeout: float = 5.0) -> bytes:
    """Send ``request`` as bytes on a fresh connection and return the response (b"" = dropped): all
    that comes until the connection closes, the body is complete, or an event stream has begun."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        try:
            while chunk := sock.recv(65536):
                data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                if not _ and not data.startswith(b"HTTP/"):
                    continue
                if b"text/event-stream" in head:
                    break
                length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                if length and len(body) >= int(length.group(1)):
                    break
        except (ConnectionResetError, TimeoutError):
            pass
    return data


def status_of(response: bytes) -> int:
    """The status code of a raw HTTP response (0 when the connection was dropped without one). A request
    line that is not HTTP/1.x is answered the HTTP/0.9 way, a page without a status line saying its code."""
    if response.startswith(b"HTTP/1."):
        return int(response.split(b" ", 2)[1])
    old = re.search(rb"Error code: (\d{3})", response)
    return int(old.group(1)) if old else 0


def get(port: int, target: str, host: str | None = None) -> bytes:
    """A GET of ``target`` (sent exactly as given) with ``Host: host`` (the preview's own by default)."""
    host = host if host is not None else f"127.0.0.1:{port}"
    return raw(port, f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1"))


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/%00", {400, 404}),
        ("/index.html%00.png", {400, 404}),
        ("/%ff%fe", {400, 404}),
        ("/__presswork/events?since=abc", {400}),
        ("/__presswork/events?since=1e999", {400}),
        ("/__presswork/events?since=" + "9" * 5000, {400}),
        ("/__presswork/events?since=1&since=2", {400}),
        ("/" + "a" * 5000 + ".html", {404}),
        ("/../../../../etc/passwd", {404}),
        ("/%2e%2e/%2e%2e/etc/passwd", {404}),
        ("/assets/..%2f..%2f..%2fetc/passwd", {404}),
    ],
)
def test_every_bad_path_or_parameter_gets_a_status(served: Running, target: str, expected: set[int]) -> None:
    response = get(served.port, target)
    assert status_of(response) in expected, f"{target[:60]}: {response[:80]!r}"
    assert b"root:" not in response
    # the server is still there and well
    assert status_of(get(served.port, "/")) == 200


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:{port}",
        "127.0.0.1.evil.example:{port}",
        "127.0.0.1:1",
        "localhost",
        "127.0.0.1",
        "",
        "0.0.0.0:{port}",
        "127.1:{port}",
    ],
)
def test_a_foreign_host_header_is_refused(served: Running, host: str) -> None:
    """DNS rebinding: a page at evil.example whose name now points to 127.0.0.1 sends its own Host."""
    for target in ("/", "/index.html", "/__presswork/status", "/__presswork/slides", "/__presswork/events?since=0"):
        response = get(served.port, target, host.format(port=served.port))
        assert status_of(response) in (403, 421, 400), f"Host {host!r} {target}: {response[:60]!r}"
        assert b"Hostile Client" not in response and b"text/event-stream" not in response


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
def test_the_previews_own_addresses_are_served(served: Running, host: str) -> None:
    response = get(served.port, "/", host.format(port=served.port))
    assert status_of(response) == 200 and b"Hostile Client" in response


def test_http_client_sees_statuses_and_a_missing_host_is_a_bad_request(served: Running) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=5)
    connection.request("GET", "/__presswork/events?since=abc")
    assert connection.getresponse().status == 400
    connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=5)
    connection.request("GET", "/", headers={"Host": "attacker.example"})
    assert connection.getresponse().status in (403, 421)
    connection.close()
    no_host = raw(served.port, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status_of(no_host) == 400


def test_garbage_requests_get_a_status_and_no_traceback(served: Running, capfd: pytest.CaptureFixture[str]) -> None:
    host = f"Host: 127.0.0.1:{served.port}\r\n".encode()
    for request in (
        b"GET /%00 HTTP/1.1\r\n" + host + b"\r\n",
        b"GET /__presswork/events?since=abc HTTP/1.1\r\n" + host + b"\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",  # a TLS hello
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST / HTTP/1.1\r\n" + host + b"Content-Length: 3\r\n\r\nabc",
    ):
        assert status_of(raw(served.port, request)) >= 400, request[:40]
    time.sleep(0.2)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err, (out + err)[-400:]
    assert status_of(get(served.port, "/")) == 200


def test_a_client_that_hangs_up_prints_no_traceback(served: Running, capfd: pytest.CaptureFixture[str]) -> None:
    """A client that resets its connection while the server reads its next request (a browser closing a tab)
    is not an error: the server prints nothing. Any other error is still printed."""
    from presswork.commands.preview import PreviewServer, PreviewState

    server = PreviewServer(0, PreviewState())
    try:
        capfd.readouterr()
        for error in (ConnectionResetError(104, "Connection reset by peer"), BrokenPipeError(32, "Broken pipe")):
            try:
                raise error
            except ConnectionError:
                server.handle_error(None, ("127.0.0.1", 1))
        assert "Traceback" not in "".join(capfd.readouterr())
        try:
            raise ValueError("a real fault")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 1))
        assert "ValueError: a real fault" in "".join(capfd.readouterr())
    finally:
        server.server_close()
    # A real reset: a request answered, then the connection closed with unread data pending on the server.
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n\r\n".encode())
        sock.recv(65536)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.2)
    assert "Traceback" not in "".join(capfd.readouterr())
    assert status_of(get(served.port, "/")) == 200
