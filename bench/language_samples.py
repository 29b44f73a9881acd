"""The multilingual sample set for language detection, built from hand-written sentences.

`bench/data/language/sentences_*.tsv` hold `code<TAB>sentence` lines written for this
project. Each sentence falls, by a hash of its text, into the tuning split (thresholds and
the calibration table are fitted on it) or the test split (only ever measured). From a
split this module derives, with a fixed seed: sentences, two-word phrases, documents of
one language and mixed documents of two. It does not detect anything.
"""

from __future__ import annotations

import random
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "language"
SEED = 20261122
TUNING_BUCKETS = 3  # of 10: share of sentences in the tuning split
UNSPACED = {"ja", "zh", "th", "lo", "km", "my"}
PHRASE_CHARS = 4  # a "two-word phrase" in a script written without spaces
_PUNCTUATION = ".,;:!?¿¡«»\"'()“”„"


@dataclass(frozen=True, slots=True)
class Sample:
    text: str
    languages: tuple[str, ...]  # the expected language first, then any others present

    @property
    def language(self) -> str:
        return self.languages[0]


def sentences(split: str | None = None) -> list[Sample]:
    """All sentences, or those of the 'tuning' or 'test' split."""
    samples = []
    for path in sorted(DATA.glob("sentences_*.tsv")):
        for line in path.read_text("utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            code, text = line.split("\t", 1)
            if split is None or _split(text) == split:
                samples.append(Sample(text, (code,)))
    return samples


def _split(text: str) -> str:
    return "tuning" if zlib.crc32(text.encode("utf-8")) % 10 < TUNING_BUCKETS else "test"


def phrases(source: list[Sample], seed: int = SEED) -> list[Sample]:
    """Two consecutive words of each sentence (four letters where words are unspaced).

    Words are tokens with letters and no digits: "to 180" is not a two-word phrase.
    """
    rng = random.Random(seed)
    out = []
    for sample in source:
        if sample.language in UNSPACED:
            letters = re.sub(r"[\W\d_]", "", sample.text)
            start = rng.randrange(max(1, len(letters) - PHRASE_CHARS))
            out.append(Sample(letters[start : start + PHRASE_CHARS], sample.languages))
            continue
        words = _words(sample.text)
        starts = [i for i in range(len(words) - 1) if _lettered(words[i])
                  and _lettered(words[i + 1])]
        start = rng.choice(starts) if starts else 0
        out.append(Sample(" ".join(words[start : start + 2]), sample.languages))
    return out


def _words(text: str) -> list[str]:
    return [word for word in (token.strip(_PUNCTUATION) for token in text.split()) if word]


def _lettered(word: str) -> bool:
    """A word in the ordinary sense: letters (and apostrophes or hyphens), no digits."""
    return not any(char.isdigit() for char in word) and any(char.isalpha() for char in word)


def _by_language(source: list[Sample]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for sample in source:
        grouped[sample.language].append(sample.text)
    return dict(sorted(grouped.items()))


def _paragraphs(rng: random.Random, pool: list[str], count: int) -> list[str]:
    chosen = rng.sample(pool, min(len(pool), count * 2))
    return [" ".join(chosen[i : i + 2]) for i in range(0, len(chosen), 2)]


def documents(source: list[Sample], per_language: int = 3, seed: int = SEED) -> list[Sample]:
    """Documents of 2-4 paragraphs, each of one or two sentences of one language."""
    rng = random.Random(seed)
    out = []
    for code, pool in _by_language(source).items():
        if len(pool) < 3:
            continue
        for _ in range(per_language):
            paragraphs = _paragraphs(rng, pool, rng.randint(2, 4))
            out.append(Sample("\n\n".join(paragraphs), (code,)))
    return out


def mixed_documents(source: list[Sample], count: int = 120, seed: int = SEED) -> list[Sample]:
    """Documents of two languages, the second covering 20-50% of the characters.

    Half are paragraphs of two sentences separated by blank lines, half are one sentence
    per line, the layout of flattened web pages.
    """
    rng = random.Random(seed)
    pools = {code: pool for code, pool in _by_language(source).items() if len(pool) >= 4}
    codes = sorted(pools)
    out = []
    while len(out) < count:
        main, other = rng.sample(codes, 2)
        if len(out) % 2:
            main_parts = rng.sample(pools[main], 4)
            other_parts = rng.sample(pools[other], rng.randint(1, 2))
            separator = "\n"
        else:
            main_parts = _paragraphs(rng, pools[main], 2)
            other_parts = _paragraphs(rng, pools[other], 1)
            separator = "\n\n"
        main_chars = sum(map(len, main_parts))
        other_chars = sum(map(len, other_parts))
        share = other_chars / (main_chars + other_chars)
        if not 0.2 <= share <= 0.5:
            continue
        parts = main_parts + other_parts
        rng.shuffle(parts)
        out.append(Sample(separator.join(parts), (main, other)))
    return out


def single_words(source: list[Sample], seed: int = SEED) -> list[Sample]:
    """One word of each sentence (two letters where words are unspaced)."""
    rng = random.Random(seed)
    out = []
    for sample in source:
        if sample.language in UNSPACED:
            letters = re.sub(r"[\W\d_]", "", sample.text)
            start = rng.randrange(max(1, len(letters) - 2))
            out.append(Sample(letters[start : start + 2], sample.languages))
            continue
        words = [word for word in _words(sample.text) if _lettered(word)]
        out.append(Sample(rng.choice(words), sample.languages))
    return out
