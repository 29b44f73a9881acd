"""The clean_corpus flow end to end, on a real (temporary) Prefect server."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from flows.clean_corpus import clean_corpus

pytestmark = pytest.mark.slow


def manifest(output: Path, run_id: str) -> dict[str, dict]:
    lines = (output / "_runs" / run_id / "manifest.jsonl").read_text().splitlines()
    return {entry["path"]: entry for entry in map(json.loads, lines)}


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_flow_cleans_every_input_kind_then_runs_incrementally(
    prefect_server, mixed_corpus: Path, tmp_path: Path, schema
):
    output = tmp_path / "clean"
    first = clean_corpus(input_dir=str(mixed_corpus), output_dir=str(output), batch_size=3)
    entries = manifest(output, first["run_id"])
    assert {p: (e["status"], e["reason"]) for p, e in entries.items()} == {
        "archive.txt.gz": ("cleaned", None),
        "dump.jsonl": ("cleaned", None),
        "image.png": ("skipped", "unsupported-type"),
        "notes.md": ("cleaned", None),
        "page.html": ("cleaned", None),
        **{f"seeds/{p.name}": ("cleaned", None) for p in (mixed_corpus / "seeds").iterdir()},
    }
    assert [(f["line"], f["reason"]) for f in entries["dump.jsonl"]["failed_records"]] == [
        (2, "invalid-json"), (5, "not-an-object"),
    ]
    dump = records(output / "dump.jsonl.jsonl")
    assert [r["source"]["index"] for r in dump] == [0, 2]
    assert dump[0]["metadata"] == {"input_id": "a1", "lang_hint": "en"}
    assert dump[0]["title"] == "First" and dump[0]["source"]["url"] == "https://example.org/a"
    assert "<p>" not in dump[1]["text"]
    assert records(output / "archive.txt.gz.jsonl")[0]["title"] == "Compressed article"
    every = [r for f in sorted(output.rglob("*.jsonl")) if "_runs" not in f.parts
             for r in records(f)]
    assert len(every) == 10
    for record in every:
        jsonschema.validate(record, schema)
    stats = json.loads((output / "_runs" / first["run_id"] / "stats.json").read_text())
    assert stats["documents"] == 10 and stats["records_failed"] == 2
    assert (output / "_runs" / first["run_id"] / "report.md").read_text().startswith("# textwash")
    assert not (output / "_staging" / first["run_id"]).exists() or not any(
        (output / "_staging" / first["run_id"]).rglob("*.jsonl")
    )

    second = clean_corpus(input_dir=str(mixed_corpus), output_dir=str(output))
    assert second["documents"] == 0
    assert all(e["reason"] in ("unchanged", "unsupported-type")
               for e in manifest(output, second["run_id"]).values())

    touched = mixed_corpus / "notes.md"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    third = clean_corpus(input_dir=str(mixed_corpus), output_dir=str(output))
    cleaned = [p for p, e in manifest(output, third["run_id"]).items() if e["status"] == "cleaned"]
    assert cleaned == ["notes.md"] and third["documents"] == 1

    (mixed_corpus / "notes.md").unlink()
    fourth = clean_corpus(input_dir=str(mixed_corpus), output_dir=str(output), full=True)
    assert fourth["documents"] == 9
    assert not (output / "notes.md.jsonl").exists()


def test_seeds_come_out_as_five_english_records(prefect_server, seed_paths, tmp_path: Path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in seed_paths:
        (raw / path.name).write_bytes(path.read_bytes())
    result = clean_corpus(input_dir=str(raw), output_dir=str(tmp_path / "clean"))
    assert result["documents"] == 5
    outputs = sorted((tmp_path / "clean").glob("*.jsonl"))
    assert [records(p)[0]["language"] for p in outputs] == ["en"] * 5
