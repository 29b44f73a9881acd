"""Detect a document's language and its paragraph mix, deterministically, never raising.

`detect_language(text)` gives an ISO 639-1 code (`zh` for both Chinese variants) or `und`;
`detect_languages(text)` the mix [(code, share of characters)]; `identify(text, max_chars)`
both plus a calibrated confidence, for the pipeline. The detector is built once per
process and has no randomness, so a text always gets the same labels. This package only
labels text; it never removes any.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from textwash.language.calibration import calibration_table
from textwash.language.detector import (
    UNDETERMINED,
    Decision,
    Detector,
    DetectorSettings,
    strip_links,
)

__all__ = [
    "UNDETERMINED",
    "LanguageResult",
    "detect_language",
    "detect_languages",
    "identify",
]

MAX_CHARS = 20_000
# The detector's caches are shared by the process; threads take turns.
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class LanguageResult:
    language: str
    confidence: float
    languages: list[tuple[str, float]] = field(default_factory=list)
    # Score lead of `language` over the runner-up (nats); inf when the script decided.
    margin: float = math.nan


@cache
def detector() -> Detector:
    return Detector(DetectorSettings())


def detect_language(text: str) -> str:
    """ISO 639-1 code of `text`'s language, or 'und' when it cannot be determined."""
    return identify(text).language


def detect_languages(text: str) -> list[tuple[str, float]]:
    """The language mix of `text` by paragraph: [(code, share of characters)], largest first."""
    return identify(text).languages


def identify(text: str, max_chars: int = MAX_CHARS) -> LanguageResult:
    """Document language, its calibrated confidence, and the paragraph mix."""
    if not isinstance(text, str) or not text:
        return LanguageResult(UNDETERMINED, 0.0, [], math.nan)
    found = detector()
    with _LOCK:
        found.begin()
        overall, blocks = found.label(strip_links(text, max_chars))  # label reads controls
    if overall.language == UNDETERMINED:
        return LanguageResult(UNDETERMINED, 0.0, [], overall.margin)
    mix = _mix(blocks, found.settings.min_share)
    decision = overall
    if mix and mix[0][0] != overall.language:
        decision = Decision(mix[0][0], 0.0, overall.letters)
    confidence = calibration_table().confidence(decision.margin)
    return LanguageResult(decision.language, confidence, mix, decision.margin)


def _mix(blocks: list[tuple[str, int]], min_share: float) -> list[tuple[str, float]]:
    """Shares of characters per language; languages under `min_share` are left out."""
    first = blocks[0][0] if blocks else UNDETERMINED
    if first != UNDETERMINED and all(label == first for label, _ in blocks):
        return [(first, 1.0)]  # what the general case gives for a single language
    shares: Counter[str] = Counter()
    for label, chars in blocks:
        if label != UNDETERMINED:
            shares[label] += chars
    total = sum(shares.values())
    kept = {code: chars for code, chars in shares.items() if chars >= min_share * total}
    kept_total = sum(kept.values())
    if not kept_total:
        return []
    ranked = sorted(kept.items(), key=lambda item: (-item[1], item[0]))
    return [(code, round(chars / kept_total, 4)) for code, chars in ranked]
