"""Render a run's data-quality report as Markdown, and the terminal summary.

Input: the run's `RunStats`, its manifest entries and parameters, and the previous
run's stats for deltas. Output: text only; writing files and publishing Prefect
artifacts is the caller's job. Every number shown is computed from the manifest or the
stats, so the report adds up: inputs seen = cleaned + skipped + failed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from textwash.runner import (
    RUNS_DIR,
    ManifestEntry,
    RunContext,
    utc_now,
    write_atomic,
    write_json,
    write_manifest,
)
from textwash.stats import REMOVAL_BINS, RunStats


def _md_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("`", "'")
        .replace("<", "&lt;").replace(">", "&gt;")
    )


def _delta(now: int, before: int | None) -> str:
    if before is None:
        return ""
    change = now - before
    return f" ({change:+,})" if change else " (±0)"


def input_counts(entries: Iterable[ManifestEntry]) -> Counter[str]:
    counts: Counter[str] = Counter(entry.status for entry in entries)
    counts["seen"] = sum(counts[s] for s in ("cleaned", "skipped", "failed"))
    return counts


def render_markdown(
    *,
    run_id: str,
    params: dict[str, Any],
    stats: RunStats,
    entries: list[ManifestEntry],
    previous: RunStats | None = None,
    previous_run_id: str | None = None,
) -> str:
    counts = input_counts(entries)
    out: list[str] = [f"# textwash run {run_id}", ""]
    docs_before = previous.documents if previous else None
    out += [
        "## Summary",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| inputs seen | {counts['seen']:,} |",
        f"| inputs cleaned | {counts['cleaned']:,} |",
        f"| inputs skipped | {counts['skipped']:,} |",
        f"| inputs failed | {counts['failed']:,} |",
        f"| documents written | {stats.documents:,}{_delta(stats.documents, docs_before)} |",
        f"| records failed | {stats.records_failed:,} |",
        f"| characters in | {stats.chars_in:,} |",
        f"| characters out | {stats.chars_out:,} |",
        f"| lines removed | {stats.lines_removed:,} of {stats.lines_in:,} |",
        f"| documents with repairs | {stats.documents_repaired:,} |",
        f"| documents needing review | {stats.review_total:,} |",
        "",
    ]
    if previous_run_id:
        out += [f"Deltas are against run `{previous_run_id}`.", ""]

    problems = [e for e in entries if e.status != "cleaned" and e.reason != "unchanged"]
    record_failures = [(e, f) for e in entries for f in e.failed_records]
    out += ["## Skipped and failed inputs", ""]
    if not problems and not record_failures:
        out += ["None.", ""]
    else:
        out += ["| input | status | reason | error |", "|---|---|---|---|"]
        for entry in problems:
            out.append(
                f"| `{_md_escape(entry.path)}` | {entry.status} | {entry.reason or ''} |"
                f" {_md_escape(entry.error or '')} |"
            )
        for entry, failure in record_failures:
            out.append(
                f"| `{_md_escape(entry.path)}` line {failure['line']} | record failed |"
                f" {failure['reason']} | {_md_escape(failure['error'])} |"
            )
        out.append("")
    unchanged = sum(1 for e in entries if e.reason == "unchanged")
    if unchanged:
        out += [f"{unchanged:,} inputs were unchanged since their last run and not cleaned again.",
                ""]

    out += ["## Removed lines by reason", ""]
    if not stats.removed_by_reason:
        out += ["Nothing was removed.", ""]
    else:
        out += ["| reason | lines | characters | examples |", "|---|---:|---:|---|"]
        for reason, lines in stats.removed_by_reason.most_common():
            examples = "<br>".join(
                f"`{_md_escape(ex['text'][:120])}` ({_md_escape(ex['path'])})"
                for ex in stats.removal_examples.get(reason, [])
            )
            out.append(
                f"| {reason} | {lines:,} | {stats.removed_chars_by_reason[reason]:,} |"
                f" {examples} |"
            )
        out.append("")

    out += ["## Share of each document removed", "", "| removed | documents |", "|---|---:|"]
    for i, count in enumerate(stats.removal_share_histogram):
        low, high = i * 100 // REMOVAL_BINS, (i + 1) * 100 // REMOVAL_BINS
        out.append(f"| {low}–{high}% | {count:,} |")
    out.append("")

    out += ["## Languages", "", "| language | documents |", "|---|---:|"]
    for language, count in stats.languages.most_common():
        out.append(f"| {language} | {count:,} |")
    out.append("")
    if stats.mixed_language:
        out += ["Mixed-language documents:", ""]
        for item in stats.mixed_language[:50]:
            mix = ", ".join(f"{code} {share:.0%}" for code, share in item["languages"])
            out.append(f"- `{_md_escape(item['path'])}` #{item['index']} ({item['id']}): {mix}")
        out.append("")

    out += ["## Encoding repairs", ""]
    if stats.repairs:
        out += ["| repair | count |", "|---|---:|"]
        out += [f"| {kind} | {count:,} |" for kind, count in stats.repairs.most_common()]
        out.append("")
    else:
        out += ["No repairs were needed.", ""]
    if stats.damaged:
        out += ["Documents with damaged encoding (lost characters kept as found):", ""]
        out += [f"- `{_md_escape(d['path'])}` #{d['index']} ({d['id']}), {d['encoding']}"
                for d in stats.damaged[:100]]
        out.append("")

    out += ["## Documents needing review", ""]
    if not stats.review:
        out += ["None.", ""]
    else:
        out += ["| input | record | id | flags | chars out |", "|---|---:|---|---|---:|"]
        for item in stats.review:
            out.append(
                f"| `{_md_escape(item['path'])}` | {item['index']} | {item['id']} |"
                f" {', '.join(item['flags'])} | {item['chars_out']:,} |"
            )
        if stats.review_total > len(stats.review):
            out.append(f"| … | | | {stats.review_total - len(stats.review):,} more | |")
        out.append("")

    out += ["## Parameters", "", "```"]
    out += [f"{key}: {value}" for key, value in sorted(params.items())]
    out += ["```", ""]
    return "\n".join(out)


def render_summary(
    *, run_id: str, stats: RunStats, entries: list[ManifestEntry], report_path: str
) -> str:
    """A one-screen terminal summary of a run."""
    counts = input_counts(entries)
    unchanged = sum(1 for e in entries if e.reason == "unchanged")
    lines = [
        f"textwash run {run_id}",
        f"  inputs:    {counts['seen']} seen, {counts['cleaned']} cleaned, "
        f"{counts['skipped']} skipped ({unchanged} unchanged), {counts['failed']} failed",
        f"  documents: {stats.documents} cleaned, {stats.records_failed} records failed, "
        f"{stats.chars_in:,} → {stats.chars_out:,} characters",
    ]
    if stats.removed_by_reason:
        removed = ", ".join(f"{r} {n}" for r, n in stats.removed_by_reason.most_common())
        lines.append(f"  removed:   {removed}")
    if stats.languages:
        langs = ", ".join(f"{code} {n}" for code, n in stats.languages.most_common(8))
        lines.append(f"  languages: {langs}")
    failures = [e for e in entries if e.status == "failed"]
    for entry in failures[:10]:
        lines.append(f"  FAILED     {entry.path}: {entry.reason}: {entry.error}")
    if len(failures) > 10:
        lines.append(f"  … and {len(failures) - 10} more failures (see the report)")
    lines.append(f"  report:    {report_path}")
    return "\n".join(lines)


def write_run_report(
    run: RunContext,
    entries: list[ManifestEntry],
    stats: RunStats,
    params: dict[str, Any],
) -> dict[str, Any]:
    """Write manifest.jsonl, stats.json and report.md for a run; return their summary."""
    previous_id = run.state.previous_run(run.run_id)
    previous = _load_stats(run.output_dir / RUNS_DIR / previous_id) if previous_id else None
    write_manifest(run.run_dir, entries)
    stats_doc = {
        "run_id": run.run_id,
        "started_at": run.started_at,
        "finished_at": utc_now(),
        "params": params,
        "inputs": dict(input_counts(entries)),
        **stats.to_dict(),
    }
    write_json(run.run_dir / "stats.json", stats_doc)
    markdown = render_markdown(
        run_id=run.run_id, params=params, stats=stats, entries=entries,
        previous=previous, previous_run_id=previous_id,
    )
    report_path = run.run_dir / "report.md"
    write_atomic(report_path, [markdown.encode("utf-8")])
    summary = render_summary(
        run_id=run.run_id, stats=stats, entries=entries, report_path=str(report_path)
    )
    run.state.finish_run(run.run_id, stats_doc["finished_at"], "finished", summary)
    return {
        "run_id": run.run_id,
        "run_dir": str(run.run_dir),
        "report": str(report_path),
        "markdown": markdown,
        "summary": summary,
        "inputs": stats_doc["inputs"],
        "documents": stats.documents,
        "removed_by_reason": dict(stats.removed_by_reason),
    }


def _load_stats(run_dir: Path) -> RunStats | None:
    path = run_dir / "stats.json"
    if not path.exists():
        return None
    return RunStats.from_dict(orjson.loads(path.read_bytes()))
