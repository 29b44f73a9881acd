"""The training script's pieces that need no training framework: labels, metric, folds."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

from textwash.boilerplate.features import FEATURE_NAMES

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "train_boilerplate.py"


@pytest.fixture(scope="module")
def train():
    spec = importlib.util.spec_from_file_location("train_boilerplate_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


MAIN = (
    "The council approved the budget on Tuesday after a long debate.\n\n"
    "What happens next\n\n"
    "The mayor said the plan would be reviewed in the spring."
)


def test_word_f1_is_the_bag_of_words_overlap(train):
    assert train.word_f1("a b c", "a b c") == 1.0
    assert train.word_f1("x y", "a b") == 0.0
    assert train.word_f1("a a b", "a b") == pytest.approx(0.8)
    assert train.word_f1("", "") == 1.0


def test_lines_are_labelled_by_their_share_of_main_content(train):
    lines = [
        "Home",
        "The council approved the budget on Tuesday after a long debate.",
        "What happens next",
        "the",
        "Subscribe to our newsletter for more news",
    ]
    assert train.label_lines(lines, MAIN).tolist() == [0, 1, 1, 0, 0]


def make_page(train, file_id: str, domain: str, text: str):
    return train.Page(file_id, domain, "article", text, MAIN)


def test_folds_keep_a_domain_together_and_do_not_change(train):
    pages = [make_page(train, str(i), f"site{i % 7}.example", "Home\nText") for i in range(40)]
    folds = train.grouped_folds(pages, 5, "outer")
    assert folds == train.grouped_folds(pages, 5, "outer")
    by_domain: dict[str, set[int]] = {}
    for page, fold in zip(pages, folds, strict=True):
        by_domain.setdefault(page.domain, set()).add(fold)
    assert all(len(f) == 1 for f in by_domain.values())


def test_cross_site_counts_leave_out_the_page_own_site(train):
    pages = [make_page(train, str(i), f"site{i}.example", "Skip to content\nHello")
             for i in range(3)]
    counts = train.site_table(pages)
    column = FEATURE_NAMES.index("corpus_df")
    seen_in_training = train.with_corpus_df(pages[0], counts, own_domain_counted=True)
    unseen_site = train.with_corpus_df(pages[0], counts, own_domain_counted=False)
    assert seen_in_training[0, column] == pytest.approx(math.log1p(2))
    assert unseen_site[0, column] == pytest.approx(math.log1p(3))
