"""Serve `clean_corpus` on a schedule: a Prefect deployment run by this process (`textwash serve`).

`flow.serve` registers the deployment with the Prefect server at PREFECT_API_URL, then
polls it and runs each scheduled flow run in a child process until interrupted. Runs of
this deployment never overlap: the runner starts one at a time (a run that comes due
while another is active waits for it), and the output folder's lock turns away any
other run on the same output (another deployment, a manual `textwash run`).
`prefect.yaml` at the repository root declares the same deployment for `prefect deploy`.
This module only schedules; the flow and the library do the work.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

DEPLOYMENT_NAME = "textwash-clean-corpus"
TEMPORARY_SERVER_HINT = (
    "textwash serve needs a Prefect server that outlives it: start one with "
    "`prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api"
)


class ServerNotConfiguredError(RuntimeError):
    """No PREFECT_API_URL: a temporary server would forget the schedule on exit."""


def serve_clean_corpus(
    *,
    cron: str | None = None,
    interval_seconds: float | None = None,
    parameters: dict[str, Any] | None = None,
    name: str = DEPLOYMENT_NAME,
) -> None:
    """Register the deployment with its schedule and run its flow runs until interrupted."""
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        raise ServerNotConfiguredError(TEMPORARY_SERVER_HINT)
    if (cron is None) == (interval_seconds is None):
        raise ValueError("give exactly one schedule: a cron expression or an interval")
    from flows.clean_corpus import clean_corpus

    clean_corpus.serve(
        name=name,
        cron=cron,
        interval=dt.timedelta(seconds=interval_seconds) if interval_seconds else None,
        parameters=parameters or {},
        limit=1,
        pause_on_shutdown=False,
        print_starting_message=True,
    )
