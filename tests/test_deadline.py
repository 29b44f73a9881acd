"""`time_limit` stops runaway Python code in any thread and process, and nothing else."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from textwash.deadline import DeadlineExceeded, time_limit


def _spin() -> None:
    while True:
        pass


def _limited_spin(seconds: float = 0.1, what: str = "spinning") -> str:
    try:
        with time_limit(seconds, what):
            _spin()
    except DeadlineExceeded as exc:
        return exc.what
    return "not stopped"


def test_a_runaway_loop_is_stopped_in_the_main_thread():
    assert _limited_spin() == "spinning"


def test_runaway_loops_are_stopped_in_worker_threads():
    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(_limited_spin, [0.1, 0.15, 0.2])) == ["spinning"] * 3


def test_a_runaway_loop_is_stopped_in_a_worker_process():
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(_limited_spin).result(timeout=120) == "spinning"


def test_nested_limits_report_the_one_that_ran_out():
    def inner_runs_out() -> None:
        with time_limit(60, "outer"), time_limit(0.1, "inner"):
            _spin()

    def outer_runs_out() -> None:
        with time_limit(0.1, "outer"), time_limit(60, "inner"):
            _spin()

    with pytest.raises(DeadlineExceeded) as inner:
        inner_runs_out()
    with pytest.raises(DeadlineExceeded) as outer:
        outer_runs_out()
    assert (inner.value.what, outer.value.what) == ("inner", "outer")


def test_code_that_swallows_the_interrupt_still_ends_over_its_limit():
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    with pytest.raises(DeadlineExceeded), time_limit(0.1, "stubborn"):
        while not stop.is_set():
            try:
                while not stop.is_set():
                    pass
            except BaseException:  # noqa: BLE001, S110 - the point of the test
                pass


def test_work_within_the_limit_is_untouched_and_leaves_nothing_pending():
    for _ in range(2000):
        with time_limit(30, "quick"):
            sum(range(50))
    with time_limit(None):
        pass
    with time_limit(0):
        pass
    event = threading.Event()
    event.wait(0.3)  # a stray interrupt would land here


def test_errors_inside_the_limit_pass_through_unchanged():
    with pytest.raises(KeyError), time_limit(30, "lookup"):
        raise KeyError("missing")
