"""Turn a decision's score margin into a calibrated confidence, from a measured table.

`data/language_calibration.json` (built by `scripts/build_language_calibration.py` from the
calibration split of the sample set) lists margin bins and, for each, the share of labels
that were right in that bin; script-decided labels have their own measured share. This
module only looks values up; it does not decide languages.
"""

from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

CALIBRATION_FILE = "language_calibration.json"


@dataclass(frozen=True, slots=True)
class CalibrationTable:
    # Lower edges of the margin bins, ascending; the first is 0.
    edges: tuple[float, ...]
    # Share of right labels per bin, non-decreasing.
    accuracy: tuple[float, ...]
    script_accuracy: float

    def confidence(self, margin: float) -> float:
        if math.isnan(margin):
            return 0.0
        if math.isinf(margin):
            return self.script_accuracy
        position = max(0, bisect.bisect_right(self.edges, margin) - 1)
        return self.accuracy[position]


@cache
def calibration_table() -> CalibrationTable:
    raw = json.loads(
        resources.files("textwash.data").joinpath(CALIBRATION_FILE).read_text("utf-8")
    )
    return CalibrationTable(
        edges=tuple(raw["edges"]),
        accuracy=tuple(raw["accuracy"]),
        script_accuracy=float(raw["script_accuracy"]),
    )
