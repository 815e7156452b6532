"""Reading the command line's output in tests: the problems it reports, without progress and source lines."""

from __future__ import annotations

import re

#: A progress line of a build (plain output: not a terminal, or NO_COLOR).
STAGE = re.compile(r"^(reading \d+ files?|transforming|writing \S.*\(\d+/\d+\)|writing .* side by side)$")
#: A source line under a problem (``  12 | text``) or the caret line under it.
EXCERPT = re.compile(r"^ *(\d+ )?\| ")


def problem_lines(err: str) -> list[str]:
    """The lines of ``err`` that report a problem: progress lines and quoted source lines left out."""
    return [line for line in err.strip().splitlines() if not STAGE.match(line) and not EXCERPT.match(line)]
