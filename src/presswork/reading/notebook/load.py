"""Opening an ``.ipynb`` file with nbformat: JSON and schema errors become one clear ``file`` error."""

from __future__ import annotations

import json
import warnings
from typing import Any

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos

__all__ = ["open_notebook"]


def open_notebook(text: str, path: str) -> Any:
    """The notebook in ``text`` (the contents of ``path``) as an nbformat v4 node, validated against its schema.

    Text that is not JSON, or JSON that is not a notebook nbformat can read and validate, is a
    PressworkError naming ``path`` (and the line, for broken JSON).
    """
    import nbformat

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PressworkError(f"not a Jupyter notebook: invalid JSON ({exc.msg})", Pos(path, exc.lineno)) from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise PressworkError("not a Jupyter notebook: the JSON has no 'cells'", Pos(path))
    try:
        notebook = nbformat.from_dict(data)  # type: ignore[no-untyped-call]
        major = int(notebook.get("nbformat", 0))
        if major != 4:
            notebook = nbformat.convert(notebook, 4)  # type: ignore[no-untyped-call]
        with warnings.catch_warnings():  # cells without ids (nbformat < 4.5) are valid notebooks: no noise
            warnings.simplefilter("ignore")
            nbformat.validate(notebook)
    except nbformat.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) if getattr(exc, "absolute_path", None) else ""
        message = str(exc.message).split("\n")[0]
        raise PressworkError(
            f"not a valid Jupyter notebook (nbformat {data.get('nbformat', '?')}): {message}"
            + (f" at {where}" if where else ""),
            Pos(path),
        ) from None
    except Exception as exc:  # noqa: BLE001 - nbformat fails in many ways on odd input
        raise PressworkError(f"not a valid Jupyter notebook: {type(exc).__name__}: {exc}", Pos(path)) from None
    return notebook
