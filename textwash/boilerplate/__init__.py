"""Remove boilerplate lines from plain text, naming a reason for each removal.

A document's text is split into lines (blocks). Each line is judged, in order, by:
cross-document templates (`template`); explicit rules from the vocabularies
(`navigation`, `ui-label`, `copyright`, `caption`, `social`, `timestamp`, `byline`,
`cookie-notice`, `teaser`); the title (the first headline-like line becomes the title and
leaves the text, later copies go as `repeated-title`); and finally the trained line
classifier (`model.py`), which sees the whole page — position, word mass around each
line, neighbours' scores — and drops what a reader would skip (`short-fragment` for a
line of a few words, `low-content` otherwise). Which lines the model keeps is decided per
page, as the set with the best expected word-F1 under its scores (`select_content`), not
by one fixed cut-off. `strip_boilerplate_many` judges many pages in one call, each to
exactly the result `strip_boilerplate` gives it alone: the classifier's numpy work then
runs once for all their lines. This package does not parse HTML
(`textwash.html` does) and does not count templates across documents (the run state does).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

import numpy as np

from textwash.boilerplate.features import (
    FEATURE_NAMES,
    SMALL_PAGE_LINES,
    PageLines,
    ends_sentence,
    pages_features,
    word_count,
)
from textwash.boilerplate.model import LineModel, default_model
from textwash.boilerplate.rules import fold, load_rules
from textwash.document import Removal

__all__ = [
    "BoilerplateResult", "BoilerplateSettings", "LineModel", "PageToStrip", "line_key",
    "strip_boilerplate", "strip_boilerplate_many", "word_count",
]

#: The line classifier scores the lines of consecutive pages together up to this many
#: lines (a larger page alone): on pages of a few lines numpy's cost per call matters; large
#: pages gain nothing from company and their arrays only hold memory (64 real pages, 18k
#: lines, at once: +26 MB over this bound).
MODEL_BATCH_LINES = 1024

_TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|·|•|»)\s+")


@dataclass(frozen=True, slots=True)
class BoilerplateSettings:
    """The thresholds of this stage (the model's decision scale ships with the model)."""

    max_title_words: int = 30
    max_title_chars: int = 250
    #: A model-dropped line of at most this many words is a `short-fragment`.
    short_fragment_words: int = 3
    #: A line with this many words ending like a sentence is body text: never a template.
    body_words: int = 25
    #: A line with this many words ending like a sentence is prose (a sentence, not a label).
    prose_words: int = 8
    #: A part of a "Headline | Site name" title with this many words is also the title.
    min_title_part_words: int = 3
    #: A title copy followed by at most this many words is a title glued to a caption.
    max_glued_caption_words: int = 40
    #: Context rescue: a heading has at most this many words; at most this many in a row.
    max_heading_words: int = 20
    max_heading_run: int = 3
    #: The model is sure a line is content from this score on; when it is sure of no line
    #: that it keeps, the page lacks the context it learnt from, and prose decides.
    sure_content_score: float = 0.4


DEFAULT_SETTINGS = BoilerplateSettings()


@dataclass(slots=True)
class BoilerplateResult:
    text: str
    title: str | None
    removed: list[Removal] = field(default_factory=list)
    lines_in: int = 0


def line_key(line: str) -> str:
    """A stable hash of a line's comparison form, for cross-document template counts."""
    return _folded_key(fold(line))


def _folded_key(folded: str) -> str:
    return _digest(folded).hex()


def _digest(folded: str) -> bytes:
    """The 8-byte blake2b digest of a comparison form: `line_key` in hex, and the model's
    `folded_hash` as a little-endian integer."""
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest()


def is_headline_like(line: str, settings: BoilerplateSettings = DEFAULT_SETTINGS) -> bool:
    """Short enough for a headline and not ending like a sentence."""
    words = word_count(line)
    if not 2 <= words <= settings.max_title_words or len(line) > settings.max_title_chars:
        return False
    return not line.rstrip().endswith((".", ",", ";", ":"))


@dataclass(frozen=True, slots=True)
class PageToStrip:
    """One document's text for `strip_boilerplate_many`, with what `strip_boilerplate`
    takes besides the text."""

    text: str
    title: str | None = None
    template_keys: Collection[str] = frozenset()
    use_model: bool = True


def strip_boilerplate(
    text: str,
    *,
    title: str | None = None,
    template_keys: Collection[str] = frozenset(),
    model: LineModel | None = None,
    use_model: bool = True,
    settings: BoilerplateSettings = DEFAULT_SETTINGS,
) -> BoilerplateResult:
    """Judge every line of `text`; return the kept text, the title and the removals.

    `title` is a headline already known (from HTML metadata or the input record); when
    None, the first headline-like line before the body that survives the rules (and is
    not a fragment the model drops) becomes the title.
    `template_keys` are `line_key`s of lines that recur across the source's documents.
    `model` defaults to the shipped line classifier. `use_model=False` applies the rules,
    templates and title logic only: for text whose page structure was already judged
    (main content extracted from HTML), where the classifier, trained on whole flattened
    pages, would cut the short headings, list items and table rows that remain.
    """
    page = PageToStrip(text, title, template_keys, use_model)
    return strip_boilerplate_many([page], model=model, settings=settings)[0]


def strip_boilerplate_many(
    pages: Sequence[PageToStrip],
    *,
    model: LineModel | None = None,
    settings: BoilerplateSettings = DEFAULT_SETTINGS,
) -> list[BoilerplateResult]:
    """`strip_boilerplate` of each page, to the same results, with the line classifier
    run once over the lines of all pages that use it (its numpy work costs per call as
    much as per line on pages of a few lines)."""
    judged = [_ruled_lines(page, settings) for page in pages]
    scored = [lines for lines, page in zip(judged, pages, strict=True) if page.use_model]
    if scored:
        model = model or default_model()
        for batch in _model_batches(scored):
            _score(batch, model)
    return [_decide(lines, page, model, settings)
            for lines, page in zip(judged, pages, strict=True)]


def _model_batches(pages: list[_RuledLines]) -> Iterator[list[_RuledLines]]:
    """Consecutive pages of at most `MODEL_BATCH_LINES` lines together (a larger page alone)."""
    batch: list[_RuledLines] = []
    lines = 0
    for page in pages:
        size = len(page.page.lines)
        if batch and lines + size > MODEL_BATCH_LINES:
            yield batch
            batch, lines = [], 0
        batch.append(page)
        lines += size
    if batch:
        yield batch


def _score(pages: list[_RuledLines], model: LineModel) -> None:
    features = pages_features(
        [lines.page for lines in pages], [lines.rule_hits() for lines in pages],
        [model.corpus_df_of_digests(lines.digests) for lines in pages],
    )
    sizes = [len(lines.page.lines) for lines in pages]
    scores = model.predict_pages(features, sizes)
    word_column = features[:, FEATURE_NAMES.index("words")]
    start = 0
    for lines, size in zip(pages, sizes, strict=True):
        lines.scores = scores[start:start + size]
        lines.word_column = word_column[start:start + size]
        start += size


@dataclass(slots=True)
class _RuledLines:
    """A page's lines after the template and rule verdicts, and the model's scores."""

    page: PageLines
    index: list[int]
    digests: list[bytes]
    reasons: dict[int, str]
    scores: np.ndarray | None = None
    word_column: np.ndarray | None = None

    def rule_hits(self) -> list[bool]:
        return [k in self.reasons for k in range(len(self.page.lines))]


def _ruled_lines(item: PageToStrip, settings: BoilerplateSettings) -> _RuledLines:
    page, index = PageLines.from_text(item.text)
    lines, folded = page.lines, page.folded
    # one digest per line serves the template keys and the model's cross-site line table
    digests = ([_digest(line) for line in folded] if item.template_keys or item.use_model
               else [])
    reasons: dict[int, str] = {}
    if item.template_keys:
        for k, line in enumerate(lines):
            if digests[k].hex() in item.template_keys and not _is_body(line, settings):
                reasons[k] = "template"
    judged = [k for k in range(len(lines)) if k not in reasons]
    found = load_rules().page_matches([lines[k] for k in judged], [folded[k] for k in judged])
    for k, reason in zip(judged, found, strict=True):
        if reason:
            reasons[k] = reason
    return _RuledLines(page, index, digests, reasons)


def _decide(ruled: _RuledLines, item: PageToStrip, model: LineModel | None,
            settings: BoilerplateSettings) -> BoilerplateResult:
    lines, folded, reasons, index = ruled.page.lines, ruled.page.folded, ruled.reasons, ruled.index
    title = item.title
    if model is not None and ruled.scores is not None and ruled.word_column is not None:
        scores, word_column = ruled.scores, ruled.word_column
        # plain lists from here on: a few lines, read one by one
        content = select_content(scores, word_column, model.decision_scale).tolist()
        sure = (scores >= settings.sure_content_score).tolist()
        words = word_column.astype(int).tolist()
    else:
        content = [True] * len(lines)
        sure = content
        words = [word_count(line) for line in lines]

    title_at = None
    if title is None:
        title_at = _find_title(lines, words, reasons, content, settings)
        title = lines[title_at] if title_at is not None else None
    if title:
        _mark_title_repeats(folded, reasons, title, title_at, settings)

    candidates = [k for k in range(len(lines)) if k not in reasons and k != title_at]
    if not any(content[k] and sure[k] for k in candidates):
        # the model is sure of no line: its page context is missing (a tiny document), so
        # its prose stays, and context decides about the rest
        content = content.copy()
        for k in candidates:
            content[k] = _is_prose(lines[k], words[k], settings)
    dropped_by_model = {k for k in candidates if not content[k]}
    rescued = _rescued_by_context(lines, words, reasons, content, title_at, settings)
    for k in rescued:
        reasons.pop(k, None)  # a template line that is a section heading
    teaser_after = None
    for k in range(len(lines)):
        if reasons.get(k) == "teaser":
            teaser_after = k
        elif k in dropped_by_model and k not in rescued:
            reasons[k] = _model_reason(words[k], teaser_after is not None, settings)
        elif k not in reasons:
            teaser_after = None

    removed = [Removal(lines[k], reasons[k]) for k in range(len(lines)) if k in reasons]
    dropped = {index[k] for k in reasons}
    if title_at is not None:
        dropped.add(index[title_at])
    return BoilerplateResult(_without(item.text, dropped), title, removed, len(lines))


def select_content(scores: np.ndarray, words: np.ndarray, scale: float) -> np.ndarray:
    """Which lines the model keeps: the set with the highest expected word-F1 for the page.

    With `q = scale × score` read as the chance that a line is content, keeping the k
    most likely lines has an expected F1 of about 2·Σ_kept q·w / (Σ_kept w + Σ_all q·w)
    (w: a line's words), and the best k is taken. Unlike a fixed cut-off, a page whose
    content the model is unsure about (lists, product pages) still keeps its likeliest
    lines, and a page with little content keeps little.
    """
    if not len(scores):
        return np.zeros(0, dtype=bool)
    if (len(scores) <= SMALL_PAGE_LINES and scores.dtype == np.float64
            and words.dtype == np.float32):
        keep = _select_few(scores.tolist(), words.tolist(), scale)
        if keep is not None:
            return keep
    likely = np.minimum(scores * scale, 1.0)
    weight = np.maximum(words, 1.0)
    order = np.argsort(-likely, kind="stable")
    expected = (likely * weight)[order]
    f1 = np.cumsum(expected) / (np.cumsum(weight[order]) + expected.sum())
    keep = np.zeros(len(scores), dtype=bool)
    keep[order[:int(np.argmax(f1)) + 1]] = True
    return keep


def _select_few(scores: list[float], words: list[float], scale: float) -> np.ndarray | None:
    """`select_content` for a few lines with Python floats, to the same result: float64
    products and running sums in the same order, the page total summed by numpy as there,
    and the running word sums exact (integer word counts below 2**24, as float32 sums them);
    None when the words are not such counts."""
    weight = [w if w > 1.0 else 1.0 for w in words]
    if not all(map(float.is_integer, weight)) or sum(weight) >= 2 ** 24:
        return None
    likely = [q if q < 1.0 else 1.0 for q in (s * scale for s in scores)]
    order = sorted(range(len(likely)), key=[-q for q in likely].__getitem__)
    expected = [likely[k] * weight[k] for k in order]
    total = float(np.array(expected).sum())
    f1 = [e / (w + total) for e, w in zip(accumulate(expected),
                                          accumulate([weight[k] for k in order]), strict=True)]
    keep = np.zeros(len(likely), dtype=bool)
    keep[order[:f1.index(max(f1)) + 1]] = True
    return keep


def _find_title(
    lines: list[str],
    words: list[int],
    reasons: dict[int, str],
    content: list[bool],
    settings: BoilerplateSettings,
) -> int | None:
    candidates = [k for k in range(len(lines)) if k not in reasons]
    for at, k in enumerate(candidates):
        following = candidates[at + 1] if at + 1 < len(candidates) else None
        menu_item = not content[k] and words[k] <= settings.short_fragment_words
        if menu_item and following is not None and not _is_prose(
            lines[following], words[following], settings
        ):
            continue  # a menu item above the headline, not a short headline above the body
        return k if is_headline_like(lines[k], settings) else None
    return None


def _rescued_by_context(
    lines: list[str],
    words: list[int],
    reasons: dict[int, str],
    content: list[bool],
    title_at: int | None,
    settings: BoilerplateSettings,
) -> set[int]:
    """Lines the model (or the template count) dropped that their neighbours show to be
    part of the article.

    As in jusText's context pass: a short run of headings directly between the title or a
    body paragraph and a body paragraph is a section heading (or the sub-headlines under
    the title), even when many documents of the source share it ("Conclusion"); a prose
    paragraph next to a body paragraph is body.
    """
    n = len(lines)
    body = [w >= settings.body_words and ends_sentence(line) for w, line in zip(words, lines,
                                                                               strict=True)]

    rescued: set[int] = set()

    def kept_body(k: int) -> bool:
        return 0 <= k < n and body[k] and (k in rescued or (k not in reasons and content[k]))

    def dropped(k: int) -> bool:
        if k == title_at:
            return False
        reason = reasons.get(k)
        return reason == "template" or (reason is None and not content[k])

    # prose next to kept prose (captions and other rule-removed lines in between skipped),
    # repeated until no paragraph is added
    dropped_body = [k for k in range(n) if body[k] and dropped(k)]
    neighbours = _neighbours_past(reasons, n) if dropped_body else []
    changed = bool(dropped_body)
    while changed:
        changed = False
        for k in dropped_body:
            if k in rescued:
                continue
            if any(kept_body(j) for j in neighbours[k]):
                rescued.add(k)
                changed = True
    k = 0
    while k < n:
        if not (dropped(k) and _is_heading(lines[k], words[k], settings)):
            k += 1
            continue
        end = k
        while end + 1 < n and dropped(end + 1) and _is_heading(lines[end + 1], words[end + 1],
                                                                 settings):
            end += 1
        shared = any(reasons.get(j) == "template" for j in range(k, end + 1))
        under_title = k - 1 == title_at and not shared  # decks are not shared by documents
        above_ok = under_title or kept_body(k - 1) or (k - 1) in rescued
        below_ok = kept_body(end + 1) or (end + 1) in rescued
        if end - k < settings.max_heading_run and above_ok and below_ok:
            rescued.update(range(k, end + 1))
        k = end + 1
    return rescued


def _neighbours_past(reasons: dict[int, str], n: int) -> list[tuple[int, ...]]:
    """For each line, the nearest lines above and below that no rule removed."""
    ruled = {k for k, reason in reasons.items() if reason != "template"}
    out = []
    for k in range(n):
        above = k - 1
        while above in ruled:
            above -= 1
        below = k + 1
        while below in ruled:
            below += 1
        out.append((above, below))
    return out


def _is_heading(line: str, words: int, settings: BoilerplateSettings) -> bool:
    return 1 <= words <= settings.max_heading_words and not line.endswith((".", ",", ";"))


def _model_reason(words: int, under_teaser_heading: bool, settings: BoilerplateSettings) -> str:
    """Name a model-decided removal by what the line looks like and where it sits."""
    if under_teaser_heading:
        return "teaser"
    return "short-fragment" if words <= settings.short_fragment_words else "low-content"


def _without(text: str, dropped: set[int]) -> str:
    """`text` without the dropped lines, and without the blank lines they leave behind."""
    out: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i in dropped:
            continue
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


def _is_prose(line: str, words: int, settings: BoilerplateSettings) -> bool:
    return words >= settings.prose_words and ends_sentence(line)


def _is_body(line: str, settings: BoilerplateSettings) -> bool:
    return ends_sentence(line) and word_count(line) >= settings.body_words


def title_forms(title: str, settings: BoilerplateSettings = DEFAULT_SETTINGS) -> set[str]:
    """The folded title and, for "Headline | Site" titles, each long enough part."""
    forms = {fold(title)}
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) > 1:
        forms.update(
            fold(part) for part in parts if word_count(part) >= settings.min_title_part_words
        )
    forms.discard("")
    return forms


def _mark_title_repeats(
    folded_lines: list[str],
    reasons: dict[int, str],
    title: str,
    title_at: int | None,
    settings: BoilerplateSettings,
) -> None:
    """Later verbatim copies of the title, alone or glued to a caption, are removed.

    A title glued to a caption is named for the title even when a caption rule matched.
    """
    forms = title_forms(title, settings)
    if not forms:
        return
    for k, folded in enumerate(folded_lines):
        if k == title_at or reasons.get(k, "caption") != "caption":
            continue
        if folded in forms:
            reasons[k] = "repeated-title"
            continue
        for form in forms:
            if (folded.startswith(form)
                    and word_count(folded[len(form):]) <= settings.max_glued_caption_words):
                reasons[k] = "repeated-title"
                break
