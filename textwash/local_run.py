"""A whole corpus run in this process, without Prefect: the flow's steps in the flow's order.

For tests, benchmarks and crash experiments that need a real run (state, staging, atomic
commits, manifest, report) but not orchestration. `flows/clean_corpus.py` is the
production path; this module must stay step-for-step the same as that flow. Batches
may be cleaned on an `Executor` (threads or processes); commits stay in input order.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textwash.config import Config
from textwash.inputs import discover
from textwash.pipeline import CleanContext
from textwash.provenance import cleaning_settings_digest
from textwash.report import write_run_report
from textwash.runner import (
    clean_batch,
    clear_stale_staging,
    commit_batch,
    fingerprint_batch,
    open_run,
    plan_batches,
    plan_work,
    record_template_fingerprints,
    run_lock,
    settle_plan,
    take_template_changes,
)
from textwash.stats import RunStats


@dataclass(frozen=True, slots=True)
class LocalRun:
    report: dict[str, Any]
    staged_writes: int


def run_in_process(
    input_dir: Path,
    output_dir: Path,
    *,
    max_files: int = 500,
    config: Config | None = None,
    executor: Executor | None = None,
    full: bool = False,
    params: dict[str, Any] | None = None,
) -> LocalRun:
    """One incremental (or `full`) run of `input_dir` into `output_dir`."""
    settings = config or Config()
    with run_lock(output_dir):
        run = open_run(input_dir, output_dir)
        plan = plan_work(discover(run.input_dir), run.known, full=full,
                         settings=cleaning_settings_digest(settings))
        entries = settle_plan(run, plan)
        batches = plan_batches(plan.to_clean, max_files, settings.batch_max_bytes)
        prints = (
            executor.map(fingerprint_batch, batches, [settings] * len(batches),
                         [run.staging_dir] * len(batches))
            if executor else (fingerprint_batch(batch, settings, run.staging_dir)
                              for batch in batches)
        )
        template_keys = record_template_fingerprints(
            run, (item for batch_prints in prints for item in batch_prints), plan.gone,
            settings.template_min_documents,
        )
        again = take_template_changes(run, plan, template_keys, entries)
        batches = batches + plan_batches(again, max_files, settings.batch_max_bytes)
        ctx = CleanContext(settings, template_keys)
        results = (
            executor.map(clean_batch, batches, [ctx] * len(batches),
                         [run.staging_dir] * len(batches))
            if executor else (clean_batch(batch, ctx, run.staging_dir) for batch in batches)
        )
        stats = RunStats()
        staged_writes = 0
        for entry in entries:
            stats.add_input(entry.status, entry.reason)
        for batch, result in zip(batches, results, strict=True):
            commit_batch(result, batch, run.output_dir, run.state, run.run_id)
            staged_writes += len(result.staged)
            entries.extend(result.entries)
            stats.merge(result.stats)
        clear_stale_staging(run.output_dir)
        report = write_run_report(run, entries, stats, params or {"max_files": max_files})
        run.state.close()
    return LocalRun(report, staged_writes)
