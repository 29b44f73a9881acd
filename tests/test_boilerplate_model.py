"""The line classifier: features, numpy tree evaluation, the shipped model file."""

from __future__ import annotations

import numpy as np
import pytest

from textwash.boilerplate.features import (
    FEATURE_NAMES,
    NEIGHBOUR_FEATURES,
    SECOND_PASS_NAMES,
    PageLines,
    neighbour_features,
    page_features,
)
from textwash.boilerplate.model import MODEL_FILE, Forest, LineModel, default_model

PARAGRAPH = (
    "The council approved the new budget on Tuesday after a long debate about the cost of "
    "public transport, and the mayor said the plan would be reviewed again in the spring."
)


def column(name: str, rows: np.ndarray) -> list[float]:
    return rows[:, FEATURE_NAMES.index(name)].tolist()


def page_of(text: str) -> PageLines:
    page, _ = PageLines.from_text(text)
    return page


def test_page_lines_keep_blank_line_layout():
    page, index = PageLines.from_text("Home\nNews\n\n  Body text here.  \n")
    assert page.lines == ["Home", "News", "Body text here."]
    assert index == [0, 1, 3]
    assert page.blank_before == [True, False, True]
    assert page.blank_after == [False, True, True]


def test_context_features_see_word_mass_and_distance_to_long_lines():
    page = page_of(f"Home\nNews\nSport\n\n{PARAGRAPH}\n\nA heading\n\n{PARAGRAPH}")
    rows = page_features(page, [False] * 6)
    assert rows.shape == (6, len(FEATURE_NAMES))
    assert column("words", rows)[:3] == [1, 1, 1]
    assert column("dist_long_below", rows)[:4] == [3, 2, 1, 2]
    assert column("between_long", rows) == [0, 0, 0, 0, 1, 0]
    assert column("short_run", rows)[:3] == [3, 3, 3]
    assert column("block_lines", rows)[:3] == [3, 3, 3]
    assert column("dup_in_page", rows)[3] == 2


def test_neighbour_features_add_scores_of_the_lines_around():
    first = page_features(page_of(f"a b\n{PARAGRAPH}\nc d"), [False] * 3)
    rows = neighbour_features(first, np.array([0.1, 0.9, 0.2], dtype=np.float32))
    assert rows.shape == (3, len(SECOND_PASS_NAMES))
    start = len(FEATURE_NAMES)
    assert rows[1, start + NEIGHBOUR_FEATURES.index("p_prev")] == pytest.approx(0.1)
    assert rows[1, start + NEIGHBOUR_FEATURES.index("p_next")] == pytest.approx(0.2)
    assert rows[0, start + NEIGHBOUR_FEATURES.index("p_long_below")] == pytest.approx(0.9)


def small_dump() -> dict:
    """Two trees as LightGBM's dump_model() writes them."""
    return {"tree_info": [
        {"tree_structure": {
            "split_feature": 0, "threshold": 2.5, "decision_type": "<=",
            "left_child": {"leaf_value": -1.0},
            "right_child": {
                "split_feature": 1, "threshold": 0.5, "decision_type": "<=",
                "left_child": {"leaf_value": 0.5}, "right_child": {"leaf_value": 2.0},
            },
        }},
        {"tree_structure": {"leaf_value": 0.25}},
    ]}


def test_forest_walks_lightgbm_trees_like_lightgbm():
    forest = Forest.from_lightgbm_dump(small_dump())
    x = np.array([[1.0, 9.0], [2.5, 9.0], [3.0, 0.0], [3.0, 0.5], [3.0, 0.6]])
    assert forest.raw_score(x).tolist() == [-0.75, -0.75, 0.75, 0.75, 2.25]
    assert forest.depth == 2


def test_forest_rejects_splits_it_cannot_evaluate():
    dump = small_dump()
    dump["tree_info"][0]["tree_structure"]["decision_type"] = "=="
    with pytest.raises(ValueError, match="unsupported split"):
        Forest.from_lightgbm_dump(dump)


def test_line_model_round_trips_through_its_file(tmp_path):
    forest = Forest.from_lightgbm_dump(small_dump())
    model = LineModel(forest, forest, 0.7, {123: 5, 2**64 - 1: 2})
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = LineModel.load(path)
    x = np.random.default_rng(0).uniform(0, 4, size=(20, 2))
    assert np.array_equal(loaded.first.raw_score(x), forest.raw_score(x))
    assert loaded.decision_scale == pytest.approx(0.7)
    assert loaded.site_counts == {123: 5, 2**64 - 1: 2}


def test_shipped_model_is_small_and_matches_the_features():
    from importlib import resources

    resource = resources.files("textwash.models").joinpath(MODEL_FILE)
    assert resource.is_file()
    assert len(resource.read_bytes()) < 2 * 1024 * 1024
    model = default_model()
    assert model.first.feature.max() < len(FEATURE_NAMES)
    assert model.second.feature.max() < len(SECOND_PASS_NAMES)
    assert 0 < model.decision_scale <= 1


def per_line_token_columns(line: str) -> tuple[float, float, float]:
    """mean_token_len, upper_initial_frac, stopword_frac, computed one line at a time."""
    from textwash.boilerplate.features import _EDGE, SAMPLE_CHARS
    from textwash.boilerplate.rules import stopwords

    tokens = [t for t in (w.strip(_EDGE) for w in line[:SAMPLE_CHARS].split()) if t]
    ntok = len(tokens) or 1
    return (
        sum(map(len, tokens)) / ntok,
        sum(t[0].isupper() for t in tokens) / ntok,
        sum(t.lower() in stopwords() for t in tokens) / ntok,
    )


@pytest.mark.parametrize("line", [
    "The «Quick» brown fox — jumps over the lazy dog.",
    "It's the U.S. e-mail, isn't it? (http://example.com/a_b)",
    "Home | News | Sport",
    "- | -- ... ·",
    "𝐀lpha and 𝐁eta\x1cthe\u2028End of the line",
    "서울 본문 바로가기 and the 東京 (news)",
    "İstanbul ΣΟΦΊΑ the END",
    "x" * 250 + " the and of",
])
def test_token_columns_are_whitespace_words_with_edge_punctuation_trimmed(line):
    rows = page_features(page_of(f"Start of the page\n{line}\nlast line"), [False] * 3)
    expected = per_line_token_columns(line)
    got = (column("mean_token_len", rows)[1], column("upper_initial_frac", rows)[1],
           column("stopword_frac", rows)[1])
    assert got == pytest.approx(expected)


def test_forest_splits_float32_features_exactly_as_at_the_float64_threshold():
    dump = {"tree_info": [{"tree_structure": {
        "split_feature": 0, "threshold": 0.1, "decision_type": "<=",
        "left_child": {"leaf_value": -1.0}, "right_child": {"leaf_value": 1.0},
    }}]}
    forest = Forest.from_lightgbm_dump(dump)
    just_below = np.nextafter(np.float32(0.1), np.float32(0))
    x = np.array([[np.float32(0.1)], [just_below]], dtype=np.float32)
    # float32(0.1) is a little above 0.1, the float32 before it a little below
    assert [float(v) > 0.1 for v in x[:, 0]] == [True, False]
    assert forest.raw_score(x).tolist() == [1.0, -1.0]


def varied_page() -> str:
    """Short and long lines, blank-line blocks, a duplicate, CJK and non-ASCII separators."""
    parts = ["Home", "News » World", "", "Seoul 서울 본문 바로가기 and the 東京 (news)", PARAGRAPH,
             "", "A heading", PARAGRAPH + " " + PARAGRAPH, "Home", "", "• one item", "2. two",
             "Photo: Someone", "x" * 250 + " the and of", "", "The end."]
    return "\n".join(parts * 3)


def both_paths(compute, monkeypatch):
    """`compute()` on the small-page (Python lists) path and on the numpy path."""
    import textwash.boilerplate.features as features

    small = compute()
    monkeypatch.setattr(features, "SMALL_PAGE_LINES", 0)
    return small, compute()


def test_small_pages_get_the_same_float32_features_as_the_numpy_path(monkeypatch):
    import textwash.boilerplate.features as features

    page = page_of(varied_page())
    assert 30 < len(page.lines) <= features.SMALL_PAGE_LINES
    hits = [k % 4 == 0 for k in range(len(page.lines))]
    small, large = both_paths(lambda: page_features(page, hits, list(range(len(hits)))),
                              monkeypatch)
    assert small.dtype == large.dtype == np.float32
    assert small.tobytes() == large.tobytes()


def test_small_pages_get_the_same_neighbour_features_as_the_numpy_path(monkeypatch):
    page = page_of(varied_page())
    first = page_features(page, [False] * len(page.lines))
    p = np.random.default_rng(0).random(len(first)).astype(np.float32)
    small, large = both_paths(lambda: neighbour_features(first, p), monkeypatch)
    assert small.tobytes() == large.tobytes()


def test_forest_scores_pages_of_different_lengths_with_their_own_row_offsets():
    forest = Forest.from_lightgbm_dump(small_dump())
    for n in (5, 1, 4, 5):
        x = np.array([[float(k), 0.6] for k in range(n)], dtype=np.float32)
        assert forest.raw_score(x).tolist() == [-0.75] * min(n, 3) + [2.25] * max(n - 3, 0)


def test_pages_scored_together_get_exactly_the_rows_and_scores_each_gets_alone():
    import textwash.boilerplate.features as features

    long_page = "\n".join([PARAGRAPH, "Home", "A short heading"] * 30)
    texts = [varied_page(), "", f"Home\nNews\n\n{PARAGRAPH}", long_page, "Only line"]
    pages = [page_of(text) for text in texts]
    assert len(pages[3].lines) > features.SMALL_PAGE_LINES  # the numpy path, between others
    hits = [[k % 3 == 0 for k in range(len(page.lines))] for page in pages]
    dfs = [list(range(len(page.lines))) for page in pages]
    together = features.pages_features(pages, hits, dfs)
    alone = [page_features(page, h, df) for page, h, df in zip(pages, hits, dfs, strict=True)]
    assert together.tobytes() == np.concatenate(alone).tobytes()

    model = default_model()
    sizes = [len(page.lines) for page in pages]
    scores = model.predict_pages(together, sizes)
    assert scores.tobytes() == np.concatenate([model.predict(rows) for rows in alone]).tobytes()
