"""The corpus-level view, `<output>/_report/index.html`: every run and the current corpus.

`_report/corpus.json` keeps one summary per input whose records are in the output
folder now (documents, characters, languages, output size, the run that wrote it).
After each run it is brought up to date from that run's manifest and per-input stats;
an input it does not know yet (a first run with this view, a deleted file) is summarized
by reading its output records once. The page lists all runs (from the state database
and each run's stats.json) and the corpus as it stands. This module does not clean.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

from textwash.report import REPORT_HTML, STATS_JSON, RunReport, ranked
from textwash.report_charts import PALETTE, bar_chart, column_chart
from textwash.report_html import CORPUS_DIR, environment, stylesheet, top_with_other
from textwash.runner import RUNS_DIR, write_atomic, write_json
from textwash.state import StateDB

CORPUS_JSON = "corpus.json"
CORPUS_VERSION = 1
RUNS_CHARTED = 30


def summarize_output(path: Path) -> dict[str, Any]:
    """Documents, characters and languages of one output JSONL file."""
    languages: Counter[str] = Counter()
    chars = documents = 0
    with open(path, "rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = orjson.loads(line)
            documents += 1
            chars += record["stats"]["chars_out"]
            languages[record["language"]] += 1
    return {"documents": documents, "chars_out": chars,
            "languages": dict(sorted(languages.items()))}


def update_corpus(output_dir: Path, report: RunReport) -> dict[str, dict[str, Any]]:
    """The per-input corpus summary after `report`'s run, written to `_report/corpus.json`."""
    path = output_dir / CORPUS_DIR / CORPUS_JSON
    known: dict[str, dict[str, Any]] = {}
    if path.exists():
        known = orjson.loads(path.read_bytes()).get("inputs", {})
    current: dict[str, dict[str, Any]] = {}
    output = str(output_dir)
    for entry in report.entries:
        if not entry.output:
            continue
        target = os.path.join(output, entry.output)
        try:
            size = os.stat(target).st_size
        except (FileNotFoundError, NotADirectoryError):
            continue
        fresh = report.stats.input_summaries.get(entry.path) if entry.status == "cleaned" else None
        if fresh is not None:
            summary = {**fresh, "run_id": report.run_id}
        elif entry.path in known and known[entry.path].get("output") == entry.output:
            summary = known[entry.path]
        else:
            summary = {**summarize_output(Path(target)), "run_id": None}
        summary["output"] = entry.output
        summary["bytes"] = size
        current[entry.path] = summary
    write_json(path, {"corpus_version": CORPUS_VERSION, "updated_by": report.run_id,
                      "inputs": current})
    return current


def runs_overview(output_dir: Path, state: StateDB) -> list[dict[str, Any]]:
    """Every run the state database knows, newest first, with its stats when it has them."""
    rows = state.conn.execute(
        "SELECT run_id, started_at, finished_at, status FROM runs ORDER BY rowid DESC"
    ).fetchall()
    index_dir = output_dir / CORPUS_DIR
    runs = []
    for run_id, started_at, finished_at, status in rows:
        run_dir = output_dir / RUNS_DIR / run_id
        item: dict[str, Any] = {"run_id": run_id, "started_at": started_at,
                                "finished_at": finished_at, "status": status,
                                "href": None, "stats": None}
        stats_path = run_dir / STATS_JSON
        if stats_path.exists():
            data = orjson.loads(stats_path.read_bytes())
            item["stats"] = {
                "inputs": data.get("inputs", {}),
                "documents": data.get("documents", 0),
                "records_failed": data.get("records_failed", 0),
                "chars_in": data.get("chars_in", 0),
                "chars_out": data.get("chars_out", 0),
                "lines_removed": data.get("lines_removed", 0),
                "review_total": data.get("review_total", 0),
                "duration_s": data.get("duration_s"),
            }
        if (run_dir / REPORT_HTML).exists():
            item["href"] = quote(os.path.relpath(run_dir / REPORT_HTML, index_dir))
        runs.append(item)
    return runs


def run_label(run_id: str) -> str:
    """A short chart label for a run id (20261122T091039Z-ac67 → 11-22 09:10)."""
    stamp = run_id.split("-", 1)[0]
    if len(stamp) < 15 or stamp[8] != "T":
        return run_id[:12]
    return f"{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}"


def human_bytes(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{size:,.1f} TB"


def render_corpus_html(
    corpus: dict[str, dict[str, Any]], runs: list[dict[str, Any]], output_dir: Path
) -> str:
    languages: Counter[str] = Counter()
    folders: dict[str, Counter[str]] = {}
    for path, summary in corpus.items():
        languages.update(summary["languages"])
        folder = path.split("/", 1)[0] if "/" in path else "(top level)"
        totals = folders.setdefault(folder, Counter())
        totals["inputs"] += 1
        totals["documents"] += summary["documents"]
        totals["chars_out"] += summary["chars_out"]
        totals["bytes"] += summary["bytes"]
    totals = {
        "inputs": len(corpus),
        "documents": sum(s["documents"] for s in corpus.values()),
        "chars_out": sum(s["chars_out"] for s in corpus.values()),
        "bytes": sum(s["bytes"] for s in corpus.values()),
    }
    charted = [r for r in reversed(runs) if r["stats"]][-RUNS_CHARTED:]
    charts = {
        "languages": bar_chart(top_with_other(ranked(languages), 20),
                               name="corpus-languages", label="Documents per language"),
        "runs": column_chart([(run_label(r["run_id"]), r["stats"]["documents"])
                              for r in charted],
                             name="runs", label="Documents cleaned per run",
                             colour=PALETTE[0], width=max(320, min(1000, 90 * len(charted)))),
    }
    return environment().get_template("corpus.html.j2").render(
        output_dir=str(output_dir), totals=totals, languages=ranked(languages),
        folders=sorted(folders.items()), runs=runs, charts=charts, css=stylesheet(),
        size=human_bytes(totals["bytes"]),
    )


def update_corpus_view(output_dir: Path, report: RunReport, state: StateDB) -> Path:
    """Refresh `_report/corpus.json` and `_report/index.html` after a run."""
    corpus = update_corpus(output_dir, report)
    page = output_dir / CORPUS_DIR / "index.html"
    html = render_corpus_html(corpus, runs_overview(output_dir, state), output_dir)
    write_atomic(page, [html.encode("utf-8")])
    return page
