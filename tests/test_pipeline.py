"""clean_files: records of many files share the boilerplate stage in groups, and each file
still ends exactly as it would alone; a fault in a group is charged to its document only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import textwash.pipeline
from textwash.config import Config, Limits
from textwash.inputs import discover
from textwash.pipeline import CleanContext, clean_file, clean_files

PARAGRAPH = ("Volunteers planted two hundred oak saplings along the river path on Saturday, "
             "and the parks team will water them through the dry summer months.")


def article(n: int, marker: str = "") -> str:
    return (f"Oak saplings planted along river path {n}\n\nHome\nNews\n\n{PARAGRAPH} {marker}\n\n"
            f"{PARAGRAPH} Number {n}.\n\nShare this article\n")


def build_inputs(root: Path, markers: dict[str, str] | None = None) -> list:
    """Text files, a JSONL file with a broken line in the middle, an empty file."""
    markers = markers or {}
    root.mkdir()
    for n in range(7):
        name = f"{n:02d}.txt"
        (root / name).write_text(article(n, markers.get(name, "")))
    lines = [json.dumps({"text": article(10 + k, markers.get(f"dump-{k}", ""))}) for k in range(5)]
    lines.insert(2, "{not json")
    (root / "05-dump.jsonl").write_text("\n".join(lines) + "\n")
    (root / "06-empty.txt").write_bytes(b"")
    return discover(root)


def summary(outcome) -> tuple:
    return (outcome.item.path, outcome.status, outcome.reason, outcome.lines,
            [(f.index, f.reason) for f in outcome.failures])


@pytest.fixture
def small_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Groups of 3 documents: files and groups overlap in every way with these inputs."""
    monkeypatch.setattr(textwash.pipeline, "STRIP_GROUP_DOCUMENTS", 3)


def test_files_cleaned_together_end_as_each_file_alone(tmp_path: Path, small_groups):
    items = build_inputs(tmp_path / "raw")
    together = [summary(outcome) for outcome in clean_files(items, CleanContext())]
    alone = [summary(clean_file(item, CleanContext())) for item in items]
    assert together == alone
    assert [path for path, *_ in together] == [item.path for item in items]
    dump = next(s for s in together if s[0] == "05-dump.jsonl")
    assert dump[1] == "cleaned" and len(dump[3]) == 5 and dump[4] == [(2, "invalid-json")]
    assert next(s for s in together if s[0] == "06-empty.txt")[1] == "skipped"


def test_a_bug_in_the_boilerplate_stage_fails_only_its_document(
    tmp_path: Path, small_groups, monkeypatch: pytest.MonkeyPatch
):
    real = textwash.pipeline.strip_boilerplate_many

    def strip_boilerplate_many(pages, **kwargs):
        if any("BREAKS" in page.text for page in pages):
            raise ValueError("the boilerplate stage has a bug")
        return real(pages, **kwargs)

    monkeypatch.setattr(textwash.pipeline, "strip_boilerplate_many", strip_boilerplate_many)
    items = build_inputs(tmp_path / "raw", {"01.txt": "BREAKS", "dump-3": "BREAKS"})
    outcomes = {outcome.item.path: outcome for outcome in clean_files(items, CleanContext())}
    assert (outcomes["01.txt"].status, outcomes["01.txt"].reason) == ("failed", "internal-error")
    assert "the boilerplate stage has a bug" in outcomes["01.txt"].error
    dump = outcomes["05-dump.jsonl"]
    assert dump.status == "cleaned" and len(dump.lines) == 4
    assert [(f.index, f.reason) for f in dump.failures] == [(2, "invalid-json"),
                                                            (4, "internal-error")]
    for name in ("00.txt", "02.txt", "03.txt", "04.txt", "05.txt", "06.txt"):
        assert outcomes[name].status == "cleaned", name


def test_a_document_stuck_in_the_boilerplate_stage_times_out_alone(
    tmp_path: Path, small_groups, monkeypatch: pytest.MonkeyPatch
):
    real = textwash.pipeline.strip_boilerplate_many
    config = Config(limits=Limits(document_timeout_s=0.5))
    clean_file(build_inputs(tmp_path / "warm")[0], CleanContext())  # lazy loads, no limit

    def strip_boilerplate_many(pages, **kwargs):
        while any("HANGS" in page.text for page in pages):
            pass
        return real(pages, **kwargs)

    monkeypatch.setattr(textwash.pipeline, "strip_boilerplate_many", strip_boilerplate_many)
    items = build_inputs(tmp_path / "raw", {"03.txt": "HANGS"})
    outcomes = {outcome.item.path: outcome for outcome in clean_files(items, CleanContext(config))}
    assert (outcomes["03.txt"].status, outcomes["03.txt"].reason) == ("failed",
                                                                      "document-timeout")
    cleaned = [path for path, outcome in outcomes.items() if outcome.status == "cleaned"]
    assert cleaned == ["00.txt", "01.txt", "02.txt", "04.txt", "05-dump.jsonl", "05.txt",
                       "06.txt"]
