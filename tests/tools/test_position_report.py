"""tools/position_report.py: accuracy near target changes, from a predictions CSV."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT
from tools.position_report import distances_to_change, report


def test_distance_counts_from_either_side_of_each_change() -> None:
    assert distances_to_change([2, 2, 2, 3, 3, 2, 2, 2, 2]) == [2, 1, 0, 0, 0, 0, 1, 2, 3]
    assert distances_to_change([1, 1, 1]) == [3, 3, 3]  # no change: far everywhere


def test_report_separates_the_positions_near_a_change(tmp_path: Path) -> None:
    path = tmp_path / "predictions.csv"
    targets = [2, 2, 2, 2, 3, 3, 3, 3]
    preds = [2, 2, 2, 3, 3, 3, 3, 3]  # one miss, right at the change
    with path.open("w", newline="") as handle:
        rows = csv.writer(handle)
        rows.writerow(["id", "position", "target", "pred"])
        rows.writerows(
            [7, t, target, pred] for t, (target, pred) in reversed(list(enumerate(zip(targets, preds, strict=True))))
        )
    result = report(path, near=1)
    assert result["all/acc"] == 7 / 8 and result["near/positions"] == 2 and result["near/acc"] == 0.5
    assert result["far/acc"] == 1.0 and result["near/mae"] == 0.5
    printed = subprocess.run(
        [sys.executable, "tools/position_report.py", str(path), "--near", "1"], cwd=ROOT, capture_output=True, text=True
    )
    assert json.loads(printed.stdout) == result
