"""The N local processes of `--workers N`: batch work runs there, Prefect stays in the flow.

Each batch is still one Prefect task (its state and timing are Prefect's), run on one of
N threads of the flow process; the task hands the batch to one of N plain worker
processes and waits for the result. The workers import textwash, not Prefect: Prefect's
own process pool starts each worker with Prefect's import and a task engine per task
(about 6 CPU-s per worker measured here), textwash alone costs about 1.5 s (imports and
the models, loaded once when the worker starts). Workers are started with `spawn` and
are children of the flow process, stopped when the run ends.
This module runs what it is given; it knows nothing about batches or documents.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from textwash.pipeline import warm_up

Result = TypeVar("Result")

_pool: ProcessPoolExecutor | None = None


@contextmanager
def worker_processes(count: int) -> Iterator[None]:
    """Run `in_worker` calls on `count` processes for the duration of the block (1: inline)."""
    global _pool
    if count <= 1:
        yield
        return
    pool = ProcessPoolExecutor(
        max_workers=count, mp_context=multiprocessing.get_context("spawn"), initializer=warm_up
    )
    _pool = pool
    try:
        yield
    finally:
        _pool = None
        pool.shutdown(wait=True, cancel_futures=True)


def in_worker(function: Callable[..., Result], *args: Any) -> Result:
    """`function(*args)` in a worker process when a pool is open, else right here."""
    pool = _pool
    if pool is None:
        return function(*args)
    return pool.submit(function, *args).result()
