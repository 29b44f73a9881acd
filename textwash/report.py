"""A run's data-quality report: what it is made of, and its Markdown and terminal forms.

`build_report()` gathers one run's facts (manifest entries, `RunStats`, parameters,
versions, the previous run's stats for deltas) into a `RunReport`; `render_markdown()`
and `render_summary()` print it; `write_run_report()` writes manifest.jsonl, stats.json,
report.md and report.html into the run folder and refreshes the corpus view. Every number
shown comes from the manifest or the stats, so the report adds up: inputs seen =
cleaned + skipped + failed. The HTML lives in `textwash.report_html`; publishing Prefect
artifacts is the flow's job.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

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
from textwash.state import STATE_FILE, StateDB
from textwash.stats import REMOVAL_BINS, STATS_VERSION, RunStats

REPORT_MD = "report.md"
REPORT_HTML = "report.html"
STATS_JSON = "stats.json"
MANIFEST = "manifest.jsonl"
VERSIONED_PACKAGES = (
    "textwash", "prefect", "ftfy", "langdetect", "beautifulsoup4", "lxml", "chardet", "orjson",
)
MAX_LISTED_RECORD_FAILURES = 500


def ranked(counts: Counter[str], limit: int | None = None) -> list[tuple[str, int]]:
    """(key, count) pairs, largest first, ties by key: the same order however the counts
    were built (Counter.most_common keeps insertion order for ties)."""
    items = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return items if limit is None else items[:limit]


def input_counts(entries: Iterable[ManifestEntry]) -> Counter[str]:
    """Inputs by status, plus `seen` (all of them) and `unchanged` (skipped as unchanged)."""
    counts: Counter[str] = Counter()
    for entry in entries:
        counts[entry.status] += 1
        if entry.reason == "unchanged":
            counts["unchanged"] += 1
    counts["seen"] = sum(counts[s] for s in ("cleaned", "skipped", "failed"))
    return counts


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages a run used; textwash's own is the running
    code's (an editable install's metadata keeps the version it was installed with)."""
    from textwash import __version__

    versions = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        if name == "textwash":
            versions[name] = __version__
            continue
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@dataclass(slots=True)
class Delta:
    measure: str
    now: int
    before: int

    @property
    def change(self) -> int:
        return self.now - self.before


@dataclass(slots=True)
class RunReport:
    """Everything a run's report shows, computed once for every rendering."""

    run_id: str
    started_at: str
    finished_at: str
    params: dict[str, Any]
    versions: dict[str, str]
    stats: RunStats
    entries: list[ManifestEntry]
    run_dir: Path
    output_dir: Path
    input_dir: Path | None = None
    previous: RunStats | None = None
    previous_run_id: str | None = None
    counts: Counter[str] = field(default_factory=Counter)
    # Inputs skipped as unchanged whose last cleaning failed: {path, reason, run_id}.
    unchanged_failed: list[dict[str, Any]] = field(default_factory=list)
    # Looked up once per listed input by the HTML report: built on first use.
    _outputs: dict[str, str] | None = field(default=None, repr=False, compare=False)
    _resolved_input_dir: Path | None = field(default=None, repr=False, compare=False)

    @property
    def duration_s(self) -> float | None:
        try:
            start = dt.datetime.fromisoformat(self.started_at)
            end = dt.datetime.fromisoformat(self.finished_at)
        except ValueError:
            return None
        return (end - start).total_seconds()

    @property
    def problems(self) -> list[ManifestEntry]:
        """Inputs skipped for a reason other than being unchanged, and failed inputs."""
        return [e for e in self.entries if e.status != "cleaned" and e.reason != "unchanged"]

    @property
    def record_failures(self) -> list[tuple[ManifestEntry, dict[str, Any]]]:
        return [(e, f) for e in self.entries for f in e.failed_records]

    def outputs(self) -> dict[str, str]:
        """Input path -> output file of each input with records (the entries never change)."""
        if self._outputs is None:
            self._outputs = {e.path: e.output for e in self.entries if e.output}
        return self._outputs

    def source_href(self, path: str) -> str | None:
        """A file: link to an input, when the input folder is known."""
        if self.input_dir is None:
            return None
        if self._resolved_input_dir is None:
            self._resolved_input_dir = self.input_dir.resolve()
        return (self._resolved_input_dir / path).as_uri()

    def output_href(self, path: str) -> str | None:
        """A link, relative to the run folder, to the JSONL file holding an input's records."""
        output = self.outputs().get(path)
        if not output:
            return None
        return quote(os.path.relpath(self.output_dir / output, self.run_dir))

    def deltas(self) -> list[Delta]:
        """This run against the previous finished run, measure by measure."""
        if self.previous is None:
            return []
        now, before = self.stats, self.previous
        before_inputs = before.inputs
        before_seen = before_inputs.get("seen") or sum(
            before_inputs[s] for s in ("cleaned", "skipped", "failed")
        )
        rows = [
            Delta("inputs seen", self.counts["seen"], before_seen),
            Delta("inputs cleaned", self.counts["cleaned"], before_inputs["cleaned"]),
            Delta("inputs skipped", self.counts["skipped"], before_inputs["skipped"]),
            Delta("inputs failed", self.counts["failed"], before_inputs["failed"]),
            Delta("documents written", now.documents, before.documents),
            Delta("records failed", now.records_failed, before.records_failed),
            Delta("characters in", now.chars_in, before.chars_in),
            Delta("characters out", now.chars_out, before.chars_out),
            Delta("lines removed", now.lines_removed, before.lines_removed),
            Delta("documents needing review", now.review_total, before.review_total),
            Delta("documents with damaged encoding", now.damaged_total,
                  before.damaged_total or len(before.damaged)),
        ]
        for reason in sorted(set(now.removed_by_reason) | set(before.removed_by_reason)):
            rows.append(Delta(f"removed: {reason}", now.removed_by_reason[reason],
                              before.removed_by_reason[reason]))
        for language in sorted(set(now.languages) | set(before.languages)):
            rows.append(Delta(f"language: {language}", now.languages[language],
                              before.languages[language]))
        return rows


def build_report(
    *,
    run_id: str,
    started_at: str,
    finished_at: str,
    params: dict[str, Any],
    stats: RunStats,
    entries: list[ManifestEntry],
    run_dir: Path,
    output_dir: Path,
    input_dir: Path | None = None,
    previous: RunStats | None = None,
    previous_run_id: str | None = None,
    versions: dict[str, str] | None = None,
    unchanged_failed: list[dict[str, Any]] | None = None,
) -> RunReport:
    return RunReport(
        run_id=run_id, started_at=started_at, finished_at=finished_at, params=params,
        versions=versions or package_versions(), stats=stats,
        entries=sorted(entries, key=lambda e: e.path), run_dir=run_dir,
        output_dir=output_dir, input_dir=input_dir, previous=previous,
        previous_run_id=previous_run_id, counts=input_counts(entries),
        unchanged_failed=unchanged_failed or [],
    )


# -- Markdown -----------------------------------------------------------------------------


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


def share_bin_label(index: int) -> str:
    low, high = index * 100 // REMOVAL_BINS, (index + 1) * 100 // REMOVAL_BINS
    return f"{low}–{high}%"


def render_markdown(report: RunReport) -> str:
    stats, counts, previous = report.stats, report.counts, report.previous
    out: list[str] = [f"# textwash run {report.run_id}", ""]
    docs_before = previous.documents if previous else None
    out += [
        "## Summary",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| inputs seen | {counts['seen']:,} |",
        f"| inputs cleaned | {counts['cleaned']:,} |",
        f"| inputs skipped | {counts['skipped']:,} ({counts['unchanged']:,} unchanged) |",
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
    if report.previous_run_id:
        out += [f"Deltas are against run `{report.previous_run_id}`.", ""]

    problems, record_failures = report.problems, report.record_failures
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
        for entry, failure in record_failures[:MAX_LISTED_RECORD_FAILURES]:
            out.append(
                f"| `{_md_escape(entry.path)}` line {failure['line']} | record failed |"
                f" {failure['reason']} | {_md_escape(failure['error'])} |"
            )
        out.append("")
    if counts["unchanged"]:
        out += [f"{counts['unchanged']:,} inputs were unchanged since their last run and not "
                "cleaned again.", ""]
    if report.unchanged_failed:
        out += ["Unchanged inputs that failed when last cleaned:", ""]
        out += [f"- `{_md_escape(item['path'])}`: {item['reason']} (run {item['run_id']})"
                for item in report.unchanged_failed]
        out.append("")

    if stats.html_fallbacks:
        out += ["## HTML pages cleaned as plain text", "",
                "Beyond the bounds of parsing, these pages had their tags stripped instead of "
                "their main content extracted (listed under review as `html-fallback`).", "",
                "| reason | documents |", "|---|---:|"]
        out += [f"| {reason} | {count:,} |" for reason, count in ranked(stats.html_fallbacks)]
        out.append("")

    out += ["## Removed lines by reason", ""]
    if not stats.removed_by_reason:
        out += ["Nothing was removed.", ""]
    else:
        out += ["| reason | lines | characters | examples |", "|---|---:|---:|---|"]
        for reason, lines in ranked(stats.removed_by_reason):
            examples = "<br>".join(
                f"`{_md_escape(ex['text'][:120])}` ({_md_escape(ex['path'])})"
                for ex in stats.examples(reason)
            )
            out.append(
                f"| {reason} | {lines:,} | {stats.removed_chars_by_reason[reason]:,} |"
                f" {examples} |"
            )
        out.append("")

    out += ["## Share of each document removed", "", "| removed | documents |", "|---|---:|"]
    for i, count in enumerate(stats.removal_share_histogram):
        out.append(f"| {share_bin_label(i)} | {count:,} |")
    out.append("")

    out += ["## Languages", "", "| language | documents |", "|---|---:|"]
    for language, count in ranked(stats.languages):
        out.append(f"| {language} | {count:,} |")
    out.append("")
    if stats.mixed_language:
        out += [f"Mixed-language documents ({stats.mixed_language_total:,}):", ""]
        for item in stats.mixed_language[:50]:
            mix = ", ".join(f"{code} {share:.0%}" for code, share in item["languages"])
            out.append(f"- `{_md_escape(item['path'])}` #{item['index']} ({item['id']}): {mix}")
        out.append("")

    out += ["## Encoding repairs", ""]
    if stats.repairs:
        out += ["| repair | count |", "|---|---:|"]
        out += [f"| {kind} | {count:,} |" for kind, count in ranked(stats.repairs)]
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

    deltas = report.deltas()
    if deltas:
        out += [f"## Against run {report.previous_run_id}", "",
                "| measure | this run | previous | change |", "|---|---:|---:|---:|"]
        out += [f"| {d.measure} | {d.now:,} | {d.before:,} | {d.change:+,} |"
                for d in deltas if d.now or d.before]
        out.append("")

    out += ["## Parameters and versions", "", "```"]
    out += [f"{key}: {value}" for key, value in sorted(report.params.items())]
    out += [f"{name} {version}" for name, version in sorted(report.versions.items())]
    out += ["```", ""]
    return "\n".join(out)


def render_summary(report: RunReport, *, report_path: str) -> str:
    """A one-screen terminal summary of a run."""
    stats, counts = report.stats, report.counts
    lines = [
        f"textwash run {report.run_id}",
        f"  inputs:    {counts['seen']} seen, {counts['cleaned']} cleaned, "
        f"{counts['skipped']} skipped ({counts['unchanged']} unchanged), "
        f"{counts['failed']} failed",
        f"  documents: {stats.documents} cleaned, {stats.records_failed} records failed, "
        f"{stats.chars_in:,} → {stats.chars_out:,} characters",
    ]
    if stats.removed_by_reason:
        removed = ", ".join(f"{r} {n}" for r, n in ranked(stats.removed_by_reason))
        lines.append(f"  removed:   {removed}")
    if stats.languages:
        langs = ", ".join(f"{code} {n}" for code, n in ranked(stats.languages, 8))
        lines.append(f"  languages: {langs}")
    if stats.html_fallbacks:
        fallbacks = ", ".join(f"{r} {n}" for r, n in ranked(stats.html_fallbacks))
        lines.append(f"  as text:   {fallbacks} (HTML beyond parsing bounds)")
    if report.unchanged_failed:
        lines.append(f"  failing:   {len(report.unchanged_failed)} unchanged inputs that failed "
                     "when last cleaned")
    if stats.review_total:
        flags = ", ".join(f"{flag} {n}" for flag, n in ranked(stats.review_flags))
        lines.append(f"  review:    {stats.review_total} documents ({flags})")
    failures = [e for e in report.entries if e.status == "failed"]
    for entry in failures[:10]:
        lines.append(f"  FAILED     {entry.path}: {entry.reason}: {entry.error}")
    if len(failures) > 10:
        lines.append(f"  … and {len(failures) - 10} more failures (see the report)")
    lines.append(f"  report:    {report_path}")
    return "\n".join(lines)


# -- Files ------------------------------------------------------------------------------


def stats_document(report: RunReport) -> dict[str, Any]:
    """The versioned, machine-readable `stats.json` of a run."""
    return {
        **report.stats.to_dict(),
        "stats_version": STATS_VERSION,
        "run_id": report.run_id,
        "started_at": report.started_at,
        "finished_at": report.finished_at,
        "duration_s": report.duration_s,
        "previous_run_id": report.previous_run_id,
        "params": report.params,
        "versions": report.versions,
        "inputs": dict(sorted(report.counts.items())),
        "unchanged_failed": report.unchanged_failed,
    }


def unchanged_failures(run: RunContext, entries: list[ManifestEntry]) -> list[dict[str, Any]]:
    """Inputs not cleaned again because unchanged, whose last cleaning failed: still broken,
    though this run's counts do not say so."""
    failed = []
    for entry in sorted(entries, key=lambda e: e.path):
        known = run.known.get(entry.path)
        if entry.reason == "unchanged" and known is not None and known.status == "failed":
            failed.append({"path": entry.path, "reason": known.reason, "run_id": known.run_id})
    return failed


def write_run_report(
    run: RunContext,
    entries: list[ManifestEntry],
    stats: RunStats,
    params: dict[str, Any],
) -> dict[str, Any]:
    """Write manifest.jsonl, stats.json, report.md and report.html for a run, refresh the
    corpus view, mark the run finished; return what the flow and the CLI show."""
    from textwash.report_corpus import update_corpus_view
    from textwash.report_html import render_html

    previous_id = run.state.previous_run(run.run_id)
    previous = load_stats(run.output_dir / RUNS_DIR / previous_id) if previous_id else None
    write_manifest(run.run_dir, entries)
    report = build_report(
        run_id=run.run_id, started_at=run.started_at, finished_at=utc_now(), params=params,
        stats=stats, entries=entries, run_dir=run.run_dir, output_dir=run.output_dir,
        input_dir=run.input_dir, previous=previous, previous_run_id=previous_id,
        unchanged_failed=unchanged_failures(run, entries),
    )
    write_json(run.run_dir / STATS_JSON, stats_document(report))
    markdown = render_markdown(report)
    write_atomic(run.run_dir / REPORT_MD, [markdown.encode("utf-8")])
    html_path = run.run_dir / REPORT_HTML
    write_atomic(html_path, [render_html(report).encode("utf-8")])
    summary = render_summary(report, report_path=str(html_path))
    run.state.finish_run(run.run_id, report.finished_at, "finished", summary)
    corpus_path = update_corpus_view(run.output_dir, report, run.state)
    return {
        "run_id": run.run_id,
        "run_dir": str(run.run_dir),
        "report": str(html_path),
        "report_md": str(run.run_dir / REPORT_MD),
        "corpus_report": str(corpus_path),
        "markdown": markdown,
        "summary": summary,
        "inputs": dict(report.counts),
        "documents": stats.documents,
        "removed_by_reason": dict(stats.removed_by_reason),
    }


def load_stats(run_dir: Path) -> RunStats | None:
    path = run_dir / STATS_JSON
    if not path.exists():
        return None
    return RunStats.from_dict(orjson.loads(path.read_bytes()))


def load_manifest(run_dir: Path) -> list[ManifestEntry]:
    path = run_dir / MANIFEST
    if not path.exists():
        return []
    return [ManifestEntry(**orjson.loads(line)) for line in path.read_bytes().splitlines()
            if line.strip()]


def load_report(output_dir: Path, run_id: str) -> RunReport | None:
    """Rebuild a finished run's report from its stats.json and manifest (None if absent)."""
    run_dir = output_dir / RUNS_DIR / run_id
    path = run_dir / STATS_JSON
    if not path.exists():
        return None
    data = orjson.loads(path.read_bytes())
    previous_id = data.get("previous_run_id")
    previous = load_stats(output_dir / RUNS_DIR / previous_id) if previous_id else None
    input_dir = data.get("params", {}).get("input_dir")
    return build_report(
        run_id=run_id, started_at=data.get("started_at", ""),
        finished_at=data.get("finished_at", ""), params=data.get("params", {}),
        stats=RunStats.from_dict(data), entries=load_manifest(run_dir), run_dir=run_dir,
        output_dir=output_dir, input_dir=Path(input_dir) if input_dir else None,
        previous=previous, previous_run_id=previous_id,
        # stats.json before version 2 kept no versions: show what the parameters recorded.
        versions=data.get("versions")
        or {"textwash": str(data.get("params", {}).get("version", "not recorded"))},
        unchanged_failed=data.get("unchanged_failed"),
    )


def latest_run_id(output_dir: Path) -> str | None:
    """The newest run under `output_dir` that has its stats (a finished run)."""
    runs_dir = output_dir / RUNS_DIR
    if not runs_dir.is_dir():
        return None
    finished = {p.name for p in runs_dir.iterdir() if (p / STATS_JSON).exists()}
    if (output_dir / STATE_FILE).exists():
        state = StateDB(output_dir)
        try:
            rows = state.conn.execute("SELECT run_id FROM runs ORDER BY rowid DESC").fetchall()
        finally:
            state.close()
        for (run_id,) in rows:
            if run_id in finished:
                return run_id
    return max(finished) if finished else None


def show_run(output_dir: Path, run_id: str) -> str | None:
    """The terminal summary of a finished run, with the path of its report.html.

    The HTML is rendered again from stats.json and the manifest when it is missing
    (runs written before it existed, or a deleted file). None when the run has no stats.
    """
    from textwash.report_html import render_html

    report = load_report(output_dir, run_id)
    if report is None:
        return None
    html_path = report.run_dir / REPORT_HTML
    if not html_path.exists():
        write_atomic(html_path, [render_html(report).encode("utf-8")])
    return render_summary(report, report_path=str(html_path))
