"""How much a decoded string reads like real text: the judge between candidate decodings.

`text_score` gives the mean, over non-ASCII characters, of a per-character score: letters
of any script, kana, common Hangul and common Han score up; controls, private-use and
unassigned code points, box drawing, half-width katakana and odd symbols score down, as do
the shapes wrong decodings leave behind: a word mixing two scripts ("Perchй"), a capital
inside a lower-case word ("rÈuni"), a letter glued to a digit where a currency sign
belongs ("Ł6"). "Common" Han and Hangul are the characters the national legacy standards
put in their first (most frequent) level, read from Python's own codecs, so no word list
or model is needed. ASCII scores nothing: every candidate decodes it alike.

Reading is vectorised with numpy (facts per distinct character in a table, context
rules as column operations); single-byte code pages are read straight from the bytes by
`textwash.plausibility_bytes`. This module only scores; `textwash.decode` chooses.
"""

from __future__ import annotations

import threading
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import NamedTuple

import numpy as np

_COMMON_SYMBOLS = frozenset("€£¥¢©®°±×÷§¶·«»¿¡\u00a0–—‘’‚“”„…•′″‹›™")
# A decoding whose main non-Latin script has fewer than FREQUENT_LETTER_SHARE of its
# letters among that script's frequent ones loses WEIGHT × the shortfall (judged only
# from MIN_COUNT letters on).
FREQUENT_LETTER_SHARE = 0.75
FREQUENT_LETTER_WEIGHT = 3.0
FREQUENT_LETTER_MIN_COUNT = 20
# Letters in name only: in running text they are almost always mojibake pieces.
_MOJIBAKE_LETTERS = frozenset("ƒªºˆ˜")
# Signs that do not stand between two letters of a word (unlike ’ or ·).
_GLUED_SYMBOLS = frozenset("€£¥¢©®°±×÷§¶«»¿¡¤¦¨¬¯´¸")
_BOUNDARY = frozenset(" \t\n.,;:!?()[]\"'-/")
_CJK_PUNCTUATION = range(0x3000, 0x3040)
_FULLWIDTH = range(0xFF01, 0xFF5F)


@cache
def _script(char: str) -> str:
    """A coarse script name for a letter (the first word of its Unicode name)."""
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0]
    if first in ("CJK", "HIRAGANA", "KATAKANA"):
        return "CJK"
    return first


@cache
def _common_han(char: str) -> bool:
    """In GB2312 level 1, Big5's frequent block, or JIS X 0208 level 1."""
    try:
        lead = char.encode("gb2312")[0]
        if 0xB0 <= lead <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        code = int.from_bytes(char.encode("big5"), "big")
        if 0xA440 <= code <= 0xC67E:
            return True
    except UnicodeEncodeError:
        pass
    try:
        code = int.from_bytes(char.encode("shift_jis"), "big")
        return 0x889F <= code <= 0x9872
    except UnicodeEncodeError:
        return False


@cache
def _common_hangul(char: str) -> bool:
    """One of the 2,350 syllables of KS X 1001 (EUC-KR)."""
    try:
        char.encode("euc_kr")
    except UnicodeEncodeError:
        return False
    return True


@cache
def char_score(char: str) -> float:
    """The score of one non-ASCII character on its own, before context."""
    code = ord(char)
    category = unicodedata.category(char)
    if category in ("Cc", "Co", "Cn", "Cs"):
        return -3.0
    if 0x2500 <= code <= 0x259F or 0xFF61 <= code <= 0xFF9F:
        return -1.5
    if 0x3040 <= code <= 0x30FF:
        return 2.0
    if 0xAC00 <= code <= 0xD7A3:
        return 2.0 if _common_hangul(char) else -0.5
    if 0x4E00 <= code <= 0x9FFF:
        return 1.0 if _common_han(char) else -1.0
    if code in _CJK_PUNCTUATION or code in _FULLWIDTH:
        return 1.0
    if char in _COMMON_SYMBOLS:
        return 0.5
    if char in _MOJIBAKE_LETTERS:
        return -1.0
    if category.startswith("L"):
        return 1.0
    if category in ("Mn", "Mc", "Cf"):
        return 0.5
    return -1.0


@dataclass(slots=True)
class Reading:
    """A decoding's plausibility and the East Asian script mix it shows."""

    score: float = 0.0
    letters: dict[str, int] = field(default_factory=dict)
    frequent: dict[str, int] = field(default_factory=dict)
    upper: int = 0
    cased: int = 0
    hangul: int = 0
    kana: int = 0
    han: int = 0
    longest_hangul_run: int = 0

    @property
    def east_asian(self) -> int:
        return self.hangul + self.kana + self.han


MAX_CHARS = 800


def read(text: str, max_chars: int = MAX_CHARS) -> Reading:
    """Score the non-ASCII characters of `text` (mean per character, 0.0 when none);
    at most `max_chars` of them are read (to the end of the run of non-ASCII characters
    that reaches the limit), which is plenty to tell decodings apart.

    Vectorised over the characters with numpy: each character's facts come from a table
    filled once per distinct character, and the context rules (see `_reading`) are
    column operations on the character and its two neighbours. Every score is a multiple
    of 1/4, so the sum is exact and equals a character-by-character reading."""
    return TextSample(text, max_chars).read()


class TextSample:
    """A text prepared for reading: its non-ASCII characters' fact rows."""

    def __init__(self, text: str, max_chars: int = MAX_CHARS) -> None:
        self._codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        self._positions = capped_positions(np.flatnonzero(self._codes >= 0x80), max_chars)
        self._own = FACT_ROWS.rows(self._codes[self._positions])

    def upper_bound(self) -> float:
        """A score `read` cannot exceed: each character on its own (context only takes
        away, but for a common sign set apart by spaces: +0.5), before the letter shape
        and the script mix `decode.read_as` judges (which only take away)."""
        if not self._positions.size:
            return 0.0
        facts = FACT_ROWS.columns()
        return float((facts.score.take(self._own) + 0.5 * facts.common.take(self._own)).sum()
                     / self._positions.size)

    def read(self) -> Reading:
        if not self._positions.size:
            return Reading()
        before = _neighbour_rows(self._codes, self._positions - 1)
        after = _neighbour_rows(self._codes, self._positions + 1)
        return _reading(FACT_ROWS.columns(), self._own, before, after, self._positions)


def capped_positions(positions: np.ndarray, max_chars: int) -> np.ndarray:
    """The first `max_chars` of the non-ASCII `positions`, and the rest of the run of
    adjacent ones the last of them is in."""
    if positions.size <= max_chars:
        return positions
    joined = np.diff(positions[max_chars - 1:]) == 1
    return positions[:max_chars + (int(np.argmin(joined)) if not joined.all() else joined.size)]


def _neighbour_rows(codes: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Fact rows of the characters at `at`; row 0 (no character) outside the text."""
    inside = (at >= 0) & (at < codes.size)
    rows = FACT_ROWS.rows(codes[np.clip(at, 0, codes.size - 1)])
    if not inside.all():
        rows[~inside] = 0
    return rows


def _reading(facts: _Columns, own: np.ndarray, before: np.ndarray, after: np.ndarray,
             positions: np.ndarray) -> Reading:
    reading = Reading()
    alpha = facts.alpha[own]
    script = facts.script[own]
    alpha_before, alpha_after = facts.alpha[before], facts.alpha[after]
    lower, upper = facts.lower[own], facts.upper[own]
    penalty = (
        -2.0 * (alpha_before & (facts.script[before] != script))
        - 1.0 * facts.digit[before]
        - 2.0 * (alpha_after & (facts.script[after] != script))
        - 1.0 * facts.digit[after]
        - 0.75 * (facts.high[before] & alpha_before & (facts.script[before] == script)
                  & facts.latin[own])
        - 2.0 * (upper & alpha_before & facts.lower[before])
        - 2.0 * (lower & alpha_after & facts.upper[after])
        - 1.0 * (lower & facts.upper[before] & facts.upper[after])
    )
    score = np.where(alpha, facts.score[own] + penalty, facts.score[own])
    set_apart = ~alpha & facts.common[own] & (facts.boundary[before] | facts.boundary[after])
    score[set_apart] = 1.0
    score[~alpha & ~set_apart & facts.glued[own] & alpha_before & alpha_after] = -1.0

    letter_scripts = script[alpha]
    if letter_scripts.size:
        counts = np.bincount(letter_scripts)
        frequent = np.bincount(letter_scripts[facts.frequent[own][alpha]],
                               minlength=counts.size)
        found = np.flatnonzero(counts).tolist()
        if len(found) > 1:  # in order of first appearance, as a reader meets them
            found.sort(key=lambda number: int(np.argmax(letter_scripts == number)))
        for number in found:
            name = SCRIPT_NAMES[number]
            reading.letters[name] = int(counts[number])
            if frequent[number]:
                reading.frequent[name] = int(frequent[number])
        reading.cased = int(np.count_nonzero(facts.cased[own] & alpha))
        reading.upper = int(np.count_nonzero(upper & alpha))
    hangul = facts.hangul[own]
    reading.hangul = int(np.count_nonzero(hangul))
    reading.kana = int(np.count_nonzero(facts.kana[own]))
    reading.han = int(np.count_nonzero(facts.han[own]))
    if reading.hangul:
        at = positions[hangul]
        breaks = np.flatnonzero(np.diff(at) != 1)
        edges = np.concatenate(([-1], breaks, [at.size - 1]))
        reading.longest_hangul_run = int(np.diff(edges).max())
    reading.score = float(score.sum()) / positions.size + letter_shape(reading)
    return reading


# Script names of letters, by the number the facts table stores for them (-1: none).
SCRIPT_NAMES: list[str] = []
_SCRIPT_IDS: dict[str, int] = {}


class _Columns(NamedTuple):
    """Facts about characters, one numpy column each, indexed by table row."""

    score: np.ndarray
    alpha: np.ndarray
    digit: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    cased: np.ndarray
    high: np.ndarray
    latin: np.ndarray
    boundary: np.ndarray
    common: np.ndarray
    glued: np.ndarray
    frequent: np.ndarray
    hangul: np.ndarray
    kana: np.ndarray
    han: np.ndarray
    script: np.ndarray


def _facts_of(code: int) -> tuple[float | bool | int, ...]:
    """One table row: what `read` needs to know about a character, in _Columns order."""
    char = chr(code)
    alpha = char.isalpha()
    script = _script(char) if alpha else ""
    if alpha and script not in _SCRIPT_IDS:
        _SCRIPT_IDS[script] = len(SCRIPT_NAMES)
        SCRIPT_NAMES.append(script)
    return (
        char_score(char) if code >= 0x80 else 0.0, alpha, char.isdigit(), char.isupper(),
        char.islower(), alpha and _letter_facts(char)[2], code >= 0x80,
        alpha and script == "LATIN", char in _BOUNDARY, char in _COMMON_SYMBOLS,
        char in _GLUED_SYMBOLS, alpha and _letter_facts(char)[1],
        0xAC00 <= code <= 0xD7A3, 0x3040 <= code <= 0x30FF, 0x4E00 <= code <= 0x9FFF,
        _SCRIPT_IDS[script] if alpha else -1,
    )


class _FactsTable:
    """Character facts, filled in as characters are first met. Row 0 stands for no
    character (the neighbour of a text's first and last character). Basic Multilingual
    Plane characters find their row through a dense array, others through a dict."""

    _DTYPES = (np.float64, *([np.bool_] * 14), np.int32)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dense = np.full(0x10000, -1, dtype=np.int32)
        self._astral: dict[int, int] = {}
        self._size = 1
        self._columns = _Columns(*(np.zeros(256, dtype=t) for t in self._DTYPES))
        self._columns.script[0] = -1

    def columns(self) -> _Columns:
        return self._columns

    def rows(self, codes: np.ndarray) -> np.ndarray:
        if codes.size and int(codes.max()) >= 0x10000:
            return np.array([self._row(code) for code in codes.tolist()], dtype=np.int32)
        rows = self._dense[codes]
        if rows.size and int(rows.min()) < 0:
            for code in np.unique(codes[rows < 0]).tolist():
                self._row(code)
            rows = self._dense[codes]
        return rows

    def _row(self, code: int) -> int:
        row = self._dense[code] if code < 0x10000 else self._astral.get(code, -1)
        if row >= 0:
            return int(row)
        with self._lock:
            known = self._dense[code] if code < 0x10000 else self._astral.get(code, -1)
            if known >= 0:
                return int(known)
            row = self._size
            columns = self._columns
            if row >= columns.score.size:
                grown = [np.zeros(2 * column.size, dtype=column.dtype) for column in columns]
                for new, old in zip(grown, columns, strict=True):
                    new[:old.size] = old
                columns = _Columns(*grown)
            for column, value in zip(columns, _facts_of(code), strict=True):
                column[row] = value
            self._columns = columns
            self._size = row + 1
            if code < 0x10000:
                self._dense[code] = row
            else:
                self._astral[code] = row
        return row


FACT_ROWS = _FactsTable()


@cache
def _frequent_letters() -> dict[str, frozenset[str]]:
    """The frequent letters of each script `letter_shape` judges, by script name."""
    data = resources.files("textwash.data").joinpath("frequent_letters.toml").read_text("utf-8")
    letters = tomllib.loads(data)["letters"]
    return {script: frozenset(chars) for script, chars in letters.items()}


@cache
def _letter_facts(char: str) -> tuple[str, bool, bool, bool]:
    script = _script(char)
    frequent = char in _frequent_letters().get(script, ())
    return script, frequent, char.isupper() or char.islower(), char.isupper()


def judged_scripts() -> frozenset[str]:
    """The scripts whose share of frequent letters `letter_shape` judges."""
    return frozenset(_frequent_letters())


def letter_shape(reading: Reading) -> float:
    """Whole-text evidence: the main script's letters are mostly its frequent ones, and
    text is not almost all capitals (KOI8-R read as windows-1251 inverts the case)."""
    adjustment = 0.0
    frequent = _frequent_letters()
    known = {s: n for s, n in reading.letters.items() if s in frequent}
    if known:
        script = max(known, key=known.__getitem__)
        if known[script] >= FREQUENT_LETTER_MIN_COUNT:
            share = reading.frequent.get(script, 0) / known[script]
            adjustment -= FREQUENT_LETTER_WEIGHT * max(0.0, FREQUENT_LETTER_SHARE - share)
    if reading.cased >= 10 and reading.upper / reading.cased > 0.6:
        adjustment -= 0.5
    return adjustment


def text_score(text: str) -> float:
    """Mean plausibility of the non-ASCII characters of `text`; 0.0 when there are none."""
    return read(text).score
