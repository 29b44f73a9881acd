"""Where the clean_corpus flow's batch tasks run, and how the work is cut into batches.

Three places: the flow's own process (one worker, a thread), N local processes (N
task threads in the flow process, each handing its batch to one of N plain worker
processes: `flows.worker_processes`), or an existing Dask cluster (prefect-dask's
DaskTaskRunner). Every task run costs tens of milliseconds of orchestration, so batches
are sized from the number of workers: a few batches per worker, not a fixed file count.
Workers in other processes report to the same Prefect API as the flow run; without a
Prefect server each would start a temporary one of its own (~16 s each).
This module chooses and sizes; it does no cleaning and knows nothing about documents.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from textwash.inputs import InputFile
from textwash.runner import plan_batches

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

# Batches per worker and per pass: enough for the last batch not to leave a worker idle for
# long, few enough that per-task orchestration stays a small share of the run.
BATCHES_PER_WORKER = 4


def plan_parallel_batches(
    items: list[InputFile], workers: int, *, max_files: int | None, max_bytes: int
) -> list[list[InputFile]]:
    """Consecutive batches, about `BATCHES_PER_WORKER` per worker, of about equal bytes.

    Cleaning time follows input bytes, so each input goes to the batch its middle byte
    falls in. `max_files` (the flow's `batch_size`) and `max_bytes` then cap a batch
    whatever the count of workers, so a huge corpus still commits batch by batch.
    """
    count = max(1, workers) * BATCHES_PER_WORKER
    total = sum(item.size + 1 for item in items)
    groups: list[list[InputFile]] = [[] for _ in range(count)]
    before = 0
    for item in items:
        weight = item.size + 1
        groups[min(count - 1, (2 * before + weight) * count // (2 * total))].append(item)
        before += weight
    return [
        batch
        for group in groups
        if group
        for batch in plan_batches(group, max_files or sys.maxsize, max_bytes)
    ]


def task_runner_for(workers: int, dask_address: str | None) -> TaskRunner:
    """A started-on-enter task runner: Dask, or `workers` threads of the flow process
    (whose tasks run their batch in `flows.worker_processes` when `workers` > 1)."""
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address)
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=max(1, workers))


def dask_worker_count(runner: TaskRunner) -> int:
    """How many tasks the Dask cluster behind a started DaskTaskRunner runs at once (≥ 1)."""
    client = getattr(runner, "client", None)
    if client is None:
        return 1
    return max(1, sum(client.nthreads().values()))


@contextmanager
def api_shared_with_workers() -> Iterator[str]:
    """Make worker processes report to the Prefect API this flow run reports to.

    With PREFECT_API_URL set, nothing to do. Otherwise the flow runs on a temporary
    local server; its address goes to workers through the environment (process pool)
    and the settings context (Dask), for the duration of the block.
    """
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    configured = get_current_settings().api.url
    if configured:
        yield configured
        return
    with get_client(sync_client=True) as client:
        url = str(client.api_url).rstrip("/")
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
