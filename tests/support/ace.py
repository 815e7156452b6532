"""Runs Ace by DAISY (npm ``@daisy/ace``, headless Chromium) on an EPUB and returns its violations."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

#: Where the lead installs Ace (``npm install --ignore-scripts @daisy/ace`` with PUPPETEER_SKIP_DOWNLOAD=1).
ACE_DIR = Path(os.environ.get("PRESSWORK_ACE_DIR", Path(__file__).resolve().parents[2] / ".tools" / "ace"))
CHROMIUM = Path("/usr/bin/chromium")


@dataclass(frozen=True)
class Violation:
    """One Ace assertion that failed: impact (critical, serious, moderate, minor), rule and file."""

    impact: str
    rule: str
    file: str
    description: str


def ace_bin() -> Path:
    """The ace-puppeteer command."""
    return ACE_DIR / "node_modules" / ".bin" / "ace-puppeteer"


def available() -> bool:
    """True when Ace, Node and Chromium are all here."""
    return ace_bin().is_file() and shutil.which("node") is not None and CHROMIUM.is_file()


def run_ace(epub: Path, timeout: float = 900) -> list[Violation]:
    """Every violation Ace reports for ``epub``."""
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM)}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [str(ace_bin()), "-f", "-s", "-o", tmp, str(epub)],
            env=env,
            check=True,
            timeout=timeout,
            capture_output=True,
        )
        report = json.loads((Path(tmp) / "report.json").read_text(encoding="utf-8"))
    found = []
    for part in report.get("assertions", []):
        file = part.get("earl:testSubject", {}).get("url", "")
        for check in part.get("assertions", []):
            test = check.get("earl:test", {})
            if check.get("earl:result", {}).get("earl:outcome") == "fail":
                found.append(
                    Violation(
                        test.get("earl:impact", ""), test.get("dct:title", ""), file, test.get("dct:description", "")
                    )
                )
    return found


def serious(violations: list[Violation]) -> Counter[str]:
    """Critical and serious violations counted by rule."""
    return Counter(f"{v.impact} {v.rule}" for v in violations if v.impact in ("critical", "serious"))
