"""How much a decoded string reads like real text: the judge between candidate decodings.

`text_score` gives the mean, over non-ASCII characters, of a per-character score: letters
of any script, kana, common Hangul and common Han score up; controls, private-use and
unassigned code points, box drawing, half-width katakana and odd symbols score down, as do
the shapes wrong decodings leave behind: a word mixing two scripts ("Perchй"), a capital
inside a lower-case word ("rÈuni"), a letter glued to a digit where a currency sign
belongs ("Ł6"). "Common" Han and Hangul are the characters the national legacy standards
put in their first (most frequent) level, read from Python's own codecs, so no word list
or model is needed. ASCII scores nothing: every candidate decodes it alike.

This module only scores; `textwash.decode` chooses.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

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
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")
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


def read(text: str, max_chars: int = 800) -> Reading:
    """Score the non-ASCII characters of `text` (mean per character, 0.0 when none);
    at most `max_chars` of them are read, which is plenty to tell decodings apart."""
    reading = Reading()
    total = 0.0
    count = 0
    for match in _NON_ASCII_RUN.finditer(text):
        start, end = match.span()
        previous = text[start - 1] if start else ""
        run = 0
        for index in range(start, end):
            char = text[index]
            after = text[index + 1:index + 2]
            score = char_score(char)
            if char.isalpha():
                score += _context_penalty(char, previous, after)
                _count_letter(reading, char)
            elif char in _COMMON_SYMBOLS and (previous in _BOUNDARY or after in _BOUNDARY):
                score = 1.0
            elif char in _GLUED_SYMBOLS and previous.isalpha() and after.isalpha():
                score = -1.0
            code = ord(char)
            if 0xAC00 <= code <= 0xD7A3:
                reading.hangul += 1
                run += 1
                reading.longest_hangul_run = max(reading.longest_hangul_run, run)
            else:
                run = 0
                if 0x3040 <= code <= 0x30FF:
                    reading.kana += 1
                elif 0x4E00 <= code <= 0x9FFF:
                    reading.han += 1
            total += score
            previous = char
        count += end - start
        if count >= max_chars:
            break
    reading.score = total / count if count else 0.0
    if count:
        reading.score += _letter_shape(reading)
    return reading


@cache
def _frequent_letters() -> dict[str, frozenset[str]]:
    data = resources.files("textwash.data").joinpath("frequent_letters.toml").read_text("utf-8")
    letters = tomllib.loads(data)["letters"]
    return {script: frozenset(chars) for script, chars in letters.items()}


def _count_letter(reading: Reading, char: str) -> None:
    script, frequent, cased, upper = _letter_facts(char)
    reading.letters[script] = reading.letters.get(script, 0) + 1
    if frequent:
        reading.frequent[script] = reading.frequent.get(script, 0) + 1
    reading.cased += cased
    reading.upper += upper


@cache
def _letter_facts(char: str) -> tuple[str, bool, bool, bool]:
    script = _script(char)
    frequent = char in _frequent_letters().get(script, ())
    return script, frequent, char.isupper() or char.islower(), char.isupper()


def _letter_shape(reading: Reading) -> float:
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


@lru_cache(maxsize=65536)
def _context_penalty(char: str, before: str, after: str) -> float:
    penalty = 0.0
    for neighbour in (before, after):
        if neighbour.isalpha() and _script(neighbour) != _script(char):
            penalty -= 2.0
        elif neighbour.isdigit():
            penalty -= 1.0
    if before >= "\x80" and before.isalpha() and _script(before) == _script(char) == "LATIN":
        penalty -= 0.75
    if char.isupper() and before.isalpha() and before.islower():
        penalty -= 2.0
    if char.islower() and after.isalpha() and after.isupper():
        penalty -= 2.0
    if char.islower() and before.isupper() and after.isupper():
        penalty -= 1.0
    return penalty
