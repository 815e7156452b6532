"""Cached batch pages, their layout facts and the furniture stamped on them, keyed by HTML, stylesheet, files and code."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

from presswork.cache.replay import Told
from presswork.cache.store import code_fingerprint, prune_folder, read_cached, seal, unseal, write_atomically
from presswork.core.files import cache_root
from presswork.exporters.common.pagination import CACHE_DIR, PageStart
from presswork.exporters.pdf.batches.furniture import furniture_from_json
from presswork.exporters.pdf.batches.numbers import numbers_from_json
from presswork.exporters.pdf.batches.worker import BatchBody, BatchResult
from presswork.exporters.pdf.labels import Folio

LOG = logging.getLogger("presswork.batches")


def digest(*parts: str) -> str:
    """A short hash of ``parts``, of the WeasyPrint version (WeasyPrint itself is not imported for it, as for
    the page starts' key) and of the code that lays batches out and reads them back (its import closure)."""
    h = _salted().copy()
    for part in parts:
        h.update(b"\0")
        h.update(part.encode("utf-8"))
    return str(h.hexdigest()[:32])


@functools.cache
def _salted() -> Any:
    """The hash every key starts from (the furniture asks for one key per layer: looked up once)."""
    from importlib.metadata import version

    return hashlib.sha256(f"{code_fingerprint('presswork.exporters.pdf.batches')}|{version('weasyprint')}".encode())


class BatchCache:
    """Batch PDFs and layout facts under ``<project>/.presswork-cache/pdf-batches/`` (best effort:
    a read-only project simply caches nothing)."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR / "pdf-batches"
        self.root = cache_root(root)

    def get_json(self, key: str) -> Any:
        """The cached JSON value of ``key``, or None (also when this user did not write it: buildcache)."""
        sealed = read_cached(self.folder / f"{key}.json", self.root)
        try:
            data = unseal(sealed, f"{key}.json") if sealed is not None else None
            return None if data is None else json.loads(data)
        except ValueError:
            return None

    def get_pdf(self, key: str) -> bytes | None:
        """The cached PDF of ``key`` (with its facts in ``key``.json), or None."""
        sealed = read_cached(self.folder / f"{key}.pdf", self.root)
        return unseal(sealed, f"{key}.pdf") if sealed is not None else None

    def put(self, key: str, value: Any, pdf: bytes | None = None) -> None:
        """Store ``value`` (and ``pdf``) under ``key``, each file signed and written atomically."""
        files = [(f"{key}.pdf", pdf), (f"{key}.json", json.dumps(value).encode())]
        for name, data in files:
            sealed = seal(data, name) if data is not None else None
            if sealed is not None:
                write_atomically(self.folder / name, sealed, self.root)

    def prune(self, keep: set[str]) -> None:
        """Remove every cached batch not named in ``keep`` (the cache holds one book's batches)."""
        prune_folder(self.folder, self.root, lambda name: name.split(".", 1)[0] in keep)


def facts_to_json(facts: BatchResult | BatchBody) -> dict[str, Any]:
    """A batch's facts as JSON (its PDF is stored beside them)."""
    data = asdict(facts)
    del data["pdf"]
    data["warnings"] = Told(tuple(facts.warnings)).to_json()
    return data


def _shared_from_json(data: dict[str, Any], pdf: bytes) -> dict[str, Any]:
    """The fields a result and a body share, read back from :func:`facts_to_json`'s JSON."""
    return {
        "pdf": pdf,
        "pages": data["pages"],
        "names": data["names"],
        "bookmarks": [[(b[0], b[1], (b[2][0], b[2][1]), b[3]) for b in page] for page in data["bookmarks"]],
        "heights": data["heights"],
        "anchors": data["anchors"],
        "starts": [PageStart(**s) if s else None for s in data["starts"]],
        "warnings": list(Told.from_json(data["warnings"]).warnings),
        "marked": [(int(n), int(g)) for n, g in data["marked"]] if data.get("marked") is not None else None,
    }


def result_from_json(data: dict[str, Any], pdf: bytes) -> BatchResult:
    """A serial-folio batch's result read back from its JSON and PDF."""
    folios = [Folio(**f) if f else None for f in data["folios"]]
    numbers = numbers_from_json(data.get("numbers"))
    return BatchResult(**_shared_from_json(data, pdf), folios=folios, counters=data["counters"], numbers=numbers)


def body_from_json(data: dict[str, Any], pdf: bytes) -> BatchBody:
    """A chapter batch's body read back from its JSON and PDF."""
    return BatchBody(**_shared_from_json(data, pdf), furniture=[furniture_from_json(f) for f in data["furniture"]])
