"""Normalize whitespace in clean text: the last stage before a record is written.

Spaces and tabs inside a line collapse to one space, lines are trimmed, runs of blank
lines become one blank line (a paragraph break), and the text has no leading or trailing
blank lines. Line structure is otherwise kept as the input had it.
"""

from __future__ import annotations

import re

_INLINE_SPACE = re.compile(r"[ \t\f\v\u2000-\u200a]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalize_whitespace(text: str) -> str:
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")
