"""Numeric features of a page's lines for the boilerplate line classifier.

`page_features` turns a page (its non-blank lines plus layout and rule signals) into one
row of numbers per line: what the line looks like (length, punctuation, stopwords, …)
and where it sits (position, word mass around it, distance to the nearest long line, runs
of short lines, …). `neighbour_features` adds, for the second pass, the first pass's
predictions around each line (jusText-style context smoothing, learnt instead of
hand-tuned). `pages_features` and `pages_neighbour_features` do the same for several
pages at once, each page's rows exactly as alone. The training script and the runtime
share this module, so the two can never disagree. It makes no decision and knows nothing
about the model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter, sub, truediv

import numpy as np

from textwash.boilerplate.rules import fold_stripped, stopwords

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
#: Punctuation trimmed from whitespace-separated tokens.
_EDGE = ".,;:!?\"'()[]{}<>“”‘’«»「」『』、。，！？：；（）【】《》-–—/|·•*#…"
#: A whitespace-separated token with the `_EDGE` punctuation at both ends trimmed off
#: (`str.split` then `str.strip(_EDGE)`, in one pass).
_TOKEN = re.compile(rf"[^\s{re.escape(_EDGE)}]\S*(?<![{re.escape(_EDGE)}])")
#: Separator characters: the ASCII ones are counted in the UTF-8 bytes, the rest by count.
_ASCII_SEPARATORS = b"|/>"
_OTHER_SEPARATORS = "·•»›"
_DIGITS = b"0123456789"
_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_first_char = itemgetter(0)
_BULLET = re.compile(r"^(?:[-*•·▪►–—]\s|\d{1,3}[.)]\s|[a-z][.)]\s)")
_SENTENCE_MARKS = frozenset(".!?。！？…")
_CLOSERS = "'\"”’)] "

#: Characters of a line looked at for character-class ratios (long lines are prose anyway).
SAMPLE_CHARS = 200
#: Tokens of a line looked at for stopword and capitalisation ratios.
SAMPLE_TOKENS = 40
#: A line of at least this many words is "long" (body text, for distances and runs).
LONG_LINE_WORDS = 15
#: A line of at most this many words is "short" (for runs of short lines).
SHORT_LINE_WORDS = 4
#: Distances and counts are capped here so that page size does not dominate.
CAP = 100
#: Pages of at most this many lines get their context and neighbour features from plain
#: Python lists (for a handful of lines, cheaper than many small numpy calls), larger ones
#: from numpy cumulative sums. Both give the same float32 values.
SMALL_PAGE_LINES = 64
#: Word counts and their sums below this are exact in float32 (the Python path relies on it).
_EXACT_FLOAT32_INTEGERS = 2 ** 24

LINE_FEATURES = (
    "words", "log_chars", "mean_token_len", "digit_frac", "punct_frac", "upper_initial_frac",
    "stopword_frac", "ends_sentence", "ends_colon", "starts_bullet", "separators",
    "has_url", "dup_in_page", "rule_hit", "corpus_df", "blank_before", "blank_after",
    "commas_per_word", "headline_like", "first_line_overlap",
)
CONTEXT_FEATURES = (
    "rel_pos", "index", "from_end", "log_lines", "log_page_words", "words_before_frac",
    "words_after_frac", "prev_words", "next_words", "prev2_words", "next2_words",
    "window3_words", "window10_words", "dist_long_above", "dist_long_below", "between_long",
    "short_run", "block_lines", "pos_in_block", "long_words_frac", "words_vs_max",
    "long_lines", "window3_sentences", "window2_stopword_frac", "window5_long_lines",
)
NEIGHBOUR_FEATURES = (
    "p", "p_prev", "p_next", "p_prev2", "p_next2", "p_window3", "p_window8",
    "p_window5_by_words", "p_page", "p_page_by_words", "p_long_above", "p_long_below",
    "p_max_prev3", "p_max_next3",
)
FEATURE_NAMES = LINE_FEATURES + CONTEXT_FEATURES
_ENDS_SENTENCE = LINE_FEATURES.index("ends_sentence")
_STOPWORD_FRAC = LINE_FEATURES.index("stopword_frac")
SECOND_PASS_NAMES = FEATURE_NAMES + NEIGHBOUR_FEATURES


@dataclass(frozen=True, slots=True)
class PageLines:
    """A page as the classifier sees it: non-blank lines and the layout around them."""

    lines: list[str]
    blank_before: list[bool]
    blank_after: list[bool]
    #: each line's comparison form (`rules.fold`), computed once for rules, hashes, counts
    folded: list[str]

    @classmethod
    def from_text(cls, text: str) -> tuple[PageLines, list[int]]:
        """The page of `text` and, for each of its lines, the index in `text.split("\\n")`."""
        stripped = list(map(str.strip, text.split("\n")))
        index = [i for i, line in enumerate(stripped) if line]
        lines = [stripped[i] for i in index]
        before = [i == 0 or not stripped[i - 1] for i in index]
        after = [i == len(stripped) - 1 or not stripped[i + 1] for i in index]
        return cls(lines, before, after, [fold_stripped(line) for line in lines]), index


def word_count(line: str) -> int:
    """Words in a line; CJK characters count as half a word each (no spaces between)."""
    if line.isascii():
        return len(_WORD.findall(line))
    return len(_WORD.findall(line)) + len(_CJK.findall(line)) // 2


def _quick_words(line: str, sample: str) -> int:
    """`word_count` approximated cheaply: whitespace splitting, CJK share from the sample."""
    words = line.count(" ") + 1
    if sample.isascii():
        return words
    cjk = len(_CJK.findall(sample))
    return words + cjk * len(line) // len(sample) // 2 if cjk else words


def ends_sentence(line: str) -> bool:
    """Whether the line ends like a sentence (closing quotes and brackets aside)."""
    return line.rstrip(_CLOSERS)[-1:] in _SENTENCE_MARKS


def page_features(
    page: PageLines,
    rule_hits: Sequence[bool],
    corpus_df: Sequence[int] | None = None,
) -> np.ndarray:
    """One row of `FEATURE_NAMES` per line of `page` (float32)."""
    return pages_features([page], [rule_hits], [corpus_df])


def pages_features(
    pages: Sequence[PageLines],
    rule_hits: Sequence[Sequence[bool]],
    corpus_dfs: Sequence[Sequence[int] | None],
) -> np.ndarray:
    """`page_features` of several pages, their rows one after the other (float32).

    Each page's rows are exactly its `page_features`; numpy runs once for all pages
    instead of once per page (for pages of a few lines, numpy calls cost more than
    their lines).
    """
    line_rows: list[tuple[float, ...]] = []
    for page, hits, corpus_df in zip(pages, rule_hits, corpus_dfs, strict=True):
        _add_line_rows(line_rows, page, hits, corpus_df)
    total = len(line_rows)
    rows = np.empty((total, len(FEATURE_NAMES)), dtype=np.float32)
    if not total:
        return rows
    line_part = np.array(line_rows, dtype=np.float32)
    line_part[:, 1] = np.log1p(line_part[:, 1])
    line_part[:, 14] = np.log1p(line_part[:, 14])
    rows[:, :len(LINE_FEATURES)] = line_part
    sizes = [len(page.lines) for page in pages]

    def python_columns(page: int, start: int, end: int) -> list[list[float]] | None:
        part = line_part[start:end]
        if end - start > SMALL_PAGE_LINES or float(part[:, 0].sum()) >= _EXACT_FLOAT32_INTEGERS:
            return None
        return _context_columns(part, pages[page])

    def numpy_block(page: int, start: int, end: int) -> np.ndarray:
        part = line_part[start:end]
        return _context(part[:, 0], part, pages[page])

    _fill_by_page(rows[:, len(LINE_FEATURES):], sizes, python_columns, numpy_block)
    return rows


def _fill_by_page(
    out: np.ndarray,
    sizes: Sequence[int],
    python_columns: Callable[[int, int, int], list[list[float]] | None],
    numpy_block: Callable[[int, int, int], np.ndarray],
) -> None:
    """Fill `out` (one row per line of consecutive pages of `sizes` lines) page by page.

    `python_columns(page, start, end)` gives a small page's columns as Python lists (None
    when the page needs numpy; `numpy_block(page, start, end)` then gives its rows): the
    small pages' columns become one array together, one numpy call for them all.
    """
    gathered: list[list[float]] = []
    small: list[int] = []
    start = 0
    for page, size in enumerate(sizes):
        end = start + size
        if size:
            columns = python_columns(page, start, end)
            if columns is None:
                out[start:end] = numpy_block(page, start, end)
            else:
                if not gathered:
                    gathered = [[] for _ in columns]
                for column, values in zip(gathered, columns, strict=True):
                    column += values
                small.extend(range(start, end))
        start = end
    if not small:
        return
    values = np.array(gathered, dtype=np.float32).T
    if len(small) == len(out):
        out[:] = values
    else:
        out[np.array(small)] = values


def _add_line_rows(
    columns: list[tuple[float, ...]],
    page: PageLines,
    rule_hits: Sequence[bool],
    corpus_df: Sequence[int] | None,
) -> None:
    """Append the `LINE_FEATURES` of each line of `page` to `columns` (lengths and
    corpus counts raw, before their log1p)."""
    n = len(page.lines)
    if n == 0:
        return
    append = columns.append
    folded = page.folded
    counts = Counter(folded)
    is_stop = stopwords().__contains__
    first_tokens = {t.strip(_EDGE) for t in page.lines[0][:SAMPLE_CHARS].lower().split()}
    first_size = max(len(first_tokens), 1)
    if corpus_df is None:
        corpus_df = [0] * n
    # per line, only C-level iteration over its characters and tokens (re, bytes, map)
    for i, line in enumerate(page.lines):
        sample = line[:SAMPLE_CHARS]
        tokens = _TOKEN.findall(sample)
        ntok = len(tokens) or 1
        joined = "\0".join(tokens)
        lower = joined.lower().split("\0")
        token_chars = len(joined) - len(tokens) + 1 if tokens else 0
        nchar = len(sample)
        encoded = sample.encode()
        if len(encoded) == nchar:  # ASCII: no CJK, no other separators
            spaces = line.count(" ")
            words = spaces + 1
            if nchar != len(line):
                spaces = sample.count(" ")
            separators = nchar - len(encoded.translate(None, _ASCII_SEPARATORS))
        else:
            spaces = sample.count(" ")
            words = _quick_words(line, sample)
            separators = len(encoded) - len(encoded.translate(None, _ASCII_SEPARATORS)) + sum(
                map(sample.count, _OTHER_SEPARATORS))
        sentence = line.rstrip(_CLOSERS)[-1:] in _SENTENCE_MARKS  # ends_sentence, inlined
        initials = "".join(map(_first_char, tokens))
        if initials.isascii():
            upper = len(initials) - len(initials.encode().translate(None, _ASCII_UPPER))
        else:
            upper = sum(map(str.isupper, initials))
        append((
            words,
            len(line),
            token_chars / ntok,
            (len(encoded) - len(encoded.translate(None, _DIGITS))) / nchar,
            (nchar - spaces - token_chars) / nchar,  # spaces: in the sample
            upper / ntok,
            sum(map(is_stop, lower)) / ntok,
            sentence,
            line.endswith(":"),
            _BULLET.match(line) is not None,
            separators,
            "://" in sample or "www." in sample or "@" in sample,
            counts[folded[i]],
            rule_hits[i],
            corpus_df[i],
            page.blank_before[i],
            page.blank_after[i],
            line.count(",") / (words if words > 1 else 1),
            2 <= words <= 30 and not sentence,
            len(first_tokens.intersection(lower)) / first_size if i else 1.0,
        ))


def _context(words: np.ndarray, rows: np.ndarray, page: PageLines) -> np.ndarray:
    n = len(words)
    out = np.empty((n, len(CONTEXT_FEATURES)), dtype=np.float32)
    total = float(words.sum()) or 1.0
    long = (words >= LONG_LINE_WORDS).astype(np.float32)
    weights = np.maximum(words, 1.0)
    stop = rows[:, LINE_FEATURES.index("stopword_frac")]
    # one cumulative sum for every windowed column: words, sentences, weighted stopwords,
    # weights, long lines
    stacked = np.empty((n, 5), dtype=np.float32)
    stacked[:, 0] = words
    stacked[:, 1] = rows[:, LINE_FEATURES.index("ends_sentence")]
    stacked[:, 2] = stop * weights
    stacked[:, 3] = weights
    stacked[:, 4] = long
    csum = np.zeros((n + 1, 5), dtype=np.float64)
    np.cumsum(stacked, axis=0, out=csum[1:])
    win = dict(zip((2, 3, 5, 10), _windows(csum, n, (2, 3, 5, 10)), strict=True))
    out[:, 0:4] = _positions(n)
    out[:, 4] = np.log1p(total)
    out[:, 5] = csum[:-1, 0] / total
    out[:, 6] = (total - csum[1:, 0]) / total
    padded = np.concatenate(([0.0, 0.0], words, [0.0, 0.0]))
    out[:, 7:11] = padded[_shifted(n, (1, 3, 0, 4))]  # prev, next, prev2, next2
    out[:, 11] = win[3][:, 0] - words
    out[:, 12] = win[10][:, 0] - words
    out[:, 13:19] = _layout(words.tolist(), page.blank_after)
    out[:, 19] = float((words * long).sum()) / total
    out[:, 20] = words / max(float(words.max()), 1.0)
    out[:, 21] = np.log1p(csum[-1, 4])
    out[:, 22] = win[3][:, 1] - stacked[:, 1]
    out[:, 23] = win[2][:, 2] / win[2][:, 3]
    out[:, 24] = win[5][:, 4]
    return out


def _context_columns(rows: np.ndarray, page: PageLines) -> list[list[float]]:
    """`_context` for a small page from Python lists, column by column, to the same float32
    values: word counts are exact integers, and every other value is computed with the
    same float64 operations in the same order (cumulative sums, window differences)."""
    words = rows[:, 0].tolist()
    n = len(words)
    sentences = rows[:, _ENDS_SENTENCE].tolist()
    # float32 products, as `_context` stores them before summing
    weighted_stop = (rows[:, _STOPWORD_FRAC]
                     * np.maximum(rows[:, 0], 1.0)).tolist()
    total = float(sum(words)) or 1.0
    longs = [w >= LONG_LINE_WORDS for w in words]
    word_sums = list(accumulate(words, initial=0.0))
    padded = [0.0, 0.0, *words, 0.0, 0.0]
    long_count = sum(longs)
    long_words = float(sum([w for w, long in zip(words, longs, strict=True) if long]))
    most = max(max(words), 1.0)
    return [
        *_position_columns(n),
        [_log1p(total)] * n,
        [s / total for s in word_sums[:-1]],
        [(total - s) / total for s in word_sums[1:]],
        padded[1:n + 1], padded[3:n + 3], padded[:n], padded[4:n + 4],
        list(map(sub, _window_sums(word_sums, n, 3), words)),
        list(map(sub, _window_sums(word_sums, n, 10), words)),
        *_layout_columns(words, page.blank_after),
        [long_words / total] * n,
        [w / most for w in words],
        [_log1p(float(long_count))] * n,
        list(map(sub, _window_sums(list(accumulate(sentences, initial=0.0)), n, 3), sentences)),
        list(map(truediv,
                 _window_sums(list(accumulate(weighted_stop, initial=0.0)), n, 2),
                 _window_sums(list(accumulate([w if w > 1.0 else 1.0 for w in words],
                                              initial=0.0)), n, 2))),
        _window_sums(list(accumulate(longs, initial=0)), n, 5),
    ]


def _window_sums(prefix: list[float], n: int, radius: int) -> list[float]:
    """Sums over lines k-r..k+r (clipped to the page), from prefix sums (`_windows` in lists)."""
    hi, lo = _window_bound_lists(n, radius)
    at = prefix.__getitem__
    return list(map(sub, map(at, hi), map(at, lo)))


@lru_cache(maxsize=4096)
def _window_bound_lists(n: int, radius: int) -> tuple[list[int], list[int]]:
    return ([min(k + radius + 1, n) for k in range(n)], [max(k - radius, 0) for k in range(n)])


@lru_cache(maxsize=4096)
def _log1p(x: float) -> float:
    """numpy's float64 log1p (as `_context` computes it), for a count."""
    return float(np.log1p(x))


@lru_cache(maxsize=SMALL_PAGE_LINES)
def _position_columns(n: int) -> list[list[float]]:
    return _positions(n).T.tolist()


def _windows(csum: np.ndarray, n: int, radii: tuple[int, ...]) -> list[np.ndarray]:
    """Sums over lines k-r..k+r (clipped to the page) for each radius r, from cumsums."""
    lo, hi = _window_bounds(n, radii)
    sums = csum[hi] - csum[lo]
    return [sums[k * n:(k + 1) * n] for k in range(len(radii))]


def neighbour_features(first: np.ndarray, p: np.ndarray) -> np.ndarray:
    """`first` (rows of `FEATURE_NAMES`) extended by `NEIGHBOUR_FEATURES` of predictions `p`."""
    return pages_neighbour_features(first, p, [len(p)])


def pages_neighbour_features(first: np.ndarray, p: np.ndarray, sizes: Sequence[int]
                             ) -> np.ndarray:
    """`neighbour_features` of several pages whose rows follow one another (`sizes`: each
    page's line count); each page's rows are exactly its `neighbour_features`."""
    rows = np.empty((len(p), len(SECOND_PASS_NAMES)), dtype=np.float32)
    rows[:, :len(FEATURE_NAMES)] = first
    words = first[:, 0]
    weighted = p * np.maximum(words, 1.0)
    word_list, p_list, weighted_list = words.tolist(), p.tolist(), weighted.tolist()

    def python_columns(_page: int, start: int, end: int) -> list[list[float]] | None:
        page_words = word_list[start:end]
        if end - start > SMALL_PAGE_LINES or sum(page_words) >= _EXACT_FLOAT32_INTEGERS:
            return None
        return _neighbour_columns(page_words, p_list[start:end], weighted_list[start:end])

    def numpy_block(_page: int, start: int, end: int) -> np.ndarray:
        return _neighbour_block(words[start:end], p[start:end])

    _fill_by_page(rows[:, len(FEATURE_NAMES):], sizes, python_columns, numpy_block)
    return rows


def _neighbour_block(words: np.ndarray, p: np.ndarray) -> np.ndarray:
    """`NEIGHBOUR_FEATURES` of one page with numpy (float32)."""
    n = len(p)
    out = np.empty((n, len(NEIGHBOUR_FEATURES)), dtype=np.float32)
    weights = np.maximum(words, 1.0)
    stacked = np.empty((n, 4), dtype=np.float64)
    stacked[:, 0] = p
    stacked[:, 1] = 1.0
    stacked[:, 2] = p * weights
    stacked[:, 3] = weights
    csum = np.zeros((n + 1, 4), dtype=np.float64)
    np.cumsum(stacked, axis=0, out=csum[1:])
    w3, w5, w8 = _windows(csum, n, (3, 5, 8))
    padded = np.concatenate(([0.5, 0.5], p, [0.5, 0.5]))
    out[:, 0:5] = padded[_shifted(n, (2, 1, 3, 0, 4))]  # p, prev, next, prev2, next2
    out[:, 5] = (w3[:, 0] - p) / np.maximum(w3[:, 1] - 1, 1)
    out[:, 6] = (w8[:, 0] - p) / np.maximum(w8[:, 1] - 1, 1)
    out[:, 7] = w5[:, 2] / w5[:, 3]
    out[:, 8] = csum[-1, 0] / n
    out[:, 9] = csum[-1, 2] / csum[-1, 3]
    long = (words >= LONG_LINE_WORDS).tolist()
    scores = p.tolist()
    out[:, 10] = _value_of_nearest(long, scores, above=True)
    out[:, 11] = _value_of_nearest(long, scores, above=False)
    low = np.concatenate((np.zeros(3), p, np.zeros(3)))
    out[:, 12:14] = low[_shifted(n, (0, 1, 2, 4, 5, 6)).reshape(n, 2, 3)].max(axis=2)
    return out


def _neighbour_columns(words: list[float], p: list[float], weighted: list[float]
                       ) -> list[list[float]]:
    """`NEIGHBOUR_FEATURES` of a small page from Python lists, to the same float32 values as
    the numpy path (`weighted`: the float32 products p × max(words, 1))."""
    n = len(p)
    p_sums = list(accumulate(p, initial=0.0))
    weighted_sums = list(accumulate(weighted, initial=0.0))
    weight_sums = list(accumulate([w if w > 1.0 else 1.0 for w in words], initial=0.0))
    padded = [0.5, 0.5, *p, 0.5, 0.5]
    low = [0.0, 0.0, 0.0, *p, 0.0, 0.0, 0.0]
    long = [w >= LONG_LINE_WORDS for w in words]
    return [
        p, padded[1:n + 1], padded[3:n + 3], padded[:n], padded[4:n + 4],
        list(map(truediv, map(sub, _window_sums(p_sums, n, 3), p), _others_in_window(n, 3))),
        list(map(truediv, map(sub, _window_sums(p_sums, n, 8), p), _others_in_window(n, 8))),
        list(map(truediv, _window_sums(weighted_sums, n, 5), _window_sums(weight_sums, n, 5))),
        [p_sums[-1] / n] * n,
        [weighted_sums[-1] / weight_sums[-1]] * n,
        _value_of_nearest(long, p, above=True),
        _value_of_nearest(long, p, above=False),
        list(map(max, low[:n], low[1:n + 1], low[2:n + 2])),
        list(map(max, low[4:n + 4], low[5:n + 5], low[6:n + 6])),
    ]


@lru_cache(maxsize=4096)
def _others_in_window(n: int, radius: int) -> list[float]:
    """Lines in the window k-r..k+r besides line k, at least 1 (as float64 divisors)."""
    hi, lo = _window_bound_lists(n, radius)
    return [max(float(high - low - 1), 1.0) for high, low in zip(hi, lo, strict=True)]


@lru_cache(maxsize=4096)
def _shifted(n: int, shifts: tuple[int, ...]) -> np.ndarray:
    """Indices k + shift for each line k and shift, one row per line (for padded arrays)."""
    index = np.arange(n)[:, None] + np.array(shifts)
    index.flags.writeable = False
    return index


@lru_cache(maxsize=4096)
def _window_bounds(n: int, radii: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    at = np.tile(np.arange(n), len(radii))
    radius = np.repeat(radii, n)
    return np.maximum(at - radius, 0), np.minimum(at + radius + 1, n)


def _value_of_nearest(mask: list[bool], values: list[float], *, above: bool) -> list[float]:
    """values at the nearest True of `mask` above (or below) each line; 0.5 if none."""
    n = len(mask)
    out = [0.5] * n
    order = range(n) if above else range(n - 1, -1, -1)
    current = None
    for i in order:
        if current is not None:
            out[i] = current
        if mask[i]:
            current = values[i]
    return out


@lru_cache(maxsize=1024)
def _positions(n: int) -> np.ndarray:
    """rel_pos, index, from_end and log_lines of each line of an n-line page."""
    idx = np.arange(n, dtype=np.float32)
    out = np.empty((n, 4), dtype=np.float32)
    out[:, 0] = idx / max(n - 1, 1)
    out[:, 1] = np.minimum(idx, CAP)
    out[:, 2] = np.minimum(n - 1 - idx, CAP)
    out[:, 3] = np.log1p(n)
    out.flags.writeable = False
    return out


def _layout_columns(words: list[float], blank_after: list[bool]) -> list[list[float]]:
    """The columns of `_layout`, as lists."""
    n = len(words)
    above = [CAP] * n
    below = [CAP] * n
    last = None
    for i, w in enumerate(words):
        if last is not None:
            above[i] = min(i - last, CAP)
        if w >= LONG_LINE_WORDS:
            last = i
    last = None
    for i in range(n - 1, -1, -1):
        if last is not None:
            below[i] = min(last - i, CAP)
        if words[i] >= LONG_LINE_WORDS:
            last = i
    between = [a < CAP and b < CAP for a, b in zip(above, below, strict=True)]
    runs = [0] * n
    start = 0
    for i in range(n + 1):
        if i < n and words[i] <= SHORT_LINE_WORDS:
            continue
        if i > start:
            runs[start:i] = [min(i - start, CAP)] * (i - start)
        start = i + 1
    size: list[int] = []
    pos: list[int] = []
    start = 0
    for i in range(n):
        if blank_after[i] or i == n - 1:
            length = i + 1 - start
            size += [min(length, CAP)] * length
            pos += _block_positions(length)
            start = i + 1
    return [above, below, between, runs, size, pos]


@lru_cache(maxsize=SMALL_PAGE_LINES)
def _block_positions(length: int) -> list[int]:
    return [min(k, CAP) for k in range(length)]


def _layout(words: list[float], blank_after: list[bool]) -> np.ndarray:
    """Per line: lines to the nearest long line above and below (CAP if none), whether it
    lies between two, the length of the run of short lines it is in (0 if not short), the
    lines of its blank-line-delimited block and its place in that block."""
    return np.array(_layout_columns(words, blank_after), dtype=np.float32).T
