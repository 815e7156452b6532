"""Zip entry time stamps for reproducible packages (EPUB, PPTX): the build time in UTC, clamped to what zip can store."""

from __future__ import annotations

from datetime import datetime, timezone

#: The earliest time a zip entry can carry.
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=timezone.utc)


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """``moment`` in UTC as a zip date-time tuple, clamped to 1980-01-01 (zip cannot store earlier times)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = max(moment.astimezone(timezone.utc), ZIP_EPOCH)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second - moment.second % 2)
