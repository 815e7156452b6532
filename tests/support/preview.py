"""A preview server of a book, running in a thread for the length of a test."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from presswork.commands.preview import Preview


@dataclass
class Running:
    """A started preview: its address, the server, and the lines it said or reported."""

    url: str
    preview: Preview
    lines: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        """The port it serves on."""
        return int(self.url.rsplit(":", 1)[1].strip("/"))


@contextlib.contextmanager
def running_preview(root: Path) -> Iterator[Running]:
    """``presswork preview`` of ``root`` on a free port, started in a thread and stopped (checked) after."""
    stop = threading.Event()
    ready: list[str] = []
    lines: list[str] = []
    preview = Preview(root, port=0, port_explicit=True, say=lines.append, report=lambda exc: lines.append(str(exc)))
    thread = threading.Thread(target=preview.run, kwargs={"stop": stop, "ready": ready.append}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not ready and time.monotonic() < deadline and thread.is_alive():
            time.sleep(0.05)
        assert ready, f"the preview did not start: {lines}"
        yield Running(ready[0], preview, lines)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive(), "the preview stops when asked"
