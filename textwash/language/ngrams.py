"""Deterministic naive-Bayes scoring over langdetect's shipped character n-gram profiles.

langdetect estimates the same model by random sampling of n-grams (hence its run-to-run
label changes and its cost); here every 1-, 2- and 3-gram of every word counts once per
occurrence, so a text always gets the same scores. Word scores are cached, and a text's
score is the sum of its words' rows, which makes repeated words nearly free. This module
only scores words; choosing among candidates and calibrating is `detector.py`'s job.
"""

from __future__ import annotations

import gzip
import itertools
import math
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import orjson
from langdetect.utils.ngram import NGram

PROFILE_PACKAGE = "langdetect"
PROFILE_DIRECTORY = "profiles"
# langdetect's base frequency: an n-gram unseen in a language gets probability alpha / 10000.
BASE_FREQUENCY = 10_000
# Profile names that map to one ISO 639-1 code.
PROFILE_CODES = {"zh-cn": "zh", "zh-tw": "zh"}
MAX_NGRAM = 3
LEXICON_FILE = "language_lexicon.tsv.gz"


@dataclass(frozen=True, slots=True)
class NgramProfiles:
    """log P(n-gram | language) for the union of the profiles' n-grams."""

    languages: tuple[str, ...]
    gram_rows: dict[str, int]
    log_probabilities: np.ndarray  # shape (n-grams, languages), float32

    def columns(self, codes: tuple[str, ...]) -> np.ndarray:
        wanted = set(codes)
        return np.array([i for i, code in enumerate(self.languages) if code in wanted])


@cache
def load_profiles(alpha: float) -> NgramProfiles:
    """Read every shipped profile once per process (about 0.3 s, 20 MB)."""
    directory = resources.files(PROFILE_PACKAGE).joinpath(PROFILE_DIRECTORY)
    profiles = []
    for entry in sorted(directory.iterdir(), key=lambda path: path.name):
        data = orjson.loads(entry.read_bytes())
        profiles.append((PROFILE_CODES.get(data["name"], data["name"]), data))
    # Rows in order of first appearance, profile after profile.
    every_gram = dict.fromkeys(itertools.chain.from_iterable(data["freq"] for _, data in profiles))
    gram_rows = dict(zip(every_gram, range(len(every_gram)), strict=True))
    probabilities = np.zeros((len(gram_rows), len(profiles)), dtype=np.float32)
    for column, (_, data) in enumerate(profiles):
        freq = data["freq"]
        sizes = np.fromiter(map(len, freq), dtype=np.int64, count=len(freq))
        kept = (sizes >= 1) & (sizes <= MAX_NGRAM)
        counts = np.fromiter(freq.values(), dtype=np.float64, count=len(freq))[kept]
        rows = np.fromiter(map(gram_rows.__getitem__, freq), dtype=np.int64,
                           count=len(freq))[kept]
        totals = np.asarray(data["n_words"], dtype=np.float64)
        probabilities[rows, column] = counts / totals[sizes[kept] - 1]
    probabilities += np.float32(alpha / BASE_FREQUENCY)
    log_probabilities = np.log(probabilities, out=probabilities)
    return NgramProfiles(tuple(code for code, _ in profiles), gram_rows, log_probabilities)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Frequent words: for a word, the languages it is frequent in and by how much.

    Words are kept as sorted 64-bit string hashes (this process's `hash`), not as
    strings: 600,000 entries take about 8 MB instead of about 80 MB. A collision between
    two words' hashes is about as likely as one in 10^8 per process.
    """

    hashes: np.ndarray  # int64, sorted
    columns: np.ndarray  # intp: the language column of each entry
    lifts: np.ndarray  # float32: natural-log frequency above the floor (> 0)
    # No word hash has two entries for one language (then a lookup's columns are distinct).
    distinct_columns: bool = True

    def lookup(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        key = hash(word)
        hashes = self.hashes
        start = int(hashes.searchsorted(key, side="left"))
        if start == len(hashes) or hashes[start] != key:
            return self.columns[:0], self.lifts[:0]  # most words: not frequent anywhere
        end = int(hashes.searchsorted(key, side="right"))
        return self.columns[start:end], self.lifts[start:end]

    def narrowed(self, columns: np.ndarray, offset: int) -> Lexicon:
        """The entries of the languages in `columns` only, each language's column replaced
        by `offset` + its place in `columns` (entries keep their order)."""
        places = np.full(int(max(self.columns.max(), columns.max())) + 1, -1, dtype=np.intp)
        places[columns] = np.arange(len(columns)) + offset
        entry_places = places[self.columns]
        kept = entry_places >= 0
        return Lexicon(self.hashes[kept], entry_places[kept], self.lifts[kept],
                       self.distinct_columns)


@cache
def load_lexicon(languages: tuple[str, ...], min_log10: float) -> Lexicon:
    """Read the frequent-word lists once per process; words at or below the floor are left out."""
    position = {code: column for column, code in enumerate(languages)}
    hashes, columns, lifts = [], [], []
    packed = resources.files("textwash.data").joinpath(LEXICON_FILE).read_bytes()
    for line in gzip.decompress(packed).decode("utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        code, words, values = line.split("\t")
        if code in position:
            listed = words.split(" ")
            # Integers: parsed as int64 they convert to exactly the float64 values of the text.
            logs = np.fromstring(values, dtype=np.int64, sep=" ").astype(np.float64)
            if len(logs) != len(listed):
                raise ValueError(f"{LEXICON_FILE}: {code}: {len(listed)} words, {len(logs)} values")
            lift = (logs / 100 - min_log10) * math.log(10)
            keep = lift > 0
            hashes.append(np.fromiter(map(hash, listed), dtype=np.int64, count=len(listed))[keep])
            columns.append(np.full(int(keep.sum()), position[code], dtype=np.intp))
            lifts.append(lift[keep].astype(np.float32))
    all_hashes = np.concatenate(hashes)
    all_columns = np.concatenate(columns)
    # By hash, then language: a word's entries together, any repeated language adjacent.
    order = np.lexsort((all_columns, all_hashes))
    all_hashes, all_columns = all_hashes[order], all_columns[order]
    distinct = not bool(np.any((all_hashes[1:] == all_hashes[:-1])
                               & (all_columns[1:] == all_columns[:-1])))
    return Lexicon(all_hashes, all_columns, np.concatenate(lifts)[order], distinct)


def word_grams(word: str) -> list[str]:
    """The n-grams langdetect reads from one word: 1- to 3-grams of ' word '."""
    padded = f" {_normalize(word)} "
    grams = [char for char in padded[1:-1] if char != " "]
    pairs = [padded[start : start + 2] for start in range(len(padded) - 1)]
    grams += [gram for gram in pairs if gram.strip()]
    triples = [padded[start : start + 3] for start in range(len(padded) - 2)]
    grams += [gram for gram in triples if gram.strip()]
    return grams


class _NormalizedChars(dict[int, str]):
    """langdetect's per-character normalization as a `str.translate` table, filled as
    characters are met (a pure function of the character, so computed once each)."""

    def __missing__(self, code: int) -> str:
        normalized = NGram.normalize(chr(code))
        self[code] = normalized
        return normalized


_NORMALIZED_CHARS = _NormalizedChars()


def _normalize(word: str) -> str:
    return unicodedata.normalize("NFC", word).translate(_NORMALIZED_CHARS)


class WordScores:
    """Score rows for words in one script: [log P(grams | candidate) | lexicon lift], side by side.

    The first `width` columns are the n-gram score of each of the script's candidate
    languages (`columns` of the profiles, in that order), the next `width` their
    frequent-word lift, so that callers can weigh the two by how much text there is. Each
    value is what the full row over every language would hold in that column: the
    n-gram sum is taken over all languages, then narrowed. Rows live in one growing
    matrix: a text's score is a single gather-and-sum. Callers cache the row index per
    token and call `clear()` between texts only.
    """

    def __init__(self, profiles: NgramProfiles, lexicon: Lexicon, columns: np.ndarray) -> None:
        self.profiles = profiles
        self.columns = columns
        self.width = len(columns)
        # The candidates' frequent words, each pointing at its lift column in a row.
        self.lexicon = lexicon.narrowed(columns, self.width)
        self._matrix = np.zeros((1024, 2 * self.width), dtype=np.float32)
        self._used = 1  # row 0 stays zero: words without any known n-gram

    @property
    def matrix(self) -> np.ndarray:
        return self._matrix

    @property
    def rows_used(self) -> int:
        return self._used

    def clear(self) -> None:
        self._used = 1

    def add(self, words: list[str]) -> int:
        """A new row scoring `words` together; 0 when none of their n-grams is known."""
        get_row = self.profiles.gram_rows.get
        indices = [
            index
            for word in words
            for gram in word_grams(word)
            if (index := get_row(gram)) is not None
        ]
        if not indices:
            return 0
        if self._used == len(self._matrix):
            grown = np.zeros((2 * len(self._matrix), 2 * self.width), dtype=np.float32)
            grown[: self._used] = self._matrix[: self._used]
            self._matrix = grown
        position = self._used
        row = self._matrix[position]
        row[: self.width] = self.profiles.log_probabilities[indices].sum(axis=0)[self.columns]
        row[self.width :] = 0.0
        lookup, distinct = self.lexicon.lookup, self.lexicon.distinct_columns
        for word in words:
            places, lifts = lookup(word.lower())
            if not len(places):
                continue
            if distinct:  # one addition per element either way: the same float32 sums
                row[places] += lifts
            else:
                np.add.at(row, places, lifts)
        self._used += 1
        return position
