"""Time the notebook reader on a large generated notebook: 2,000 cells and about 50 MB of outputs.

usage: python benchmarks/notebook_read.py [--cells N] [--megabytes M] [--repeat R]

The notebook alternates Markdown cells and code cells; the code cells carry the outputs Jupyter
stores (PNG plots, DataFrame HTML tables, streams, tracebacks) until the file holds about M MB.
The script writes it to a temporary file, reads it the way a build does (the text, then
presswork.reading.notebook.read_notebook) and prints the best of R times with the file's size and the
number of blocks made. The target is under 10 s for the defaults; no timed test checks it.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image

from presswork.core.diagnostics import Reporter
from presswork.reading.notebook import read_notebook


def _png(size: int, seed: int) -> str:
    """A noisy PNG (it does not compress) of about ``size`` bytes, base64-encoded as notebooks store it."""
    side = max(8, int((size / 3) ** 0.5))
    data = random.Random(seed).randbytes(side * side * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), data).save(buffer, "PNG", compress_level=1)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _table(rows: int) -> str:
    body = "".join(f"<tr><th>{i}</th><td>name {i}</td><td>{i * 0.5:.2f}</td><td>{i * 3}</td></tr>" for i in range(rows))
    return (
        '<div><style scoped>.dataframe td { text-align: right; }</style><table border="1" class="dataframe">'
        "<thead><tr><th></th><th>name</th><th>score</th><th>count</th></tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def make_notebook(cells: int, megabytes: float) -> dict[str, Any]:
    """A valid nbformat 4 notebook of ``cells`` cells whose outputs weigh about ``megabytes`` MB."""
    code_cells = cells // 2
    pictures = max(1, code_cells // 4)
    png = _png(int(megabytes * 1_000_000 / pictures * 0.72), 1)
    out: list[dict[str, Any]] = []
    for n in range(cells):
        if n % 2 == 0:
            text = f"## Step {n}\n\nWe look at *step {n}* of the analysis, with `code` and a [link](https://example.org).\n"
            out.append({"cell_type": "markdown", "id": f"m{n}", "metadata": {}, "source": text})
            continue
        kind = (n // 2) % 4
        outputs: list[dict[str, Any]]
        if kind == 0:
            data = {"image/png": png, "text/plain": "<Figure size 640x480 with 1 Axes>"}
            outputs = [{"output_type": "display_data", "data": data, "metadata": {}}]
        elif kind == 1:
            data = {"text/html": _table(20), "text/plain": "a DataFrame"}
            outputs = [{"output_type": "execute_result", "data": data, "metadata": {}, "execution_count": n}]
        elif kind == 2:
            outputs = [{"output_type": "stream", "name": "stdout", "text": [f"line {i}\n" for i in range(30)]}]
        else:
            trace = [
                "\x1b[0;31mValueError\x1b[0m Traceback (most recent call last)",
                "\x1b[0;31mValueError\x1b[0m: bad",
            ]
            outputs = [{"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": trace}]
        source = f"result_{n} = compute({n})\nresult_{n}"
        cell = {"cell_type": "code", "id": f"c{n}", "metadata": {}, "source": source, "outputs": outputs}
        out.append({**cell, "execution_count": n})
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return {"cells": out, "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, default=2000)
    parser.add_argument("--megabytes", type=float, default=50.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.ipynb"
        path.write_text(json.dumps(make_notebook(args.cells, args.megabytes)), encoding="utf-8")
        size = path.stat().st_size
        best, best_cpu = float("inf"), float("inf")
        blocks = 0
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            source = read_notebook(path.read_text(encoding="utf-8"), "big.ipynb", Reporter())
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - start_cpu)
            blocks = len(source.blocks)
    print(
        f"cells={args.cells} bytes={size:,} blocks={blocks} best_seconds={best:.2f} cpu_seconds={best_cpu:.2f}"
        " (target < 10 s)"
    )


if __name__ == "__main__":
    main()
