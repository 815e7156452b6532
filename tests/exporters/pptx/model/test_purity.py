"""The deck model is pure: nothing in exporters/pptx/model imports python-pptx (or lxml), directly or not."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import presswork.exporters.pptx.model as model

MODEL = Path(model.__file__).parent
FORBIDDEN = ("pptx", "lxml")


def test_no_model_module_imports_python_pptx() -> None:
    offenders = []
    for path in sorted(MODEL.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert not offenders


def test_importing_the_model_loads_no_python_pptx() -> None:
    # The package presswork.exporters.pptx (whose __init__ joins model and output) is stood in for,
    # so that what is imported is the model's own import closure.
    code = (
        "import sys, types, presswork.exporters; "
        "pkg = types.ModuleType('presswork.exporters.pptx'); "
        f"pkg.__path__ = [{str(MODEL.parent)!r}]; sys.modules[pkg.__name__] = pkg; "
        "import presswork.exporters.pptx.model.slides, presswork.exporters.pptx.model.paginate; "
        "assert 'presswork.exporters.pptx.model.flow' in sys.modules; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pptx', 'lxml')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_preview_slide_view_loads_no_python_pptx() -> None:
    """The preview's HTML slides use the deck model only; python-pptx loads when a deck is written."""
    code = "import sys, presswork.exporters.html.slides; print(sorted(m for m in sys.modules if m.split('.')[0] == 'pptx'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
