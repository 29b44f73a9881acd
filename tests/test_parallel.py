"""Parallel and distributed runs give the same output, byte for byte, as one process.

(Batch size and file order are covered on the library in tests/test_determinism.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.execution import BATCHES_PER_WORKER, plan_parallel_batches
from scripts.make_synthetic_corpus import build_corpus
from textwash.inputs import discover

SMALL_CORPUS_DOCS = 30


def data_outputs(output: Path) -> dict[str, bytes]:
    """Every output file of a run, by relative path (run records and state left out)."""
    return {
        str(path.relative_to(output)): path.read_bytes()
        for path in sorted(output.rglob("*.jsonl"))
        if not any(part.startswith("_") for part in path.relative_to(output).parts)
    }


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """Synthetic seeds-like documents in several languages, encodings and formats."""
    root = tmp_path_factory.mktemp("synthetic") / "raw"
    build_corpus(root, docs=SMALL_CORPUS_DOCS, seed=3)
    return root


@pytest.fixture(scope="module")
def single_process_outputs(small_corpus: Path, tmp_path_factory, prefect_server):
    from flows.clean_corpus import clean_corpus

    output = tmp_path_factory.mktemp("single") / "clean"
    result = clean_corpus(input_dir=str(small_corpus), output_dir=str(output))
    assert result["documents"] > SMALL_CORPUS_DOCS * 0.9
    return data_outputs(output)


def test_batches_are_sized_from_the_workers(small_corpus: Path):
    items = [item for item in discover(small_corpus) if not item.skip_reason]
    for workers in (1, 2, 4):
        batches = plan_parallel_batches(items, workers, max_files=None, max_bytes=1 << 30)
        assert len(batches) == workers * BATCHES_PER_WORKER
        assert [item for batch in batches for item in batch] == items
        share = sum(item.size + 1 for item in items) / len(batches)
        largest = max(item.size + 1 for item in items)
        assert all(sum(item.size + 1 for item in batch) <= share + largest for batch in batches)


def test_batch_caps_hold_whatever_the_workers(small_corpus: Path):
    items = [item for item in discover(small_corpus) if not item.skip_reason]
    batches = plan_parallel_batches(items, 1, max_files=5, max_bytes=4096)
    assert [item for batch in batches for item in batch] == items
    for batch in batches:
        assert len(batch) <= 5
        assert len(batch) == 1 or sum(item.size for item in batch) <= 4096


@pytest.mark.slow
def test_two_worker_processes_match_one_process(
    small_corpus: Path, single_process_outputs, tmp_path: Path
):
    from flows.clean_corpus import clean_corpus

    output = tmp_path / "clean"
    clean_corpus(input_dir=str(small_corpus), output_dir=str(output), workers=2)
    assert data_outputs(output) == single_process_outputs


@pytest.mark.slow
def test_a_dask_cluster_of_two_workers_matches_one_process(
    small_corpus: Path, single_process_outputs, tmp_path: Path
):
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("prefect_dask")
    from flows.clean_corpus import clean_corpus

    output = tmp_path / "clean"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        host="127.0.0.1",
    ) as cluster:
        clean_corpus(input_dir=str(small_corpus), output_dir=str(output),
                     dask_address=cluster.scheduler_address)
    assert data_outputs(output) == single_process_outputs


@pytest.mark.parametrize("arguments, message", [
    (["--workers", "0"], "--workers must be at least 1"),
    (["--workers", "2", "--dask-address", "tcp://127.0.0.1:8786"], "exclude each other"),
    (["--batch-size", "0"], "--batch-size must be at least 1"),
])
def test_run_refuses_impossible_worker_settings(tmp_path: Path, capsys, arguments, message):
    from textwash.cli import main

    assert main(["run", "--input", str(tmp_path), *arguments]) == 2
    assert message in capsys.readouterr().err
