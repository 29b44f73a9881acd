"""Deterministic naive-Bayes scoring over langdetect's shipped character n-gram profiles.

langdetect estimates the same model by random sampling of n-grams (hence its run-to-run
label changes and its cost); here every 1-, 2- and 3-gram of every word counts once per
occurrence, so a text always gets the same scores. Word scores are cached, and a text's
score is the sum of its words' rows, which makes repeated words nearly free. This module
only scores words; choosing among candidates and calibrating is `detector.py`'s job.
"""

from __future__ import annotations

import gzip
import json
import math
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
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
        data = json.loads(entry.read_text("utf-8"))
        profiles.append((PROFILE_CODES.get(data["name"], data["name"]), data))
    gram_rows: dict[str, int] = {}
    for _, data in profiles:
        for gram in data["freq"]:
            gram_rows.setdefault(gram, len(gram_rows))
    probabilities = np.zeros((len(gram_rows), len(profiles)), dtype=np.float32)
    for column, (_, data) in enumerate(profiles):
        grams = [gram for gram in data["freq"] if 1 <= len(gram) <= MAX_NGRAM]
        counts = np.array([data["freq"][gram] for gram in grams], dtype=np.float64)
        sizes = np.array([len(gram) for gram in grams]) - 1
        totals = np.asarray(data["n_words"], dtype=np.float64)
        rows = np.array([gram_rows[gram] for gram in grams], dtype=np.int64)
        probabilities[rows, column] = counts / totals[sizes]
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

    def lookup(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        key = hash(word)
        start = int(np.searchsorted(self.hashes, key, side="left"))
        end = int(np.searchsorted(self.hashes, key, side="right"))
        return self.columns[start:end], self.lifts[start:end]


@cache
def load_lexicon(languages: tuple[str, ...], min_log10: float) -> Lexicon:
    """Read the frequent-word lists once per process; words at or below the floor are left out."""
    position = {code: column for column, code in enumerate(languages)}
    hashes, columns, lifts = [], [], []
    path = resources.files("textwash.data").joinpath(LEXICON_FILE)
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            code, words, values = line.rstrip("\n").split("\t")
            if code not in position:
                continue
            listed = words.split(" ")
            lift = (np.array(values.split(" "), dtype=np.float64) / 100 - min_log10) * math.log(10)
            keep = lift > 0
            hashes.append(np.fromiter(map(hash, listed), dtype=np.int64, count=len(listed))[keep])
            columns.append(np.full(int(keep.sum()), position[code], dtype=np.intp))
            lifts.append(lift[keep].astype(np.float32))
    all_hashes = np.concatenate(hashes)
    order = np.argsort(all_hashes, kind="stable")
    return Lexicon(all_hashes[order], np.concatenate(columns)[order], np.concatenate(lifts)[order])


def word_grams(word: str) -> list[str]:
    """The n-grams langdetect reads from one word: 1- to 3-grams of ' word '."""
    padded = f" {_normalize(word)} "
    grams = [char for char in padded[1:-1] if char != " "]
    for size in (2, 3):
        grams.extend(
            gram
            for start in range(len(padded) - size + 1)
            if (gram := padded[start : start + size]).strip()
        )
    return grams


def _normalize(word: str) -> str:
    word = unicodedata.normalize("NFC", word)
    return "".join(NGram.normalize(char) for char in word)


class WordScores:
    """Score rows for words: [sum of log P(gram | language) | lexicon lift], side by side.

    The first `width` columns are the n-gram score, the next `width` the frequent-word
    lift, so that callers can weigh the two by how much text there is. Rows live in one
    growing matrix: a text's score is a single gather-and-sum. Callers cache the row
    index per token and call `clear()` between texts only.
    """

    def __init__(self, profiles: NgramProfiles, lexicon: Lexicon) -> None:
        self.profiles = profiles
        self.lexicon = lexicon
        self.width = len(profiles.languages)
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
        gram_rows = self.profiles.gram_rows
        indices = [
            index
            for word in words
            for gram in word_grams(word)
            if (index := gram_rows.get(gram)) is not None
        ]
        if not indices:
            return 0
        if self._used == len(self._matrix):
            grown = np.zeros((2 * len(self._matrix), 2 * self.width), dtype=np.float32)
            grown[: self._used] = self._matrix[: self._used]
            self._matrix = grown
        position = self._used
        row = self._matrix[position]
        row[: self.width] = self.profiles.log_probabilities[indices].sum(axis=0)
        row[self.width :] = 0.0
        for word in words:
            columns, lifts = self.lexicon.lookup(word.lower())
            if len(columns):
                np.add.at(row, columns + self.width, lifts)
        self._used += 1
        return position
