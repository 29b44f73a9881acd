"""Build `textwash/data/language_calibration.json` from the tuning split of the sample set.

For every tuning sample (sentences, two-word phrases, single words, documents, mixed
documents; see `bench/language_samples.py`) the detector's label and score margin are
recorded; margins are binned, each bin's share of right labels is Laplace-smoothed and made
non-decreasing (pool adjacent violators), and labels the script decided get their own
measured share. The test split is never read here. Deterministic: fixed seed, no sampling
at detection time. Run: `python scripts/build_language_calibration.py`.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import language_samples as samples  # noqa: E402
from textwash.language import identify  # noqa: E402

OUTPUT = REPO / "textwash" / "data" / "language_calibration.json"
EDGES = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 13.0, 17.0, 22.0, 30.0, 45.0, 70.0)


def observations(split: str) -> list[tuple[float, bool]]:
    """(margin, label right?) for every sample of `split` the detector labelled."""
    sentences = samples.sentences(split)
    sets = [
        sentences,
        samples.phrases(sentences),
        samples.single_words(sentences),
        samples.documents(sentences),
        samples.mixed_documents(sentences),
    ]
    seen = []
    for sample in (sample for group in sets for sample in group):
        result = identify(sample.text)
        if result.language != "und":
            seen.append((result.margin, result.language == sample.language))
    return seen


def pooled(counts: list[tuple[int, int]]) -> list[float]:
    """Laplace-smoothed accuracies per bin, pooled so they never decrease."""
    blocks = [[right + 1, total + 2, 1] for right, total in counts]
    merged: list[list[int]] = []
    for block in blocks:
        merged.append(block)
        while len(merged) > 1 and merged[-2][0] / merged[-2][1] > merged[-1][0] / merged[-1][1]:
            right, total, width = merged.pop()
            merged[-1][0] += right
            merged[-1][1] += total
            merged[-1][2] += width
    accuracy = []
    for right, total, width in merged:
        accuracy.extend([round(right / total, 4)] * width)
    return accuracy


def main() -> None:
    seen = observations("tuning")
    scripted = [right for margin, right in seen if math.isinf(margin)]
    counts = []
    for position, low in enumerate(EDGES):
        high = EDGES[position + 1] if position + 1 < len(EDGES) else math.inf
        inside = [right for margin, right in seen if low <= margin < high]
        counts.append((sum(inside), len(inside)))
    table = {
        "source": "tuning split of bench/data/language (scripts/build_language_calibration.py)",
        "edges": list(EDGES),
        "accuracy": pooled(counts),
        "samples": [total for _, total in counts],
        "script_accuracy": round((sum(scripted) + 1) / (len(scripted) + 2), 4),
        "script_samples": len(scripted),
    }
    OUTPUT.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(table))


if __name__ == "__main__":
    main()
