"""A corpus run without Prefect, for crash and determinism tests, and the output snapshot.

`run_corpus()` calls the `textwash.runner` steps in the order `flows/clean_corpus.py`
does (open, plan, settle, fingerprint, clean batches, commit in input order, report),
optionally cleaning batches on a pool of threads or processes. Run as a script
(`python tests/library_run.py IN OUT MAX_FILES`) it is the child process crash tests
kill with `TEXTWASH_FAILPOINT`. `snapshot()` is what "the same output" means: every
output file's bytes, the input and template state, and no leftovers.
"""

from __future__ import annotations

import sqlite3
import sys
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # when run as a script from anywhere
    sys.path.insert(0, str(REPO))

from textwash.config import Config  # noqa: E402
from textwash.inputs import discover  # noqa: E402
from textwash.pipeline import CleanContext  # noqa: E402
from textwash.report import write_run_report  # noqa: E402
from textwash.runner import (  # noqa: E402
    RUNS_DIR,
    STAGING_DIR,
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
)
from textwash.state import STATE_FILE  # noqa: E402
from textwash.stats import RunStats  # noqa: E402


def run_corpus(
    input_dir: Path,
    output_dir: Path,
    *,
    max_files: int = 500,
    config: Config | None = None,
    executor: Executor | None = None,
    full: bool = False,
) -> dict[str, Any]:
    """One incremental run of `input_dir` into `output_dir`.

    Returns the report summary and `staged_writes`, the number of outputs it staged.
    """
    settings = config or Config()
    with run_lock(output_dir):
        run = open_run(input_dir, output_dir)
        plan = plan_work(discover(run.input_dir), run.known, full=full)
        entries = settle_plan(run, plan)
        batches = plan_batches(plan.to_clean, max_files, settings.batch_max_bytes)
        prints = (
            executor.map(fingerprint_batch, batches, [settings] * len(batches))
            if executor else (fingerprint_batch(batch, settings) for batch in batches)
        )
        template_keys = record_template_fingerprints(
            run, (item for batch_prints in prints for item in batch_prints), plan.gone,
            settings.template_min_documents,
        )
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
        report = write_run_report(run, entries, stats, {"max_files": max_files})
        run.state.close()
    return {"report": report, "staged_writes": staged_writes}


REPORT_FOLDERS = (RUNS_DIR, STAGING_DIR, "_report")


def output_files(output_dir: Path) -> dict[str, bytes]:
    """Every cleaned-record file under `output_dir` (not reports, not state): its bytes."""
    found = {}
    for path in sorted(output_dir.rglob("*.jsonl")):
        relative = path.relative_to(output_dir)
        if path.is_file() and relative.parts[0] not in REPORT_FOLDERS:
            found[str(relative)] = path.read_bytes()
    return found


def state_view(output_dir: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The run state that must not depend on how a run got there (run ids left out)."""
    conn = sqlite3.connect(output_dir / STATE_FILE)
    try:
        return {
            "inputs": conn.execute(
                "SELECT path, size, mtime_ns, sha256, status, reason, output, documents"
                " FROM inputs ORDER BY path").fetchall(),
            "template_docs": conn.execute(
                "SELECT * FROM template_docs ORDER BY 1, 2, 3").fetchall(),
            "template_lines": conn.execute(
                "SELECT * FROM template_lines ORDER BY 1, 2, 3").fetchall(),
        }
    finally:
        conn.close()


def leftovers(output_dir: Path) -> list[str]:
    """What no finished run should leave: a staging folder and temporary files."""
    staged = [output_dir / STAGING_DIR] if (output_dir / STAGING_DIR).exists() else []
    temporary = [p for p in output_dir.rglob("*.tmp") if p.is_file()]
    return sorted(str(p.relative_to(output_dir)) for p in staged + temporary)


def snapshot(output_dir: Path) -> dict[str, Any]:
    return {"files": output_files(output_dir), "state": state_view(output_dir),
            "leftovers": leftovers(output_dir)}


if __name__ == "__main__":
    run_corpus(Path(sys.argv[1]), Path(sys.argv[2]), max_files=int(sys.argv[3]))
