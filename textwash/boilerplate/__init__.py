"""Remove boilerplate lines from plain text, naming a reason for each removal.

A document's text is split into lines (blocks). Each line is judged by, in order:
cross-document templates (`template`), explicit rules from the vocabularies
(`navigation`, `ui-label`, `copyright`, `caption`, `social`, `timestamp`, `byline`,
`cookie-notice`), repeats of the title (`repeated-title`), and context (runs of short
fragments at the top or bottom of the page). The first headline-like line becomes the
title and leaves the text. This package does not parse HTML (`textwash.html` does).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from textwash.boilerplate.rules import fold, rule_reason
from textwash.document import Removal

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?。！？…]['\"”’)]*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

MAX_TITLE_WORDS = 30
MAX_TITLE_CHARS = 250
SHORT_FRAGMENT_WORDS = 3
MIN_FRAGMENT_RUN = 3


@dataclass(slots=True)
class BoilerplateResult:
    text: str
    title: str | None
    removed: list[Removal] = field(default_factory=list)
    lines_in: int = 0


def line_key(line: str) -> str:
    """A stable hash of a line's comparison form, for cross-document template counts."""
    return hashlib.blake2b(fold(line).encode("utf-8"), digest_size=8).hexdigest()


def word_count(line: str) -> int:
    """Words in a line; CJK characters count as half a word each (no spaces between)."""
    cjk = len(_CJK.findall(line))
    return len(_WORD.findall(line)) + cjk // 2


def is_headline_like(line: str) -> bool:
    """Short enough for a headline and not ending like a sentence."""
    words = word_count(line)
    if not 2 <= words <= MAX_TITLE_WORDS or len(line) > MAX_TITLE_CHARS:
        return False
    return not line.rstrip().endswith((".", ",", ";", ":"))


def strip_boilerplate(
    text: str,
    *,
    title: str | None = None,
    template_keys: Collection[str] = frozenset(),
) -> BoilerplateResult:
    """Judge every line of `text`; return the kept text, the title and the removals.

    `title` is a headline already known (from HTML metadata or the input record); when
    None, the first headline-like line that survives the rules becomes the title.
    `template_keys` are `line_key`s of lines that recur across the source's documents.
    """
    lines = text.split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    reasons: dict[int, str] = {}
    for i in nonblank:
        line = lines[i].strip()
        if template_keys and line_key(line) in template_keys and not _is_body(line):
            reasons[i] = "template"
            continue
        reason = rule_reason(line)
        if reason:
            reasons[i] = reason
    _mark_fragment_runs(lines, nonblank, reasons)

    title_index = None
    if title is None:
        for i in nonblank:
            if i in reasons:
                continue
            if is_headline_like(lines[i].strip()):
                title_index = i
                title = lines[i].strip()
            break
    if title:
        _mark_title_repeats(lines, nonblank, reasons, title, title_index)

    removed = [Removal(lines[i].strip(), reasons[i]) for i in nonblank if i in reasons]
    kept = [
        line for i, line in enumerate(lines) if i not in reasons and i != title_index
    ]
    return BoilerplateResult("\n".join(kept), title, removed, len(nonblank))


def _is_body(line: str) -> bool:
    return word_count(line) >= 25 and bool(_SENTENCE_END.search(line))


def _mark_fragment_runs(lines: list[str], nonblank: list[int], reasons: dict[int, str]) -> None:
    """Runs of very short lines at the top or bottom of a page are navigation."""

    def is_fragment(i: int) -> bool:
        line = lines[i].strip()
        return word_count(line) <= SHORT_FRAGMENT_WORDS and not _SENTENCE_END.search(line)

    for ordered in (nonblank, list(reversed(nonblank))):
        run: list[int] = []
        for i in ordered:
            if i in reasons:
                continue
            if not is_fragment(i):
                break
            run.append(i)
        if len(run) >= MIN_FRAGMENT_RUN:
            for i in run:
                reasons[i] = "short-fragment"


def _mark_title_repeats(
    lines: list[str],
    nonblank: list[int],
    reasons: dict[int, str],
    title: str,
    title_index: int | None,
) -> None:
    """Later verbatim copies of the title, alone or glued to a caption, are removed."""
    folded_title = fold(title)
    if not folded_title:
        return
    for i in nonblank:
        if i == title_index:
            continue
        folded = fold(lines[i])
        if folded == folded_title:
            reasons[i] = "repeated-title"
        elif folded.startswith(folded_title) and i not in reasons and not _is_body(
            lines[i][len(title):]
        ):
            reasons[i] = "repeated-title"
