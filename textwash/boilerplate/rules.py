"""Explicit line rules: each names a boilerplate category and returns its reason code.

Vocabularies and regular expressions come from `textwash/data/boilerplate_rules.toml`,
so adding a phrase or a language needs no code change. A rule looks at one line only;
context (neighbouring lines, position, titles, templates) is `textwash.boilerplate.lines`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_TRIM = " \t\u3000.:;!?|·•-–—>»«<*#()[]\"'"


@dataclass(frozen=True, slots=True)
class Rule:
    reason: str
    phrases: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, line: str, folded: str) -> bool:
        if folded in self.phrases:
            return True
        return any(pattern.search(line) for pattern in self.patterns)


def fold(line: str) -> str:
    """The comparison form of a line: case-folded, outer punctuation trimmed."""
    return line.strip().casefold().strip(_TRIM).strip()


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    """The rules, in file order (the first matching rule names the reason)."""
    raw = resources.files("textwash.data").joinpath("boilerplate_rules.toml").read_text("utf-8")
    table = tomllib.loads(raw)
    rules = []
    for reason, spec in table.items():
        phrases = frozenset(fold(p) for p in spec.get("phrases", ()))
        patterns = tuple(re.compile(p, re.IGNORECASE) for p in spec.get("patterns", ()))
        rules.append(Rule(reason, phrases, patterns))
    return tuple(rules)


def rule_reason(line: str) -> str | None:
    """The reason code of the first rule matching `line`, or None."""
    folded = fold(line)
    for rule in load_rules():
        if rule.matches(line, folded):
            return rule.reason
    return None
