"""Which writing system each word is in, from the ranges in `data/language_scripts.toml`.

A script either decides the language on its own (Hangul → ko, Greek → el …), narrows the
candidates of the n-gram model (Cyrillic → bg, mk, ru, uk …), or is unknown. This module
also builds the word pattern used to cut text into words. It does not score languages.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Script:
    name: str
    decides: str | None
    candidates: tuple[str, ...]
    weight: float
    lexicon: bool


@dataclass(frozen=True, slots=True)
class ScriptTable:
    scripts: tuple[Script, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    owners: tuple[int, ...]
    min_kana_share: float
    word_pattern: re.Pattern[str]
    index: dict[str, int]

    def script_of(self, char: str) -> int:
        """Index into `scripts` of the script `char` belongs to, or -1."""
        code = ord(char)
        position = bisect.bisect_right(self.starts, code) - 1
        if position >= 0 and code <= self.ends[position]:
            return self.owners[position]
        return -1


@cache
def script_table() -> ScriptTable:
    raw = tomllib.loads(
        resources.files("textwash.data").joinpath("language_scripts.toml").read_text("utf-8")
    )
    scripts: list[Script] = []
    spans: list[tuple[int, int, int]] = []
    for position, (name, spec) in enumerate(raw["scripts"].items()):
        scripts.append(
            Script(
                name,
                spec.get("decides"),
                tuple(spec.get("candidates", ())),
                float(spec.get("weight", 1)),
                bool(spec.get("lexicon", True)),
            )
        )
        spans.extend((low, high, position) for low, high in spec["ranges"])
    spans.sort()
    ranges = "".join(f"{_escape(low)}-{_escape(high)}" for low, high, _ in spans)
    # A word is a run of letters or of the marks that the scripts above write with.
    word_pattern = re.compile(rf"(?:[^\W\d_]|[{ranges}])+")
    return ScriptTable(
        scripts=tuple(scripts),
        starts=tuple(low for low, _, _ in spans),
        ends=tuple(high for _, high, _ in spans),
        owners=tuple(owner for _, _, owner in spans),
        min_kana_share=float(raw["japanese"]["min_kana_share"]),
        word_pattern=word_pattern,
        index={script.name: position for position, script in enumerate(scripts)},
    )


def _escape(code: int) -> str:
    return f"\\U{code:08x}"
