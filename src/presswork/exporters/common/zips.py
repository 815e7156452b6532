"""Reproducible zip packages (EPUB, PPTX): one normaliser, with each format's entry rules declared as data."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

#: The earliest time a zip entry can carry.
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """``moment`` in UTC as a zip date-time tuple, clamped to 1980-01-01 (zip cannot store earlier times)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = max(moment.astimezone(UTC), ZIP_EPOCH)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second - moment.second % 2)


@dataclass(frozen=True)
class ZipRules:
    """How a package's entries are laid out.

    ``first`` names the entries that open the package, in that order (those present);
    the rest follow in the order written, or sorted by name when ``sort_rest``.
    ``stored`` entries are not compressed (EPUB's ``mimetype``); the others are deflated
    at ``level`` (None = zlib's default). Every entry gets the Unix permission bits
    ``mode`` and the fixed time of the build.
    """

    first: tuple[str, ...] = ()
    stored: frozenset[str] = frozenset()
    sort_rest: bool = False
    mode: int = 0o644
    level: int | None = None


#: OCF: ``mimetype`` first and stored, then the container; regular files (``0o100644``). Everything else at level 9,
#: pictures too: PNG plots and a gradient cover come out 3 to 9% smaller than stored, for 0.2 s of a 9 MB EPUB.
EPUB_RULES = ZipRules(
    first=("mimetype", "META-INF/container.xml"), stored=frozenset({"mimetype"}), mode=0o100644, level=9
)
#: OPC: ``[Content_Types].xml`` first, then every part sorted by name.
PPTX_RULES = ZipRules(first=("[Content_Types].xml",), sort_rest=True)


def normalise_zip(data: bytes, moment: datetime, rules: ZipRules) -> bytes:
    """The same package with entries in a fixed order, every entry stamped with ``moment`` (UTC),
    fixed permissions and fixed compression, as ``rules`` say. Duplicate entry names are an error."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return write_zip([(name, source.read(name)) for name in source.namelist()], moment, rules)


def write_zip(entries: list[tuple[str, bytes]], moment: datetime, rules: ZipRules) -> bytes:
    """The package of ``entries`` (name, bytes) as :func:`normalise_zip` lays it out."""
    stamp = zip_time(moment)
    data = dict(entries)
    names = [name for name, _ in entries]
    if len(data) != len(names):
        raise ValueError(f"duplicate zip entries: {sorted(n for n in data if names.count(n) > 1)}")
    rest = [n for n in names if n not in rules.first]
    ordered = [n for n in rules.first if n in data] + (sorted(rest) if rules.sort_rest else rest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = rules.mode << 16
            stored = name in rules.stored
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(info, data[name], compresslevel=None if stored else rules.level)
    return out.getvalue()
