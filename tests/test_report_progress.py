"""Progress of long runs: log lines with inputs done/total and docs/s, a bar on terminals."""

from __future__ import annotations

import io

from rich.console import Console

from textwash.progress import PROGRESS_BAR_ENV, RunProgress, terminal_bar_wanted


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_step_logs_inputs_done_of_total_and_documents_per_second():
    clock, lines = FakeClock(), []
    with RunProgress(10, log=lines.append, clock=clock) as progress:
        clock.now += 2
        progress.advance(4, 300, step_label="batch 1/3 committed")
        clock.now += 2
        progress.advance(6, 100, step_label="batch 2/3 committed")
    assert lines == [
        "batch 1/3 committed: 4/10 inputs (40%), 300 documents, 150 docs/s",
        "batch 2/3 committed: 10/10 inputs (100%), 400 documents, 100 docs/s",
    ]


def test_the_bar_is_drawn_only_when_asked_for():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with RunProgress(4, bar=True, console=console) as progress:
        progress.advance(2, 50)
    assert "2/4" in screen.getvalue() and "50 docs" in screen.getvalue()

    quiet = io.StringIO()
    with RunProgress(4, bar=False, console=Console(file=quiet, force_terminal=True)) as progress:
        progress.advance(2, 50)
    assert quiet.getvalue() == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_cli_request_needs_a_terminal(monkeypatch):
    monkeypatch.setenv(PROGRESS_BAR_ENV, "1")
    monkeypatch.setattr("sys.stderr", Terminal())
    assert terminal_bar_wanted()
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert not terminal_bar_wanted()
    monkeypatch.setattr("sys.stderr", Terminal())
    monkeypatch.delenv(PROGRESS_BAR_ENV)
    assert not terminal_bar_wanted()
