"""Caches for incremental rebuilds: signed, content-addressed values under ``<project>/.presswork-cache/``.

A stage of the build (reading a file, rendering a chapter, writing a chapter's slides) keeps its
result under a key that hashes everything the result depends on: its input, its options and the
source code of the modules that compute it (:func:`code_fingerprint`), so editing presswork
itself never reuses a stale value. Deleting the folder only costs time.

Values are pickled. A pickle runs code when it is loaded, and a project folder may come from
someone else (a cloned repository with a committed ``.presswork-cache/``), so every file is
signed with HMAC-SHA256 under a key that never leaves this user's cache folder
(:func:`user_cache_dir`); a file with a wrong signature is never unpickled, it is a miss.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import importlib.metadata
import importlib.util
import os
import pickle
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from presswork.cache.closure import import_closure, module_files
from presswork.core import files
from presswork.core.diagnostics import PressworkError

CACHE_DIR = files.CACHE_DIR
_SIGNATURE = 32  # bytes of HMAC-SHA256 in front of each pickle


def user_cache_dir() -> Path:
    """The user's cache folder: ``$PRESSWORK_CACHE_DIR``, else ``$XDG_CACHE_HOME/presswork``, else
    ``~/.cache/presswork`` (font coverage, formula pictures, the signing key)."""
    if os.environ.get("PRESSWORK_CACHE_DIR"):
        return Path(os.environ["PRESSWORK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "presswork"


def user_cache_root() -> Path:
    """The user cache folder as a root of the file gate: its real path (the user may keep it elsewhere)."""
    return files.real_root(user_cache_dir())


_SECRETS: dict[Path, bytes] = {}


def _secret() -> bytes | None:
    """This user's signing key (created on first use, readable by the user only), or None when
    the user cache folder cannot be written (then nothing is cached)."""
    folder = user_cache_dir()
    if folder in _SECRETS:
        return _SECRETS[folder]
    path = folder / "cache-key"
    root = user_cache_root()
    data = read_cached(path, root) or b""
    if len(data) != 32:
        try:
            files.make_dirs(folder, root, "cache folder")
            tmp = files.temporary_path(path)
            fd = files.open_new(tmp, root, 0o600)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(secrets.token_bytes(32))
                if data:  # a damaged key: replaced (files signed with it are misses anyway)
                    os.replace(tmp, path)
                else:
                    with contextlib.suppress(FileExistsError):  # another process made it first: theirs is kept
                        os.link(tmp, path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
        except (OSError, PressworkError):
            return None
        data = read_cached(path, root) or b""
        if len(data) != 32:
            return None
    _SECRETS[folder] = data
    return data


def sign(payload: bytes) -> bytes | None:
    """This user's signature of ``payload`` (32 bytes), or None when there is no signing key."""
    secret = _secret()
    return None if secret is None else hmac.digest(secret, payload, "sha256")


def verify(payload: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is this user's signature of ``payload``."""
    expected = sign(payload)
    return expected is not None and hmac.compare_digest(signature, expected)


def seal(payload: bytes, key: str = "") -> bytes | None:
    """``payload`` with this user's signature of it and of its cache ``key`` in front (for a file in a
    project's cache: a file moved to another key's name does not verify), or None when there is no
    signing key (then nothing is cached)."""
    signature = sign(key.encode() + b"\0" + payload)
    return None if signature is None else signature + payload


def unseal(data: bytes, key: str = "") -> bytes | None:
    """The payload of ``data`` sealed under ``key``, or None when this user did not seal it so (a cache
    committed to a repository, downloaded, damaged or renamed): such a file is a miss, never used."""
    signature, payload = data[:_SIGNATURE], data[_SIGNATURE:]
    return payload if len(signature) == _SIGNATURE and verify(key.encode() + b"\0" + payload, signature) else None


_FINGERPRINTS: dict[tuple[str, ...], str] = {}


def code_fingerprint(*modules: str) -> str:
    """A hash of the source of ``modules`` and of every presswork module they import, directly or not
    (:func:`~presswork.cache.closure.import_closure`; a package counts with every module under it), and of
    the presswork version: part of every key, so a changed presswork never reuses a stale value. A module
    from outside presswork (a reader plug-in) counts with its own source."""
    if modules in _FINGERPRINTS:
        return _FINGERPRINTS[modules]
    from presswork.core.version import __version__

    h = hashlib.sha256(__version__.encode())
    ours = [name for name in modules if name == "presswork" or name.startswith("presswork.")]
    known = module_files()
    sources: list[Path] = [known[name] for name in import_closure(*ours)]
    for name in modules:
        if name in ours:
            continue
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        if origin is None:
            h.update(f"\0{name}:missing".encode())
            continue
        sources += sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]
    for file in sources:
        h.update(b"\0" + file.as_posix().encode())
        with contextlib.suppress(OSError):
            h.update(file.read_bytes())
    _FINGERPRINTS[modules] = h.hexdigest()
    return _FINGERPRINTS[modules]


@functools.cache
def library_versions(*distributions: str) -> str:
    """The installed versions of ``distributions`` ("name=version;...", "none" for a missing one): part of
    the key of a value those libraries compute."""
    found = []
    for name in distributions:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return ";".join(found)


def cache_key(*parts: str | bytes) -> str:
    """A short hash of ``parts`` (each separated, so ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(b"\0")
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
    return h.hexdigest()[:32]


def write_atomically(path: Path, data: bytes, root: Path) -> bool:
    """Write the cache file ``path`` inside the cache folder ``root`` (:func:`presswork.core.files.cache_root`
    of a project, or the user cache folder) through a temporary file renamed into place (False when it
    cannot be written, or the folder leads outside ``root``: a cache only costs time)."""
    try:
        files.make_dirs(path.parent, root, "cache folder")
        files.write_atomic(path, data, root, durable=False)  # a torn file fails its signature: a miss
    except (OSError, PressworkError):
        return False
    return True


def read_cached(path: Path, root: Path) -> bytes | None:
    """The bytes of the cache file ``path`` inside the cache folder ``root``, or None (missing, unreadable,
    or through a link leading outside ``root``)."""
    try:
        return files.read_bytes(path, [root], where="cache folder")
    except (OSError, PressworkError):
        return None


def prune_folder(folder: Path, root: Path, keep: Callable[[str], bool]) -> None:
    """Remove the files of the cache folder ``folder`` (inside the cache folder ``root``) that ``keep`` does
    not want (it is given each name), and the temporary files of processes that are gone; nothing when
    ``folder`` leads outside ``root``."""
    try:
        if not files.within(os.path.realpath(folder), [root]):
            return
        entries = list(os.scandir(folder))
    except OSError:
        return
    stale = {p.name for p in files.stale_temporaries(folder)}
    for entry in entries:
        temporary = files.TEMPORARY.match(entry.name) is not None
        if (entry.name in stale) if temporary else not keep(entry.name):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


#: Values of every stage cache, kept in memory too: ``watch`` builds again in the same process.
_MEMORY: dict[Path, dict[str, Any]] = {}


class StageCache:
    """Values of one build stage by key, in ``<root>/.presswork-cache/<name>/`` (best effort: an
    unreadable, unwritable or tampered cache only costs time)."""

    def __init__(self, root: Path, name: str) -> None:
        self.folder = root / CACHE_DIR / name
        self.root = files.cache_root(root)
        self.memory = _MEMORY.setdefault(self.folder, {})
        self.used: set[str] = set()

    def get(self, key: str) -> Any | None:
        """The value stored under ``key``, or None (missing, unsigned or unreadable)."""
        self.used.add(key)
        if key in self.memory:
            return self.memory[key]
        data = read_cached(self.folder / f"{key}.pickle", self.root)
        payload = unseal(data, key) if data is not None else None
        if payload is None:
            return None
        try:
            value = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - a damaged file is a miss
            return None
        self.memory[key] = value
        return value

    def has(self, key: str) -> bool:
        """Whether a value may be stored under ``key`` (without reading it; :meth:`get` still decides)."""
        return key in self.memory or (self.folder / f"{key}.pickle").is_file()

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` (written atomically, signed)."""
        self.used.add(key)
        self.memory[key] = value
        try:
            sealed = seal(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), key)
        except Exception:  # noqa: BLE001 - a value that cannot be pickled is kept in memory only
            return
        if sealed is not None:
            write_atomically(self.folder / f"{key}.pickle", sealed, self.root)

    def prune(self) -> None:
        """Forget every value this build did not ask for (the cache holds one book's current state)."""
        for key in list(self.memory):
            if key not in self.used:
                del self.memory[key]
        prune_folder(self.folder, self.root, lambda name: name.split(".", 1)[0] in self.used)
