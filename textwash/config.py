"""Every tunable threshold of the pipeline, in one place.

Vocabularies and regular expressions live in `textwash/data/`; this module holds only
numbers and switches. `Config()` gives the defaults; `Config.from_mapping()` builds one
from a flow parameter or a JSON file. Nothing here reads input or writes output.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class UnicodePolicy:
    """What the repair stage does to valid text (see README, "Unicode policy")."""

    keep_curly_quotes: bool = True
    keep_fullwidth: bool = True
    nbsp_to_space: bool = True
    odd_hyphens_to_ascii: bool = True
    remove_soft_hyphens: bool = True
    remove_zero_width_spaces: bool = True
    keep_zwj_zwnj: bool = True
    normalization: str = "NFC"


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep one bad input from stalling or exhausting a run."""

    max_file_bytes: int = 256 * 1024 * 1024
    max_decompressed_bytes: int = 512 * 1024 * 1024
    # Stages hold up to ~25× a document's size at their peak (a 30 MB one-line text
    # reached 800 MB RSS), and a document beyond ~10 MB rarely finishes within the time
    # limit on one core: 16 MB keeps one worker's peak under ~0.5 GB.
    max_document_bytes: int = 16 * 1024 * 1024
    # HTML beyond these bounds (size, element count, nesting depth) is not parsed: it is
    # cleaned as tag-stripped plain text, with the bound it exceeded as `html_fallback`.
    max_html_bytes: int = 8 * 1024 * 1024
    # A JSONL line holds one document, JSON-escaped; longer lines are skipped unread.
    max_jsonl_line_bytes: int = 32 * 1024 * 1024
    # HTML shape: markup with more than `html_shape_check_tags` "<" is scanned for its
    # element count and nesting depth before parsing (real pages: < 16k elements,
    # depth < 500 in the WCXB dev set); beyond the limits it falls back to plain text.
    html_shape_check_tags: int = 20_000
    max_html_elements: int = 100_000
    max_html_depth: int = 1_000
    # Wall-clock bound on cleaning one document (all stages); 0 disables it.
    document_timeout_s: float = 30.0


@dataclass(frozen=True, slots=True)
class Config:
    unicode: UnicodePolicy = field(default_factory=UnicodePolicy)
    limits: Limits = field(default_factory=Limits)
    # Template lines: a line recurring in this many distinct documents of one source.
    template_min_documents: int = 3
    # Language detection reads at most this many characters per document (the
    # paragraph mix covers them all; 10,000 keeps it under 1.5 ms per document).
    language_max_chars: int = 10_000
    # Batching: a task cleans input files until either bound is reached.
    batch_max_files: int = 500
    batch_max_bytes: int = 16 * 1024 * 1024

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, values: dict[str, Any] | None) -> Config:
        if not values:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown config keys: {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = dict(values)
        if isinstance(kwargs.get("unicode"), dict):
            kwargs["unicode"] = UnicodePolicy(**kwargs["unicode"])
        if isinstance(kwargs.get("limits"), dict):
            kwargs["limits"] = Limits(**kwargs["limits"])
        return cls(**kwargs)


DEFAULT_CONFIG = Config()
