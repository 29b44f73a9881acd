"""Per-document time limits that work in any thread of any process.

`time_limit(seconds, what)` arms a deadline for the calling thread; one watchdog thread
per process (started lazily, restarted after a fork) raises `DeadlineExceeded` in that
thread once the deadline passes, by scheduling an asynchronous exception
(`PyThreadState_SetAsyncExc`). Unlike SIGALRM this works outside the main thread, so
it holds under Prefect's thread-pool task runner, in process workers and in plain calls.

Limits of the mechanism (stated in the README's "Guarantees"): the exception lands at
the next Python bytecode boundary, so a single C call that never returns (one regex on
a huge line, say) is not interrupted; callers bound input sizes before such stages.
Deadlines nest; when the limit passes, the block always ends with `DeadlineExceeded`,
even if the code inside swallowed the injected exception.
This module knows nothing about documents; `textwash.pipeline` decides what a timeout means.
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_set_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.py_object)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi)
)
_clear_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi)
)


class _Interrupt(BaseException):  # noqa: N818 - internal signal, never escapes time_limit
    """Injected into a thread whose deadline passed (BaseException: rarely swallowed)."""


class DeadlineExceeded(Exception):  # noqa: N818 - reads as a condition, like TimeoutError
    """The block under `time_limit` ran longer than allowed."""

    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(f"{what} took longer than {seconds:g} s")
        self.what = what
        self.seconds = seconds


class _Watchdog:
    """One thread that fires expired deadlines, for the whole process."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.heap: list[tuple[float, int]] = []
        self.armed: dict[int, int] = {}  # token -> thread id
        self.fired: set[int] = set()
        self.tokens = itertools.count()
        self.thread = threading.Thread(target=self._loop, name="textwash-deadline",
                                       daemon=True)
        self.thread.start()

    def new_token(self) -> int:
        return next(self.tokens)

    def arm(self, token: int, seconds: float) -> None:
        due = time.monotonic() + seconds
        with self.cond:
            self.armed[token] = threading.get_ident()
            # Wake the watchdog only if it sleeps past this deadline: waking it for every
            # document would hand the GIL over once per document.
            wake = not self.heap or due < self.heap[0][0]
            heapq.heappush(self.heap, (due, token))
            if wake:
                self.cond.notify()

    def disarm(self, token: int) -> bool:
        """Forget a deadline; True when it had already fired."""
        with self.cond:
            self.armed.pop(token, None)
            if token in self.fired:
                self.fired.discard(token)
                return True
            return False

    def _loop(self) -> None:
        while True:
            with self.cond:
                while self.heap and self.heap[0][1] not in self.armed:
                    heapq.heappop(self.heap)
                if not self.heap:
                    self.cond.wait()
                    continue
                due, token = self.heap[0]
                now = time.monotonic()
                if due > now:
                    self.cond.wait(due - now)
                    continue
                heapq.heappop(self.heap)
                thread_id = self.armed.pop(token)
                self.fired.add(token)
                _set_async_exc(thread_id, _Interrupt)


_watchdog: _Watchdog | None = None
_watchdog_pid = -1
_watchdog_lock = threading.Lock()


def _get_watchdog() -> _Watchdog:
    global _watchdog, _watchdog_pid
    with _watchdog_lock:
        if _watchdog is None or _watchdog_pid != os.getpid():
            _watchdog = _Watchdog()  # threads do not survive fork: one per process
            _watchdog_pid = os.getpid()
        return _watchdog


@contextmanager
def time_limit(seconds: float | None, what: str = "work") -> Iterator[None]:
    """Raise `DeadlineExceeded` in this thread if the block runs past `seconds`.

    `None` or a value ≤ 0 means no limit.
    """
    if seconds is None or seconds <= 0:
        yield
        return
    watchdog = _get_watchdog()
    token = watchdog.new_token()
    try:
        watchdog.arm(token, seconds)
        yield
    except BaseException as exc:
        if _settle(watchdog, token):
            raise DeadlineExceeded(what, seconds) from (
                None if isinstance(exc, _Interrupt) else exc
            )
        raise  # not ours: an error of the block, or an outer deadline's interrupt
    if _settle(watchdog, token):
        raise DeadlineExceeded(what, seconds)


def _settle(watchdog: _Watchdog, token: int) -> bool:
    """Disarm `token`; True when it fired. A still-pending interrupt is cancelled."""
    fired = False
    while True:
        try:
            fired = watchdog.disarm(token) or fired
            if fired:
                _clear_async_exc(threading.get_ident(), None)
            return fired
        except _Interrupt:
            fired = True  # landed during this cleanup; an outer block re-checks its own
