from __future__ import annotations

import json
from pathlib import Path

from textwash.cli import main


def test_clean_writes_one_jsonl_record_per_document_to_stdout(seed_paths, capsysbinary):
    assert main(["clean", *map(str, seed_paths[:2])]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert [json.loads(line)["source"]["path"] for line in out.splitlines()] == [
        str(p) for p in seed_paths[:2]
    ]


def test_clean_reports_unreadable_files_on_stderr_and_exits_nonzero(tmp_path: Path, capsys):
    assert main(["clean", str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt" in capsys.readouterr().err


def test_run_refuses_a_missing_input_folder(tmp_path: Path, capsys):
    assert main(["run", "--input", str(tmp_path / "nope"), "--output", str(tmp_path)]) == 2
    assert "input folder not found" in capsys.readouterr().err
