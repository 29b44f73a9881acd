"""Whitespace normalization: what collapses, what is trimmed, what is kept.

The line-by-line definition below is the contract; the module computes the same thing
faster (one pass over the whole text), and must agree with it on any input.
"""

from __future__ import annotations

import random
import re

from textwash.normalize import normalize_whitespace


def _by_lines(text: str) -> str:
    """The definition: collapse inline spaces per line, trim lines, one blank line at most."""
    lines = (re.sub(r"[ \t\f\v\u2000-\u200a]+", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def test_inline_spaces_collapse_and_lines_are_trimmed():
    assert normalize_whitespace("  a \t\u2003 b  \nc\u00a0 ") == "a b\nc"


def test_blank_line_runs_become_one_paragraph_break():
    assert normalize_whitespace("\n\n one \n \n\t\n\r\n two\n\n") == "one\n\ntwo"


def test_whitespace_that_is_not_inline_space_inside_a_line_is_kept():
    assert normalize_whitespace("a\u3000\u3000b\u00a0c") == "a\u3000\u3000b\u00a0c"


def test_agrees_with_the_line_by_line_definition_on_random_text():
    spaces = [chr(c) for c in range(0x3100) if chr(c).isspace()]
    alphabet = spaces + list("ab .\t\r") + ["\n"] * 6 + ["\u200b", "\ufeff", "x"]
    rng = random.Random(8)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert normalize_whitespace(text) == _by_lines(text), repr(text)


def test_a_single_tab_or_other_inline_space_becomes_a_space_in_ascii_and_other_text():
    assert normalize_whitespace("a\tb\fc\vd") == "a b c d"
    assert normalize_whitespace("é\tb\u2002c") == "é b c"


def test_agrees_with_the_line_by_line_definition_on_random_ascii_text():
    alphabet = list("ab . .\t\f\v\r") + ["\n"] * 3
    rng = random.Random(9)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert normalize_whitespace(text) == _by_lines(text), repr(text)
