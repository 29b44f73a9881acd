"""Explicit line rules: each names a boilerplate category and returns its reason code.

Vocabularies and regular expressions come from `textwash/data/boilerplate_rules.toml`
(`[rules.<reason>]` tables, plus `[stopwords]` for the classifier's features), so adding a
phrase or a language needs no code change. The first rule in file order that matches a
line names its reason. A rule looks at one line only; context (neighbouring lines,
position, titles, templates, the model) is the package's business.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_TRIM = " \t\u3000.:;!?|·•-–—>»«<*#()[]\"'"
#: Lines longer than this are prose: only patterns anchored at the line end (a caption
#: glued to a paragraph) are tried on them.
MAX_RULE_CHARS = 300
#: Patterns anchored at the line end ($) are searched in this many last characters only.
TAIL_CHARS = 160


@dataclass(frozen=True, slots=True)
class RuleSet:
    """All rules, compiled; a lookup yields the first rule (in file order) that matches."""

    reasons: tuple[str, ...]
    phrases: dict[str, int]
    longest_phrase: int
    #: substrings in rule order, so the first one a line contains names the lowest rule
    contains: tuple[str, ...]
    contains_rule: dict[str, int]
    # (rule, pattern, where): "head" patterns are anchored at the line start, "tail" ones
    # at its end (searched in its last TAIL_CHARS), the others are searched everywhere.
    patterns: tuple[tuple[int, re.Pattern[str], str], ...]
    # the "head" patterns in one alternation, and the others in another: a line that
    # neither matches (most lines) needs no loop over the patterns
    any_head: re.Pattern[str]
    any_other: re.Pattern[str]
    other_from_tail: bool
    any_tail: re.Pattern[str]

    def first_match(self, line: str, folded: str | None = None) -> str | None:
        """The first matching rule's reason; `folded` is `fold(line)` when already known."""
        return self._first_match(line, folded, self.contains)

    def page_matches(self, lines: Sequence[str], folded: Sequence[str]) -> list[str | None]:
        """`first_match` of each line (`folded`: their `fold`s), with one search per
        substring for the whole page: a line is searched only for those the page contains
        (case folding is per character, so the page's folded text holds every line's)."""
        page = "\n".join([line for line in lines if len(line) <= MAX_RULE_CHARS]).casefold()
        present = tuple(part for part in self.contains if part in page)
        return [self._first_match(line, form, present)
                for line, form in zip(lines, folded, strict=True)]

    def _first_match(self, line: str, folded: str | None, contains: tuple[str, ...]
                     ) -> str | None:
        best = len(self.reasons)
        if len(line) > MAX_RULE_CHARS:
            return self._first_tail_match(line)
        if len(line) <= self.longest_phrase:
            best = self.phrases.get(fold(line) if folded is None else folded, best)
        if contains:
            part = next(filter(line.casefold().__contains__, contains), None)
            if part is not None:
                best = min(best, self.contains_rule[part])
        if not self.any_head.match(line) and not self.any_other.search(
            line, max(len(line) - TAIL_CHARS, 0) if self.other_from_tail else 0
        ):
            return self.reasons[best] if best < len(self.reasons) else None
        for rule, pattern, where in self.patterns:
            if rule >= best:
                continue
            if where == "head":
                found = pattern.match(line)
            elif where == "tail":
                found = pattern.search(line, max(len(line) - TAIL_CHARS, 0))
            else:
                found = pattern.search(line)
            if found:
                best = rule
        return self.reasons[best] if best < len(self.reasons) else None

    def _first_tail_match(self, line: str) -> str | None:
        start = max(len(line) - TAIL_CHARS, 0)
        if not self.any_tail.search(line, start):
            return None
        for rule, pattern, where in self.patterns:
            if where == "tail" and pattern.search(line, start):
                return self.reasons[rule]
        return None


def fold(line: str) -> str:
    """The comparison form of a line: case-folded, outer punctuation trimmed."""
    return line.strip().casefold().strip(_TRIM).strip()


def fold_stripped(line: str) -> str:
    """`fold` of a line that has no outer whitespace (`line == line.strip()`)."""
    return line.casefold().strip(_TRIM).strip()


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    raw = resources.files("textwash.data").joinpath("boilerplate_rules.toml").read_text("utf-8")
    return tomllib.loads(raw)


@lru_cache(maxsize=1)
def load_rules() -> RuleSet:
    """Every `[rules.<reason>]` table of the data file, compiled."""
    reasons: list[str] = []
    phrases: dict[str, int] = {}
    contains: list[tuple[str, int]] = []
    patterns: list[tuple[int, re.Pattern[str], str]] = []
    for rule, (reason, spec) in enumerate(_table()["rules"].items()):
        reasons.append(reason)
        for phrase in spec.get("phrases", ()):
            phrases.setdefault(fold(phrase), rule)
        contains.extend((part.casefold(), rule) for part in spec.get("contains", ()))
        for pattern in spec.get("patterns", ()):
            where = "head" if pattern.startswith("^") else "tail" if pattern.endswith("$") else ""
            patterns.append((rule, re.compile(pattern, re.IGNORECASE), where))
    longest = 2 * max((len(p) for p in phrases), default=0) + 8
    contains_rule: dict[str, int] = {}
    for part, rule in contains:
        contains_rule.setdefault(part, rule)
    return RuleSet(
        tuple(reasons), phrases, longest, tuple(contains_rule), contains_rule, tuple(patterns),
        _alternation(p for _, p, where in patterns if where == "head"),
        _alternation(p for _, p, where in patterns if where != "head"),
        all(where == "tail" for _, _, where in patterns if where != "head"),
        _alternation(p for _, p, where in patterns if where == "tail"),
    )


def _alternation(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str]:
    """One pattern matching where any of `patterns` does (never, when there is none)."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or r"(?!)", re.IGNORECASE)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words of every listed language, lower-cased."""
    return frozenset(w.lower() for words in _table()["stopwords"].values() for w in words)


def rule_reason(line: str, folded: str | None = None) -> str | None:
    """The reason code of the first rule matching `line` (`folded`: its `fold`), or None."""
    return load_rules().first_match(line, folded)
