"""The `Document` record that flows through every stage, and the `Removal` it carries.

Stages read and update a `Document`; they never build output records themselves
(`textwash.records` turns a finished document into a schema-v1 dict). Reason codes for
removals and repair kinds are plain strings so that new stages can add their own.
This module holds data only: no I/O, no stage logic.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

DocumentKind = Literal["text", "html"]


@dataclass(slots=True)
class Removal:
    """One piece of text a stage removed, and why (`reason` is a stable code)."""

    text: str
    reason: str


@dataclass(slots=True)
class Document:
    """A document on its way through the pipeline.

    `source_path` is relative to the input folder, `index` is the record's position in
    that file (0 for one-document files). `text` starts as the decoded, repaired input
    (markup for HTML) and ends as the clean text. `signals` keeps per-stage measurements
    apart from the decisions taken on them, so a reviewer can see why.
    """

    id: str
    source_path: str
    index: int
    kind: DocumentKind
    text: str = ""
    url: str | None = None
    title: str | None = None
    language: str = "und"
    language_confidence: float = 0.0
    languages: list[tuple[str, float]] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    repairs: Counter[str] = field(default_factory=Counter)
    encoding_detected: str | None = None
    encoding_damaged: bool = False
    chars_in: int = 0
    lines_in: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    signals: dict[str, Any] = field(default_factory=dict)

    def remove(self, text: str, reason: str) -> None:
        self.removed.append(Removal(text=text, reason=reason))

    def count_repair(self, kind: str, count: int = 1) -> None:
        if count:
            self.repairs[kind] += count
