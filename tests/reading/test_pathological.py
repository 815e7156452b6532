"""Linear time: the 18 pathological inputs of cmark-gfm's test/pathological_tests.py (vendored in
data/, see data/cmark-gfm.COPYING) read in under 5 s each, or stop with a clear ``file:line`` error
where a nesting limit applies."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from collections.abc import Callable

import pytest

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.reading import read_markdown

LIMIT_S = 5.0


def hash_collisions(count: int = 50000) -> str:
    """cmark-gfm's "reference collisions" input (link references whose hashes collide in cmark)."""
    refmap_size = 16

    def badhash(ref: str) -> bool:
        h = 0
        for c in ref:
            a = (h << 6) & 0xFFFFFFFF
            b = (h << 16) & 0xFFFFFFFF
            h = (ord(c) + a + b - h) & 0xFFFFFFFF
        return (h % refmap_size) == 0

    keys = (f"x{i}" for i in itertools.count())
    collisions = itertools.islice((k for k in keys if badhash(k)), count)
    bad_key = next(collisions)
    return "".join(f"[{key}]: /url\n\n[{bad_key}]\n\n" for key in collisions)


#: name -> input at scale ``s`` (1.0 = cmark-gfm's size; the scaling check also reads s = 0.25).
PATHOLOGICAL: dict[str, Callable[[float], str]] = {
    "nested strong emph": lambda s: ("*a **a " * int(65000 * s)) + "b" + (" a** a*" * int(65000 * s)),
    "many emph closers with no openers": lambda s: "a_ " * int(65000 * s),
    "many emph openers with no closers": lambda s: "_a " * int(65000 * s),
    "many link closers with no openers": lambda s: "a]" * int(65000 * s),
    "many link openers with no closers": lambda s: "[a" * int(65000 * s),
    "mismatched openers and closers": lambda s: "*a_ " * int(50000 * s),
    "openers and closers multiple of 3": lambda s: "a**b" + ("c* " * int(50000 * s)),
    "link openers and emph closers": lambda s: "[ a_" * int(50000 * s),
    "pattern [ (]( repeated": lambda s: "[ (](" * int(80000 * s),
    "hard link/emph case": lambda s: "**x [a*b**c*](d)",
    "nested brackets": lambda s: ("[" * int(50000 * s)) + "a" + ("]" * int(50000 * s)),
    "nested block quotes": lambda s: ("> " * int(50000 * s)) + "a",
    "deeply nested lists": lambda s: "".join("  " * x + "* a\n" for x in range(int(1000 * s))),
    "U+0000 in input": lambda s: "abc\u0000de\u0000",
    "backticks": lambda s: "".join("e" + "`" * x for x in range(1, int(5000 * s))),
    "unclosed links A": lambda s: "[a](<b" * int(30000 * s),
    "unclosed links B": lambda s: "[a](b" * int(30000 * s),
    "tables": lambda s: "aaa\rbbb\n-\v\n" * int(30000 * s),
    "reference collisions": lambda s: hash_collisions(int(50000 * s)),
}
#: Inputs that nest beyond presswork's max_nesting (40): a clear error is an accepted outcome.
NESTING = {"nested block quotes", "deeply nested lists", "nested strong emph"}


def _run(name: str, scale: float, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    text = PATHOLOGICAL[name](scale)
    started = time.process_time()
    try:
        read_markdown(text, "p.md", Reporter(), markdown="gfm")
        outcome = "ok"
    except PressworkError as exc:
        outcome = f"error: {exc}"
    queue.put((outcome, time.process_time() - started, len(text)))


def _cpu_seconds(name: str, scale: float) -> tuple[str, float, int]:
    """(outcome, CPU seconds, input length) of reading the input in a child process (killed after a wall-clock guard)."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    process = ctx.Process(target=_run, args=(name, scale, queue))
    process.start()
    process.join(60)
    if process.is_alive():
        process.kill()
        process.join()
        pytest.fail(f"{name}: still running after 60 s")
    result: tuple[str, float, int] = queue.get(timeout=5)
    return result


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_reads_in_linear_time(name: str) -> None:
    outcome, seconds, size = _cpu_seconds(name, 1.0)
    _, quarter, quarter_size = _cpu_seconds(name, 0.25)
    # The budget is 5 s of CPU on an idle machine; on a shared runner CPU time stretches with the load
    # (and with noise: half again as much is tolerated there).
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    budget = LIMIT_S * max(1.0, load * 1.5 if load > 1.0 else 1.0)
    print(f"{name}: {outcome[:70]}: {seconds:.2f} s CPU (quarter size {quarter:.2f} s, budget {budget:.1f} s)")
    assert seconds < budget, f"{name}: {seconds:.1f} s"
    # Linear: the time per character at full size is at most twice that at a quarter of the size
    # (quadratic work would make it four times; the margin absorbs a loaded machine's noise).
    linear = seconds < 2.0 * quarter * size / max(quarter_size, 1) + 0.5
    assert linear, f"{name}: not linear ({quarter:.2f} s for {quarter_size} chars, {seconds:.2f} s for {size})"
    if outcome != "ok":
        assert name in NESTING, outcome
        assert outcome.startswith("error: p.md:") and "deeper than" in outcome, outcome
