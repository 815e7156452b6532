"""The signed stage cache of incremental rebuilds."""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.cache import store as buildcache
from presswork.cache.store import StageCache, cache_key, code_fingerprint


@pytest.fixture(autouse=True)
def _user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWORK_CACHE_DIR", str(tmp_path / "user"))
    monkeypatch.setattr(buildcache, "_MEMORY", {})
    monkeypatch.setattr(buildcache, "_SECRETS", {})


def test_a_value_comes_back_from_disk_in_a_new_process(tmp_path: Path) -> None:
    StageCache(tmp_path, "stage").put("k1", {"tree": [1, 2, 3]})
    buildcache._MEMORY.clear()  # as if a new process
    assert StageCache(tmp_path, "stage").get("k1") == {"tree": [1, 2, 3]}
    assert (tmp_path / ".presswork-cache" / "stage" / "k1.pickle").is_file()
    assert (tmp_path / "user" / "cache-key").stat().st_mode & 0o077 == 0


def test_a_file_signed_by_someone_else_is_never_unpickled(tmp_path: Path) -> None:
    StageCache(tmp_path, "stage").put("k1", "honest")
    path = tmp_path / ".presswork-cache" / "stage" / "k1.pickle"
    data = path.read_bytes()
    import pickle

    path.write_bytes(data[:32] + pickle.dumps("forged"))  # same signature, other payload
    buildcache._MEMORY.clear()
    assert StageCache(tmp_path, "stage").get("k1") is None
    path.write_bytes(b"\0" * 32 + pickle.dumps("forged"))
    assert StageCache(tmp_path, "stage").get("k1") is None
    # another user's key (a cloned repository's committed cache): a miss, not a value
    (tmp_path / "user" / "cache-key").write_bytes(b"x" * 32)
    buildcache._SECRETS.clear()
    path.write_bytes(data)
    assert StageCache(tmp_path, "stage").get("k1") is None


def test_prune_keeps_exactly_what_the_build_used(tmp_path: Path) -> None:
    first = StageCache(tmp_path, "stage")
    first.put("old", 1)
    first.put("kept", 2)
    second = StageCache(tmp_path, "stage")
    assert second.get("kept") == 2
    second.put("new", 3)
    second.prune()
    names = sorted(p.name for p in (tmp_path / ".presswork-cache" / "stage").iterdir())
    assert names == ["kept.pickle", "new.pickle"]
    assert "old" not in second.memory


def test_an_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    (tmp_path / ".presswork-cache").write_text("a file where the folder should be")
    cache = StageCache(tmp_path, "stage")
    cache.put("k", 1)  # no exception
    buildcache._MEMORY.clear()
    assert StageCache(tmp_path, "stage").get("k") is None


def test_keys_and_fingerprints() -> None:
    assert cache_key("ab", "c") != cache_key("a", "bc")
    assert cache_key("x", b"y") == cache_key("x", "y")
    reading = code_fingerprint("presswork.reading")
    assert reading == code_fingerprint("presswork.reading")
    assert reading != code_fingerprint("presswork.reading", "presswork.transforms")


def test_a_changed_source_file_changes_the_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "src" / "probe_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "stage.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    monkeypatch.setattr(buildcache, "_FINGERPRINTS", {})
    before = code_fingerprint("probe_pkg")
    (package / "stage.py").write_text("VALUE = 2\n")
    buildcache._FINGERPRINTS.clear()  # a new process
    assert code_fingerprint("probe_pkg") != before
