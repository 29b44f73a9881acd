"""Run statistics: counters that batches fill in and the flow merges, in input order.

`RunStats` is what the report, the terminal summary and `stats.json` are made from.
Merging is associative and, because batches are merged in input order, the kept
examples are deterministic. This module does no I/O and renders nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

from textwash.document import Document

STATS_VERSION = 1
EXAMPLES_PER_REASON = 5
MAX_REVIEW_ITEMS = 1000
REMOVAL_BINS = 10
VERY_SHORT_CHARS = 200
HEAVY_REMOVAL_SHARE = 0.8


@dataclass(slots=True)
class RunStats:
    inputs: Counter[str] = field(default_factory=Counter)
    input_reasons: Counter[str] = field(default_factory=Counter)
    documents: int = 0
    records_failed: int = 0
    record_failure_reasons: Counter[str] = field(default_factory=Counter)
    chars_in: int = 0
    chars_out: int = 0
    lines_in: int = 0
    lines_removed: int = 0
    removed_by_reason: Counter[str] = field(default_factory=Counter)
    removed_chars_by_reason: Counter[str] = field(default_factory=Counter)
    removal_examples: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    removal_share_histogram: list[int] = field(default_factory=lambda: [0] * REMOVAL_BINS)
    languages: Counter[str] = field(default_factory=Counter)
    mixed_language: list[dict[str, Any]] = field(default_factory=list)
    repairs: Counter[str] = field(default_factory=Counter)
    documents_repaired: int = 0
    damaged: list[dict[str, Any]] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)
    review_total: int = 0

    def add_input(self, status: str, reason: str | None) -> None:
        self.inputs[status] += 1
        if reason:
            self.input_reasons[f"{status}:{reason}"] += 1

    def add_record_failure(self, reason: str) -> None:
        self.records_failed += 1
        self.record_failure_reasons[reason] += 1

    def add_document(self, doc: Document) -> None:
        self.documents += 1
        chars_out = len(doc.text)
        self.chars_in += doc.chars_in
        self.chars_out += chars_out
        self.lines_in += doc.lines_in
        self.lines_removed += len(doc.removed)
        ref = {"path": doc.source_path, "id": doc.id, "index": doc.index}
        for removal in doc.removed:
            self.removed_by_reason[removal.reason] += 1
            self.removed_chars_by_reason[removal.reason] += len(removal.text)
            examples = self.removal_examples.setdefault(removal.reason, [])
            if len(examples) < EXAMPLES_PER_REASON:
                examples.append({**ref, "text": removal.text[:300]})
        share = 1 - chars_out / doc.chars_in if doc.chars_in else 0.0
        share = min(max(share, 0.0), 1.0)
        self.removal_share_histogram[min(int(share * REMOVAL_BINS), REMOVAL_BINS - 1)] += 1
        self.languages[doc.language] += 1
        if len(doc.languages) > 1:
            self.mixed_language.append({**ref, "languages": doc.languages})
        if doc.repairs:
            self.documents_repaired += 1
            self.repairs.update(doc.repairs)
        if doc.encoding_damaged:
            self.damaged.append({**ref, "encoding": doc.encoding_detected})
        flags = review_flags(doc, share)
        if flags:
            self.review_total += 1
            if len(self.review) < MAX_REVIEW_ITEMS:
                self.review.append({**ref, "flags": flags, "chars_out": chars_out})

    def merge(self, other: RunStats) -> None:
        for name in (
            "inputs", "input_reasons", "record_failure_reasons", "removed_by_reason",
            "removed_chars_by_reason", "languages", "repairs",
        ):
            getattr(self, name).update(getattr(other, name))
        for name in (
            "documents", "records_failed", "chars_in", "chars_out", "lines_in",
            "lines_removed", "documents_repaired", "review_total",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, examples in other.removal_examples.items():
            mine = self.removal_examples.setdefault(reason, [])
            mine.extend(examples[: EXAMPLES_PER_REASON - len(mine)])
        self.removal_share_histogram = [
            a + b for a, b in zip(self.removal_share_histogram, other.removal_share_histogram,
                                  strict=True)
        ]
        self.mixed_language.extend(other.mixed_language)
        self.damaged.extend(other.damaged)
        self.review.extend(other.review[: MAX_REVIEW_ITEMS - len(self.review)])

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"stats_version": STATS_VERSION}
        for item in fields(self):
            value = getattr(self, item.name)
            # dataclasses.asdict would rebuild a Counter from (key, count) pairs: wrong.
            data[item.name] = dict(sorted(value.items())) if isinstance(value, Counter) else value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunStats:
        stats = cls()
        for key, value in data.items():
            if key == "stats_version" or not hasattr(stats, key):
                continue
            current = getattr(stats, key)
            setattr(stats, key, Counter(value) if isinstance(current, Counter) else value)
        return stats


def review_flags(doc: Document, removed_share: float) -> list[str]:
    """Why a person should look at this document (empty when nothing stands out)."""
    flags = []
    if not doc.text.strip():
        flags.append("empty-after-cleaning")
    elif removed_share > HEAVY_REMOVAL_SHARE:
        flags.append("mostly-removed")
    if doc.text.strip() and len(doc.text) < VERY_SHORT_CHARS:
        flags.append("very-short")
    if doc.language == "und":
        flags.append("undetermined-language")
    if doc.encoding_damaged:
        flags.append("damaged-encoding")
    return flags
