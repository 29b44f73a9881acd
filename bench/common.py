"""What every benchmark module shares: the row type, shared-data paths, timing helpers.

A benchmark module is `bench/bench_<name>.py` with `rows(options) -> list[Row]`. Rows
carry a measure, its value, the target it answers to, and the inputs it was measured on.
Data under ../shared is optional: a module whose data is absent returns a row saying so.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TEXTWASH_SHARED", REPO.parent / "shared"))
SEEDS = REPO / "seeds"


@dataclass(frozen=True, slots=True)
class Row:
    measure: str
    value: str
    target: str = ""
    inputs: str = ""
    note: str = ""


def shared_path(*parts: str) -> Path | None:
    path = SHARED.joinpath(*parts)
    return path if path.exists() else None


def missing_row(measure: str, what: str) -> Row:
    return Row(measure, "skipped", inputs=what, note=f"{what} not found under {SHARED}")


def rate(work: Callable[[], int], *, min_seconds: float = 2.0) -> tuple[float, int]:
    """Units per second of `work` (which returns units done), repeated for min_seconds."""
    done = 0
    start = time.perf_counter()
    while True:
        done += work()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return done / elapsed, done


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"
