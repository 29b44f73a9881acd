"""How the runner writes files: whole or not at all, staged apart per batch, committed in place.

`write_atomic` replaces a file through a temporary file and a rename, so a failed write
leaves the previous file as it was and no temporary file. `clean_batch` stages each
batch's outputs in a folder of its own, and `commit_batch` moves them to their output
names, making the output folders they need.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import textwash.runner
from textwash.inputs import discover
from textwash.pipeline import CleanContext
from textwash.runner import clean_batch, commit_batch, write_atomic
from textwash.state import StateDB

ARTICLE = ("The river ferry runs every hour from the harbour to the island, "
           "and in summer a second boat joins it on weekends.\n")


def test_write_atomic_writes_all_lines_and_makes_the_folder(tmp_path: Path):
    target = tmp_path / "a" / "b" / "out.jsonl"
    write_atomic(target, [b"one\n", b"", b"two\n"])
    assert target.read_bytes() == b"one\ntwo\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.jsonl"]


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    target = tmp_path / "out.jsonl"
    write_atomic(target, [b"before\n"])

    def failing_write(descriptor: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(textwash.runner.os, "write", failing_write)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, [b"after\n"])
    monkeypatch.undo()
    assert target.read_bytes() == b"before\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def _inputs(root: Path) -> Path:
    for folder in ("news/2024", "news/2025", "blog"):
        (root / folder).mkdir(parents=True)
        for n in range(2):
            (root / folder / f"{n}.txt").write_text(f"Story {n}\n\n{ARTICLE}", "utf-8")
    return root


def test_batches_stage_apart_and_commit_to_their_output_names(tmp_path: Path):
    items = [item for item in discover(_inputs(tmp_path / "raw")) if not item.skip_reason]
    staging, output = tmp_path / "staging", tmp_path / "clean"
    first, second = items[:3], items[3:]
    results = [clean_batch(batch, CleanContext(), staging) for batch in (first, second)]
    folders = [{os.path.dirname(path) for path in result.staged.values()} for result in results]
    assert all(len(batch_folders) == 1 for batch_folders in folders)
    assert folders[0] != folders[1]
    state = StateDB(output)
    try:
        for batch, result in zip((first, second), results, strict=True):
            commit_batch(result, batch, output, state, "run")
    finally:
        state.close()
    written = sorted(str(p.relative_to(output)) for p in output.rglob("*.jsonl"))
    assert written == sorted(item.output_name + ".jsonl" for item in items)
    for item in items:
        assert b"The river ferry" in (output / (item.output_name + ".jsonl")).read_bytes()
    assert not list(staging.rglob("*.jsonl"))
