"""Code fingerprints cover the import closure of the modules that compute a cached value, not a hand list."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from presswork.cache import closure, store
from presswork.cache.closure import import_closure, imported_by
from presswork.exporters.common import chaptercache
from presswork.exporters.pdf.typst import codecache
from presswork.exporters.pptx import incremental

#: Where each cached value is computed (the roots its fingerprint is taken over).
CACHES = {
    "reading": ("presswork.reading",),
    "chapter XHTML": chaptercache.RENDER_MODULES,
    "deck chapters": incremental.MODULES,
    "print layout": ("presswork.exporters.common.pagination",),
    "PDF batches": ("presswork.exporters.pdf.batches",),
    "formula SVG": ("presswork.exporters.common.mathrender",),
    "diagrams": ("presswork.transforms.diagrams",),
    "Typst listings": (codecache.MODULE,),
}


def _loaded_by_importing(roots: tuple[str, ...]) -> set[str]:
    """The presswork modules a fresh interpreter holds after importing every module under ``roots``."""
    modules = [m for root in roots for m in closure._within(root)]
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'presswork' or m.startswith('presswork.'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


@pytest.mark.parametrize("cache", CACHES)
def test_every_module_python_loads_for_a_cache_is_in_its_fingerprint(cache: str) -> None:
    """Python's own importer is the oracle: a module it loads for the computing code and the closure
    lacks would let an edit to that module replay a stale value."""
    roots = CACHES[cache]
    missing = _loaded_by_importing(roots) - set(import_closure(*roots))
    assert not missing, f"{cache}: loaded but not fingerprinted: {sorted(missing)}"


def test_lazy_imports_inside_functions_count() -> None:
    """The deck's flow calls the cross-reference module from inside a function: once left out of the
    deck cache's hand-written list, so an upgrade changing it would have replayed stale slides."""
    assert "presswork.transforms.xrefs" in imported_by("presswork.exporters.pptx.model.flow")
    assert "presswork.transforms.xrefs" in import_closure(*incremental.MODULES)


def test_editing_a_module_deep_in_the_closure_changes_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bytes of every module in the closure go into the fingerprint: a changed cross-reference module
    gives the deck cache another key."""
    before = store.code_fingerprint(*incremental.MODULES)
    edited = tmp_path / "xrefs.py"
    edited.write_bytes(closure.module_files()["presswork.transforms.xrefs"].read_bytes() + b"\n# edited\n")
    files = dict(closure.module_files())
    files["presswork.transforms.xrefs"] = edited
    monkeypatch.setattr(store, "module_files", lambda: files)
    monkeypatch.setattr(store, "_FINGERPRINTS", {})
    assert store.code_fingerprint(*incremental.MODULES) != before


def test_from_imports_of_submodules_and_packages_are_followed() -> None:
    found = imported_by("presswork.exporters.common.mathrender")
    assert {"presswork.cache", "presswork.cache.store", "presswork.cache.usercache"} <= found
    assert "presswork.exporters.common.mathrender" in import_closure("presswork.exporters.common.mathrender")
    assert "presswork" in import_closure("presswork.core.tree")  # the package __init__ runs too
