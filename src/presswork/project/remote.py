"""One HTTP(S) download with a total deadline and a size limit (the network side of the asset gate).

A timeout on each socket operation does not bound a download: a server that sends one byte a
second never lets a read time out. :func:`download` gives the whole request (connecting, every
redirect, the headers and the body) one deadline: a timer shuts the connection's sockets when it
passes, which ends a read blocked on them at once, and the body is read in chunks, each checked
against the deadline and the size limit.

The sockets are found by giving each connection a ``_create_connection`` that records them:
the hook ``http.client.HTTPConnection`` offers for making its socket (stable since Python 3.4).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

__all__ = ["RemoteError", "download"]

#: Bytes asked of the connection per read (a read returns what has arrived, up to this).
CHUNK = 65536


class RemoteError(Exception):
    """A download that failed: refused, unreachable, too slow or too large (the message says which)."""


def download(url: str, timeout: float, max_bytes: int, redirects: urllib.request.BaseHandler) -> bytes:
    """The body of ``url``, fetched within ``timeout`` seconds in all and at most ``max_bytes`` long.

    ``redirects`` decides which redirects are followed (it may raise its own exception to refuse
    one, which is passed on). Raises RemoteError for every other failure.
    """
    deadline = time.monotonic() + timeout
    watch = _Watch()
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        _WatchedHTTPHandler(watch),
        _WatchedHTTPSHandler(watch),
        redirects,
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    too_slow = f"{url!r} took longer than remote_timeout ({timeout:g} s) to fetch"
    too_large = f"{url!r} is larger than remote_max_bytes ({max_bytes:,})"
    timer = threading.Timer(timeout, watch.expire)
    timer.daemon = True
    timer.start()
    chunks: list[bytes] = []
    size = 0
    try:
        with opener.open(url, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise RemoteError(too_large)
            while size <= max_bytes:
                if time.monotonic() > deadline:
                    raise RemoteError(too_slow)
                chunk = response.read1(CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        if watch.expired or time.monotonic() > deadline:
            raise RemoteError(too_slow) from None
        raise RemoteError(f"cannot fetch {url!r}: {exc}") from exc
    finally:
        timer.cancel()
    if watch.expired:
        raise RemoteError(too_slow)
    if size > max_bytes:
        raise RemoteError(too_large)
    return b"".join(chunks)


class _Watch:
    """The sockets of one download; :meth:`expire` (at its deadline) shuts them all."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.expired = False

    def add(self, sock: socket.socket) -> None:
        """Watch ``sock`` (shut at once when the deadline has passed already)."""
        with self.lock:
            self.sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        """The deadline: shut every socket, which ends a read blocked on one in another thread."""
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Shut ``sock`` for reading and writing. For a TLS socket this is the socket's own shutdown,
    not the TLS one: the TLS state belongs to the thread reading from it, which then fails."""
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watched(base: type[http.client.HTTPConnection], watch: _Watch) -> type[http.client.HTTPConnection]:
    """A subclass of connection class ``base`` whose sockets (the plain one, then the TLS one around
    it) are watched by ``watch`` from the moment they exist."""

    class Watched(base):  # type: ignore[valid-type,misc]  # a class made for each download
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            create: Callable[..., socket.socket] = self._create_connection  # type: ignore[has-type]

            def created(*a: Any, **kw: Any) -> socket.socket:
                sock = create(*a, **kw)
                watch.add(sock)
                return sock

            self._create_connection = created

        def connect(self) -> None:
            super().connect()
            watch.add(self.sock)

    return Watched


class _Watching(urllib.request.AbstractHTTPHandler):
    """A handler whose every connection's sockets are watched (mixed into the ``http:`` and ``https:`` ones)."""

    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self.watch = watch

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(_watched(http_class, self.watch), req, **kwargs)


class _WatchedHTTPHandler(_Watching, urllib.request.HTTPHandler):
    """``http:`` with every connection's sockets watched."""


class _WatchedHTTPSHandler(_Watching, urllib.request.HTTPSHandler):
    """``https:`` with every connection's sockets watched."""
