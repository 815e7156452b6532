"""The merged book kept in the batch cache under everything the merge reads: a rebuild that changes no part writes it again without merging."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Protocol

from presswork.exporters.pdf.batches.cache import BatchCache, digest
from presswork.exporters.pdf.batches.furniture import Furniture
from presswork.exporters.pdf.batches.worker import BatchResult
from presswork.exporters.pdf.labels import Folio


class MergedPart(Protocol):
    """What the merge reads of one part of the book (``layout.Part``)."""

    @property
    def result(self) -> BatchResult: ...
    @property
    def pad(self) -> bool: ...
    @property
    def stamped(self) -> int | None: ...
    @property
    def contents(self) -> dict[int, bytes]: ...


def merge_key(parts: Sequence[MergedPart], furniture: Furniture | None, labels: Sequence[Folio | None]) -> str:
    """The cache key of the book merged from ``parts``, ``furniture`` and page ``labels``: a hash of every part's
    PDF and of each fact the merge reads (about 15 ms for a 100-chapter book's 5 MB)."""
    h = hashlib.sha256()
    for part in parts:
        result = part.result
        h.update(hashlib.sha256(result.pdf).digest())
        facts = [part.pad, part.stamped, result.anchors, result.bookmarks, result.heights, result.marked]
        h.update(json.dumps(facts).encode())
        for page, contents in sorted(part.contents.items()):
            h.update(f"contents {page} ".encode() + hashlib.sha256(contents).digest())
    if furniture is not None:
        for key in sorted(furniture.chunks):
            h.update(f"chunk {key} ".encode() + hashlib.sha256(furniture.chunks[key]).digest())
        h.update(json.dumps(furniture.pages).encode())
    h.update(json.dumps([asdict(label) if label else None for label in labels]).encode())
    return digest("merged", h.hexdigest())


def cached_merge(cache: BatchCache, key: str, identifier: bytes) -> bytes | None:
    """The book merged under ``key`` with the file identifier ``identifier`` by an earlier build, or None."""
    known = cache.get_json(key)
    if known != {"identifier": identifier.hex()}:
        return None
    return cache.get_pdf(key)


def keep_merge(cache: BatchCache, key: str, identifier: bytes, pdf: bytes) -> None:
    """Keep the book ``pdf`` merged under ``key`` with the file identifier ``identifier``."""
    cache.put(key, {"identifier": identifier.hex()}, pdf)
