"""Run statistics: counters that batches fill in and the flow merges, in input order.

`RunStats` is what the reports, the terminal summary and `stats.json` are made from.
Counts are exact; the lists of examples and of documents to look at are capped, each
with an exact total beside it. Merging is associative and, because batches are merged
in input order, the kept examples are the same whatever the batch size. Per-input
summaries (`input_summaries`) feed the corpus view and are not part of `stats.json`.
This module does no I/O and renders nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

from textwash.document import Document

STATS_VERSION = 2
# Distinct removed lines kept per reason as examples for the report, preferring at most
# EXAMPLES_PER_DOCUMENT from each document so that one page does not fill the list.
EXAMPLES_PER_REASON = 8
EXAMPLES_PER_DOCUMENT = 1
MAX_REVIEW_ITEMS = 1000
MAX_LISTED_DOCUMENTS = 200
# Removed lines kept with each document listed for review.
REMOVED_SHOWN_PER_REVIEW = 5
REMOVAL_BINS = 10
# Upper bounds (exclusive) of the output-length bins, in characters; the last bin is open.
LENGTH_BIN_BOUNDS = (1, 200, 500, 1_000, 2_000, 5_000, 10_000, 50_000)
VERY_SHORT_CHARS = 200
HEAVY_REMOVAL_SHARE = 0.8

REVIEW_FLAGS = (
    "empty-after-cleaning", "mostly-removed", "very-short", "undetermined-language",
    "damaged-encoding", "html-fallback",
)
_COUNTERS = (
    "inputs", "input_reasons", "record_failure_reasons", "removed_by_reason",
    "removed_chars_by_reason", "languages", "chars_out_by_language", "repairs",
    "documents_by_kind", "review_flags", "html_fallbacks",
)
_SUMS = (
    "documents", "records_failed", "chars_in", "chars_out", "lines_in", "lines_removed",
    "documents_repaired", "review_total", "mixed_language_total", "damaged_total",
    "undetermined_total",
)
# (list field, cap) of the capped document lists; each has a `<name>_total` or equivalent.
_CAPPED_LISTS = (
    ("mixed_language", MAX_LISTED_DOCUMENTS), ("damaged", MAX_LISTED_DOCUMENTS),
    ("undetermined", MAX_LISTED_DOCUMENTS), ("review", MAX_REVIEW_ITEMS),
)


def length_bin(chars: int) -> int:
    """The index of the output-length bin `chars` falls in."""
    for index, bound in enumerate(LENGTH_BIN_BOUNDS):
        if chars < bound:
            return index
    return len(LENGTH_BIN_BOUNDS)


def removed_share(removed_chars: int, chars_out: int) -> float:
    """The share of a document's text that cleaning removed, in [0, 1].

    Counted on text (removed lines and blocks against the text kept), not on the input's
    characters: an HTML page's markup is not text a reader lost.
    """
    total = removed_chars + chars_out
    return removed_chars / total if total else 0.0


@dataclass(slots=True)
class RunStats:
    inputs: Counter[str] = field(default_factory=Counter)
    input_reasons: Counter[str] = field(default_factory=Counter)
    documents: int = 0
    documents_by_kind: Counter[str] = field(default_factory=Counter)
    records_failed: int = 0
    record_failure_reasons: Counter[str] = field(default_factory=Counter)
    chars_in: int = 0
    chars_out: int = 0
    lines_in: int = 0
    lines_removed: int = 0
    removed_by_reason: Counter[str] = field(default_factory=Counter)
    removed_chars_by_reason: Counter[str] = field(default_factory=Counter)
    removal_examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # A document's further lines of a reason: shown only where the list is not full.
    removal_examples_more: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    removal_share_histogram: list[int] = field(default_factory=lambda: [0] * REMOVAL_BINS)
    length_histogram: list[int] = field(
        default_factory=lambda: [0] * (len(LENGTH_BIN_BOUNDS) + 1)
    )
    languages: Counter[str] = field(default_factory=Counter)
    chars_out_by_language: Counter[str] = field(default_factory=Counter)
    mixed_language: list[dict[str, Any]] = field(default_factory=list)
    mixed_language_total: int = 0
    undetermined: list[dict[str, Any]] = field(default_factory=list)
    undetermined_total: int = 0
    repairs: Counter[str] = field(default_factory=Counter)
    # HTML pages cleaned as plain text instead of by main-content extraction, by reason.
    html_fallbacks: Counter[str] = field(default_factory=Counter)
    documents_repaired: int = 0
    damaged: list[dict[str, Any]] = field(default_factory=list)
    damaged_total: int = 0
    review: list[dict[str, Any]] = field(default_factory=list)
    review_total: int = 0
    review_flags: Counter[str] = field(default_factory=Counter)
    input_summaries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add_input(self, status: str, reason: str | None) -> None:
        self.inputs[status] += 1
        if reason:
            self.input_reasons[f"{status}:{reason}"] += 1

    def add_record_failure(self, reason: str) -> None:
        self.records_failed += 1
        self.record_failure_reasons[reason] += 1

    def add_document(self, doc: Document) -> None:
        self.documents += 1
        self.documents_by_kind[doc.kind] += 1
        chars_out = len(doc.text)
        self.chars_in += doc.chars_in
        self.chars_out += chars_out
        self.lines_in += doc.lines_in
        self.lines_removed += len(doc.removed)
        ref = {"path": doc.source_path, "id": doc.id, "index": doc.index}
        rank: dict[str, int] = {}
        removed_chars = 0
        for removal in doc.removed:
            reason, text = removal.reason, removal.text
            removed_chars += len(text)
            self.removed_by_reason[reason] += 1
            self.removed_chars_by_reason[reason] += len(text)
            seen = rank.get(reason, 0)
            rank[reason] = seen + 1
            examples = (self.removal_examples if seen < EXAMPLES_PER_DOCUMENT
                        else self.removal_examples_more).setdefault(reason, [])
            if len(examples) < EXAMPLES_PER_REASON:  # else no example is built at all
                _keep_example(examples, {**ref, "text": text[:300]})
        share = removed_share(removed_chars, chars_out)
        self.removal_share_histogram[min(int(share * REMOVAL_BINS), REMOVAL_BINS - 1)] += 1
        self.length_histogram[length_bin(chars_out)] += 1
        self.languages[doc.language] += 1
        self.chars_out_by_language[doc.language] += chars_out
        if len(doc.languages) > 1:
            self.mixed_language_total += 1
            _append_capped(self.mixed_language, {**ref, "languages": doc.languages},
                           MAX_LISTED_DOCUMENTS)
        if doc.language == "und":
            self.undetermined_total += 1
            _append_capped(self.undetermined, {**ref, "chars_out": chars_out,
                                               "preview": doc.text[:120]},
                           MAX_LISTED_DOCUMENTS)
        if doc.repairs:
            self.documents_repaired += 1
            self.repairs.update(doc.repairs)
        fallback = doc.signals.get("html_fallback")
        if fallback:
            self.html_fallbacks[fallback] += 1
        if doc.encoding_damaged:
            self.damaged_total += 1
            _append_capped(self.damaged, {**ref, "encoding": doc.encoding_detected,
                                          "repairs": dict(sorted(doc.repairs.items()))},
                           MAX_LISTED_DOCUMENTS)
        flags = review_flags(doc, share)
        if flags:
            self.review_total += 1
            self.review_flags.update(flags)
            _append_capped(self.review, {
                **ref, "flags": flags, "chars_in": doc.chars_in, "chars_out": chars_out,
                "removed_share": round(share, 4), "preview": doc.text[:120],
                "removed": [{"reason": r.reason, "text": r.text[:120]}
                            for r in doc.removed[:REMOVED_SHOWN_PER_REVIEW]],
                "removed_total": len(doc.removed),
            }, MAX_REVIEW_ITEMS)
        summary = self.input_summaries.setdefault(
            doc.source_path, {"documents": 0, "chars_out": 0, "languages": {}}
        )
        summary["documents"] += 1
        summary["chars_out"] += chars_out
        summary["languages"][doc.language] = summary["languages"].get(doc.language, 0) + 1

    def merge(self, other: RunStats) -> None:
        for name in _COUNTERS:
            getattr(self, name).update(getattr(other, name))
        for name in _SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("removal_examples", "removal_examples_more"):
            for reason, examples in getattr(other, name).items():
                mine = getattr(self, name).setdefault(reason, [])
                for example in examples:
                    _keep_example(mine, example)
        for name in ("removal_share_histogram", "length_histogram"):
            setattr(self, name, [a + b for a, b in zip(getattr(self, name), getattr(other, name),
                                                     strict=True)])
        for name, cap in _CAPPED_LISTS:
            mine = getattr(self, name)
            mine.extend(getattr(other, name)[: max(cap - len(mine), 0)])
        for path, summary in other.input_summaries.items():
            self.input_summaries[path] = summary

    def examples(self, reason: str) -> list[dict[str, Any]]:
        """The removed lines to show for `reason`: up to EXAMPLES_PER_REASON distinct texts,
        first those of documents not yet shown EXAMPLES_PER_DOCUMENT times, in input order."""
        shown = list(self.removal_examples.get(reason, []))
        texts = {example["text"] for example in shown}
        for example in self.removal_examples_more.get(reason, []):
            if len(shown) >= EXAMPLES_PER_REASON:
                break
            if example["text"] not in texts:
                shown.append(example)
                texts.add(example["text"])
        return shown

    def to_dict(self) -> dict[str, Any]:
        """The `stats.json` form (without the per-input summaries)."""
        data: dict[str, Any] = {"stats_version": STATS_VERSION}
        for item in fields(self):
            if item.name in ("input_summaries", "removal_examples_more"):
                continue
            if item.name == "removal_examples":
                data[item.name] = {reason: self.examples(reason)
                                   for reason in sorted(set(self.removal_examples)
                                                        | set(self.removal_examples_more))}
                continue
            value = getattr(self, item.name)
            # dataclasses.asdict would rebuild a Counter from (key, count) pairs: wrong.
            data[item.name] = dict(sorted(value.items())) if isinstance(value, Counter) else value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunStats:
        """Stats from a `stats.json` of any version (fields it lacks stay empty)."""
        stats = cls()
        for key, value in data.items():
            if key == "stats_version" or not hasattr(stats, key):
                continue
            current = getattr(stats, key)
            setattr(stats, key, Counter(value) if isinstance(current, Counter) else value)
        return stats


def _keep_example(examples: list[dict[str, Any]], example: dict[str, Any]) -> None:
    """Keep the first EXAMPLES_PER_REASON distinct texts, in input order (merging batches
    in input order keeps the same ones whatever the batch size)."""
    if len(examples) < EXAMPLES_PER_REASON and all(
        kept["text"] != example["text"] for kept in examples
    ):
        examples.append(example)


def _append_capped(items: list[dict[str, Any]], item: dict[str, Any], cap: int) -> None:
    if len(items) < cap:
        items.append(item)


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
    if doc.signals.get("html_fallback"):
        flags.append("html-fallback")
    return flags
