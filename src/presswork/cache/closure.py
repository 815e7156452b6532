"""The presswork modules a module may run, found from its import statements: what a code fingerprint covers.

A cached value is computed by one module and by everything that module imports, directly or through
other modules, at the top or inside a function. Listing those modules by hand goes stale the first time
someone adds an import (the deck cache once left out the cross-reference module its slides call), so
the fingerprint of a cached value is taken over the import closure of the modules that compute it,
read from their source text with no import run.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

#: ``import presswork.x[.y] [as z]`` and ``from presswork.x[.y] import a, b`` (also in parentheses and
#: indented inside a function: lazy imports count as much as top-level ones).
_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(presswork(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)"
    r"|import[ \t]+(presswork(?:\.\w+)*))",
    re.M,
)
_NAME = re.compile(r"\w+")


@functools.cache
def _package_root() -> Path:
    """The folder of the installed ``presswork`` package."""
    return Path(__file__).resolve().parent.parent


@functools.cache
def module_files() -> dict[str, Path]:
    """Every module of the presswork package by dotted name (a package by its ``__init__``)."""
    root = _package_root()
    found: dict[str, Path] = {}
    for file in sorted(root.rglob("*.py")):
        parts = ("presswork", *file.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = file
    return found


def _within(name: str) -> list[str]:
    """``name`` and, for a package, every module under it."""
    return [m for m in module_files() if m == name or m.startswith(name + ".")]


def _with_parents(name: str) -> list[str]:
    """``name`` and the packages around it, whose ``__init__`` runs when it is imported."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def imported_by(name: str) -> set[str]:
    """The presswork modules that module ``name``'s source imports (a name taken from a package counts
    as its submodule when there is one), with the packages around each."""
    known = module_files()
    file = known.get(name)
    if file is None:
        return set()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    found: set[str] = set()
    for match in _IMPORT.finditer(text):
        package, names, plain = match.groups()
        if plain:
            found.update(_with_parents(plain))
            continue
        found.update(_with_parents(package))
        for imported in _NAME.findall(names.replace(" as ", " , ")):
            if f"{package}.{imported}" in known:
                found.add(f"{package}.{imported}")
    return {m for m in found if m in known}


@functools.cache
def import_closure(*roots: str) -> tuple[str, ...]:
    """The presswork modules ``roots`` run, sorted: each root (a package with every module under it),
    the packages around it, and everything they import, transitively."""
    pending = [m for root in roots for m in _within(root) for m in _with_parents(m)]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen or name not in module_files():
            continue
        seen.add(name)
        pending.extend(imported_by(name) - seen)
    return tuple(sorted(seen))
