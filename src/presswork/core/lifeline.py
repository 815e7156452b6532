"""Worker processes die with their parent, and SIGTERM stops a build as Ctrl-C does.

A forked worker (a format written side by side, a batch of PDF pages) would otherwise outlive a
``kill -9`` of the build and run on as an orphan, holding hundreds of megabytes. Each worker calls
:func:`bind_to_parent` first thing: on Linux the kernel kills it when its parent dies
(``prctl(PR_SET_PDEATHSIG)``, called through ctypes); elsewhere a thread of the worker watches a pipe
whose writing end only the parent holds, and ends the worker when the pipe closes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

#: ``PR_SET_PDEATHSIG`` of ``<linux/prctl.h>``: the signal a process gets when its parent ends.
PR_SET_PDEATHSIG = 1

#: This process's lifeline pipe: (the process that made it, reading end, writing end).
_PIPE: tuple[int, int, int] | None = None
#: The signals :func:`forking` holds back, with the handlers they had (a forked worker restores them).
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_HELD: dict[int, Any] = {}


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: the build stops as on Ctrl-C (temporary files removed, earlier outputs intact)."""


Token = tuple[int, int]


def parent_token() -> Token:
    """In the parent, before forking a worker: its process id and the reading end of its lifeline pipe
    (made once per process), to give to :func:`bind_to_parent` in the worker."""
    global _PIPE
    if _PIPE is None or _PIPE[0] != os.getpid():
        read_end, write_end = os.pipe()
        _PIPE = (os.getpid(), read_end, write_end)
    return _PIPE[0], _PIPE[1]


def _set_death_signal() -> bool:
    """Ask the kernel to SIGKILL this process when its parent ends (Linux only); whether it took."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(read_end: int) -> None:
    """Wait until the parent's end of the pipe closes (the parent is gone), then end this process."""
    with contextlib.suppress(OSError):
        while os.read(read_end, 1):
            pass
    os._exit(1)


def bind_to_parent(token: Token, use_prctl: bool = True) -> None:
    """In a forked worker, first thing: end this process when the parent of ``token`` ends."""
    global _PIPE
    for signum, handler in _HELD.items():  # the worker was forked inside forking(): its own handlers back
        signal.signal(signum, handler)
    _HELD.clear()
    parent, read_end = token
    if _PIPE is not None and _PIPE[0] == parent:
        with contextlib.suppress(OSError):
            os.close(_PIPE[2])  # only the parent may hold the writing end, or it never closes
    _PIPE = None  # a worker forking workers of its own makes its own pipe
    if use_prctl and _set_death_signal():
        with contextlib.suppress(OSError):
            os.close(read_end)
    else:
        threading.Thread(target=_watch, args=(read_end,), name="presswork-lifeline", daemon=True).start()
    if os.getppid() != parent:  # the parent ended before the lifeline was in place
        os._exit(1)


@contextlib.contextmanager
def forking() -> Iterator[None]:
    """While workers are forked: Ctrl-C and SIGTERM are noted and delivered again once the block ends.

    Python runs the at-fork hooks of ``os.fork`` (logging's, for one) with the signal handlers live, and an
    exception raised in such a hook is printed and dropped: a KeyboardInterrupt landing there would be lost,
    and the build would run on. Outside the main thread nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    _HELD.update({signum: signal.signal(signum, note) for signum in _STOP_SIGNALS})
    try:
        yield
    finally:
        for signum, handler in _HELD.items():
            signal.signal(signum, handler)
        _HELD.clear()
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)  # as it was meant: KeyboardInterrupt, Terminated, or the default action


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated` (a KeyboardInterrupt) in the main thread,
    so that the build cleans up as on Ctrl-C; nothing changes outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, saved)
