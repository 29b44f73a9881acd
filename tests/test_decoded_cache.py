"""A run decodes each document once: the fingerprint pass's results are reused, safely.

The cleaning pass takes a text document's decoded and repaired text from the batch's
cache file only when the record's bytes are the ones the fingerprint pass decoded; the
records it writes are the same as without any cache, and no cache file outlives a run.
Also here: staged outputs reach the disk with one flush per batch, or one fsync per
file where the OS has no file-system flush.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import textwash.pipeline
import textwash.runner
from tests.library_run import output_files, run_corpus
from textwash.config import Config
from textwash.decoded_cache import (
    DecodedCacheReader,
    DecodedCacheWriter,
    batch_cache_path,
    cache_dir_for,
)
from textwash.inputs import discover
from textwash.pipeline import CleanContext
from textwash.repair import DecodedAndRepaired
from textwash.runner import clean_batch, fingerprint_batch, flush_to_disk

NAV = "Home | Weather | Rivers | About us"


def _corpus(root: Path) -> Path:
    for n in range(4):
        (root / "site").mkdir(parents=True, exist_ok=True)
        (root / "site" / f"{n}.txt").write_bytes(
            f"{NAV}\n\nFête number {n}\n\nThe café by the river served {n + 3} kinds of "
            "crêpe on Sunday, and the queue reached the bridge.\n".encode("cp1252"))
    records = [{"url": f"https://post.example/{n}", "text": f"{NAV}\nFerry {n} runs hourly "
                "from the harbour to the island all summer long."} for n in range(3)]
    (root / "dump.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    (root / "page.html").write_text(
        "<html><head><title>Bridge</title></head><body><article><p>The old stone bridge "
        "reopened to walkers after six months of repairs.</p></article></body></html>")
    return root


@pytest.fixture
def decode_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    calls: Counter[str] = Counter()
    real = textwash.pipeline.decode_and_repair_detailed

    def counting(raw, **kwargs):
        calls["html" if kwargs.get("html") else "text"] += 1
        return real(raw, **kwargs)

    monkeypatch.setattr(textwash.pipeline, "decode_and_repair_detailed", counting)
    return calls


def test_a_run_decodes_each_document_once(tmp_path: Path, decode_calls: Counter[str]):
    inputs = _corpus(tmp_path / "raw")
    textwash.pipeline.warm_up()  # its samples are not the corpus's documents
    decode_calls.clear()
    run_corpus(inputs, tmp_path / "clean", max_files=2)
    assert decode_calls == {"text": 7, "html": 1}


def test_cleaning_with_the_cache_writes_the_same_records_as_without(tmp_path: Path):
    inputs = _corpus(tmp_path / "raw")
    items = [item for item in discover(inputs) if not item.skip_reason]
    config = Config()
    ctx = CleanContext(config)
    without = clean_batch(items, ctx, tmp_path / "plain" / "run")
    staging = tmp_path / "cached" / "run"
    fingerprint_batch(items, config, staging)
    assert batch_cache_path(cache_dir_for(staging), [i.path for i in items]).exists()
    with_cache = clean_batch(items, ctx, staging)
    assert sorted(with_cache.staged) == sorted(without.staged)
    for path in without.staged:
        assert Path(with_cache.staged[path]).read_bytes() == Path(without.staged[path]).read_bytes()
    assert not list(cache_dir_for(staging).iterdir())


def test_no_cache_file_outlives_a_run(tmp_path: Path):
    inputs = _corpus(tmp_path / "raw")
    run_corpus(inputs, tmp_path / "clean", max_files=2)
    assert not (tmp_path / "clean" / "_staging").exists()
    assert len(output_files(tmp_path / "clean")) == 6


def _result(text: str) -> DecodedAndRepaired:
    return DecodedAndRepaired(text, "cp1252", Counter({"mojibake": 2}), False, "detected")


def test_an_entry_is_used_only_for_the_same_record_bytes(tmp_path: Path):
    path = tmp_path / "batch.decoded"
    writer = DecodedCacheWriter(path)
    writer.add("a.txt", 0, b"caf\xe9 one", _result("café one"))
    writer.add("a.txt", 1, b"caf\xe9 two", _result("café two"))
    writer.add("b.jsonl", 3, "text of a record", _result("text of a record"))
    writer.close()
    reader = DecodedCacheReader(path, ["a.txt", "b.jsonl"])
    assert reader.get("a.txt", 0, b"caf\xe9 one") == _result("café one")
    assert reader.get("a.txt", 1, b"caf\xe9 TWO") is None  # changed since fingerprinting
    assert reader.get("b.jsonl", 2, "another record") is None  # never cached
    assert reader.get("b.jsonl", 3, "text of a record") == _result("text of a record")
    reader.close()


def test_a_missing_or_cut_off_cache_means_decoding_again(tmp_path: Path):
    assert DecodedCacheReader(tmp_path / "absent.decoded", ["a.txt"]).get(
        "a.txt", 0, b"x") is None
    path = tmp_path / "batch.decoded"
    writer = DecodedCacheWriter(path)
    writer.add("a.txt", 0, b"one", _result("one"))
    writer.add("a.txt", 1, b"two", _result("two"))
    writer.close()
    path.write_bytes(path.read_bytes()[:-20])
    reader = DecodedCacheReader(path, ["a.txt"])
    assert reader.get("a.txt", 0, b"one") == _result("one")
    assert reader.get("a.txt", 1, b"two") is None


def test_a_discarded_writer_leaves_no_file(tmp_path: Path):
    path = tmp_path / "batch.decoded"
    writer = DecodedCacheWriter(path)
    writer.add("a.txt", 0, b"one", _result("one"))
    writer.discard()
    assert list(tmp_path.iterdir()) == []


def test_staged_files_are_fsynced_one_by_one_without_a_file_system_flush(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    files = [tmp_path / f"{n}.jsonl" for n in range(3)]
    for path in files:
        path.write_bytes(b"{}\n")
    synced: list[int] = []
    monkeypatch.setattr(textwash.runner, "_syncfs", None)
    monkeypatch.setattr(textwash.runner.os, "fsync", synced.append)
    flush_to_disk(tmp_path, files)
    assert len(synced) == 3


def test_a_batch_flushes_its_staged_files_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inputs = _corpus(tmp_path / "raw")
    items = [item for item in discover(inputs) if not item.skip_reason]
    flushes: list[int] = []
    fsyncs: list[int] = []
    monkeypatch.setattr(textwash.runner, "_syncfs", lambda fd: flushes.append(fd) or 0)
    monkeypatch.setattr(textwash.runner.os, "fsync", fsyncs.append)
    result = clean_batch(items, CleanContext(), tmp_path / "staging" / "run")
    assert len(result.staged) == 6
    assert (len(flushes), len(fsyncs)) == (1, 0)
