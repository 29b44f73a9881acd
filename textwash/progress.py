"""Progress of a long run: inputs done of the total, documents, documents per second.

`RunProgress` is told after each committed batch (or each file) what was done. It logs
one line through the logger it is given (Prefect's run logger in the flow) and, where
asked and stderr is a terminal, draws a progress bar there (rich). The CLI asks for the
bar through the `TEXTWASH_PROGRESS_BAR` environment variable, so the flow needs no extra
parameter. This module does no cleaning and decides nothing about batches.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

PROGRESS_BAR_ENV = "TEXTWASH_PROGRESS_BAR"


def request_terminal_bar() -> None:
    """Ask runs in this process to draw a bar when stderr is a terminal."""
    os.environ[PROGRESS_BAR_ENV] = "1"


def terminal_bar_wanted() -> bool:
    return os.environ.get(PROGRESS_BAR_ENV) == "1" and sys.stderr.isatty()


class RunProgress:
    """Counts what is done of `total` inputs; logs each step, draws an optional bar."""

    def __init__(
        self,
        total: int,
        *,
        log: Callable[[str], Any] | None = None,
        bar: bool = False,
        description: str = "cleaning",
        console: Console | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.done = 0
        self.documents = 0
        self.steps = 0
        self._log = log
        self._clock = clock
        self._started = clock()
        self._bar: Progress | None = None
        if bar and total:
            self._bar = Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TaskProgressColumn(), TextColumn("{task.fields[documents]:,} docs"),
                TextColumn("{task.fields[rate]:,.0f} docs/s"), TimeElapsedColumn(),
                TimeRemainingColumn(), console=console or Console(stderr=True),
                transient=False,
            )
            self._task = self._bar.add_task(description, total=total, documents=0, rate=0.0)
            self._bar.start()

    @property
    def docs_per_second(self) -> float:
        return self.documents / max(self._clock() - self._started, 1e-9)

    def advance(self, inputs: int, documents: int, *, step_label: str = "") -> str:
        """Record `inputs` more inputs done yielding `documents` documents; return the
        line that was logged."""
        self.done += inputs
        self.documents += documents
        self.steps += 1
        rate = self.docs_per_second
        share = self.done / self.total if self.total else 1.0
        message = (f"{step_label}{': ' if step_label else ''}{self.done:,}/{self.total:,} inputs "
                   f"({share:.0%}), {self.documents:,} documents, {rate:,.0f} docs/s")
        if self._log is not None:
            self._log(message)
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, documents=self.documents,
                             rate=rate)
        return message

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
