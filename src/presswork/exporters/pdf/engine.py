"""WeasyPrint imported without a compiler run per library name it guesses, naming images after stable URLs.

WeasyPrint opens Pango, HarfBuzz and fontconfig by trying several names per library, most of which
do not exist on a given system (``libpango-1.0-0`` is the Windows name). cffi hands every miss to
``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and then ``gcc`` and ``ld``: 54
subprocesses, a third of a second in every process that lays out. During that import this
module answers ``find_library`` from one reading of ``ldconfig -p`` (the same lookup ctypes does
first), so the names that exist resolve exactly as before and the misses fail at once. Another
platform, or a Python without the private ctypes helper, imports WeasyPrint unchanged.

WeasyPrint names each raster image of a PDF after the MD5 of its absolute URL, so the same book
built in another folder (another checkout, a CI runner) gave other bytes. The names are taken
from the URL relative to the project or theme folder instead (:func:`name_images_within`).

Every place that lays out calls :func:`import_weasyprint` before it imports from WeasyPrint; building
an EPUB from the cached page list needs no WeasyPrint at all.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def _ldconfig_cache() -> bytes | None:
    """The output of ``ldconfig -p`` (the shared library cache), or None where it cannot run."""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    for ldconfig in ("/sbin/ldconfig", "ldconfig"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            return subprocess.run(
                [ldconfig, "-p"], capture_output=True, env=env, check=False, timeout=10, stdin=subprocess.DEVNULL
            ).stdout
    return None


def _finder(cache: bytes) -> Callable[[str], str | None]:
    """``find_library`` answered from ``cache`` the way ctypes reads ``ldconfig -p``."""
    machine = os.uname().machine + ("-64" if sys.maxsize > 2**32 else "-32")
    abi = _ABI.get(machine, "libc6")
    found: dict[str, str | None] = {}

    def find_library(name: str) -> str | None:
        if name not in found:
            match = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), cache)
            found[name] = os.fsdecode(match.group(1)) if match else None
        return found[name]

    return find_library


@contextlib.contextmanager
def _quick_library_lookup() -> Iterator[None]:
    if not sys.platform.startswith("linux") or not hasattr(ctypes.util, "_findSoname_ldconfig"):
        yield
        return
    cache = _ldconfig_cache()
    if not cache:
        yield
        return
    saved = ctypes.util.find_library
    ctypes.util.find_library = _finder(cache)  # type: ignore[assignment]
    try:
        yield
    finally:
        ctypes.util.find_library = saved


#: ``file:`` URL prefixes of the folders being built from, with the stable label that replaces each.
_FOLDERS: list[tuple[bytes, bytes]] = []


def name_images_within(folders: Sequence[Path]) -> None:
    """Name the images under ``folders`` (the project's, then the themes') by their path inside
    the folder, so the PDF does not depend on where the book is."""
    _FOLDERS[:] = [
        ((folder.as_uri().rstrip("/") + "/").encode(), f"folder{i}:".encode()) for i, folder in enumerate(folders)
    ]


def _image_md5(data: bytes = b"", **kwargs: Any) -> Any:
    """``hashlib.md5`` as WeasyPrint's images module calls it on an image URL, the URL made relative."""
    for prefix, label in _FOLDERS:
        if data.startswith(prefix):
            data = label + data[len(prefix) :]
            break
    return hashlib.md5(data, **kwargs)


def import_weasyprint() -> ModuleType:
    """The ``weasyprint`` module, imported (once) with the quick library lookup and stable image names."""
    if "weasyprint" not in sys.modules:
        with _quick_library_lookup():
            import weasyprint  # noqa: F401 - imported for sys.modules
    import weasyprint.images

    weasyprint.images.md5 = _image_md5  # even when WeasyPrint was imported before presswork
    return sys.modules["weasyprint"]
