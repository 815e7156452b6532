"""The later chapter files read in a forked child while the build reads the first ones: the child fills the read cache.

Reading a long book is the one stage before the formats that keeps a single processor busy: the parser
runs file by file (the 100-chapter benchmark book: about a second). The read cache already keeps each
file's tree and warnings by the file's text, so a child forked before the files are read can parse the
second half into the cache while the build parses the first half; the build then takes the second half
from the cache, warnings and all, in file order, exactly as a rebuild does. The child is only a helper:
whatever it did not finish, or failed at, the build reads itself and reports as always.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from presswork.compat.typst import threads_started as typst_threads_started
from presswork.core.lifeline import Token, bind_to_parent, forking, parent_token

#: Read ahead only a book of at least this many files and bytes: below, the fork and the second reading
#: of the cached trees cost more than the parse saves (the 100-chapter benchmark book: 100 files, 520 KB).
MIN_FILES = 8
MIN_BYTES = 128 * 1024

#: How long the build waits for the child at the file where the child's share begins, in seconds per
#: file of that share; a child that is late (a busy machine) is stopped and the build reads the rest.
WAIT_PER_FILE_S = 0.5


@dataclass
class ReadAhead:
    """A forked child reading ``files[first:]`` of the build into the read cache."""

    first: int  #: the index of the first file the child reads
    files: int  #: how many files it reads
    process: Any

    def wait(self) -> None:
        """Wait for the child (bounded); what it read is in the cache, the rest the build reads itself."""
        self.process.join(WAIT_PER_FILE_S * self.files)

    def stop(self) -> None:
        """End the child if it still runs (the build failed early, or the child was late)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def read_ahead(files: Sequence[Path], fill: Callable[[Sequence[Path]], object]) -> ReadAhead | None:
    """Fork a child that runs ``fill`` on the second half of ``files`` (by size), when that pays: a long
    book, a free processor, and a process that may fork (no other threads, not a daemonic worker)."""
    sizes = _sizes(files)
    if not _may_fork() or len(files) < MIN_FILES or sum(sizes) < MIN_BYTES:
        return None
    first = _middle(sizes)
    context = multiprocessing.get_context("fork")
    process = context.Process(target=_child, args=(fill, list(files[first:]), parent_token()), daemon=True)
    with forking():
        process.start()
    return ReadAhead(first, len(files) - first, process)


def _child(fill: Callable[[Sequence[Path]], object], files: list[Path], token: Token) -> None:
    bind_to_parent(token)
    try:
        fill(files)
    except BaseException:  # noqa: BLE001 - the build reads these files itself and reports what went wrong
        os._exit(1)


def _may_fork() -> bool:
    """A second processor is free to this process, and forking it is safe: only the main thread runs (a
    watch or preview session's threads may hold locks the child would wait on forever), no Typst compiler
    has started its threads here (a watch session's), and it is not itself a daemonic worker (which may
    not have children)."""
    processors = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return (
        processors > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and not typst_threads_started()
        and not multiprocessing.current_process().daemon
    )


def _sizes(files: Sequence[Path]) -> list[int]:
    sizes = []
    for path in files:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)  # (a missing chapter of a summary: the build makes it an empty page)
    return sizes


def _middle(sizes: Sequence[int]) -> int:
    """The first file of the second half by bytes (the build's half is the first, which it starts at once)."""
    half, total = sum(sizes) / 2, 0
    for index, size in enumerate(sizes):
        total += size
        if total >= half:
            return max(1, index + 1)
    return len(sizes) - 1
