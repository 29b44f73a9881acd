"""`plausibility.read` for single-byte code pages, straight from the bytes.

Detection reads one sample through a dozen and more code pages. For a single-byte code
page (ASCII below 0x80, one character per byte above) a character and its two
neighbours are three bytes, so every rule of `textwash.plausibility.read` becomes a
lookup in tables built once per code page: the score of a non-ASCII byte with the byte
before it (257 × 128, the 257th "byte" being no character), with the byte after it, and
the few signs whose score depends on both neighbours at once, corrected where they
occur. The positions, neighbours and byte counts of a sample are computed once and shared
by every code page. The result equals `read(sample.decode(codec))` exactly (scores are
multiples of 1/4, so sums are exact). Multi-byte codecs are not handled here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

import numpy as np

from textwash.plausibility import (
    FACT_ROWS,
    MAX_CHARS,
    SCRIPT_NAMES,
    Reading,
    capped_positions,
    judged_scripts,
    letter_shape,
)

_NONE = 256  # the neighbour of a sample's first or last byte
_ASCII = bytes(range(0x80))


@cache
def is_single_byte(codec: str) -> bool:
    """Whether `codec` maps bytes below 0x80 to ASCII and every other byte to one
    character (or, undefined, to one replacement) whatever follows it: no byte pairs
    up with the next one, as multi-byte codecs' lead bytes do."""
    if bytes(range(128)).decode(codec, errors="replace") != "".join(map(chr, range(128))):
        return False
    shift = b"\x1b$B\x30\x21"  # an ISO-2022 escape: stateful codecs change what follows
    if shift.decode(codec, errors="replace") != shift.decode("ascii"):
        return False
    pairs = _byte_pairs()
    return len(pairs.decode(codec, errors="replace")) == len(pairs)


@cache
def _byte_pairs() -> bytes:
    """Every byte above 0x7F followed by every byte."""
    grid = np.empty((128, 256, 2), dtype=np.uint8)
    grid[:, :, 0] = np.arange(128, 256)[:, None]
    grid[:, :, 1] = np.arange(256)[None, :]
    return grid.tobytes()


@dataclass(frozen=True, slots=True)
class _Tables:
    before: np.ndarray     # (257·128) score of byte y after byte x, at x·128 + y-128
    after: np.ndarray      # (128·257) what byte z after byte y adds, at (y-128)·257 + z
    lower_after_upper: np.ndarray  # (257·128) y a lower-case letter after upper-case x
    upper: np.ndarray      # (257) byte is an upper-case character
    special: np.ndarray    # (256) byte is a sign whose score needs both neighbours
    common: np.ndarray     # (256) in the common signs (set apart: 1.0)
    glued: np.ndarray      # (256) in the signs that never stand inside a word (-1.0)
    boundary: np.ndarray   # (257)
    alpha: np.ndarray      # (257)
    own_score: np.ndarray  # (256) the sign's score on its own
    bound: np.ndarray      # (256) the most a byte can score, whatever its neighbours
    chars: np.ndarray      # (256) the code point of each byte, -1 where undefined
    script: np.ndarray     # (256) script number of a letter, -1 for other bytes
    scripts: tuple[str, ...]  # the scripts of the code page's letters
    # (256, 2·scripts + 2): per byte, a letter of each script, a frequent letter of
    # each script, a cased letter, an upper-case letter; one product counts them all.
    letter_counts: np.ndarray


@cache
def _tables(codec: str) -> _Tables:
    codes = []
    for byte in range(256):
        try:
            codes.append(ord(bytes([byte]).decode(codec)))
        except UnicodeDecodeError:
            codes.append(-1)  # never met: such a sample does not decode strictly
    known = np.array([code >= 0 for code in codes])
    rows = np.zeros(257, dtype=np.int32)
    rows[:256][known] = FACT_ROWS.rows(np.array([c for c in codes if c >= 0], dtype="<u4"))
    facts = FACT_ROWS.columns()

    def column(name: str, at: np.ndarray = rows) -> np.ndarray:
        return getattr(facts, name)[at]

    own = rows[128:256]
    x = (slice(None), None)   # the neighbour, as rows of a (257, 128) table
    y = (None, slice(None))   # the non-ASCII byte, as columns
    alpha_y, script_y = column("alpha", own), column("script", own)
    alpha_x, script_x = column("alpha"), column("script")
    penalty_before = (
        -2.0 * (alpha_x[x] & (script_x[x] != script_y[y]))
        - 1.0 * column("digit")[x]
        - 0.75 * (column("high")[x] & alpha_x[x] & (script_x[x] == script_y[y])
                  & column("latin", own)[y])
        - 2.0 * (column("upper", own)[y] & alpha_x[x] & column("lower")[x])
    )
    score_y = column("score", own)
    before = np.where(alpha_y[y], score_y[y] + penalty_before, score_y[y])
    # (128, 257): the byte after, z, of a non-ASCII byte y.
    penalty_after = (
        -2.0 * (alpha_x[None, :] & (script_x[None, :] != script_y[:, None]))
        - 1.0 * column("digit")[None, :]
        - 2.0 * (column("lower", own)[:, None] & alpha_x[None, :] & column("upper")[None, :])
    )
    after = np.where(alpha_y[:, None], penalty_after, 0.0)
    lower_after_upper = (alpha_y & column("lower", own))[y] & column("upper")[x]
    all_own = rows[:256]
    alpha_own = column("alpha", all_own)
    common, glued = column("common", all_own), column("glued", all_own)
    script = np.where(alpha_own, column("script", all_own), -1)
    numbers = sorted(set(script.tolist()) - {-1})
    frequent = alpha_own & column("frequent", all_own)
    letter_counts = np.column_stack(
        [script == number for number in numbers]
        + [(script == number) & frequent for number in numbers]
        + [alpha_own & column("cased", all_own), alpha_own & column("upper", all_own)]
    ).astype(np.int64)
    return _Tables(
        # float32 holds these quarter-point scores and their sums over a sample exactly.
        before=before.ravel().astype(np.float32), after=after.ravel().astype(np.float32),
        lower_after_upper=lower_after_upper.ravel(), upper=column("upper"),
        special=~alpha_own & (common | glued), common=common, glued=glued,
        boundary=column("boundary"), alpha=alpha_x, own_score=column("score", all_own),
        bound=column("score", all_own) + 0.5 * common,
        chars=np.array(codes, dtype=np.int32),
        script=script, scripts=tuple(SCRIPT_NAMES[number] for number in numbers),
        letter_counts=letter_counts,
    )


_BEFORE_SIZE = 257 * 128


class _Stack:
    """The tables of every code page read so far, end to end in one array per table, so
    that one `take` reads a sample through several code pages."""

    _STACKED = ("before", "after", "lower_after_upper", "upper", "special", "common", "glued",
                "boundary", "alpha", "own_score", "bound", "chars")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: tuple[dict[str, int], _Tables | None] = ({}, None)

    def lookup(self, codecs: list[str]) -> tuple[_Tables, np.ndarray]:
        """The stacked tables (only the arrays `read_many` uses) and where each of
        `codecs` is in them, in units of its table's length."""
        index, stacked = self._state
        if stacked is None or any(codec not in index for codec in codecs):
            with self._lock:
                known = list(self._state[0])
                known += [c for c in dict.fromkeys(codecs) if c not in known]
                tables = [_tables(codec) for codec in known]
                stacked = _Tables(**{
                    name: (np.concatenate([getattr(t, name) for t in tables])
                           if name in self._STACKED else np.empty(0))
                    for name in _Tables.__slots__ if name != "scripts"
                }, scripts=())
                index = {codec: number for number, codec in enumerate(known)}
                self._state = (index, stacked)
        return stacked, np.array([index[codec] for codec in codecs])


_STACK = _Stack()


class SingleByteSample:
    """A byte sample prepared once, read through any single-byte code page."""

    def __init__(self, sample: bytes, max_chars: int = MAX_CHARS) -> None:
        data = np.frombuffer(sample, dtype=np.uint8)
        # Every byte value above 0x7F in the whole sample (strict decoding needs them all).
        self._present = np.flatnonzero(
            np.bincount(np.frombuffer(sample.translate(None, _ASCII), dtype=np.uint8),
                        minlength=256)[128:]) + 128
        positions = capped_positions(np.flatnonzero(data >= 0x80), max_chars)
        self.count = positions.size
        if not self.count:
            return
        padded = np.empty(data.size + 2, dtype=np.intp)
        padded[0] = padded[-1] = _NONE
        padded[1:-1] = data
        own = padded[positions + 1]
        self._own, self._before, self._after = own, padded[positions], padded[positions + 2]
        self._at_before = self._before * 128 + (own - 128)
        self._at_after = (own - 128) * 257 + self._after
        self._counts = np.bincount(own, minlength=256)

    def decodings(self, codecs: list[str]) -> list[bytes | None]:
        """For each code page, what it makes of the sample's non-ASCII bytes (equal for
        code pages that decode the sample alike), or None when it does not decode it
        strictly (a byte it leaves undefined)."""
        stack, at = _STACK.lookup(codecs)
        chars = stack.chars.take(at[:, None] * 256 + self._present)
        defined = (chars >= 0).all(axis=1).tolist()
        return [row.tobytes() if ok else None for row, ok in zip(chars, defined, strict=True)]

    def upper_bounds(self, codecs: list[str]) -> list[float]:
        """Scores `read` cannot exceed, per code page: each byte on its own (context only
        takes away, but for a common sign set apart by spaces: +0.5), before the letter
        shape (which only takes away)."""
        if not self.count or not codecs:
            return [0.0] * len(codecs)
        stack, at = _STACK.lookup(codecs)
        bounds = stack.bound.take(at[:, None] * 256 + np.arange(256)) @ self._counts
        return (bounds / self.count).tolist()

    def read(self, codec: str) -> Reading:
        """`plausibility.read(sample.decode(codec))`, for a sample that decodes strictly."""
        reading = Reading()
        if not self.count:
            return reading
        tables = _tables(codec)
        total = float(tables.before.take(self._at_before).sum()
                      + tables.after.take(self._at_after).sum())
        total -= np.count_nonzero(tables.lower_after_upper.take(self._at_before)
                                  & tables.upper.take(self._after))
        if self._counts[tables.special].any():
            total += self._special_signs(tables)
        self._count_letters(tables, reading)
        reading.score = total / self.count + letter_shape(reading)
        return reading

    def read_many(self, codecs: list[str]) -> list[Reading]:
        """`read` for several code pages at once: the same lookups, one numpy call each
        for all of them (a call costs more than the work it does on one sample)."""
        readings = [Reading() for _ in codecs]
        if not self.count or not codecs:
            return readings
        stack, at = _STACK.lookup(codecs)
        at = at[:, None]
        at_before = at * _BEFORE_SIZE + self._at_before
        totals = (stack.before.take(at_before).sum(axis=1, dtype=np.float64)
                  + stack.after.take(at * _BEFORE_SIZE + self._at_after)
                  .sum(axis=1, dtype=np.float64))
        totals -= np.count_nonzero(stack.lower_after_upper.take(at_before)
                                   & stack.upper.take(at * 257 + self._after), axis=1)
        special = stack.special.take(at * 256 + self._own)
        if special.any():
            totals += self._special_signs_many(stack, at[:, 0], special)
        for index, codec in enumerate(codecs):
            self._count_letters(_tables(codec), readings[index])
            readings[index].score = (float(totals[index]) / self.count
                                     + letter_shape(readings[index]))
        return readings

    def _special_signs_many(self, stack: _Tables, at: np.ndarray,
                            special: np.ndarray) -> np.ndarray:
        row, column = np.nonzero(special)
        codec = at[row]
        own, before, after = self._own[column], self._before[column], self._after[column]
        own_at = codec * 256 + own
        set_apart = stack.common.take(own_at) & (
            stack.boundary.take(codec * 257 + before) | stack.boundary.take(codec * 257 + after))
        glued = (~set_apart & stack.glued.take(own_at) & stack.alpha.take(codec * 257 + before)
                 & stack.alpha.take(codec * 257 + after))
        own_score = stack.own_score.take(own_at)
        change = np.where(set_apart, 1.0 - own_score, 0.0) + np.where(glued, -1.0 - own_score, 0.0)
        return np.bincount(row, weights=change, minlength=special.shape[0])

    def _special_signs(self, tables: _Tables) -> float:
        """What signs set apart by spaces, or glued between letters, change."""
        at = np.flatnonzero(tables.special.take(self._own))
        own, before, after = self._own[at], self._before[at], self._after[at]
        set_apart = tables.common[own] & (tables.boundary[before] | tables.boundary[after])
        glued = (~set_apart & tables.glued[own] & tables.alpha[before]
                 & tables.alpha[after])
        own_score = tables.own_score[own]
        return float((1.0 - own_score[set_apart]).sum() + (-1.0 - own_score[glued]).sum())

    def _count_letters(self, tables: _Tables, reading: Reading) -> None:
        counts = (self._counts @ tables.letter_counts).tolist()
        scripts = len(tables.scripts)
        present = [index for index in range(scripts) if counts[index]]
        if len(present) > 1 and self._tie_for_most(tables, counts, present):
            # Which script comes first decides a tie: order as a reader meets them.
            script_of = tables.script.take(self._own)
            numbers = [SCRIPT_NAMES.index(name) for name in tables.scripts]
            present.sort(key=lambda index: int(np.argmax(script_of == numbers[index])))
        for index in present:
            reading.letters[tables.scripts[index]] = counts[index]
            if counts[scripts + index]:
                reading.frequent[tables.scripts[index]] = counts[scripts + index]
        reading.cased, reading.upper = counts[-2], counts[-1]

    @staticmethod
    def _tie_for_most(tables: _Tables, counts: list[int], present: list[int]) -> bool:
        judged = [counts[index] for index in present if tables.scripts[index] in judged_scripts()]
        return len(judged) > 1 and judged.count(max(judged)) > 1
