"""Normalize whitespace in clean text: the last stage before a record is written.

Spaces and tabs inside a line collapse to one space, lines are trimmed, runs of blank
lines become one blank line (a paragraph break), and the text has no leading or trailing
blank lines. Line structure is otherwise kept as the input had it.
"""

from __future__ import annotations

import re

# Inline spaces other than the plain space: tab, form feed, vertical tab, U+2000-U+200A.
_OTHER_INLINE = "\t\f\v\u2000-\u200a"
_OTHER_INLINE_ASCII = ("\t", "\f", "\v")
# Only what changes: two or more inline spaces, or one that is not a plain space.
_INLINE_SPACE = re.compile(f" [ {_OTHER_INLINE}]+|[{_OTHER_INLINE}][ {_OTHER_INLINE}]*")
_OTHER_INLINE_SPACE = re.compile(f"[{_OTHER_INLINE}]")
_BLANK_RUNS = re.compile(r"\n\n\n+")


def normalize_whitespace(text: str) -> str:
    if _has_inline_space_to_collapse(text):
        text = _INLINE_SPACE.sub(" ", text)
    text = "\n".join([line.strip() for line in text.split("\n")])
    if "\n\n\n" in text:
        text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")


def _has_inline_space_to_collapse(text: str) -> bool:
    """Whether `_INLINE_SPACE` matches, found by cheaper scans (most texts have nothing
    to collapse, and the two-branch pattern tries a match at every plain space)."""
    if "  " in text:
        return True
    if text.isascii():
        return any(space in text for space in _OTHER_INLINE_ASCII)
    return _OTHER_INLINE_SPACE.search(text) is not None
