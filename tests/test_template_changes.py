"""Unchanged inputs are cleaned again when the template lines of their site change.

A line becomes a `template` line once `template_min_documents` documents of a site hold
it, and stops being one when some of them go. Inputs cleaned before that change hold
outputs made with the old verdict; a scheduled (incremental) run must clean them again
so that its output is exactly what a full run over the same inputs gives, also after a
run that was killed half-way with some of its batches committed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.library_run import REPO, output_files, run_corpus
from textwash.failpoints import ENV_VAR
from textwash.state import StateDB

SHARED_LINE = "Readings are updated twice a day."


def _article(n: int) -> str:
    return (
        f"Flood watch at station {n} as the river rises\n\n"
        f"The gauge at station {n} read {n + 2} metres on Tuesday, and farmers moved "
        f"{n * 10} sheep to higher ground near the old mill.\n\n"
        f"{SHARED_LINE}\n\n"
        f"Volunteers from village {n} filled sandbags through the night while the council "
        "opened the school hall for families who had to leave their homes.\n"
    )


def _write_articles(root: Path, numbers: range | list[int]) -> None:
    (root / "site").mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (root / "site" / f"{n:02d}.txt").write_text(_article(n))


def _shared_line_reason(output: Path, n: int) -> str | None:
    record = json.loads((output / "site" / f"{n:02d}.txt.jsonl").read_text())
    reasons = {removal["text"]: removal["reason"] for removal in record["removed"]}
    return reasons.get(SHARED_LINE)


def _full_run_output(inputs: Path, output: Path) -> dict[str, bytes]:
    run_corpus(inputs, output)
    return output_files(output)


def _last_manifest(output: Path) -> dict[str, dict]:
    manifest = max((output / "_runs").glob("*/manifest.jsonl"), key=lambda p: p.stat().st_mtime_ns)
    entries = [json.loads(line) for line in manifest.read_text().splitlines()]
    return {entry["path"]: entry for entry in entries}


def test_a_line_that_becomes_a_template_line_is_removed_as_such_from_unchanged_inputs(
    tmp_path: Path,
):
    inputs, output = tmp_path / "raw", tmp_path / "clean"
    _write_articles(inputs, range(2))
    run_corpus(inputs, output)
    assert _shared_line_reason(output, 0) != "template"  # 2 documents: below the threshold

    _write_articles(inputs, [2])
    run_corpus(inputs, output)

    assert [_shared_line_reason(output, n) for n in range(3)] == ["template"] * 3
    assert {path: entry["status"] for path, entry in _last_manifest(output).items()} == {
        "site/00.txt": "cleaned", "site/01.txt": "cleaned", "site/02.txt": "cleaned"}
    assert output_files(output) == _full_run_output(inputs, tmp_path / "full")


def test_a_template_line_whose_documents_go_is_judged_again_in_the_inputs_that_stay(
    tmp_path: Path,
):
    inputs, output = tmp_path / "raw", tmp_path / "clean"
    _write_articles(inputs, range(3))
    run_corpus(inputs, output)
    assert _shared_line_reason(output, 0) == "template"

    (inputs / "site" / "02.txt").unlink()
    run_corpus(inputs, output)

    assert _shared_line_reason(output, 0) != "template"
    assert output_files(output) == _full_run_output(inputs, tmp_path / "full")


def test_inputs_untouched_by_a_template_change_stay_unchanged(tmp_path: Path):
    inputs, output = tmp_path / "raw", tmp_path / "clean"
    _write_articles(inputs, range(2))
    (inputs / "other").mkdir()
    (inputs / "other" / "note.txt").write_text(_article(7).replace(SHARED_LINE, ""))
    run_corpus(inputs, output)

    _write_articles(inputs, [2])
    run_corpus(inputs, output)

    manifest = _last_manifest(output)
    assert manifest["other/note.txt"]["reason"] == "unchanged"
    assert manifest["site/00.txt"]["status"] == "cleaned"


def test_the_flow_cleans_inputs_again_when_their_template_lines_change(
    prefect_server, tmp_path: Path
):
    from flows.clean_corpus import clean_corpus

    inputs, output = tmp_path / "raw", tmp_path / "clean"
    _write_articles(inputs, range(2))
    clean_corpus(input_dir=str(inputs), output_dir=str(output), batch_size=1)
    _write_articles(inputs, [2])
    clean_corpus(input_dir=str(inputs), output_dir=str(output), batch_size=1)

    assert [_shared_line_reason(output, n) for n in range(3)] == ["template"] * 3
    assert output_files(output) == _full_run_output(inputs, tmp_path / "full")


def test_after_a_killed_run_its_committed_template_verdicts_are_judged_again(tmp_path: Path):
    inputs, output = tmp_path / "raw", tmp_path / "clean"
    _write_articles(inputs, range(2))
    run_corpus(inputs, output, max_files=1)

    # The shared line becomes a template line; the run dies after committing two
    # one-file batches (the new input, then one input cleaned again).
    _write_articles(inputs, [2])
    child = subprocess.run(
        [sys.executable, str(REPO / "tests" / "library_run.py"), str(inputs), str(output), "1"],
        env={**os.environ, ENV_VAR: "batch-committed:2", "PYTHONPATH": str(REPO)},
        capture_output=True, timeout=300, cwd=REPO,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode(errors="replace")[-2000:]
    assert _shared_line_reason(output, 0) == "template"
    assert _shared_line_reason(output, 1) != "template"

    # Before the next run the new input goes again: the line is no template line after
    # all, though the last finished run never knew it was one.
    (inputs / "site" / "02.txt").unlink()
    run_corpus(inputs, output, max_files=1)

    assert _shared_line_reason(output, 0) != "template"
    assert output_files(output) == _full_run_output(inputs, tmp_path / "full")


def test_template_key_changes_are_measured_against_finished_and_interrupted_runs(
    tmp_path: Path,
):
    state = StateDB(tmp_path)
    keys = {"r1": {"a", "b"}, "r2": {"a", "c"}, "r3": {"a"}, "r4": {"a"}, "r5": set(),
            "r6": set()}
    changes = {}
    for run_id, run_keys in keys.items():
        state.start_run(run_id, "t")
        changes[run_id] = state.begin_template_keys(run_id, {"s": frozenset(run_keys)})
        if run_id != "r2":  # r2 is interrupted: its keys may be in committed outputs
            state.finish_run(run_id, "t", "finished", "")
    state.close()
    assert changes == {
        "r1": {("s", "a"), ("s", "b")},
        "r2": {("s", "b"), ("s", "c")},
        "r3": {("s", "b"), ("s", "c")},  # against r1's and interrupted r2's
        "r4": set(),
        "r5": {("s", "a")},
        "r6": set(),  # an empty set of keys is remembered too
    }
