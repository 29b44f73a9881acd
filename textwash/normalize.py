"""Normalize whitespace in clean text: the last stage before a record is written.

Spaces and tabs inside a line collapse to one space, lines are trimmed, runs of blank
lines become one blank line (a paragraph break), and the text has no leading or trailing
blank lines. Line structure is otherwise kept as the input had it.
"""

from __future__ import annotations

import re

_INLINE = " \t\f\v\u2000-\u200a"
# Only what changes: two or more inline spaces, or one that is not a plain space.
_INLINE_SPACE = re.compile(f" [{_INLINE}]+|[\t\f\v\u2000-\u200a][{_INLINE}]*")
_BLANK_RUNS = re.compile(r"\n\n\n+")


def normalize_whitespace(text: str) -> str:
    text = "\n".join([line.strip() for line in _INLINE_SPACE.sub(" ", text).split("\n")])
    if "\n\n\n" in text:
        text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")
