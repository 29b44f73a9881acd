"""What the reliability bounds cost and hold: memory on a 200 MB line, time on bad pages.

- Peak memory of cleaning a JSONL file whose one line is 200 MB (streamed past, never
  held), against the same file without that line, each in a fresh process.
- Seconds to refuse a 100,000-deep page and a 500,000-link page (shape check).
- What the per-document time limit costs, as a share of cleaning a document.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, SEEDS, Row
from textwash.config import Config, Limits
from textwash.deadline import time_limit
from textwash.document import DocumentKind
from textwash.inputs import RawRecord, discover
from textwash.pipeline import CleanContext, DocumentError, clean_file, clean_raw_record

LINE_MB = 200
PEAK_RSS_CHILD = """
import resource, sys
from pathlib import Path
from textwash.inputs import discover
from textwash.pipeline import CleanContext, clean_file
[item] = [i for i in discover(Path(sys.argv[1])) if i.path == sys.argv[2]]
outcome = clean_file(item, CleanContext(), keep_documents=False)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, len(outcome.lines),
      [f.reason for f in outcome.failures])
"""
GOOD = json.dumps({"text": "Volunteers planted two hundred oak saplings along the river path "
                           "on Saturday, and the parks team will water them all summer."})


def _peak_rss_mb(folder: Path, name: str) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-c", PEAK_RSS_CHILD, str(folder), name],
        capture_output=True, text=True, check=True, cwd=REPO,
    )
    peak, rest = proc.stdout.split(" ", 1)
    return int(peak), rest.strip()


def _huge_line_rows() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "small.jsonl").write_text(f"{GOOD}\n{GOOD}\n", encoding="utf-8")
        with open(folder / "huge.jsonl", "wb") as handle:
            handle.write(GOOD.encode() + b"\n" + b'{"text": "')
            chunk = b"x" * (1024 * 1024)
            for _ in range(LINE_MB):
                handle.write(chunk)
            handle.write(b'"}\n' + GOOD.encode() + b"\n")
        small, _ = _peak_rss_mb(folder, "small.jsonl")
        huge, outcome = _peak_rss_mb(folder, "huge.jsonl")
    limit_mb = Limits().max_jsonl_line_bytes // (1024 * 1024)
    return [Row(f"peak memory, JSONL with one {LINE_MB} MB line", f"+{huge - small} MB",
                f"≤ {limit_mb} MB line limit + 16 MB",
                f"{LINE_MB} MB line between 2 good ones vs 2 good lines",
                f"{small} → {huge} MB RSS; documents, line failures: {outcome}")]


def _refusal_rows() -> list[Row]:
    pages = {
        "100,000-deep page": "<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000,
        "500,000-link page": "<html><body>" + "<a href=#>x</a>" * 500_000,
    }
    rows = []
    for name, markup in pages.items():
        kind: DocumentKind = "html"
        started = time.perf_counter()
        try:
            clean_raw_record(RawRecord("page.html", 0, kind, markup))
            outcome = "cleaned"
        except DocumentError as exc:
            outcome = exc.reason
        seconds = time.perf_counter() - started
        rows.append(Row(f"time to settle a {name}", f"{seconds:.2f} s", "< 30 s (time limit)",
                        f"{len(markup) / 1e6:.1f} MB markup", outcome))
    return rows


def _overhead_rows(rounds: int = 20, empty_blocks: int = 20_000) -> list[Row]:
    """The time limit's own cost per document (arming and disarming, measured on empty
    blocks), as a share of the time to clean a seed document measured alongside."""
    items = [item for item in discover(SEEDS) if not item.skip_reason]
    ctx = CleanContext(Config())
    for item in items:
        clean_file(item, ctx, keep_documents=False)
    started = time.perf_counter()
    for _ in range(rounds):
        for item in items:
            clean_file(item, ctx, keep_documents=False)
    per_document = (time.perf_counter() - started) / (rounds * len(items))
    started = time.perf_counter()
    for _ in range(empty_blocks):
        with time_limit(30.0, "nothing"):
            pass
    per_limit = (time.perf_counter() - started) / empty_blocks
    # a document cleaned alone passes 3 limits: before, during and after the boilerplate
    # stage (in a group it shares the middle one)
    limits = 3
    return [Row("time limit's cost per document", f"{limits * per_limit / per_document:.2%}",
                "≤ 5% of cleaning", f"{len(items)} seeds × {rounds}; {empty_blocks:,} empty"
                " limited blocks", f"{limits} limits of {per_limit * 1e6:.0f} µs vs "
                f"{per_document * 1e3:.1f} ms per document")]


def rows() -> list[Row]:
    return _huge_line_rows() + _refusal_rows() + _overhead_rows()
