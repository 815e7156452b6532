"""Graphviz ``dot`` as a diagram renderer, run in its restricted mode so that a diagram cannot read local files."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile

from presswork.transforms.diagrams.base import DiagramError, error_at

#: Attributes that make dot read a file named by the diagram (``image``, ``shapefile``, search paths,
#: ``<IMG SRC=...>`` in HTML labels): refused before dot runs, with a message naming the attribute.
_FILE_ATTRIBUTES = re.compile(r"(?<![\w-])(image|shapefile|imagepath|fontpath)\s*=|<\s*img\b", re.I)
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
#: Defaults a diagram may override (``node [fontname=...]``): the themes' sans-serif face, about the size of body text.
DEFAULTS = (
    "-Gbgcolor=transparent",  # as mermaid: no white box with a soft edge on tinted pages and slides
    "-Gfontname=Noto Sans",
    "-Nfontname=Noto Sans",
    "-Efontname=Noto Sans",
    "-Gfontsize=11",
    "-Nfontsize=11",
    "-Efontsize=10",
)


class DotRenderer:
    """Renders ``dot`` / ``graphviz`` blocks with Graphviz's ``dot -Tsvg``, one process per diagram
    (dot starts in milliseconds), each in an empty folder with file access switched off."""

    name = "dot"

    def __init__(self, program: str | None = None, timeout: float = 60.0) -> None:
        self.program = program if program is not None else (shutil.which("dot") or "")
        self.timeout = timeout

    def unavailable(self) -> str | None:
        """None when ``dot`` runs here, else how to install it."""
        if self.program and os.access(self.program, os.X_OK):
            return None
        return "Graphviz's dot program is not installed (Debian/Ubuntu: apt-get install graphviz)"

    def version(self) -> str:
        """``dot -V`` and the default options: both change the SVG."""
        return f"{_dot_version(self.program)} {' '.join(DEFAULTS)}"

    def render(self, sources: list[str]) -> list[str | DiagramError]:
        """The SVG of each source, or dot's first line of complaint."""
        return [self._one(source) for source in sources]

    def _one(self, source: str) -> str | DiagramError:
        reads = _FILE_ATTRIBUTES.search(_QUOTED.sub('""', source))
        if reads:
            what = "<IMG>" if reads.group(1) is None else f"{reads.group(1).lower()}="
            return DiagramError(f"{what} would make dot read a local file, which a build does not allow")
        with tempfile.TemporaryDirectory(prefix="presswork-dot-") as empty:
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                # Graphviz's web-server mode: files (images, shape files) only from GV_FILE_PATH, here an empty folder.
                "SERVER_NAME": "presswork",
                "GV_FILE_PATH": empty + os.sep,
                "HOME": empty,
            }
            try:
                done = subprocess.run(
                    [self.program, "-Tsvg", *DEFAULTS],
                    input=source.encode("utf-8"),
                    capture_output=True,
                    cwd=empty,
                    env=env,
                    timeout=self.timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                return DiagramError(f"dot did not finish within {self.timeout:g} s")
            except OSError as exc:
                return DiagramError(f"dot could not run: {exc.strerror or exc}")
        complaint = _first_line(done.stderr.decode("utf-8", "replace"))
        if done.returncode != 0 or not done.stdout.strip():
            return error_at(complaint or f"dot exited with status {done.returncode}")
        return done.stdout.decode("utf-8", "replace")


def _first_line(stderr: str) -> str:
    """dot's first line of complaint, without its "Error: " prefix and the "<stdin>:" of its place."""
    for line in stderr.splitlines():
        line = line.strip()
        if line:
            return re.sub(r"^(Error|Warning):\s*", "", line).replace("<stdin>: ", "").strip()
    return ""


@functools.cache
def _dot_version(program: str) -> str:
    try:
        done = subprocess.run([program, "-V"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "dot (unknown version)"
    return done.stderr.decode("utf-8", "replace").strip() or "dot (unknown version)"
