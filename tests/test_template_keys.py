"""Template line keys of the fingerprint pass: which lines are candidates, and the keys."""

from __future__ import annotations

import random

from textwash.boilerplate import line_key, word_count
from textwash.inputs import RawRecord
from textwash.pipeline import TEMPLATE_CANDIDATE_MAX_WORDS, _fingerprint, is_template_candidate


def _by_definition(line: str) -> bool:
    return bool(line.strip()) and word_count(line) <= TEMPLATE_CANDIDATE_MAX_WORDS


def test_template_candidates_are_the_non_blank_lines_within_the_word_limit():
    limit = TEMPLATE_CANDIDATE_MAX_WORDS
    assert is_template_candidate("Subscribe to our newsletter")
    assert is_template_candidate(" ".join(["word"] * limit))
    assert not is_template_candidate(" ".join(["word"] * (limit + 1)))
    assert not is_template_candidate("")
    assert not is_template_candidate(" \t\u3000" * 30)  # long but blank
    assert is_template_candidate("-" * 200)  # long, but no words at all
    # CJK characters are half a word each (and one run of word characters is a word).
    assert not is_template_candidate("漢字" * limit)
    assert is_template_candidate("漢字" * (limit // 2))


def test_template_candidates_agree_with_word_count_on_mixed_lines():
    rng = random.Random(3)
    lines = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        for alphabet in ("ab Zé1_ 漢字かなカナ한글 .,-\t\u3000", "a b Zé 1 _ яß .,-\t\u00a0")
        for _ in range(5000)
    ]
    assert [is_template_candidate(line) for line in lines] == [
        _by_definition(line) for line in lines
    ]


def test_fingerprint_keys_every_distinct_candidate_line_once_sorted():
    prose = " ".join(["word"] * (TEMPLATE_CANDIDATE_MAX_WORDS + 5))
    text = f"Share this\n\n{prose}\nRead more\nSHARE THIS!\n  \nRead more\n"
    raw = RawRecord("site/a.txt", 0, "text", text.encode(), url="https://www.example.org/a")
    site, doc_hash, keys = _fingerprint(text, raw, "site/a.txt")
    assert site == "example.org" and len(doc_hash) == 32
    # "Share this" and "SHARE THIS!" have the same comparison form, hence one key.
    assert keys == sorted({line_key("Share this"), line_key("Read more")})
