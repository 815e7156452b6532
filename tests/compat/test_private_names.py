"""Only presswork/compat/ reaches into WeasyPrint, python-pptx and markdown-it-py: their private names,
their classes' internals and patches of their modules (and of ctypes' library lookup) appear nowhere else."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support import REPO

SRC = REPO / "src" / "presswork"
#: Private names of other libraries that presswork uses as their public API (lxml's element types, os._exit),
#: and a citeproc-py subclass calling its base class's BibTeX conversion (citeproc-py is not guarded here).
OTHER_LIBRARIES = {("os", "_exit"), ("etree", "_Element"), ("etree", "_Entity"), ("super()", "_bibtex_to_csl")}
#: Internals named like special methods: python-pptx's instance caches, markdown-it's rulers.
INTERNALS = {"__class__", "__dict__", "__rules__", "__cache__", "__compile__"}
#: The libraries whose private names may be imported, and whose modules may be patched, only by compat/
#: (ctypes: WeasyPrint's library lookup is answered from one ldconfig run).
GUARDED = ("weasyprint", "pptx", "markdown_it", "ctypes")
#: Known exceptions: file -> names it may still use, with the reason.
#: reading/gfm/dispatch.py subclasses markdown-it's Ruler and overrides its ``__compile__`` (rule dispatch by
#: character); every other internal it needs comes from compat/markdown_it.py.
EXCEPTIONS = {"reading/gfm/dispatch.py": {"__compile__"}}


def _root(node: ast.expr) -> ast.expr:
    """The name a dotted target starts from (``a`` of ``a.b.c``); anything else when it is not a dotted name."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node


def _guarded(module: str) -> bool:
    return module.split(".")[0] in GUARDED


def _imported_names(tree: ast.Module) -> set[str]:
    """Names bound by importing a guarded library's modules or classes."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names if _guarded(alias.name))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _guarded(node.module or ""):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def reaches_inside(path: Path, rel: str) -> list[str]:
    """Every place in ``path`` that reaches a library's internals: ``file:line: what``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    imported = _imported_names(tree)
    allowed = EXCEPTIONS.get(rel, set())
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{rel}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else ast.unparse(node.value)
            private = node.attr.startswith("_") and not node.attr.startswith("__")
            if private and owner not in ("self", "cls") and (owner, node.attr) not in OTHER_LIBRARIES:
                found.append(f"{where}: private attribute .{node.attr}")
            if node.attr in INTERNALS and node.attr not in allowed and owner not in ("self", "cls"):
                found.append(f"{where}: internal .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and _guarded(node.module or ""):
            found += [f"{where}: imports private {a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                root = _root(target)
                if isinstance(target, ast.Attribute) and isinstance(root, ast.Name) and root.id in imported:
                    found.append(f"{where}: patches {ast.unparse(target)}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
            root = _root(node.args[0]) if node.args else None
            if isinstance(root, ast.Name) and root.id in imported:
                found.append(f"{where}: patches {ast.unparse(node.args[0])} with setattr")
    return found


def test_only_compat_reaches_into_libraries() -> None:
    found: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if not rel.startswith("compat/"):
            found += reaches_inside(path, rel)
    assert not found, "move these into presswork/compat/ (a named, documented function):\n" + "\n".join(found)


def test_the_check_finds_each_kind_of_reach(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import ctypes.util\n"
        "import weasyprint.layout as layout\n"
        "from pptx.text.text import _Run\n"
        "from weasyprint.css.targets import TargetCollector\n"
        "ctypes.util.find_library = len\n"
        "layout.make_margin_boxes = len\n"
        "TargetCollector.lookup_target = len\n"
        "setattr(layout, 'x', 1)\n"
        "def f(page, part, self):\n"
        "    part.__class__ = int\n"
        "    part.__dict__.pop('slide')\n"
        "    self._own = page._page_box\n"
    )
    found = reaches_inside(sample, "sample.py")
    lines = sorted(int(f.split(":")[1]) for f in found)
    assert lines == [3, 5, 6, 7, 8, 10, 11, 12], found
