"""Detect a document's language and its language mix, deterministically, never raising.

langdetect is seeded once per process (`DetectorFactory.seed = 0`) so labels never
change between runs; input is cleaned (URLs, e-mail addresses, digits) and sliced before
detection, and text with too few letters is `und` rather than a guess. This module does
not remove text; it only labels it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0

UNDETERMINED = "und"
MIN_LETTERS = 10
MAX_CHARS = 2000
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|[\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
_CODE_MAP = {"zh-cn": "zh", "zh-tw": "zh"}


@dataclass(frozen=True, slots=True)
class LanguageResult:
    language: str
    confidence: float
    languages: list[tuple[str, float]] = field(default_factory=list)


def _prepare(text: str, max_chars: int) -> str:
    cleaned = _NOISE.sub(" ", text[: max_chars * 2])
    return cleaned[:max_chars]


def _detect_with_probability(text: str, max_chars: int = MAX_CHARS) -> tuple[str, float]:
    sample = _prepare(text, max_chars)
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return UNDETERMINED, 0.0
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return UNDETERMINED, 0.0
    return _CODE_MAP.get(best.lang, best.lang), float(best.prob)


def detect_language(text: str) -> str:
    """ISO 639-1 code of `text`'s language, or 'und' when it cannot be determined."""
    return _detect_with_probability(text)[0]


def detect_languages(text: str) -> list[tuple[str, float]]:
    """The language mix of `text` by paragraph: [(code, share of characters)], largest first."""
    shares: Counter[str] = Counter()
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        code, _ = _detect_with_probability(paragraph, 500)
        if code != UNDETERMINED:
            shares[code] += len(paragraph)
    total = sum(shares.values())
    if not total:
        return []
    return [(code, round(count / total, 4)) for code, count in shares.most_common()]


def identify(text: str, max_chars: int = MAX_CHARS) -> LanguageResult:
    """Document language, a confidence in [0, 1], and the paragraph mix."""
    language, probability = _detect_with_probability(text, max_chars)
    return LanguageResult(language, round(probability, 4), detect_languages(text))
