"""The shipped line classifier: gradient-boosted trees evaluated with numpy.

A `LineModel` holds two tree ensembles (trained offline by `scripts/train_boilerplate.py`
with LightGBM and exported to `textwash/models/boilerplate.npz`): the first pass scores
each line from `features.FEATURE_NAMES`, the second rescored it from the same features
plus its neighbours' first-pass scores. It also carries a table of how many distinct
sites of the training corpus contain a line (generic boilerplate such as "Skip to
content" recurs across sites). This module only scores lines; deciding and naming reasons
is `textwash.boilerplate`'s job. No training framework is needed at runtime.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from io import BytesIO
from typing import Any

import numpy as np

from textwash.boilerplate.features import (
    FEATURE_NAMES,
    SECOND_PASS_NAMES,
    PageLines,
    page_features,
    pages_neighbour_features,
)
from textwash.boilerplate.rules import fold

MODEL_FILE = "boilerplate.npz"
#: Pages of at most this many lines have their row offsets kept by a forest (about 1.5 MB
#: for all of them); larger pages, rarer and costlier anyway, compute their own.
_CACHED_PAGE_LINES = 64
#: Rows walked through the trees at once: the per-node arrays of 128 rows (~90 KB each)
#: stay in the CPU's cache; 800 rows at once took twice as long a row.
_ROWS_AT_ONCE = 128


def line_hash(line: str) -> int:
    """A stable 64-bit hash of a line's comparison form."""
    return folded_hash(fold(line))


def folded_hash(folded: str) -> int:
    """`line_hash` of a line whose comparison form (`rules.fold`) is `folded`."""
    digest = hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def float32_below(threshold: np.ndarray) -> np.ndarray:
    """The largest float32 at most each threshold (the same split for float32 inputs)."""
    wide = threshold.astype(np.float64)
    narrow = wide.astype(np.float32)
    above = narrow.astype(np.float64) > wide
    narrow[above] = np.nextafter(narrow[above], np.float32(-np.inf))
    return narrow


@dataclass(frozen=True, slots=True)
class Forest:
    """Trees flattened into arrays; the children of node k are child[k] and child[k] + 1.

    A leaf points to itself with an infinite threshold, so every tree can be walked the
    same number of steps (`depth`) in lockstep for all lines at once. Thresholds are
    float32, rounded down from LightGBM's float64 ones: for float32 features (which
    `features` produces) `x > float32 threshold` decides exactly as `x > threshold` does.
    """

    feature: np.ndarray  # intp, per node
    threshold: np.ndarray  # float32, per node: go right when x > threshold
    child: np.ndarray  # intp, per node
    value: np.ndarray  # float64, per node (leaf output, 0 for inner nodes)
    roots: np.ndarray  # intp, per tree
    depth: int
    # the roots' feature, threshold and left child: the first step for all lines at once
    root_feature: np.ndarray = field(init=False, repr=False, compare=False)
    root_threshold: np.ndarray = field(init=False, repr=False, compare=False)
    root_child: np.ndarray = field(init=False, repr=False, compare=False)
    # per page shape (lines, width): each row's start in the flattened features, and where
    # each root's feature sits in every row
    _offsets: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "root_feature", self.feature[self.roots])
        object.__setattr__(self, "root_threshold", self.threshold[self.roots])
        object.__setattr__(self, "root_child", self.child[self.roots])
        object.__setattr__(self, "_offsets", {})

    def _row_offsets(self, n: int, width: int) -> tuple[np.ndarray, np.ndarray]:
        found = self._offsets.get((n, width))
        if found is None:
            offsets = np.arange(0, n * width, width, dtype=np.intp)[:, None]
            found = (offsets, offsets + self.root_feature)
            for array in found:
                array.flags.writeable = False
            if n <= _CACHED_PAGE_LINES or n == _ROWS_AT_ONCE:
                self._offsets[n, width] = found
        return found

    def raw_score(self, x: np.ndarray) -> np.ndarray:
        """Sum of the trees' leaf values for each row of float32 features `x`."""
        if len(x) > _ROWS_AT_ONCE:
            return np.concatenate([self._raw_score(x[start:start + _ROWS_AT_ONCE])
                                   for start in range(0, len(x), _ROWS_AT_ONCE)])
        return self._raw_score(x)

    def _raw_score(self, x: np.ndarray) -> np.ndarray:
        n, width = x.shape
        x = x.astype(np.float32, copy=False)
        flat = x.ravel()
        offsets, root_at = self._row_offsets(n, width)
        node = self.root_child + (flat.take(root_at) > self.root_threshold)
        feature, threshold, child = self.feature, self.threshold, self.child
        for _ in range(self.depth - 1):
            at = feature.take(node)
            at += offsets
            go = flat.take(at) > threshold.take(node)
            node = child.take(node)
            node += go
        return self.value.take(node).sum(axis=1)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probability that each row is main content."""
        return 1.0 / (1.0 + np.exp(-self.raw_score(x)))

    @classmethod
    def from_lightgbm_dump(cls, dump: dict[str, Any]) -> Forest:
        """Flatten `Booster.dump_model()` (numerical splits only, no missing values)."""
        feature: list[int] = []
        threshold: list[float] = []
        child: list[int] = []
        value: list[float] = []
        roots: list[int] = []
        depth = 0

        def alloc(k: int) -> int:
            start = len(feature)
            feature.extend([0] * k)
            threshold.extend([np.inf] * k)
            child.extend([0] * k)
            value.extend([0.0] * k)
            return start

        for info in dump["tree_info"]:
            root = alloc(1)
            roots.append(root)
            queue = [(info["tree_structure"], root, 0)]
            while queue:
                node, slot, level = queue.pop()
                depth = max(depth, level)
                if "leaf_value" in node:
                    child[slot] = slot
                    value[slot] = node["leaf_value"]
                    continue
                if node["decision_type"] != "<=":
                    raise ValueError(f"unsupported split {node['decision_type']!r}")
                left = alloc(2)
                feature[slot] = node["split_feature"]
                threshold[slot] = float(node["threshold"])
                child[slot] = left
                queue.append((node["left_child"], left, level + 1))
                queue.append((node["right_child"], left + 1, level + 1))
        return cls(
            np.array(feature, dtype=np.intp), float32_below(np.array(threshold)),
            np.array(child, dtype=np.intp), np.array(value, dtype=np.float64),
            np.array(roots, dtype=np.intp), depth,
        )

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}_feature": self.feature.astype(np.int16),
            f"{prefix}_threshold": self.threshold,
            f"{prefix}_child": self.child.astype(np.int32),
            f"{prefix}_value": self.value.astype(np.float32),
            f"{prefix}_roots": self.roots.astype(np.int32),
            f"{prefix}_depth": np.array(self.depth),
        }

    @classmethod
    def from_arrays(cls, data: Any, prefix: str) -> Forest:
        return cls(
            data[f"{prefix}_feature"].astype(np.intp),
            float32_below(data[f"{prefix}_threshold"]),
            data[f"{prefix}_child"].astype(np.intp),
            data[f"{prefix}_value"].astype(np.float64),
            data[f"{prefix}_roots"].astype(np.intp),
            int(data[f"{prefix}_depth"]),
        )


@dataclass(frozen=True, slots=True)
class LineModel:
    """Two passes of trees, the decision's scale and the cross-site line table.

    `decision_scale` multiplies the scores before the page-wise selection of the lines to
    keep (`textwash.boilerplate`); it was chosen with the trees, by cross-validation.
    """

    first: Forest
    second: Forest
    decision_scale: float
    site_counts: dict[int, int]

    def corpus_df(self, folded: list[str]) -> list[int]:
        """For each line (in its `rules.fold` form), how many training sites contain it."""
        if not self.site_counts:
            return [0] * len(folded)
        get = self.site_counts.get
        return [get(folded_hash(line), 0) for line in folded]

    def corpus_df_of_digests(self, digests: list[bytes]) -> list[int]:
        """`corpus_df` of lines given by the blake2b digests of their comparison forms (the
        bytes behind `folded_hash`)."""
        if not self.site_counts:
            return [0] * len(digests)
        get = self.site_counts.get
        return [get(int.from_bytes(digest, "little"), 0) for digest in digests]

    def scores(self, page: PageLines, rule_hits: list[bool]) -> np.ndarray:
        """Probability that each line of `page` is main content."""
        return self.predict(page_features(page, rule_hits, self.corpus_df(page.folded)))

    def predict(self, first: np.ndarray) -> np.ndarray:
        """Probability that each line is main content, from its `FEATURE_NAMES` row."""
        return self.predict_pages(first, [len(first)])

    def predict_pages(self, first: np.ndarray, sizes: Sequence[int]) -> np.ndarray:
        """`predict` for the rows of several pages one after the other (`sizes`: each
        page's line count): each page gets exactly its own `predict`, with each forest run
        once over all rows."""
        if not len(first):
            return np.zeros(0)
        p = self.first.predict(first)
        return self.second.predict(pages_neighbour_features(first, p.astype(np.float32), sizes))

    def save(self, path: Any) -> None:
        keys = np.array(sorted(self.site_counts), dtype=np.uint64)
        counts = np.array([self.site_counts[int(k)] for k in keys], dtype=np.uint16)
        np.savez_compressed(
            path,
            feature_names=np.array(FEATURE_NAMES),
            second_pass_names=np.array(SECOND_PASS_NAMES),
            decision_scale=np.array(self.decision_scale),
            line_keys=keys,
            line_sites=counts,
            **self.first.arrays("first"),
            **self.second.arrays("second"),
        )

    @classmethod
    def load(cls, source: Any) -> LineModel:
        with np.load(source) as data:
            if tuple(data["feature_names"]) != FEATURE_NAMES or tuple(
                data["second_pass_names"]
            ) != SECOND_PASS_NAMES:
                raise ValueError("model was trained on other features; retrain it")
            counts = dict(zip(data["line_keys"].tolist(), data["line_sites"].tolist(),
                              strict=True))
            return cls(
                Forest.from_arrays(data, "first"), Forest.from_arrays(data, "second"),
                float(data["decision_scale"]), counts,
            )


@lru_cache(maxsize=1)
def default_model() -> LineModel:
    """The shipped model (`textwash/models/boilerplate.npz`)."""
    resource = resources.files("textwash.models").joinpath(MODEL_FILE)
    return LineModel.load(BytesIO(resource.read_bytes()))
