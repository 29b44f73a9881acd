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
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # when run as a script from anywhere
    sys.path.insert(0, str(REPO))

from textwash.local_run import run_in_process  # noqa: E402
from textwash.runner import RUNS_DIR, STAGING_DIR  # noqa: E402
from textwash.state import STATE_FILE  # noqa: E402


def run_corpus(input_dir: Path, output_dir: Path, **options: Any) -> dict[str, Any]:
    """One run of `input_dir` into `output_dir`: `textwash.local_run.run_in_process` with
    its keyword `options` (`max_files`, `config`, `executor`, `full`).

    Returns the report summary and `staged_writes`, the number of outputs it staged.
    """
    result = run_in_process(input_dir, output_dir, **options)
    return {"report": result.report, "staged_writes": result.staged_writes}


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
