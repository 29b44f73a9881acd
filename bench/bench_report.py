"""The data-quality report: does it add up, does it show what was removed, what does it cost.

Rows: on the seeds plus crafted bad inputs, inputs seen = cleaned + skipped + failed and
documents = records written (exact); seed 003's removed lines shown under their reason in
report.html; on the wcxb-dev text pages (shared data), the time to write the report
(manifest, stats.json, report.md, report.html, corpus view) as a share of the cleaning
time, measured in the same run, and the size of report.html.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import patch

from bs4 import BeautifulSoup

from bench.common import REPO, Row, missing_row, shared_path
from textwash import local_run
from textwash.report import write_run_report

SEED_003 = "003_8c1e1d54294b7559.txt"
# wcxb-dev text pages cleaned for the cost rows (the first N by name): enough for the
# report's lists to fill, small enough for `make bench`.
COST_PAGES = 300


def timed_run(input_dir: Path, output_dir: Path) -> tuple[dict[str, Any], float, float]:
    """One run without Prefect: (report result, seconds cleaning, seconds reporting).

    The run is `textwash.local_run.run_in_process`; its report step is timed apart.
    """
    reporting = 0.0

    def timed_report(*args: Any, **kwargs: Any) -> dict[str, Any]:
        nonlocal reporting
        started = time.perf_counter()
        try:
            return write_run_report(*args, **kwargs)
        finally:
            reporting += time.perf_counter() - started

    started = time.perf_counter()
    with patch.object(local_run, "write_run_report", timed_report):
        result = local_run.run_in_process(input_dir, output_dir,
                                          params={"input_dir": str(input_dir)})
    total = time.perf_counter() - started
    return result.report, total - reporting, reporting


def accounting_row(work: Path) -> Row:
    sys.path.insert(0, str(REPO))
    from tests.report_helpers import build_edge_corpus

    raw = build_edge_corpus(work / "edge" / "raw")
    report, _, _ = timed_run(raw, work / "edge" / "clean")
    run_dir = Path(report["run_dir"])
    stats = json.loads((run_dir / "stats.json").read_text())
    manifest = [json.loads(line) for line in (run_dir / "manifest.jsonl").read_text().splitlines()]
    records = sum(1 for entry in manifest if entry["output"]
                  for _ in (work / "edge" / "clean" / entry["output"]).open())
    i = stats["inputs"]
    files = sum(1 for p in raw.rglob("*") if p.is_file())
    exact = (i["seen"] == i["cleaned"] + i["skipped"] + i["failed"] == len(manifest) == files
             and stats["documents"] == records)
    return Row("report adds up: inputs and documents",
               f"{'exact' if exact else 'MISMATCH'}: {files} files = {i['seen']} seen = "
               f"{i['cleaned']}+{i['skipped']}+{i['failed']}; {records} records = "
               f"{stats['documents']} documents", "exact", "seeds + 8 crafted bad/edge inputs")


def seed_003_row(work: Path) -> Row:
    raw = work / "seeds" / "raw"
    raw.mkdir(parents=True)
    for path in sorted((REPO / "seeds").glob("*.txt")):
        (raw / path.name).write_bytes(path.read_bytes())
    report, _, _ = timed_run(raw, work / "seeds" / "clean")
    page = BeautifulSoup(Path(report["report"]).read_text(encoding="utf-8"), "html.parser")
    record = json.loads((work / "seeds" / "clean" / f"{SEED_003}.jsonl").read_text())
    shown = 0
    for removal in record["removed"]:
        box = page.select_one(f'.reason[data-reason="{removal["reason"]}"]')
        texts = [el.text for el in box.select(".removed-text")] if box else []
        shown += removal["text"] in texts
    return Row("seed 003 removed lines shown under their reason",
               f"{shown}/{len(record['removed'])}", "all", "5 seeds")


def cost_rows(work: Path) -> list[Row]:
    pages = shared_path("bench", "wcxb-dev-text")
    if pages is None:
        return [missing_row("report cost vs cleaning", "bench/wcxb-dev-text")]
    raw = work / "wcxb" / "raw"
    raw.mkdir(parents=True)
    for page in sorted(pages.glob("*.txt"))[:COST_PAGES]:
        (raw / page.name).write_bytes(page.read_bytes())
    report, cleaning, reporting = timed_run(raw, work / "wcxb" / "clean")
    size = Path(report["report"]).stat().st_size
    inputs = f"wcxb-dev text, first {report['documents']:,} pages"
    return [
        Row("report writing time / cleaning time", f"{reporting / cleaning:.1%}",
            "≤ 5%", inputs, f"report {reporting:.2f} s, cleaning {cleaning:.1f} s"),
        Row("report.html size", f"{size / 1024:,.0f} KiB", "≤ 2 MiB", inputs,
            "self-contained, lists capped"),
    ]


def rows() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="textwash-bench-report-") as tmp:
        work = Path(tmp)
        steps: list[Callable[[Path], Row | list[Row]]] = [accounting_row, seed_003_row,
                                                          cost_rows]
        out: list[Row] = []
        for step in steps:
            produced = step(work)
            out.extend(produced if isinstance(produced, list) else [produced])
        return out
