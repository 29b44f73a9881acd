"""The `clean_corpus` Prefect flow: data/raw → normalized JSONL in data/clean, with a report.

Reads top to bottom: discover inputs → plan (new, changed, unchanged, gone) → batches →
template fingerprints → unchanged inputs whose template lines changed join the work →
clean batches (tasks) → commit outputs → report. All the work is
done by `textwash` library functions; this file only orders, batches and schedules them.
Tasks take whole batches of files, never single documents: a task run costs milliseconds
of orchestration, a document microseconds of work.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.execution import (
    api_shared_with_workers,
    dask_worker_count,
    plan_parallel_batches,
    task_runner_for,
)
from flows.worker_processes import in_worker, worker_processes
from textwash import __version__
from textwash.config import Config
from textwash.inputs import InputFile, discover
from textwash.pipeline import CleanContext
from textwash.progress import RunProgress, terminal_bar_wanted
from textwash.provenance import cleaning_settings_digest
from textwash.report import write_run_report
from textwash.runner import (
    BatchResult,
    ManifestEntry,
    clear_stale_staging,
    commit_batch,
    fingerprint_batch,
    open_run,
    plan_work,
    record_template_fingerprints,
    run_lock,
    settle_plan,
    take_template_changes,
)
from textwash.runner import clean_batch as clean_batch_in_process
from textwash.stats import RunStats


@task(name="fingerprint-batch", cache_policy=NO_CACHE)
def fingerprint_batch_task(batch: list[InputFile], config: Config, staging_dir: Path
                           ) -> list[Any]:
    return in_worker(fingerprint_batch, batch, config, staging_dir)


@task(name="clean-batch", cache_policy=NO_CACHE)
def clean_batch_task(batch: list[InputFile], ctx: CleanContext, staging_dir: Path) -> BatchResult:
    return in_worker(clean_batch_in_process, batch, ctx, staging_dir)


@flow(name="clean_corpus")
def clean_corpus(
    input_dir: str = "data/raw",
    output_dir: str = "data/clean",
    full: bool = False,
    batch_size: int | None = None,
    config: dict[str, Any] | None = None,
    workers: int = 1,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Clean every new or changed input under `input_dir` into `output_dir`.

    Batch tasks run in this process (`workers` 1), in `workers` local processes, or on
    the Dask cluster at `dask_address`; the output is the same byte for byte.
    `batch_size` caps the input files per task (default: sized from the workers).
    """
    logger = get_run_logger()
    settings = Config.from_mapping(config)
    params = {"input_dir": input_dir, "output_dir": output_dir, "full": full,
              "batch_size": batch_size, "workers": workers, "dask_address": dask_address,
              "version": __version__, "config": settings.to_dict()}
    with run_lock(Path(output_dir)), api_shared_with_workers(), \
            worker_processes(1 if dask_address else workers), \
            task_runner_for(workers, dask_address) as runner:
        run = open_run(Path(input_dir), Path(output_dir))
        logger.info("run %s: %s → %s", run.run_id, input_dir, output_dir)

        inputs = discover(run.input_dir)
        plan = plan_work(inputs, run.known, full=full,
                         settings=cleaning_settings_digest(settings))
        entries: list[ManifestEntry] = settle_plan(run, plan)
        logger.info("%d inputs: %d to clean, %d unchanged, %d not readable as documents",
                    len(inputs), len(plan.to_clean), len(plan.unchanged), len(plan.not_read))
        if plan.outdated:
            logger.info("%d unchanged inputs are cleaned again: the cleaning settings "
                        "(version, config, data files) changed since they were cleaned",
                        plan.outdated)

        parallel = dask_worker_count(runner) if dask_address else workers
        batches = plan_parallel_batches(
            plan.to_clean, parallel, max_files=batch_size, max_bytes=settings.batch_max_bytes
        )
        logger.info("%d batches for %d workers", len(batches), parallel)
        fingerprints = [
            runner.submit(fingerprint_batch_task, _parameters(
                dask_address, batch=batch, config=settings, staging_dir=run.staging_dir))
            for batch in batches
        ]
        template_keys = record_template_fingerprints(
            run,
            (item for prints in _results_releasing(fingerprints) for item in prints),
            plan.gone,
            settings.template_min_documents,
        )

        again = take_template_changes(run, plan, template_keys, entries)
        if again:
            logger.info("%d unchanged inputs are cleaned again: template lines of their "
                        "site changed since they were cleaned", len(again))
            batches = batches + plan_parallel_batches(
                again, parallel, max_files=batch_size, max_bytes=settings.batch_max_bytes)

        ctx = CleanContext(settings, template_keys)
        futures = [
            runner.submit(clean_batch_task,
                          _parameters(dask_address, batch=batch, ctx=ctx,
                                      staging_dir=run.staging_dir))
            for batch in batches
        ]
        stats = RunStats()
        for entry in entries:
            stats.add_input(entry.status, entry.reason)
        with RunProgress(len(plan.to_clean) + len(again), log=logger.info,
                         bar=terminal_bar_wanted()) as progress:
            results = _results_releasing(futures)
            for number, (result, batch) in enumerate(zip(results, batches, strict=True), 1):
                commit_batch(result, batch, run.output_dir, run.state, run.run_id)
                entries.extend(result.entries)
                stats.merge(result.stats)
                progress.advance(len(batch), result.stats.documents,
                                 step_label=f"batch {number}/{len(batches)} committed")

        clear_stale_staging(run.output_dir)  # every staged output is committed by now
        report = write_run_report(run, entries, stats, params)
        run.state.close()
    _publish_artifacts(report, stats)
    logger.info("\n%s", report["summary"])
    return {key: value for key, value in report.items() if key != "markdown"}


def _parameters(dask_address: str | None, **parameters: Any) -> dict[str, Any]:
    """Task parameters, which Prefect passes on as they are without walking into them.

    Prefect looks for futures and states inside every parameter, item by item: for a
    batch of a few thousand inputs and the run's template keys that is ~0.3 s of CPU per
    task; batches and contexts never hold futures. (Not on Dask: its serialization turns
    the `quote` wrapper into a plain tuple.)
    """
    if dask_address:
        return parameters
    return {name: quote(value) for name, value in parameters.items()}


def _results_releasing(futures: list[Any]) -> Iterator[Any]:
    """Each future's result in order, dropping the future once read: memory stays per batch."""
    futures.reverse()
    while futures:
        yield futures.pop().result()


def _publish_artifacts(report: dict[str, Any], stats: RunStats) -> None:
    create_markdown_artifact(
        key="textwash-report", markdown=report["markdown"],
        description=f"textwash data-quality report, run {report['run_id']}",
    )
    rows = [
        {"reason": reason, "lines": lines, "characters": stats.removed_chars_by_reason[reason]}
        for reason, lines in stats.removed_by_reason.most_common()
    ]
    if rows:
        create_table_artifact(
            key="textwash-removed-by-reason", table=rows,
            description="Lines removed per reason code",
        )
    create_link_artifact(
        key="textwash-report-html", link=Path(report["report"]).resolve().as_uri(),
        link_text=f"report.html of run {report['run_id']}",
        description="The full data-quality report (self-contained HTML)",
    )
