"""End-to-end cleaning speed on the sample corpus, in-process (no Prefect)."""

from __future__ import annotations

from bench.common import SEEDS, Row, rate
from textwash.inputs import discover
from textwash.pipeline import CleanContext, clean_file


def rows() -> list[Row]:
    items = [item for item in discover(SEEDS) if not item.skip_reason]
    ctx = CleanContext()
    size = sum(item.size for item in items)

    def clean_all() -> int:
        for item in items:
            clean_file(item, ctx, keep_documents=False)
        return len(items)

    clean_all()  # warm-up: vocabularies, detector profiles
    docs_per_s, done = rate(clean_all, min_seconds=3.0)
    return [
        Row("seeds end-to-end, one core", f"{docs_per_s:,.0f} docs/s",
            "≥ 300 docs/s", f"{len(items)} seeds × {done // len(items)}",
            f"{docs_per_s * size / len(items) / 1e6:.2f} MB/s"),
    ]
