"""A longer property-based campaign than the test suite's: ``python -m tests.e2e.fuzz_build --examples 5000``.

Generates Markdown from every supported feature (tests/e2e/test_robustness.py's strategies) and
checks that no build raises anything but a PressworkError; ``--export-every N`` also runs the
EPUB exporter on one example in N (``--formats`` picks others). Exits 1 with the falsifying
example when one is found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.e2e.test_robustness import MARKDOWN, build_markdown
from tests.support.safety import png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="number of generated books (default 1000)")
    parser.add_argument("--export-every", type=int, default=10, help="run the exporters on one book in N (default 10)")
    parser.add_argument("--formats", default="epub", help="exporters for those books (default epub)")
    parser.add_argument("--seed", type=int, default=None, help="random seed, for a repeatable campaign")
    args = parser.parse_args(argv)
    formats = tuple(f for f in args.formats.split(",") if f)
    work = Path(tempfile.mkdtemp(prefix="presswork-fuzz-"))
    root = work / "book"
    root.mkdir()
    (root / "p.png").write_bytes(png(8, 6))
    (work / "outside.png").write_bytes(png(3, 3))
    count = 0

    @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(first=MARKDOWN, second=MARKDOWN, pick=st.integers(0, max(0, args.export_every - 1)))
    def campaign(first: str, second: str, pick: int) -> None:
        nonlocal count
        count += 1
        build_markdown(root, first, second, formats if pick == 0 else ())

    if args.seed is not None:
        campaign = seed(args.seed)(campaign)
    started = time.perf_counter()
    try:
        campaign()
    except Exception as exc:  # noqa: BLE001 - report the falsifying example hypothesis printed
        print(f"FAILED after {count} examples: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"{count} examples, no unhandled exception, {time.perf_counter() - started:.0f} s ({work})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
