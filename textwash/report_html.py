"""Render a run's report (and the corpus view) as one self-contained HTML page.

Jinja2 templates and the stylesheet live in `textwash/data/report/`; charts are inline
SVG from `textwash.report_charts`. The page loads nothing: no script, no font, no
image file, and a Content-Security-Policy that forbids them, so it opens the same from
a file share, an artifact store or a mail attachment. This module computes no
statistics: everything comes from a `RunReport`.
"""

from __future__ import annotations

import os
from contextlib import suppress
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote

import jinja2
import orjson
from markupsafe import Markup

from textwash.report import MAX_LISTED_RECORD_FAILURES, RunReport, ranked, share_bin_label
from textwash.report_charts import PALETTE, STATUS_COLOURS, bar_chart, column_chart, stacked_bar
from textwash.stats import (
    EXAMPLES_PER_DOCUMENT,
    EXAMPLES_PER_REASON,
    HEAVY_REMOVAL_SHARE,
    LENGTH_BIN_BOUNDS,
    REMOVAL_BINS,
    VERY_SHORT_CHARS,
)

CORPUS_DIR = "_report"
TOP_LANGUAGES = 20


class _TemplateCodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates kept in the user's temporary folder between runs
    (compiling the report templates costs ~0.3 s of CPU per run). An entry is used only
    for the same template source and Python version (Jinja checks both); a cache that
    cannot be written is simply not kept."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def _template_code_cache() -> jinja2.BytecodeCache | None:
    try:
        return _TemplateCodeCache()
    except (OSError, RuntimeError):  # no private temporary folder to be had
        return None


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("textwash", "data/report"),
        bytecode_cache=_template_code_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["ranked"] = ranked
    return env


def stylesheet() -> Markup:
    """The report stylesheet, inlined as is (it is ours, not data: no escaping)."""
    return Markup(resources.files("textwash").joinpath("data/report/report.css").read_text("utf-8"))


def length_bin_labels() -> list[str]:
    labels = ["empty"]
    bounds = LENGTH_BIN_BOUNDS
    for low, high in zip(bounds, bounds[1:], strict=False):
        labels.append(f"{_short(low)}–{_short(high - 1 if high < 1000 else high)}")
    labels.append(f"≥{_short(bounds[-1])}")
    return labels


def _short(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def top_with_other(items: list[tuple[str, int]], limit: int) -> list[tuple[str, int]]:
    if len(items) <= limit:
        return items
    return [*items[: limit - 1], ("other", sum(v for _, v in items[limit - 1:]))]


def run_charts(report: RunReport) -> dict[str, Any]:
    s, c = report.stats, report.counts
    heavy_bin = int(HEAVY_REMOVAL_SHARE * REMOVAL_BINS)
    return {
        "inputs": stacked_bar(
            [(status, c[status], STATUS_COLOURS[status])
             for status in ("cleaned", "skipped", "failed")],
            name="inputs", label="Inputs by outcome",
        ),
        "reasons": bar_chart(ranked(s.removed_by_reason), name="removed-by-reason",
                             label="Removed lines per reason", width=520, colour=PALETTE[1]),
        "share": column_chart(
            [(share_bin_label(i), n) for i, n in enumerate(s.removal_share_histogram)],
            name="removal-share", label="Documents by share of characters removed", width=520,
            highlight_from=heavy_bin,
        ),
        "length": column_chart(
            list(zip(length_bin_labels(), s.length_histogram, strict=True)),
            name="length", label="Documents by length after cleaning (characters)",
            colour=PALETTE[5],
        ),
        "languages": bar_chart(
            top_with_other(ranked(s.languages), TOP_LANGUAGES), name="languages",
            label="Documents per language",
        ),
        "repairs": bar_chart(ranked(s.repairs), name="repairs",
                             label="Encoding repairs by kind", colour=PALETTE[4]),
    }


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def callouts(report: RunReport) -> list[dict[str, str]]:
    """The few sentences a reviewer should read first."""
    s, c = report.stats, report.counts
    notes = []
    if c["failed"]:
        notes.append({"tone": "bad",
                      "text": f"{plural(c['failed'], 'input file')} failed: see Inputs."})
    if report.unchanged_failed:
        notes.append({"tone": "bad", "text": f"{plural(len(report.unchanged_failed), 'input')} "
                                             "failed in an earlier run and, unchanged, still "
                                             "stand failed: see Inputs."})
    if s.records_failed:
        notes.append({"tone": "bad",
                      "text": f"{plural(s.records_failed, 'record')} could not become "
                              "documents: see Inputs."})
    if s.review_flags.get("empty-after-cleaning"):
        empty = s.review_flags["empty-after-cleaning"]
        notes.append({"tone": "bad", "text": f"{plural(empty, 'document')} "
                                             f"{'is' if empty == 1 else 'are'} empty after "
                                             "cleaning."})
    if s.damaged_total:
        notes.append({"tone": "warn", "text": f"{plural(s.damaged_total, 'document')} had "
                                              "characters lost to a wrong encoding before "
                                              "textwash: see Encoding."})
    fallbacks = sum(s.html_fallbacks.values())
    if fallbacks:
        notes.append({"tone": "warn", "text": f"{plural(fallbacks, 'HTML page')} "
                                              f"{'was' if fallbacks == 1 else 'were'} beyond "
                                              "the bounds of parsing and cleaned as plain "
                                              "text: see Review (html-fallback)."})
    if s.review_total:
        notes.append({"tone": "warn",
                      "text": f"{plural(s.review_total, 'document')} "
                              f"need{'s' if s.review_total == 1 else ''} a look: see Review."})
    if not notes:
        notes.append({"tone": "ok", "text": "Nothing failed and no document was flagged."})
    return notes


def render_html(report: RunReport) -> str:
    s = report.stats
    failures = report.record_failures
    corpus_index = report.output_dir / CORPUS_DIR / "index.html"
    params_text = orjson.dumps(report.params, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS,
                               default=str).decode()
    return environment().get_template("run.html.j2").render(
        r=report,
        s=s,
        c=report.counts,
        d={row.measure: row.change for row in report.deltas()},
        deltas=[row for row in report.deltas() if row.now or row.before],
        charts=run_charts(report),
        callouts=callouts(report),
        problems=report.problems,
        record_failures=failures[:MAX_LISTED_RECORD_FAILURES],
        record_failures_hidden=max(len(failures) - MAX_LISTED_RECORD_FAILURES, 0),
        kept_share=f"{s.chars_out / s.chars_in:.0%}" if s.chars_in else "–",
        heavy_pct=round(HEAVY_REMOVAL_SHARE * 100),
        very_short=VERY_SHORT_CHARS,
        examples_per_reason=EXAMPLES_PER_REASON,
        examples_per_document=EXAMPLES_PER_DOCUMENT,
        params_text=params_text,
        corpus_href=quote(os.path.relpath(corpus_index, report.run_dir)),
        css=stylesheet(),
    )
