"""The furniture of the book's stamped pages kept in the batch cache under its stamps: a rebuild whose stamps are unchanged makes none (nor imports WeasyPrint for it)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict

from presswork.exporters.pdf.batches.cache import BatchCache
from presswork.exporters.pdf.batches.furniture import Furniture, Stamp
from presswork.exporters.pdf.labels import Folio


def furniture_key(stamps: Sequence[Stamp], digest: Callable[..., str]) -> str:
    """The cache key of the furniture made for ``stamps`` (``digest`` hashes a key's parts with the stylesheet's
    and the furniture's head, as the chunks' keys are made)."""
    return digest("furniture", json.dumps([asdict(stamp) for stamp in stamps], sort_keys=True))


def cached_furniture(cache: BatchCache, key: str) -> Furniture | None:
    """The furniture kept under ``key`` by an earlier build, with its chunks' PDFs (None: it, or a chunk, is not
    kept)."""
    data = cache.get_json(key)
    if not isinstance(data, dict):
        return None
    try:
        chunks = {name: cache.get_pdf(name) for name in data["chunks"]}
        pages = [[(str(chunk), int(at)) for chunk, at in page] for page in data["pages"]]
        folios = [Folio(**folio) if folio else None for folio in data["folios"]]
    except (KeyError, TypeError, ValueError):
        return None
    if any(pdf is None for pdf in chunks.values()):
        return None
    return Furniture({name: pdf for name, pdf in chunks.items() if pdf is not None}, pages, folios)


def keep_furniture(cache: BatchCache, key: str, furniture: Furniture) -> None:
    """Keep ``furniture`` under ``key`` (its chunks' PDFs are kept under their own keys already)."""
    folios = [asdict(folio) if folio else None for folio in furniture.folios]
    cache.put(key, {"chunks": sorted(furniture.chunks), "pages": furniture.pages, "folios": folios})
