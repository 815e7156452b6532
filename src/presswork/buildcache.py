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
from pathlib import Path
from typing import Any

CACHE_DIR = ".presswork-cache"
_SIGNATURE = 32  # bytes of HMAC-SHA256 in front of each pickle


def user_cache_dir() -> Path:
    """The user's cache folder: ``$PRESSWORK_CACHE_DIR``, else ``$XDG_CACHE_HOME/presswork``, else
    ``~/.cache/presswork`` (font coverage, formula pictures, the signing key)."""
    if os.environ.get("PRESSWORK_CACHE_DIR"):
        return Path(os.environ["PRESSWORK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "presswork"


_SECRETS: dict[Path, bytes] = {}


def _secret() -> bytes | None:
    """This user's signing key (created on first use, readable by the user only), or None when
    the user cache folder cannot be written (then nothing is cached)."""
    folder = user_cache_dir()
    if folder in _SECRETS:
        return _SECRETS[folder]
    path = folder / "cache-key"
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    if len(data) != 32:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"cache-key.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
            if data:  # a damaged key: replaced (files signed with it are misses anyway)
                tmp.replace(path)
            else:
                with contextlib.suppress(FileExistsError):  # another process made it first: theirs is kept
                    os.link(tmp, path)
                tmp.unlink()
            data = path.read_bytes()
        except OSError:
            return None
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
    """A hash of the source of ``modules`` (a package counts with every ``.py`` file under it) and of
    the presswork version: part of every key, so a changed presswork never reuses a stale value."""
    if modules in _FINGERPRINTS:
        return _FINGERPRINTS[modules]
    from presswork import __version__

    h = hashlib.sha256(__version__.encode())
    for name in modules:
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        if origin is None:
            h.update(f"\0{name}:missing".encode())
            continue
        files = sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]
        for file in files:
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


def write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file renamed into place (False when it
    cannot be written: a cache only costs time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name.split('.', 1)[0]}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        return False
    return True


#: Values of every stage cache, kept in memory too: ``watch`` builds again in the same process.
_MEMORY: dict[Path, dict[str, Any]] = {}


class StageCache:
    """Values of one build stage by key, in ``<root>/.presswork-cache/<name>/`` (best effort: an
    unreadable, unwritable or tampered cache only costs time)."""

    def __init__(self, root: Path, name: str) -> None:
        self.folder = root / CACHE_DIR / name
        self.memory = _MEMORY.setdefault(self.folder, {})
        self.used: set[str] = set()

    def get(self, key: str) -> Any | None:
        """The value stored under ``key``, or None (missing, unsigned or unreadable)."""
        self.used.add(key)
        if key in self.memory:
            return self.memory[key]
        try:
            payload = unseal((self.folder / f"{key}.pickle").read_bytes(), key)
        except OSError:
            return None
        if payload is None:
            return None
        try:
            value = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - a damaged file is a miss
            return None
        self.memory[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` (written atomically, signed)."""
        self.used.add(key)
        self.memory[key] = value
        try:
            sealed = seal(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), key)
        except Exception:  # noqa: BLE001 - a value that cannot be pickled is kept in memory only
            return
        if sealed is not None:
            write_atomically(self.folder / f"{key}.pickle", sealed)

    def prune(self) -> None:
        """Forget every value this build did not ask for (the cache holds one book's current state)."""
        for key in list(self.memory):
            if key not in self.used:
                del self.memory[key]
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.name.split(".", 1)[0] not in self.used:
                    with contextlib.suppress(OSError):
                        path.unlink()
