"""Named points at which a crash test can make the process kill itself with SIGKILL.

`failpoint(name)` does nothing unless the environment variable `TEXTWASH_FAILPOINT` is
`name` or `name:N` (kill on the N-th time this process reaches the point, 1-based).
Crash tests set it on a child process to kill a real run at an exact moment (between
batches, in the middle of a batch, between writing a file and renaming it) and then
check that a rerun gives exactly the output of an uninterrupted run. Ordinary runs never
set it and pay one dictionary lookup per point. This module does nothing else.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV_VAR = "TEXTWASH_FAILPOINT"
_reached: Counter[str] = Counter()


def failpoint(name: str) -> None:
    """Kill this process here if `TEXTWASH_FAILPOINT` names this point (and count)."""
    spec = os.environ.get(ENV_VAR)
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if target != name:
        return
    _reached[name] += 1
    if _reached[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
