"""`--workers N` runs batch work in N plain worker processes, and inline without them."""

from __future__ import annotations

import os
import sys

from flows.worker_processes import in_worker, worker_processes


def _pid_and_prefect_loaded() -> tuple[int, bool]:
    return os.getpid(), "prefect" in sys.modules


def test_work_runs_inline_without_worker_processes():
    assert in_worker(os.getpid) == os.getpid()
    with worker_processes(1):
        assert in_worker(os.getpid) == os.getpid()


def test_work_runs_in_worker_processes_that_do_not_import_prefect():
    with worker_processes(2):
        pid, prefect_loaded = in_worker(_pid_and_prefect_loaded)
    assert pid != os.getpid()
    assert not prefect_loaded
    assert in_worker(os.getpid) == os.getpid()  # the pool is gone with the block
