"""Train the boilerplate line classifier and write `textwash/models/boilerplate.npz`.

Usage: python scripts/train_boilerplate.py [--shared ../shared] [--cv] [--out PATH]

Reads the flattened development pages (`bench/wcxb-dev-text/NNNN.txt`) and their ground
truth (`bench/wcxb-dev/ground-truth/NNNN.json`), labels every line by how much of it is
found in `main_content` (trigram containment; short lines must equal a main-content
line), and trains two LightGBM passes: the first on `features.FEATURE_NAMES`, the second
on those plus the first pass's out-of-fold scores of each line's neighbours. The result
is exported to plain arrays evaluated with numpy at runtime (`textwash.boilerplate.model`),
with the scale of the page-wise expected-F1 selection (`DECISION_SCALE`).
`--cv` also prints word-F1 by 5-fold cross-validation grouped by domain, each fold's
model scored through `strip_boilerplate` itself. Deterministic: fixed seed, fixed folds,
single-threaded LightGBM in deterministic mode. Needs the `train` extra (lightgbm).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from textwash.boilerplate import strip_boilerplate  # noqa: E402
from textwash.boilerplate.features import (  # noqa: E402
    FEATURE_NAMES,
    PageLines,
    neighbour_features,
    page_features,
    word_count,
)
from textwash.boilerplate.model import Forest, LineModel, line_hash  # noqa: E402
from textwash.boilerplate.rules import rule_reason  # noqa: E402

SEED = 20260422
FOLDS = 5
INNER_FOLDS = 3
#: Lines of at most this many words take part in the cross-site line table.
TABLE_MAX_WORDS = 40
#: A line must be found on this many other sites to enter the table.
TABLE_MIN_SITES = 2
#: A line with at least this share of its word trigrams in main_content is content.
CONTENT_TRIGRAM_SHARE = 0.5
#: Scores are multiplied by this before the page-wise expected-F1 selection. Chosen by
#: grouped 5-fold CV (word-F1 of the whole stage: 0.8229 at 0.6, 0.8226 at 0.7; a fixed
#: cut-off at 0.4, as before, 0.812).
DECISION_SCALE = 0.6
#: Total training weight of one page (its lines share it).
PAGE_WEIGHT = 250.0
CORPUS_DF = FEATURE_NAMES.index("corpus_df")
PARAMS = {
    "objective": "binary",
    "learning_rate": 0.15,
    "num_leaves": 15,
    "max_depth": 4,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.5,
    "max_bin": 63,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": SEED,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbose": -1,
}
#: 90 trees of depth 4 per pass: grouped 5-fold CV 0.8228, as good as the former 120 of
#: depth 6 (0.8229) and about 13% less work per document (60 of depth 4: 0.8212; 60 of
#: depth 6: 0.8221; 60 of depth 5: 0.8221).
ROUNDS = 90
_WORD = re.compile(r"\w+")


@dataclass
class Page:
    """One development page: its text, ground truth and the per-line training data."""

    file_id: str
    domain: str
    page_type: str
    text: str
    main_content: str
    lines: PageLines = field(init=False)
    labels: np.ndarray = field(init=False)
    weights: np.ndarray = field(init=False)
    features: np.ndarray = field(init=False)
    hashes: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.lines, _ = PageLines.from_text(self.text)
        self.labels = label_lines(self.lines.lines, self.main_content)
        hits = [rule_reason(line) is not None for line in self.lines.lines]
        self.features = page_features(self.lines, hits, None)
        # The metric is a mean over pages of word-level F1: every page weighs the same,
        # and within a page a line weighs by its length (damped).
        root = np.sqrt(np.maximum(self.features[:, FEATURE_NAMES.index("words")], 1.0))
        self.weights = (root * PAGE_WEIGHT / max(float(root.sum()), 1.0)).astype(np.float32)
        self.hashes = [
            line_hash(line) if word_count(line) <= TABLE_MAX_WORDS else 0
            for line in self.lines.lines
        ]


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(text)]


def word_f1(predicted: str, gold: str) -> float:
    """The benchmark's metric: F1 of the bags of lower-cased `\\w+` tokens."""
    p, g = Counter(tokens(predicted)), Counter(tokens(gold))
    if not p or not g:
        return float(not p and not g)
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def label_lines(lines: Sequence[str], main_content: str) -> np.ndarray:
    """1 for a line that is part of main_content, else 0."""
    gold = tokens(main_content)
    trigrams = {tuple(gold[i:i + 3]) for i in range(len(gold) - 2)}
    gold_lines = {" ".join(tokens(line)) for line in main_content.split("\n")}
    labels = np.zeros(len(lines), dtype=np.float32)
    for k, line in enumerate(lines):
        toks = tokens(line)
        if len(toks) < 3:
            labels[k] = bool(toks) and " ".join(toks) in gold_lines
            continue
        grams = [tuple(toks[i:i + 3]) for i in range(len(toks) - 2)]
        labels[k] = sum(g in trigrams for g in grams) / len(grams) >= CONTENT_TRIGRAM_SHARE
    return labels


def load_pages(shared: Path) -> list[Page]:
    """Every development page that has a main_content, in file order."""
    text_dir = shared / "bench" / "wcxb-dev-text"
    truth_dir = shared / "bench" / "wcxb-dev" / "ground-truth"
    metadata = json.loads((shared / "bench" / "wcxb-dev" / "metadata.json").read_text())
    files = metadata["files"]
    pages = []
    for path in sorted(text_dir.glob("*.txt")):
        truth = json.loads((truth_dir / f"{path.stem}.json").read_text())
        main = truth.get("ground_truth", {}).get("main_content")
        if main is None:
            continue
        meta = files.get(path.stem, {})
        domain = meta.get("domain") or (urlsplit(truth.get("url", "")).hostname or path.stem)
        page_type = truth.get("_internal", {}).get("page_type", {}).get("primary", "unknown")
        pages.append(Page(path.stem, domain.removeprefix("www."), page_type,
                          path.read_text("utf-8"), main))
    return pages


def grouped_folds(pages: Sequence[Page], k: int, salt: str) -> list[int]:
    """A fold number per page; all pages of one domain share a fold (hash of the domain)."""
    def fold_of(domain: str) -> int:
        digest = hashlib.sha256(f"{salt}:{domain}".encode()).digest()
        return int.from_bytes(digest[:8], "little") % k
    return [fold_of(page.domain) for page in pages]


def site_table(pages: Iterable[Page]) -> Counter[int]:
    """How many distinct domains contain each (short) line."""
    by_domain: dict[str, set[int]] = defaultdict(set)
    for page in pages:
        by_domain[page.domain].update(h for h in page.hashes if h)
    counts: Counter[int] = Counter()
    for hashes in by_domain.values():
        counts.update(hashes)
    return counts


def with_corpus_df(page: Page, counts: Counter[int], *, own_domain_counted: bool) -> np.ndarray:
    """The page's features with `corpus_df` filled in from a site table.

    A training page's own domain is in the table, so it counts other sites only: the same
    quantity a page from an unseen site gets at runtime.
    """
    x = page.features.copy()
    own = 1 if own_domain_counted else 0
    for k, h in enumerate(page.hashes):
        sites = counts.get(h, 0) - own if h else 0
        x[k, CORPUS_DF] = np.log1p(sites) if sites >= TABLE_MIN_SITES else 0.0
    return x


def train_forest(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> Forest:
    import lightgbm as lgb

    data = lgb.Dataset(x, label=y, weight=w, params={"verbose": -1})
    booster = lgb.train(PARAMS, data, num_boost_round=ROUNDS)
    return Forest.from_lightgbm_dump(booster.dump_model())


def train_model(pages: Sequence[Page]) -> LineModel:
    """Both passes on `pages`; the second learns from out-of-fold first-pass scores."""
    counts = site_table(pages)
    xs = [with_corpus_df(p, counts, own_domain_counted=True) for p in pages]
    ys = [p.labels for p in pages]
    ws = [p.weights for p in pages]
    first = train_forest(np.vstack(xs), np.concatenate(ys), np.concatenate(ws))
    folds = grouped_folds(pages, INNER_FOLDS, "inner")
    second_x: list[np.ndarray] = [np.empty(0)] * len(pages)
    for f in range(INNER_FOLDS):
        train = [i for i, g in enumerate(folds) if g != f]
        held = [i for i, g in enumerate(folds) if g == f]
        if not held:
            continue
        inner_counts = site_table(pages[i] for i in train)
        forest = train_forest(
            np.vstack([with_corpus_df(pages[i], inner_counts, own_domain_counted=True)
                       for i in train]),
            np.concatenate([ys[i] for i in train]),
            np.concatenate([ws[i] for i in train]),
        )
        for i in held:
            x = with_corpus_df(pages[i], inner_counts, own_domain_counted=False)
            second_x[i] = neighbour_features(xs[i], forest.predict(x).astype(np.float32))
    second = train_forest(np.vstack(second_x), np.concatenate(ys), np.concatenate(ws))
    table = {h: c for h, c in counts.items() if c >= TABLE_MIN_SITES}
    return LineModel(first, second, DECISION_SCALE, table)


@dataclass(frozen=True, slots=True)
class Scored:
    page: Page
    nothing: float
    cleaned: float


def cross_validate(
    pages: Sequence[Page], k: int = FOLDS, save_folds: Path | None = None
) -> list[Scored]:
    """Word-F1 of every page, cleaned by a model that never saw the page's domain."""
    folds = grouped_folds(pages, k, "outer")
    scored: list[Scored] = []
    for f in range(k):
        train = [p for p, g in zip(pages, folds, strict=True) if g != f]
        model = train_model(train)
        if save_folds is not None:
            save_folds.mkdir(parents=True, exist_ok=True)
            model.save(save_folds / f"fold{f}.npz")
        for page, g in zip(pages, folds, strict=True):
            if g != f:
                continue
            text = strip_boilerplate(page.text, model=model).text
            scored.append(Scored(page, word_f1(page.text, page.main_content),
                                 word_f1(text, page.main_content)))
        print(f"fold {f + 1}/{k} done", file=sys.stderr)
    scored.sort(key=lambda s: s.page.file_id)
    return scored


def summary(scored: Sequence[Scored]) -> dict[str, tuple[int, float, float]]:
    """Per page type and overall: pages, mean F1 doing nothing, mean F1 cleaned."""
    groups: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        groups[s.page.page_type].append(s)
    groups["all"] = list(scored)
    return {
        name: (len(items), float(np.mean([s.nothing for s in items])),
               float(np.mean([s.cleaned for s in items])))
        for name, items in sorted(groups.items())
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path,
                        default=REPO / "textwash" / "models" / "boilerplate.npz")
    parser.add_argument("--cv", action="store_true", help="also print grouped 5-fold CV")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--save-folds", type=Path, help="also keep the CV fold models here")
    args = parser.parse_args(argv)
    pages = load_pages(args.shared)
    print(f"{len(pages)} pages, {sum(len(p.labels) for p in pages)} lines", file=sys.stderr)
    if args.cv:
        scored = cross_validate(pages, save_folds=args.save_folds)
        for name, (n, nothing, cleaned) in summary(scored).items():
            print(f"{name:14s} {n:5d} pages  doing nothing {nothing:.3f}  cleaned {cleaned:.3f}"
                  "  (word-F1, 5-fold CV grouped by domain)")
    if not args.no_save:
        train_model(pages).save(args.out)
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
