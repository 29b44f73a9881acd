"""Label a text, and each of its paragraphs, with a language: script first, n-grams second.

The dominant writing system settles the language when it is specific to one (Hangul,
kana, Greek …), otherwise it narrows the n-gram model's candidates (Cyrillic, Arabic,
Latin …). Text with too few letters is `und`. Paragraphs too short to judge on their own
are grouped with their neighbours, and a paragraph leans towards the document's language
unless its own evidence is clearly stronger. Input never raises: anything without letters
is `und`. This module does not calibrate confidences (see `calibration.py`).
"""

from __future__ import annotations

import math
import re
import struct
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from textwash.language.ngrams import WordScores, load_lexicon, load_profiles
from textwash.language.scripts import ScriptTable, script_table

UNDETERMINED = "und"
# Longer tokens (unspaced scripts: a whole sentence) are scored but not kept in the cache.
MAX_CACHED_TOKEN_CHARS = 64
# A longer run of letters in a spaced script is not a word (base64, hashes): not scored.
MAX_WORD_CHARS = 40
_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class DetectorSettings:
    """Thresholds of language detection, tuned on the tuning split of the sample set."""

    # Smoothing of unseen n-grams, as in langdetect (P = alpha / 10000).
    alpha: float = 0.5
    # Weight of the frequent-word lexicon against the n-gram score (0 turns it off) …
    lexicon_weight: float = 0.9
    # … and for text shorter than `short_letters`, where words say more than n-grams.
    short_lexicon_weight: float = 4.0
    short_letters: int = 30
    # log10 frequency below which a lexicon word adds nothing.
    lexicon_floor_log10: float = -6.0
    # Fewer letters than this: `und` rather than a guess.
    min_letters: int = 3
    # Paragraphs shorter than this are judged together with their neighbours.
    min_block_chars: int = 40
    # A language covering less of the text than this is left out of the mix.
    min_share: float = 0.1
    # Log-score head start of the document's language within each paragraph: this many
    # nats, or this many per letter of the paragraph if that is more (names and product
    # lists score a little of everything; real prose in another language scores far more).
    document_bonus: float = 15.0
    document_bonus_per_letter: float = 0.5
    # Token cache size; cleared between texts once full. Real pages bring ~100 new tokens
    # each (1,497 wcxb pages: 154k distinct) and a new token costs ~75 µs: with 200,000
    # (~0.5 KB each) one pass over those pages takes 8.9-9.2 ms a page against 12.0-12.6
    # with 50,000 (side by side), a second pass 1.9 against 14.
    max_cached_tokens: int = 200_000


@dataclass(frozen=True, slots=True)
class Decision:
    language: str
    # Log-score lead over the runner-up (nats); inf when the script decided, nan if `und`.
    margin: float
    letters: int


@dataclass(slots=True)
class Evidence:
    """What a stretch of text says: letters per script and, per n-gram-scored script, the
    summed score row ([n-gram scores | lexicon lifts], one column pair per language)."""

    letters: Counter[int] = field(default_factory=Counter)
    scores: dict[int, np.ndarray] = field(default_factory=dict)
    chars: int = 0

    def add(self, other: Evidence) -> None:
        self.letters.update(other.letters)
        for script, vector in other.scores.items():
            mine = self.scores.get(script)
            self.scores[script] = vector.copy() if mine is None else mine + vector


# (primary script or -1, its letters, score row or 0, letters of other scripts)
_Entry = tuple[int, int, int, tuple[tuple[int, int], ...]]
_EMPTY: _Entry = (-1, 0, 0, ())
# What the cache holds per token: five native int64 packed in bytes, so that a text's
# tokens become one array by joining them (no per-token conversion): its script bits
# (below), its letters in a script (0 when its primary script is unknown), its score row,
# its length and its id (index of its entry).
_FACTS = struct.Struct("=5q")
_SCRIPT_BITS, _LETTERS, _ROW, _LENGTH, _ID = 0, 1, 2, 3, 4
# Script bits: bit 0 for no script, bit s + 1 for script s, this bit for letters of two
# scripts, and this one for a control character (which `clean` turns into a space).
_MIXED_BIT = 1 << 62
_CONTROL_BIT = 1 << 61
# A text's lines: its tokens' facts in order (an array, one row per token), where each line ends.
_Lines = tuple[np.ndarray, list[int]]


class _CharScripts(dict[str, int]):
    """`ScriptTable.script_of` per character, computed once per character met."""

    def __init__(self, table: ScriptTable) -> None:
        super().__init__()
        self._script_of = table.script_of

    def __missing__(self, char: str) -> int:
        script = self[char] = self._script_of(char)
        return script


class Detector:
    """One per process (see `detector()` in `__init__`): holds profiles and token caches."""

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        self.settings = settings or DetectorSettings()
        self.table: ScriptTable = script_table()
        self.profiles = load_profiles(self.settings.alpha)
        lexicon = load_lexicon(self.profiles.languages, self.settings.lexicon_floor_log10)
        # Per script with candidates, its own score rows over its candidates only.
        self._scorers = [
            WordScores(self.profiles, lexicon, self.profiles.columns(script.candidates))
            if script.candidates else None
            for script in self.table.scripts
        ]
        self._present_scorers = [scorer for scorer in self._scorers if scorer is not None]
        self._codes = [
            tuple(self.profiles.languages[c] for c in scorer.columns) if scorer else ()
            for scorer in self._scorers
        ]
        self._positions = [{code: i for i, code in enumerate(codes)} for codes in self._codes]
        self._kana = self.table.index["kana"]
        self._han = self.table.index["han"]
        self._char_scripts = _CharScripts(self.table)
        # Packed facts per token text met; its entry by the id in them.
        self._facts: dict[str, bytes] = {}
        self._entry_list: list[_Entry] = []

    def begin(self) -> None:
        """Call before each text: bounds the caches without invalidating a text's rows."""
        limit = self.settings.max_cached_tokens
        scorers = self._present_scorers
        if len(self._entry_list) >= limit or any(s.rows_used >= limit for s in scorers):
            self._facts.clear()
            self._entry_list.clear()
            for scorer in scorers:
                scorer.clear()

    # -- tokens --------------------------------------------------------------------------

    def _token_facts(self, token: str) -> bytes:
        """A token's packed facts; for a token not met yet, its entry is made and stored."""
        facts = self._facts.get(token)
        if facts is not None:
            return facts
        entry = self._entry(token)
        primary, count, row, others = entry
        bits = _MIXED_BIT if others else 1 << (primary + 1)
        if _CONTROL.search(token):
            bits |= _CONTROL_BIT
        facts = _FACTS.pack(bits, count if primary >= 0 else 0, row, len(token),
                            len(self._entry_list))
        self._entry_list.append(entry)
        if len(token) <= MAX_CACHED_TOKEN_CHARS:
            self._facts[token] = facts
        return facts

    def _entry(self, token: str) -> _Entry:
        """Script letters and score row of one whitespace-delimited token."""
        words = self.table.word_pattern.findall(token)
        if not words:
            return _EMPTY
        letters = "".join(words)
        scripts = set(map(self._char_scripts.__getitem__, letters))
        if len(scripts) == 1:  # most tokens: what the count below gives for one script
            (primary,) = scripts
            counts = {primary: len(letters)}
        else:
            counts = Counter(map(self._char_scripts.__getitem__, letters))
            primary = max(counts, key=lambda script: (counts[script], -script))
        row = 0
        scorer = self._scorers[primary] if primary >= 0 else None
        if scorer is not None:
            row = scorer.add(
                [
                    word.lower() if len(word) > 1 and word.isupper() else word
                    for word in words
                    if len(word) <= MAX_WORD_CHARS
                ]
            )
        others = tuple((script, n) for script, n in counts.items() if script != primary)
        return (primary, counts[primary], row, others)

    def evidence(self, entries: list[_Entry], chars: int) -> Evidence:
        if not entries:
            return Evidence(chars=chars)
        primaries, counts, rows, others = zip(*entries, strict=True)
        letters: Counter[int] = Counter()
        groups: dict[int, tuple[int, ...] | list[int]] = {}
        if len(set(primaries)) == 1:
            letters[primaries[0]] = sum(counts)
            if any(rows):  # row 0 is all zeros: no need to filter it out
                groups[primaries[0]] = rows
        else:
            for primary, count, row in zip(primaries, counts, rows, strict=True):
                letters[primary] += count
                if row:
                    groups.setdefault(primary, []).append(row)  # type: ignore[union-attr]
        if any(others):
            for pairs in others:
                for script, count in pairs:
                    letters[script] += count
        scorers = self._scorers
        scores = {
            script: scorer.matrix.take(group, axis=0).sum(axis=0).astype(np.float64)
            for script, group in groups.items()
            if script >= 0 and (scorer := scorers[script]) is not None
        }
        return Evidence(letters, scores, chars)

    def label(self, text: str) -> tuple[Decision, list[tuple[str, int]]]:
        """The text's language and each paragraph block's (language, characters).

        Control characters are read as spaces, as `clean` writes them: those that are
        whitespace change no token or line, and a token with another one is rare enough
        to label the text again with them replaced (which spares a scan of every text).
        """
        lines = self._lines(text)
        facts = lines[0]
        if not len(facts):
            return Decision(UNDETERMINED, math.nan, 0), []
        bits = int(np.bitwise_or.reduce(facts[:, _SCRIPT_BITS]))
        if bits & _CONTROL_BIT:
            return self.label(_CONTROL.sub(" ", text))
        fast = self._label_one_script(lines, bits)
        if fast is not None:
            return fast
        blocks = [self.evidence(entries, chars) for _, entries, chars in self._groups(lines)]
        whole = Evidence()
        for block in blocks:
            whole.add(block)
        overall = self.decide(whole)
        if overall.language == UNDETERMINED:
            return overall, []
        if len(blocks) == 1:
            return overall, [(overall.language, blocks[0].chars)]
        favoured = overall.language
        return overall, [(self.decide(block, favoured).language, block.chars) for block in blocks]

    def _lines(self, text: str) -> _Lines:
        """The token facts of the text's non-blank lines, where each line ends, its characters."""
        get = self._facts.get
        packed: list[bytes | None] = []
        ends: list[int] = []
        for line in text.split("\n"):
            tokens = line.split()
            if tokens:
                packed += map(get, tokens)
                ends.append(len(packed))
        try:
            joined = b"".join(packed)  # type: ignore[arg-type]
        except TypeError:  # tokens not met yet (None); the lines' tokens are the text's
            joined = b"".join([self._token_facts(token) if facts is None else facts
                               for facts, token in zip(packed, text.split(), strict=True)])
        return np.frombuffer(joined, dtype=np.int64).reshape(-1, _FACTS.size // 8), ends

    @staticmethod
    def _line_chars(facts: np.ndarray, ends: list[int]) -> list[int]:
        """Characters of each line from its first to its last token, spaces between counted
        as one (how long the line reads once whitespace is collapsed)."""
        starts = [0, *ends[:-1]]
        lengths = np.add.reduceat(facts[:, _LENGTH], starts).tolist()
        return [length + end - start - 1
                for length, start, end in zip(lengths, starts, ends, strict=True)]

    def _label_one_script(
        self, lines: _Lines, bits: int
    ) -> tuple[Decision, list[tuple[str, int]]] | None:
        """`label` for text in one n-gram-scored script, all blocks scored in one pass.

        Gives what the block-by-block path gives; None when the text is not that simple.
        In one script, a line's script is that script if any of its tokens has letters in
        it (else none), so lines group as `_groups` groups them without any script change.
        """
        facts, ends = lines
        scripts = bits & ~1
        if bits & _MIXED_BIT or not scripts or scripts & (scripts - 1):
            return None
        script = scripts.bit_length() - 2
        scorer = self._scorers[script]
        if scorer is None:
            return None
        # Per line: letters, a sum of score rows that is 0 only if none was scored, and
        # the length of its tokens.
        per_line = np.add.reduceat(facts[:, _LETTERS:_ID], [0, *ends[:-1]], axis=0).tolist()

        minimum = self.settings.min_block_chars
        offsets: list[int] = []
        block_letters: list[int] = []
        block_scored: list[bool] = []
        block_chars: list[int] = []
        block_in_script: list[bool] = []
        start = line_start = chars = letters = 0
        scored = in_script = pending = False
        for end, (line_letter_count, line_row, token_chars) in zip(ends, per_line, strict=True):
            pending = True
            chars += token_chars + end - line_start - 1  # one space between tokens
            line_start = end
            letters += line_letter_count
            scored = scored or line_row > 0
            in_script = in_script or line_letter_count > 0
            if chars >= minimum:
                offsets.append(start)
                block_letters.append(letters)
                block_scored.append(scored)
                block_chars.append(chars)
                block_in_script.append(in_script)
                start, chars, letters = end, 0, 0
                scored = in_script = pending = False
        if pending:
            if offsets and chars < minimum and (not in_script or block_in_script[-1]):
                block_letters[-1] += letters
                block_scored[-1] = block_scored[-1] or scored
                block_chars[-1] += chars
            else:
                offsets.append(start)
                block_letters.append(letters)
                block_scored.append(scored)
                block_chars.append(chars)

        total = sum(block_letters)
        if total < self.settings.min_letters or not any(block_scored):
            return Decision(UNDETERMINED, math.nan, total), []
        sums = np.add.reduceat(scorer.matrix.take(facts[:, _ROW], axis=0), offsets, axis=0)
        sums = sums.astype(np.float64)
        overall = self._score(script, sums.sum(axis=0), total, None)
        if len(offsets) == 1:
            return overall, [(overall.language, block_chars[0])]
        letters_per_block = np.array(block_letters, dtype=np.int64)
        weights = np.where(
            letters_per_block < self.settings.short_letters,
            self.settings.short_lexicon_weight,
            self.settings.lexicon_weight,
        ) * float(self.table.scripts[script].lexicon)
        width = scorer.width
        scores = sums[:, :width] + weights[:, None] * sums[:, width:]
        favoured_at = self._positions[script].get(overall.language)
        if favoured_at is not None:
            scores[:, favoured_at] += np.maximum(
                self.settings.document_bonus,
                self.settings.document_bonus_per_letter * letters_per_block,
            )
        codes = self._codes[script]
        minimum_letters = self.settings.min_letters
        labels = [
            codes[best] if scored and letters_in >= minimum_letters else UNDETERMINED
            for best, scored, letters_in in zip(
                scores.argmax(axis=1).tolist(), block_scored, block_letters, strict=True
            )
        ]
        return overall, list(zip(labels, block_chars, strict=True))

    def _groups(self, lines: _Lines) -> list[tuple[int, list[_Entry], int]]:
        """Paragraphs (lines) as token entries; a short line joins its neighbours of one script.

        Lines shorter than `min_block_chars` are judged together with the lines around
        them, but never across a change of script, so a Korean line between English ones
        stays Korean however short it is (its share of the text then decides if it counts).
        """
        minimum = self.settings.min_block_chars
        entry_of = self._entry_list.__getitem__
        facts, ends = lines
        ids = facts[:, _ID].tolist()
        line_chars = self._line_chars(facts, ends)
        groups: list[tuple[int, list[_Entry], int]] = []
        pending: list[_Entry] = []
        pending_script = -1
        pending_chars = 0
        start = 0
        for end, chars in zip(ends, line_chars, strict=True):
            entries = list(map(entry_of, ids[start:end]))
            start = end
            script = self._line_script(entries)
            if pending and script >= 0 and pending_script >= 0 and script != pending_script:
                groups.append((pending_script, pending, pending_chars))
                pending, pending_chars = [], 0
            if script >= 0:
                pending_script = script
            pending.extend(entries)
            pending_chars += chars
            if pending_chars >= minimum:
                groups.append((pending_script, pending, pending_chars))
                pending, pending_script, pending_chars = [], -1, 0
        if pending:
            last = groups[-1] if groups else None
            if last and pending_chars < minimum and pending_script in (last[0], -1):
                groups[-1] = (last[0], last[1] + pending, last[2] + pending_chars)
            else:
                groups.append((pending_script, pending, pending_chars))
        return groups

    def blocks(self, text: str) -> list[Evidence]:
        groups = self._groups(self._lines(text))
        return [self.evidence(entries, chars) for _, entries, chars in groups]

    def _line_script(self, entries: list[_Entry]) -> int:
        """The script with most (weighted) letters in a line; kana and Han count as one."""
        present = {entry[0] for entry in entries}
        if len(present) == 1:
            (only,) = present
            return self._kana if only == self._han else only
        weighted: dict[int, float] = {}
        scripts = self.table.scripts
        for primary, count, _, _ in entries:
            if primary >= 0:
                key = self._kana if primary == self._han else primary
                weighted[key] = weighted.get(key, 0.0) + count * scripts[primary].weight
        if not weighted:
            return -1
        return max(weighted, key=lambda script: (weighted[script], -script))

    # -- decisions -----------------------------------------------------------------------

    def decide(self, evidence: Evidence, favoured: str | None = None) -> Decision:
        letters = {s: n for s, n in evidence.letters.items() if s >= 0 and n}
        total = sum(letters.values())
        if total < self.settings.min_letters:
            return Decision(UNDETERMINED, math.nan, total)
        kana, han = letters.get(self._kana, 0), letters.get(self._han, 0)
        japanese = favoured == "ja" or kana >= self.table.min_kana_share * (kana + han)
        if (kana or han) and japanese:
            letters[self._kana] = kana + han
            letters[self._han] = 0
        scripts = self.table.scripts
        dominant = max(letters, key=lambda s: (letters[s] * scripts[s].weight, -s))
        script = scripts[dominant]
        if script.decides:
            return Decision(script.decides, math.inf, total)
        vector = evidence.scores.get(dominant)
        if self._scorers[dominant] is None or vector is None:
            return Decision(UNDETERMINED, math.nan, total)
        return self._score(dominant, vector, total, favoured)

    def _score(
        self, script: int, vector: np.ndarray, total: int, favoured: str | None
    ) -> Decision:
        """The best of `script`'s candidates for a score vector, and its lead."""
        codes = self._codes[script]
        weight = self.settings.lexicon_weight
        if total < self.settings.short_letters:
            weight = self.settings.short_lexicon_weight
        if not self.table.scripts[script].lexicon:
            weight = 0.0
        width = len(codes)
        scores = vector[:width] + weight * vector[width:]
        if len(scores) == 1:
            return Decision(codes[0], math.inf, total)
        favoured_at = self._positions[script].get(favoured) if favoured else None
        if favoured_at is not None:
            scores[favoured_at] += max(
                self.settings.document_bonus, self.settings.document_bonus_per_letter * total
            )
        best = int(scores.argmax())  # the first of equal scores: ties break the same way
        top = scores[best]
        scores[best] = -math.inf
        margin = float(top - scores.max())
        return Decision(codes[best], margin, total)


def clean(text: str, max_chars: int) -> str:
    """The slice of `text` that is read: URLs, e-mail addresses and control characters out."""
    return _CONTROL.sub(" ", strip_links(text, max_chars))


def strip_links(text: str, max_chars: int) -> str:
    """`clean` but for control characters, which `Detector.label` reads as `clean` writes them."""
    text = text[: max_chars + max_chars // 4]
    if "://" in text or "www." in text:
        text = _without_urls(text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    return text[:max_chars]


def _without_urls(text: str) -> str:
    """`_URL.sub(" ", text)`, searching only from where a URL can start.

    A match starts at "www." or at most 5 characters ("https") before "://", and the
    pattern looks neither behind nor at anchors, so a search from there finds the same
    next match as one from the end of the last: the scan skips plain text in C.
    """
    pieces: list[str] = []
    position = 0
    while True:
        www, scheme = text.find("www.", position), text.find("://", position)
        if www < 0 and scheme < 0:
            break
        earliest = min(www if www >= 0 else len(text), scheme - 5 if scheme >= 0 else len(text))
        match = _URL.search(text, max(position, earliest))
        if match is None:
            break
        pieces += (text[position : match.start()], " ")
        position = match.end()
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)

