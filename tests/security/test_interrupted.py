"""Interrupted builds clean up: workers die with a killed build, the next build removes its debris, and
SIGTERM stops a build as Ctrl-C does.

Builds run as real subprocesses carrying a marker in their environment; every process still holding
the marker is found in ``/proc`` (forked workers inherit it), so an orphan cannot hide.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from presswork.core.files import TEMPORARY, process_alive

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds processes through /proc")

MARK = "PRESSWORK_TEST_MARK"


def marked(marker: str) -> list[int]:
    """Every live process whose environment holds ``MARK=marker`` (zombies have none)."""
    needle = f"{MARK}={marker}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as fh:
                    if needle in fh.read().split(b"\0"):
                        found.append(int(entry))
            except OSError:
                continue
    return found


@pytest.fixture
def marker() -> Iterator[str]:
    """A fresh marker; whatever still carries it at the end is killed (a failing test leaves no orphan)."""
    value = uuid.uuid4().hex
    yield value
    for pid in marked(value):
        os.kill(pid, signal.SIGKILL)


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.02)


def start(args: list[str], marker: str, logs: Path) -> subprocess.Popen[bytes]:
    """A process with the marker; its output goes to files (an orphan holding a pipe would block a reader)."""
    return subprocess.Popen(
        [sys.executable, *args],
        env={**os.environ, MARK: marker},
        stdout=open(logs / "out.txt", "wb"),  # noqa: SIM115 - the child owns it
        stderr=open(logs / "err.txt", "wb"),  # noqa: SIM115
        start_new_session=True,
    )


def hashes(folder: Path) -> dict[str, str]:
    """Name -> SHA-256 of every file in ``folder``, hidden temporary files included."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def debris(folder: Path) -> list[str]:
    """Temporary files (anywhere below ``folder``) whose process is gone."""
    found = []
    for path in folder.rglob(".*.tmp"):
        match = TEMPORARY.match(path.name)
        if match and not process_alive(int(match.group("pid"))):
            found.append(path.relative_to(folder).as_posix())
    return found


def start_writing(book: Path, marker: str, logs: Path) -> subprocess.Popen[bytes]:
    """A build of three formats side by side, returned once its workers run and its outputs are staged."""
    proc = start(["-m", "presswork", "build", str(book), "--format", "pdf,epub,pptx", "--jobs", "3"], marker, logs)
    out = book / "output"

    def writing() -> bool:
        assert proc.poll() is None, "the build ended before it could be stopped"
        staged = out.is_dir() and any(TEMPORARY.match(p.name) for p in out.iterdir())
        return staged and len(marked(marker)) >= 4  # the build and its three workers

    wait_for(writing, 120, "the workers and the staged outputs")
    return proc


@pytest.mark.slow
def test_kill_9_leaves_no_orphan_and_the_next_build_removes_the_debris(
    presswork, features_book: Path, marker: str, tmp_path: Path
) -> None:
    proc = start_writing(features_book, marker, tmp_path)
    workers = [pid for pid in marked(marker) if pid != proc.pid]
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    wait_for(lambda: marked(marker) == [], 10, f"the orphaned workers {workers} to die")
    left = debris(features_book)
    assert any(name.startswith("output/.features.") for name in left), left
    result = presswork("build", features_book, "--format", "pdf,epub,pptx")
    assert result.status == 0, result.err
    assert sorted(p.name for p in (features_book / "output").iterdir()) == [
        "features.epub",
        "features.pdf",
        "features.pptx",
    ]
    assert debris(features_book) == []


@pytest.mark.slow
def test_sigterm_stops_like_ctrl_c(presswork, features_book: Path, marker: str, tmp_path: Path) -> None:
    """SIGTERM to the build alone (as ``kill`` or a CI runner sends it): a clean exit, no temporary file,
    the earlier outputs byte for byte, and no worker left."""
    assert presswork("build", features_book, "--format", "pdf,epub,pptx").status == 0
    out = features_book / "output"
    before = hashes(out)
    (features_book / "chapters" / "01-basics.md").write_text("# Changed\n\nNew text.\n")
    proc = start_writing(features_book, marker, tmp_path)
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM, (tmp_path / "err.txt").read_text()
    assert "presswork: terminated; earlier outputs are intact" in (tmp_path / "err.txt").read_text()
    wait_for(lambda: marked(marker) == [], 10, "the workers to stop")
    assert hashes(out) == before
    assert debris(features_book) == []


PARENT = textwrap.dedent(
    """
    import multiprocessing, sys, time
    from presswork.core.lifeline import bind_to_parent, parent_token

    def child(token, use_prctl):
        bind_to_parent(token, use_prctl)
        time.sleep(600)

    if __name__ == "__main__":
        worker = multiprocessing.get_context("fork").Process(target=child, args=(parent_token(), sys.argv[1] == "prctl"))
        worker.start()
        print(worker.pid, flush=True)
        time.sleep(600)
    """
)


@pytest.mark.parametrize("how", ["prctl", "pipe"])
def test_a_worker_dies_with_its_parent(how: str, marker: str, tmp_path: Path) -> None:
    """Both lifelines: the kernel's parent-death signal (Linux), and the pipe a worker watches (elsewhere)."""
    (tmp_path / "parent.py").write_text(PARENT)
    proc = start([str(tmp_path / "parent.py"), how], marker, tmp_path)
    wait_for(lambda: (tmp_path / "out.txt").read_text().strip() != "", 30, "the worker to start")
    worker = int((tmp_path / "out.txt").read_text())
    assert worker in marked(marker)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    wait_for(lambda: marked(marker) == [], 10, f"the worker {worker} to die with its parent")
