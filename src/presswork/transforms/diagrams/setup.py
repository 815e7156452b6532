"""``python -m presswork.transforms.diagrams.setup``: fetch the pinned mermaid release with npm, once, and install its
``mermaid.min.js`` (checked against its SHA-256) where the Mermaid renderer finds it."""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from presswork.transforms.diagrams.mermaid import INSTALLED, SCRIPT_SHA256, VERSION

MEMBER = "package/dist/mermaid.min.js"


def install(dest: Path = INSTALLED, npm: str | None = None) -> Path:
    """Fetch ``mermaid@VERSION`` (the package tarball only: ``npm pack``, no dependencies, no install
    scripts), check the script's digest and write it to ``dest``. Returns ``dest``; raises SystemExit on failure."""
    if dest.is_file() and hashlib.sha256(dest.read_bytes()).hexdigest() == SCRIPT_SHA256:
        return dest
    npm = npm or shutil.which("npm")
    if not npm:
        raise SystemExit("npm is not installed (Debian/Ubuntu: apt-get install npm, or Node.js from nodejs.org)")
    with tempfile.TemporaryDirectory(prefix="presswork-mermaid-") as tmp:
        done = subprocess.run(
            [npm, "pack", f"mermaid@{VERSION}", "--pack-destination", tmp, "--silent", "--ignore-scripts"],
            capture_output=True,
            text=True,
            cwd=tmp,
            check=False,
        )
        tarballs = sorted(Path(tmp).glob("mermaid-*.tgz"))
        if done.returncode != 0 or not tarballs:
            raise SystemExit(f"npm pack mermaid@{VERSION} failed: {(done.stderr or done.stdout).strip()[:500]}")
        with tarfile.open(tarballs[0]) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise SystemExit(f"{tarballs[0].name} has no {MEMBER}")
            data = member.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SCRIPT_SHA256:
        raise SystemExit(f"{MEMBER} of mermaid@{VERSION} has SHA-256 {digest}, expected {SCRIPT_SHA256}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    part.write_bytes(data)
    os.replace(part, dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    """Command line: install the script (default: into this Python environment)."""
    parser = argparse.ArgumentParser(prog="python -m presswork.transforms.diagrams.setup", description=__doc__)
    parser.add_argument("--dest", type=Path, default=INSTALLED, help=f"where to put the script (default: {INSTALLED})")
    args = parser.parse_args(argv)
    path = install(args.dest)
    print(f"mermaid {VERSION}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
