"""The structural vocabularies of HTML extraction, compiled from `html_rules.toml`.

Maps tags, ARIA roles and class/id words to removal reason codes. Which matches are
acted upon, and when a match is overruled, is decided in `textwash.html.select`; this
module only answers "what does this element look like".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_HEADING_TRIM = " \t\n:.!?-–—|»›>#*()[]"


@dataclass(frozen=True, slots=True)
class HtmlRules:
    drop_tags: frozenset[str]
    structure: dict[str, str]
    roles: dict[str, str]
    names: dict[str, str]
    token_pattern: re.Pattern[str]
    token_reasons: tuple[str, ...]
    section_headings: tuple[tuple[str, tuple[str, ...]], ...]
    content_names: frozenset[str]

    def names_content(self, classes_and_id: str) -> bool:
        """Whether a class or id value names a main-text container ("entry-content")."""
        return any(name in self.content_names for name in classes_and_id.split())

    def attribute_reason(
        self, classes_and_id: str, *, whole_names_only: bool = False
    ) -> str | None:
        """The reason named by a class or id value (lower-cased, space-separated), if any."""
        for name in classes_and_id.split():
            reason = self.names.get(name)
            if reason:
                return reason
        if whole_names_only:
            return None
        match = self.token_pattern.search(classes_and_id)
        if match is None:
            return None
        return self.token_reasons[int(match.lastgroup[1:])]  # type: ignore[index]

    def section_reason(self, heading: str) -> str | None:
        """The reason of a heading that opens a non-content section ("Related posts")."""
        folded = heading.casefold().strip(_HEADING_TRIM)
        for reason, phrases in self.section_headings:
            for phrase in phrases:
                if folded == phrase or (
                    folded.startswith(phrase) and not folded[len(phrase)].isalnum()
                ):
                    return reason
        return None


@lru_cache(maxsize=1)
def load_html_rules() -> HtmlRules:
    raw = resources.files("textwash.data").joinpath("html_rules.toml").read_text("utf-8")
    table = tomllib.loads(raw)
    reasons = tuple(table["tokens"])
    groups = "|".join(
        f"(?P<r{i}>{'|'.join(re.escape(word) for word in sorted(words, key=len, reverse=True))})"
        for i, words in enumerate(table["tokens"].values())
    )
    names = {
        name: reason for reason, values in table["names"].items() for name in values
    }
    return HtmlRules(
        drop_tags=frozenset(table["drop"]["tags"]),
        structure=dict(table["structure"]),
        roles=dict(table["roles"]),
        names=names,
        token_pattern=re.compile(rf"(?:^|[\s_-])(?:{groups})(?=$|[\s_-])"),
        token_reasons=reasons,
        content_names=frozenset(table["content"]["names"]),
        section_headings=tuple(
            (reason, tuple(phrase.casefold() for phrase in phrases))
            for reason, phrases in table["section_headings"].items()
        ),
    )
