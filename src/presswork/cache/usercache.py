"""Small values kept across builds in the user cache folder (``store.user_cache_dir()``), one file per key."""

from __future__ import annotations

from pathlib import Path

from presswork.cache.store import read_cached, user_cache_dir, user_cache_root, write_atomically
from presswork.core.files import remove_stale


class DiskCache:
    """Bytes by key in ``user_cache_dir()/<name>/``, written atomically and pruned to the ``keep`` most
    recently written; kept in memory too (``watch`` builds again in the same process). An unreadable
    or unwritable cache only costs time: a miss is computed again."""

    def __init__(self, name: str, suffix: str, keep: int) -> None:
        self.name, self.suffix, self.keep = name, suffix, keep
        self.memory: dict[str, bytes] = {}
        self.pruned = False

    def folder(self) -> Path:
        """Where the files are (follows ``$PRESSWORK_CACHE_DIR`` at each call)."""
        return user_cache_dir() / self.name

    def get(self, key: str) -> bytes | None:
        """The bytes stored under ``key``, or None."""
        if key in self.memory:
            return self.memory[key]
        data = read_cached(self.folder() / f"{key}{self.suffix}", user_cache_root())
        if data is None:
            return None
        self.memory[key] = data
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` (the oldest files beyond ``keep`` are removed, once per process)."""
        self.memory[key] = data
        folder = self.folder()
        if not write_atomically(folder / f"{key}{self.suffix}", data, user_cache_root()):
            return
        try:
            if not self.pruned:
                self.pruned = True
                remove_stale(folder)  # what writers killed before renaming left behind
                files = sorted(folder.glob(f"*{self.suffix}"), key=lambda p: p.stat().st_mtime)
                for old in files[: max(0, len(files) - self.keep)]:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
