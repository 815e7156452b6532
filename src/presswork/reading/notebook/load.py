"""Opening an ``.ipynb`` file with nbformat: JSON and schema errors become one clear ``file`` error."""

from __future__ import annotations

import json
import warnings
from typing import Any

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Pos

__all__ = ["open_notebook"]


#: The keys each kind of cell may have in nbformat 4; Jupyter ignores others (a Markdown cell's ``outputs``).
_CELL_KEYS = {
    "markdown": {"id", "cell_type", "metadata", "source", "attachments"},
    "raw": {"id", "cell_type", "metadata", "source", "attachments"},
    "code": {"id", "cell_type", "metadata", "source", "outputs", "execution_count"},
}


def open_notebook(text: str, path: str, reporter: Reporter | None = None) -> Any:
    """The notebook in ``text`` (the contents of ``path``) as an nbformat v4 node, validated against its schema.

    Text that is not JSON, or JSON that is not a notebook nbformat can read and validate, is a
    PressworkError naming ``path`` (and the line, for broken JSON). Keys a cell of its kind may not have
    (``outputs`` of a Markdown cell, left by a cell whose type was changed), which Jupyter ignores, are
    dropped with a warning naming the cell.
    """
    import nbformat

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PressworkError(f"not a Jupyter notebook: invalid JSON ({exc.msg})", Pos(path, exc.lineno)) from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise PressworkError("not a Jupyter notebook: the JSON has no 'cells'", Pos(path))
    if data.get("nbformat") == 4 and isinstance(data.get("cells"), list):
        _drop_foreign_keys(data["cells"], path, reporter or Reporter())
        _drop_early_ids(data)
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


def _drop_early_ids(data: dict[str, Any]) -> None:
    """Cell ids in a notebook that says it is older than nbformat 4.5, whose schema has none (a newer Jupyter
    wrote them and kept the old version number; Jupyter opens it): dropped, as presswork uses no cell id."""
    minor = data.get("nbformat_minor")
    if isinstance(minor, int) and minor < 5:
        for cell in data["cells"]:
            if isinstance(cell, dict):
                cell.pop("id", None)


def _drop_foreign_keys(cells: list[Any], path: str, reporter: Reporter) -> None:
    """Remove from each cell the keys its kind may not have, with one warning per cell."""
    for number, cell in enumerate(cells, start=1):
        allowed = _CELL_KEYS.get(str(cell.get("cell_type"))) if isinstance(cell, dict) else None
        if allowed is None:
            continue
        extra = sorted(k for k in cell if k not in allowed)
        if extra:
            for key in extra:
                del cell[key]
            reporter.warn(
                f"{cell['cell_type']} cell has {', '.join(repr(k) for k in extra)}, which Jupyter ignores; ignored",
                Pos(path, 1, number),
                "notebook",
            )
