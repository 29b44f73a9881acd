"""The throughput bench's same-run Prefect overhead accounting, on synthetic intervals.

Pins down how the library-busy wall time (union of call intervals from several threads),
the gaps outside it and the library CPU (outermost calls only) are counted. Clocks are
driven by hand: no Prefect, no timing.
"""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator

import pytest

from bench.bench_throughput import (
    Call,
    CallRecorder,
    outside_share,
    uncovered_by_boundary,
    union_length,
)


class HandClock:
    """A clock that reads what the test last set."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_union_of_disjoint_intervals_is_their_total_length() -> None:
    assert union_length([(5.0, 6.0), (0.0, 2.0)]) == pytest.approx(3.0)


def test_union_counts_overlapping_intervals_once() -> None:
    # the flow thread commits batch 1 (2-5) while the task thread cleans batch 2 (4-9)
    assert union_length([(4.0, 9.0), (2.0, 5.0)]) == pytest.approx(7.0)


def test_union_counts_an_interval_nested_in_another_once() -> None:
    assert union_length([(0.0, 10.0), (2.0, 3.0), (4.0, 6.0)]) == pytest.approx(10.0)


def test_union_of_touching_and_empty_intervals() -> None:
    assert union_length([(0.0, 1.0), (1.0, 2.0), (3.0, 3.0)]) == pytest.approx(2.0)
    assert union_length([]) == 0.0


def test_gaps_are_named_after_the_calls_around_them() -> None:
    calls = [Call("open_run", 1.0, 2.0, 0.5), Call("clean", 2.5, 6.0, 3.0),
             Call("commit", 3.0, 7.0, 0.1), Call("report", 8.0, 9.0, 0.2)]
    gaps = uncovered_by_boundary(calls, 0.0, 10.0)
    assert gaps == pytest.approx({"flow start → open_run": 1.0, "open_run → clean": 0.5,
                                  "commit → report": 1.0, "report → flow end": 1.0})


def test_gaps_and_busy_union_add_up_to_the_flow_wall() -> None:
    calls = [Call("a", 0.5, 4.0, 0.0), Call("b", 1.0, 2.0, 0.0), Call("c", 3.0, 6.0, 0.0),
             Call("a", 7.0, 7.5, 0.0)]
    busy = union_length([(call.start, call.end) for call in calls])
    gaps = uncovered_by_boundary(calls, 0.0, 8.0)
    assert busy == pytest.approx(6.0)
    assert sum(gaps.values()) + busy == pytest.approx(8.0)
    assert gaps == pytest.approx({"flow start → a": 0.5, "c → a": 1.0, "a → flow end": 0.5})


def test_a_flow_with_no_library_call_is_all_gap() -> None:
    assert uncovered_by_boundary([], 2.0, 5.0) == {"flow start → flow end": 3.0}


def test_outside_share_is_what_the_library_did_not_take() -> None:
    assert outside_share(40.0, 39.0) == pytest.approx(0.025)
    assert outside_share(10.0, 10.0) == 0.0
    assert outside_share(0.0, 0.0) == 0.0


def test_recorder_keeps_only_outermost_calls_so_nested_cpu_counts_once() -> None:
    wall, cpu = HandClock(), HandClock()
    recorder = CallRecorder(wall_clock=wall, cpu_clock=cpu)

    def inner() -> str:
        wall.now += 1.0
        cpu.now += 0.5
        return "inner"

    recorded_inner = recorder.recorded("inner", inner)

    def outer() -> str:
        wall.now += 2.0
        cpu.now += 1.0
        result = recorded_inner()
        wall.now += 1.0
        cpu.now += 0.25
        return result

    recorded_outer = recorder.recorded("outer", outer)
    assert recorded_outer() == "inner"
    wall.now += 3.0
    recorded_inner()

    assert recorder.calls == [Call("outer", 0.0, 4.0, 1.75), Call("inner", 7.0, 8.0, 0.5)]
    assert sum(call.cpu for call in recorder.calls) == pytest.approx(2.25)


def test_recorder_closes_the_call_when_the_function_raises() -> None:
    wall, cpu = HandClock(), HandClock()
    recorder = CallRecorder(wall_clock=wall, cpu_clock=cpu)

    def failing() -> None:
        wall.now += 1.0
        raise ValueError("bad batch")

    with pytest.raises(ValueError, match="bad batch"):
        recorder.recorded("failing", failing)()
    recorder.recorded("after", lambda: None)()
    assert [call.name for call in recorder.calls] == ["failing", "after"]


def test_recorder_nesting_is_per_thread() -> None:
    """A call in another thread while one is open here is outermost there: both kept."""
    recorder = CallRecorder()
    inside = threading.Event()
    release = threading.Event()

    def waits() -> None:
        inside.set()
        release.wait(timeout=30)

    recorded_waits = recorder.recorded("waits", waits)
    thread = threading.Thread(target=recorded_waits)
    thread.start()
    assert inside.wait(timeout=30)
    recorder.recorded("here", lambda: None)()
    release.set()
    thread.join(timeout=30)
    assert sorted(call.name for call in recorder.calls) == ["here", "waits"]


def test_recorder_refuses_a_generator_function(monkeypatch: pytest.MonkeyPatch) -> None:
    """A generator returns at once: its interval would miss the work it does later."""
    def items() -> Iterator[int]:
        yield 1

    module = types.ModuleType("fake_flow_module")
    module.items = items  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_flow_module", module)
    with pytest.raises(TypeError, match="generator"):
        CallRecorder().install([("fake_flow_module", "items")])


def test_recorder_patches_the_name_where_it_is_looked_up(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    module = types.ModuleType("fake_flow_module")
    module.work = lambda value: value * 2  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_flow_module", module)
    recorder = CallRecorder()
    recorder.install([("fake_flow_module", "work")])
    assert module.work(21) == 42  # type: ignore[attr-defined]
    assert [call.name for call in recorder.calls] == ["work"]
    assert recorder.found == {"work"}
