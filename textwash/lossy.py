"""Characters lost before textwash saw the text: count them, or restore lost dashes.

A '?' or U+FFFD where a letter could not be encoded is kept, and counted so that the
record can say `encoding.damaged`; nothing is guessed back. The one exception is a '?'
that stands for a lost em dash between two words of English prose (seed 003:
`month?the first in four years?and`), which is read back as '—'. URLs, queries, code,
real questions, characters named in prose ("press ? for help") and lines whose other
'?' are lost letters are left alone; vocabulary in `textwash/data/lost_dash_words.toml`.
This module does not decode or repair anything else (`textwash.repair`).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class _DashWords:
    english_markers: frozenset[str]
    two_letter_words: frozenset[str]
    contraction_tails: frozenset[str]
    question_starters: frozenset[str]
    symbol_before: frozenset[str]
    dash_followers: frozenset[str]


@cache
def _dash_words() -> _DashWords:
    data = tomllib.loads(
        resources.files("textwash.data").joinpath("lost_dash_words.toml").read_text("utf-8")
    )
    return _DashWords(**{key: frozenset(data[key]) for key in _DashWords.__slots__})


# A '?' glued between a word (or number) and a lower-case word, or standing alone
# between two such words; the token around it holds nothing URL- or code-like.
_GLUED = re.compile(r"(?<![\w?&=/%])([A-Za-z]+|[0-9]+)\?([a-z]+|[0-9]+)(?![\w?=&/%(])")
_SPACED = re.compile(r"(?<=[a-z0-9,)]) \? (?=[a-z])")
_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][a-z]+)?")
TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_CODE_LINE = re.compile(r"[{};=<>|`\\]|://|\bwww\.|\?\S*=|&&")
# A '?' standing for a lost letter: inside a word, opening a word, or a run of them.
# (Every match starts at a '?': the leading lookahead lets the engine pass over any
# other position after one test, ten times faster on long lines.)
_LOST_LETTER = re.compile(
    r"(?=\?)(?:"
    r"(?<=[^\W\d_])\?+(?=[^\W\d_])"
    r"|(?:^|(?<=[\s(\"'\u201c\u2018\u00ab]))\?+(?=[^\W\d_])"
    r"|(?:^|(?<=\s))\?{2,}(?=[\s.,;:!)]|$)"
    r"|(?:^|(?<=\s))\?(?=[0-9])"
    r")"
)
_URLISH_TOKEN = re.compile(r"\S*(?:://|www\.|[=&/_<>{}:;|`\\]|\?\S*=)\S*")


def restore_lost_dashes(text: str, repairs: Counter[str]) -> str:
    """Turn '?' that stands for a lost em dash between English words back into '—'."""
    if not _any_question_mark(text, _may_be_lost_dash):
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if "?" not in line:
            continue
        visible = _blank_tags(line)
        if "?" in visible and _is_english_prose(visible):
            lines[index] = _restore_line(line, visible, repairs)
    return "\n".join(lines)


def _any_question_mark(text: str, test: Callable[[str, str], bool]) -> bool:
    """Whether some '?' in `text` passes `test(before, after)`: a walk over the few '?'
    of a text, much faster than a regex with lookbehinds over all of it."""
    position = text.find("?")
    while position >= 0:
        if test(text[position - 1:position], text[position + 1:position + 2]):
            return True
        position = text.find("?", position + 1)
    return False


def _may_be_lost_dash(before: str, after: str) -> bool:
    return (before.isalnum() and after.isalnum()) or (before == " " and after == " ")


def _may_be_lost_letter(before: str, after: str) -> bool:
    return after.isalnum() or after == "?" or before.isalpha()


def _blank_tags(line: str) -> str:
    """`line` with HTML tags turned into spaces (same length: positions stay valid), so
    that prose inside markup is judged as prose and '?' in attributes is not seen."""
    if "<" not in line:
        return line
    return TAG.sub(lambda match: " " * len(match.group()), line)


def _is_english_prose(line: str) -> bool:
    words = _WORD.findall(line)
    if len(words) < 4:
        return False
    markers = sum(map(_dash_words().english_markers.__contains__, map(str.lower, words)))
    return markers / len(words) >= 0.15


def _restore_line(line: str, visible: str, repairs: Counter[str]) -> str:
    words = _dash_words()
    candidates: list[tuple[int, str]] = []
    for match in _GLUED.finditer(visible):
        left, right = match.group(1), match.group(2)
        if _near_code(visible, match.start(), match.end()):
            continue
        if left.isdigit() and right.isdigit():
            candidates.append((match.start(1) + len(left), "\u2013"))
            continue
        if right.isdigit() or right in words.contraction_tails:
            continue
        if not all(_dash_side_ok(side, words) for side in (left, right) if not side.isdigit()):
            continue
        if left[-1].isupper() and len(left) > 1:
            continue
        candidates.append((match.start(1) + len(left), "\u2014"))
    spaced = [match.start() + 1 for match in _SPACED.finditer(visible)
              if not _near_code(visible, match.start(), match.end())
              and _word_before(visible, match.start()) not in words.symbol_before]
    # A spaced " ? " alone is as often the character itself ("the conditional ?
    # operator"): alone it must be followed by a word that opens a clause after a dash;
    # two in one sentence are a parenthetical pair of dashes.
    for position in spaced:
        paired = any(other != position and _same_sentence(visible, position, other)
                     for other in spaced)
        if paired or _word_after(visible, position + 1) in words.dash_followers:
            candidates.append((position, "\u2014"))
    if not candidates or _has_lost_letters(visible, {pos for pos, _ in candidates}):
        return line
    kept = [c for c in candidates if not _reads_as_question(visible, c[0], candidates)]
    if not kept:
        return line
    chars = list(line)
    for position, dash in kept:
        chars[position] = dash
    repairs["lost-dash"] += len(kept)
    return "".join(chars)


def _word_before(line: str, position: int) -> str:
    match = re.search(r"([A-Za-z]+)\W*$", line[max(0, position - 40):position])
    return match.group(1).lower() if match else ""


def _word_after(line: str, position: int) -> str:
    match = re.match(r"\W*([A-Za-z]+)", line[position:position + 40])
    return match.group(1).lower() if match else ""


def _same_sentence(line: str, first: int, second: int) -> bool:
    low, high = sorted((first, second))
    return not any(mark in line[low + 1:high] for mark in (". ", "! ", "? "))


def _near_code(line: str, start: int, end: int) -> bool:
    """Code or a URL in the sentence around a '?' makes it an operator or a query."""
    left = max(line.rfind(". ", 0, start), line.rfind("; ", 0, start))
    right = line.find(". ", end)
    sentence = line[left + 1:] if right < 0 else line[left + 1:right]
    return bool(_CODE_LINE.search(sentence))


def _dash_side_ok(word: str, words: _DashWords) -> bool:
    lower = word.lower()
    if len(word) == 1:
        return lower == "a"
    if len(word) == 2:
        return lower in words.two_letter_words
    return True


def _has_lost_letters(line: str, dash_positions: set[int]) -> bool:
    """Other '?' in the line stand for lost letters ("Stra?e", "????"): then a glued '?'
    may be a letter too. Lost quotes and apostrophes ("?Yes,? he said", "It?s") are
    punctuation lost alongside the dashes and do not count."""
    tails = _dash_words().contraction_tails
    for start in _lost_letter_marks(line):
        if start in dash_positions:
            continue
        end = start
        while end < len(line) and line[end] == "?":
            end += 1
        before = line[start - 1:start]
        word_after = re.match(r"[A-Za-z]*", line[end:])
        after_word = word_after.group() if word_after else ""
        if end - start == 1 and not before.isalpha():
            continue  # a lost opening quote
        if end - start == 1 and before.isalpha() and after_word.lower() in tails:
            continue  # a lost apostrophe
        return True
    return False


def _reads_as_question(line: str, position: int, candidates: list[tuple[int, str]]) -> bool:
    """A lone '?' after a clause that opens like a question may be a real question mark."""
    start = max((i + 1 for i in (line.rfind(p, 0, position) for p in ".!\n") if i >= 0),
                default=0)
    same_sentence = [pos for pos, _ in candidates if start <= pos]
    end_of_sentence = min((i for i in (line.find(p, position + 1) for p in ".!") if i >= 0),
                          default=len(line))
    if len([pos for pos in same_sentence if pos < end_of_sentence]) >= 2:
        return False
    earlier = [pos for pos, _ in candidates if start <= pos < position]
    clause_start = earlier[-1] + 1 if earlier else start
    first = _WORD.search(line, clause_start, position)
    return bool(first) and first.group().lower() in _dash_words().question_starters


def _in_urlish_token(line: str, position: int) -> bool:
    start = line.rfind(" ", 0, position) + 1
    end = line.find(" ", position)
    token = line[start:] if end < 0 else line[start:end]
    return bool(_URLISH_TOKEN.fullmatch(token))


def _lost_letter_marks(line: str) -> list[int]:
    """Where runs of '?' in `line` stand for lost letters (not questions, queries, code)."""
    line = _blank_tags(line)
    if _CODE_LINE.search(line):
        return []
    marks = []
    for match in _LOST_LETTER.finditer(line):
        before = line[match.start() - 1] if match.start() else ""
        after = line[match.end()] if match.end() < len(line) else ""
        if before.islower() and after.isupper():
            continue  # "next?Nobody": a question mark missing its space
        if not _in_urlish_token(line, match.start()):
            marks.append(match.start())
    return marks


def count_lost_letters(text: str, repairs: Counter[str]) -> int:
    if not _any_question_mark(text, _may_be_lost_letter):
        return 0
    runs = sum(len(_lost_letter_marks(line)) for line in text.split("\n") if "?" in line)
    if runs:
        repairs["lossy-damage-kept"] += runs
    return runs
