"""Process limits for the duration of a build, and the time stamped into its outputs."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

from presswork.core.config import Config
from presswork.core.diagnostics import UsageError
from presswork.core.tree import Document
from presswork.project.assets import pil_pixel_limit


def build_time(doc: Document) -> tuple[datetime, bool]:
    """The time stamped into outputs and whether the build is reproducible.

    ``SOURCE_DATE_EPOCH`` wins; else the book's modified or publication date (so a book
    with a date always builds byte-identically); else the current time.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC), True
        except (ValueError, OverflowError, OSError) as exc:
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from exc
    for value in (doc.meta.modified, doc.meta.date):
        if value:
            return datetime.fromisoformat(value).replace(tzinfo=UTC), True
    return datetime.now(UTC).replace(microsecond=0), False


@contextlib.contextmanager
def resource_limits(config: Config) -> Iterator[None]:
    """Limits for the duration of a build: Pillow decodes images up to ``max_image_pixels``
    (never fewer than its own default), and the recursion limit leaves room for
    ``max_nesting`` levels in every exporter."""
    from PIL import Image as PILImage

    pil_limit = max(PILImage.MAX_IMAGE_PIXELS or 0, config.max_image_pixels)
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(max(saved, 1000 + 25 * config.max_nesting))
    try:
        with pil_pixel_limit(pil_limit):
            yield
    finally:
        sys.setrecursionlimit(saved)
