"""The run report's numbers against the run's own records and manifest, and its views."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.report_helpers import SEED_003, build_edge_corpus, run_library
from textwash.cli import main
from textwash.document import Document
from textwash.report import STATS_JSON, build_report, render_markdown
from textwash.report_charts import bar_chart
from textwash.report_html import render_html
from textwash.runner import ManifestEntry
from textwash.stats import HEAVY_REMOVAL_SHARE, STATS_VERSION, VERY_SHORT_CHARS, RunStats


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def run_files(output: Path, run_id: str) -> tuple[list[dict], dict, BeautifulSoup]:
    run_dir = output / "_runs" / run_id
    manifest = read_jsonl(run_dir / "manifest.jsonl")
    stats = json.loads((run_dir / STATS_JSON).read_text())
    page = BeautifulSoup((run_dir / "report.html").read_text(encoding="utf-8"), "html.parser")
    return manifest, stats, page


def expected_flags(record: dict) -> list[str]:
    """The review flags, recomputed from a finished record alone."""
    text, removed = record["text"], sum(len(r["text"]) for r in record["removed"])
    share = removed / (removed + len(text)) if removed + len(text) else 0.0
    flags = []
    if not text.strip():
        flags.append("empty-after-cleaning")
    elif share > HEAVY_REMOVAL_SHARE:
        flags.append("mostly-removed")
    if text.strip() and len(text) < VERY_SHORT_CHARS:
        flags.append("very-short")
    if record["language"] == "und":
        flags.append("undetermined-language")
    if record["encoding"]["damaged"]:
        flags.append("damaged-encoding")
    return flags


@pytest.fixture(scope="module")
def edge_run(tmp_path_factory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("edge")
    raw = build_edge_corpus(root / "raw")
    output = root / "clean"
    return raw, output, run_library(raw, output)


def test_report_accounts_for_every_input_and_matches_the_records(edge_run):
    raw, output, result = edge_run
    manifest, stats, page = run_files(output, result["run_id"])

    every_file = sorted(str(p.relative_to(raw)) for p in raw.rglob("*") if p.is_file())
    assert [e["path"] for e in manifest] == every_file
    status = Counter(e["status"] for e in manifest)
    assert status == {"cleaned": 9, "skipped": 2, "failed": 2}
    assert stats["inputs"] == {"seen": 13, "cleaned": 9, "skipped": 2, "failed": 2}
    assert {(e["path"], e["reason"]) for e in manifest if e["status"] != "cleaned"} == {
        ("edge/broken.txt.gz", "corrupt-gzip"), ("edge/all-bad.jsonl", "no-valid-records"),
        ("edge/empty.txt", "empty-file"), ("edge/picture.png", "unsupported-type"),
    }

    records = [r for e in manifest if e["output"] for r in read_jsonl(output / e["output"])]
    assert len(records) == stats["documents"] == sum(e["documents"] for e in manifest) == 13
    assert stats["records_failed"] == sum(len(e["failed_records"]) for e in manifest) == 4
    assert stats["chars_in"] == sum(r["stats"]["chars_in"] for r in records)
    assert stats["chars_out"] == sum(len(r["text"]) for r in records)
    assert stats["lines_removed"] == sum(len(r["removed"]) for r in records)
    assert stats["removed_by_reason"] == Counter(x["reason"] for r in records for x in r["removed"])
    assert stats["languages"] == Counter(r["language"] for r in records)
    repairs: Counter[str] = Counter()
    for record in records:
        repairs.update({x["kind"]: x["count"] for x in record["repairs"]})
    assert stats["repairs"] == repairs
    assert sum(stats["removal_share_histogram"]) == sum(stats["length_histogram"]) == 13

    flagged = {r["id"]: expected_flags(r) for r in records if expected_flags(r)}
    assert {item["id"]: item["flags"] for item in stats["review"]} == flagged
    assert stats["review_total"] == len(flagged)
    assert stats["review_flags"] == Counter(f for flags in flagged.values() for f in flags)
    # Which documents the cleaning stages flag moves with them; these three do not.
    assert {"empty-after-cleaning", "undetermined-language", "damaged-encoding"} <= set(
        stats["review_flags"])
    assert {d["id"] for d in stats["damaged"]} == {r["id"] for r in records
                                                   if r["encoding"]["damaged"]}
    assert {d["id"] for d in stats["mixed_language"]} == {r["id"] for r in records
                                                          if len(r["languages"]) > 1}
    assert stats["mixed_language_total"] == 1
    assert stats["stats_version"] == STATS_VERSION

    # The page shows the same numbers and names every problem input and flagged document.
    cards = {card.select_one(".label").text: card.select_one(".value").text.split("+")[0]
             for card in page.select(".card")}
    assert cards["Inputs seen"] == "13" and cards["Inputs failed"] == "2"
    assert cards["Documents written"] == "13" and cards["Need review"] == str(len(flagged))
    inputs_section = page.select_one("#inputs").get_text(" ")
    for entry in manifest:
        if entry["status"] != "cleaned":
            assert entry["path"] in inputs_section and entry["reason"] in inputs_section
    review_rows = page.select("#review table tr")[1:]
    assert len(review_rows) == len(flagged)
    review_text = page.select_one("#review").get_text(" ")
    for record_id, flags in flagged.items():
        assert record_id in review_text and all(flag in review_text for flag in flags)
    for reason, lines in stats["removed_by_reason"].items():
        header = page.select_one(f'.reason[data-reason="{reason}"] .counts').text
        assert header.startswith(f"{lines:,} lines")


def test_documents_for_review_link_to_their_input_and_output_file(edge_run):
    raw, output, result = edge_run
    _, stats, page = run_files(output, result["run_id"])
    run_dir = output / "_runs" / result["run_id"]
    for row in page.select("#review table tr")[1:]:
        source, record = row.select("a")[:2]
        assert source["href"].startswith("file://")
        assert Path(source["href"].removeprefix("file://")).is_file()
        assert (run_dir / record["href"]).resolve().is_file()
        assert any(item["id"] == record.text for item in stats["review"])


def test_seed_003_removed_lines_each_appear_under_their_reason(tmp_path: Path):
    raw = tmp_path / "raw" / "seeds"
    raw.mkdir(parents=True)
    for path in sorted((Path(__file__).parent.parent / "seeds").glob("*.txt")):
        (raw / path.name).write_bytes(path.read_bytes())
    result = run_library(tmp_path / "raw", tmp_path / "clean")
    _, _, page = run_files(tmp_path / "clean", result["run_id"])
    record = read_jsonl(tmp_path / "clean" / (SEED_003 + ".jsonl"))[0]
    assert len(record["removed"]) >= 5
    for removal in record["removed"]:
        box = page.select_one(f'.reason[data-reason="{removal["reason"]}"]')
        shown = [li.select_one(".removed-text").text for li in box.select("ul.examples li")]
        assert removal["text"] in shown, (removal, shown)
    assert "Nothing failed and no document was flagged." in page.get_text() or page.select(
        "#review table")


def test_stats_do_not_depend_on_the_batch_size(tmp_path: Path):
    raw = build_edge_corpus(tmp_path / "raw")
    one = run_library(raw, tmp_path / "one", batch_size=1)
    many = run_library(raw, tmp_path / "many", batch_size=5)
    volatile = {"run_id", "started_at", "finished_at", "duration_s", "params"}

    def stable(output: Path, run_id: str) -> dict:
        data = json.loads((output / "_runs" / run_id / STATS_JSON).read_text())
        return {k: v for k, v in data.items() if k not in volatile}

    assert stable(tmp_path / "one", one["run_id"]) == stable(tmp_path / "many", many["run_id"])


def test_next_run_shows_deltas_and_the_corpus_view_lists_every_run(tmp_path: Path):
    raw = build_edge_corpus(tmp_path / "raw")
    output = tmp_path / "clean"
    first = run_library(raw, output)
    (raw / "edge" / "heavy.txt").unlink()
    (raw / "edge" / "extra.txt").write_text("Extra\n\n" + "A new paragraph of plain words. " * 12,
                                            encoding="utf-8")
    second = run_library(raw, output)

    _, stats, page = run_files(output, second["run_id"])
    assert stats["previous_run_id"] == first["run_id"]
    deltas = {row.select("td")[0].text: [td.text for td in row.select("td")[1:]]
              for row in page.select("#deltas table tr")[1:]}
    assert deltas["documents written"][:2] == ["1", "13"]
    assert deltas["inputs seen"][:2] == ["13", "13"]
    assert [(item["path"], item["reason"], item["run_id"]) for item in stats["unchanged_failed"]] \
        == [("edge/all-bad.jsonl", "no-valid-records", first["run_id"]),
            ("edge/broken.txt.gz", "corrupt-gzip", first["run_id"])]
    assert "edge/broken.txt.gz" in page.select_one("#inputs").get_text()

    corpus = json.loads((output / "_report" / "corpus.json").read_text())["inputs"]
    on_disk = {str(p.relative_to(output)): len(read_jsonl(p)) for p in output.rglob("*.jsonl")
               if "_runs" not in p.parts}
    assert {s["output"]: s["documents"] for s in corpus.values()} == on_disk
    assert "edge/heavy.txt" not in corpus and corpus["edge/extra.txt"]["run_id"] == second["run_id"]
    index = BeautifulSoup((output / "_report" / "index.html").read_text(), "html.parser")
    links = {a.text: a["href"] for a in index.select("#runs a")}
    assert set(links) == {first["run_id"], second["run_id"]}
    for href in links.values():
        assert (output / "_report" / href).resolve().is_file()
    assert index.select_one("#corpus .value").text == f"{sum(on_disk.values()):,}"


def document(text: str, removed: list[str], **fields) -> Document:
    doc = Document(id="d", source_path="p.txt", index=0, kind="text", text=text,
                   language=fields.pop("language", "en"), **fields)
    for line in removed:
        doc.remove(line, "ui-label")
    return doc


def test_each_review_flag_is_raised_by_what_it_names():
    long_text = "A sentence of real prose about the harbour festival and its boats. " * 4
    cases = {
        "empty-after-cleaning": document("", ["Menu", "Share"]),
        "mostly-removed": document(long_text, ["x" * (5 * len(long_text))]),
        "very-short": document("Too short to be an article.", []),
        "undetermined-language": document(long_text, [], language="und"),
        "damaged-encoding": document(long_text, [], encoding_damaged=True),
    }
    for flag, doc in cases.items():
        stats = RunStats()
        stats.add_document(doc)
        assert stats.review_flags == {flag: 1}, flag
    stats = RunStats()
    stats.add_document(document(long_text, ["x" * len(long_text)]))
    assert stats.review_total == 0 and stats.removal_share_histogram[5] == 1


def test_report_command_prints_the_summary_and_rebuilds_a_missing_html(edge_run, capsys):
    _, output, result = edge_run
    html = output / "_runs" / result["run_id"] / "report.html"
    before = html.read_text(encoding="utf-8")
    html.unlink()
    assert main(["report", "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert f"textwash run {result['run_id']}" in out
    assert f"report:    {html}" in out and "corpus:" in out
    assert html.read_text(encoding="utf-8") == before
    assert main(["report", "nope", "--output", str(output)]) == 1


def test_report_page_loads_nothing_and_escapes_document_text(tmp_path: Path):
    stats = RunStats()
    stats.removed_by_reason["ui-label"] = 1
    stats.removed_chars_by_reason["ui-label"] = 30
    stats.removal_examples["ui-label"] = [
        {"path": "a<b>.txt", "id": "x", "index": 0, "text": "<script>alert(1)</script>"}]
    report = build_report(
        run_id="r1", started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:00:01+00:00", params={"input_dir": "<in>"}, stats=stats,
        entries=[ManifestEntry(path="a<b>.txt", status="cleaned", output="a.jsonl")],
        run_dir=tmp_path / "_runs" / "r1", output_dir=tmp_path, versions={"textwash": "0"},
    )
    html = render_html(report)
    page = BeautifulSoup(html, "html.parser")
    assert not page.find_all("script") and not page.find_all("link")
    assert not [tag for tag in page.find_all(src=True)]
    assert "default-src 'none'" in page.find("meta", attrs={"http-equiv": True})["content"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html and "a&lt;b&gt;.txt" in render_markdown(report)
    assert "&lt;x&gt;" in bar_chart([("<x>", 1)], name="n", label="l")


def test_report_of_an_old_stats_file_still_renders(edge_run, tmp_path: Path):
    _, output, result = edge_run
    data = json.loads((output / "_runs" / result["run_id"] / STATS_JSON).read_text())
    version_1 = {k: data[k] for k in ("documents", "chars_in", "chars_out", "languages",
                                      "removed_by_reason", "review", "review_total")}
    stats = RunStats.from_dict({"stats_version": 1, **version_1})
    report = build_report(run_id="old", started_at="", finished_at="", params={}, stats=stats,
                          entries=[], run_dir=tmp_path, output_dir=tmp_path, versions={})
    assert "textwash run old" in render_html(report)


def test_run_report_files_are_written_atomically_in_the_run_folder(edge_run):
    _, output, result = edge_run
    run_dir = output / "_runs" / result["run_id"]
    assert sorted(p.name for p in run_dir.iterdir()) == [
        "manifest.jsonl", "report.html", "report.md", "stats.json"]
    assert not [p for p in output.rglob(".*.tmp")]
    assert os.path.samefile(result["report"], run_dir / "report.html")


def test_report_names_the_running_textwash_version_not_the_installed_metadata(monkeypatch):
    from importlib import metadata

    import textwash
    from textwash import report

    real_version = metadata.version
    monkeypatch.setattr(report.metadata, "version",
                        lambda name: "0.0.1" if name == "textwash" else real_version(name))
    assert report.package_versions()["textwash"] == textwash.__version__
