"""WeasyPrint's only way to files and URLs: a fetcher that reads through the build's asset gate."""

from __future__ import annotations

import base64
import binascii
import mimetypes
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse

from presswork.compat.weasyprint import name_images_within
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.project.assets import AssetGate, media_type, sniff_image_type


def data_response(url: str) -> URLFetcherResponse:
    """A ``data:`` URL decoded here (no request object of any kind is made for it)."""
    header, sep, payload = url[len("data:") :].partition(",")
    if not sep:
        raise ValueError("malformed data: URL")
    params = header.split(";")
    mime = params[0] or "text/plain"
    try:
        body = (
            base64.b64decode(payload, validate=False)
            if "base64" in params[1:]
            else urllib.parse.unquote_to_bytes(payload)
        )
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"malformed data: URL ({exc})") from None
    return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})


class GateFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type information
    """A WeasyPrint URL fetcher that reads only through the build's AssetGate.

    ``file:`` URLs must name files inside the project or theme folders, http(s) URLs are
    fetched only when the configuration allows remote resources, ``data:`` URLs are
    decoded; everything else is refused. A refusal is a build warning, never a request.
    """

    def __init__(self, gate: AssetGate, reporter: Reporter) -> None:
        super().__init__(allowed_protocols=("file", "http", "https", "data"))
        self.gate = gate
        self.reporter = reporter
        name_images_within(gate.allowed_dirs())

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """The bytes of ``url`` as a response, or ValueError when the gate refuses it."""
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.lower()
        try:
            if scheme == "file":
                path = urllib.request.url2pathname(parts.path)
                data = self.gate.read_bytes(path)
                if media_type(path).startswith("image/"):
                    self.gate.image_size(data, self.gate.relative(Path(path)))
            elif scheme in ("http", "https"):
                data = self.gate.fetch(url)
            elif scheme == "data":
                return data_response(url)
            else:
                raise PressworkError(f"{scheme or 'relative'} URLs are not allowed: {url!r}")
        except PressworkError as exc:
            self.reporter.warn(f"resource not loaded: {exc.message}", exc.pos, "asset")
            raise ValueError(exc.message) from None
        mime = sniff_image_type(data) or mimetypes.guess_type(parts.path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})
