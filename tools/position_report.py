"""Accuracy and MAE of per-position predictions, overall and near the places where the target changes.

Reads the CSV that ``python -m src.predict`` writes for a position-level task (columns id, position, target, pred).
Near a change (a segment boundary of a copy-number track) the evidence is split between two states, so these
positions are the hard ones; the report separates them from the rest.

Run:  python tools/position_report.py predictions.csv --near 4
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path


def distances_to_change(targets: list[float]) -> list[int]:
    """For each position of one sequence, how far the nearest change of the target is.

    A change sits between positions t-1 and t; both count as distance 0. Without a change, every position is far.
    Two passes, one from each end (linear in the length: tracks of a million positions take about a second).
    """
    length = far = len(targets)
    after = [far] * length  # distance to the nearest change at or before t: t - c
    last = None
    for t in range(1, length):
        if targets[t] != targets[t - 1]:
            last = t
        if last is not None:
            after[t] = t - last
    before = [far] * length  # distance to the nearest change after t: c - 1 - t
    upcoming = None
    for t in range(length - 2, -1, -1):
        if targets[t + 1] != targets[t]:
            upcoming = t + 1
        if upcoming is not None:
            before[t] = upcoming - 1 - t
    return [min(a, b) for a, b in zip(after, before, strict=True)]


def report(path: Path, near: int) -> dict[str, float]:
    """Accuracy and MAE over all positions, those within ``near`` of a change, and the others."""
    sequences: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            sequences[row["id"]].append((int(row["position"]), float(row["target"]), float(row["pred"])))
    groups: dict[str, list[tuple[float, float]]] = {"all": [], "near": [], "far": []}
    for rows in sequences.values():
        rows.sort()
        targets = [t for _, t, _ in rows]
        for (_, target, pred), distance in zip(rows, distances_to_change(targets), strict=True):
            groups["all"].append((target, pred))
            groups["near" if distance < near else "far"].append((target, pred))
    result: dict[str, float] = {}
    for name, pairs in groups.items():
        result[f"{name}/positions"] = len(pairs)
        if pairs:
            result[f"{name}/acc"] = sum(t == p for t, p in pairs) / len(pairs)
            result[f"{name}/mae"] = sum(abs(t - p) for t, p in pairs) / len(pairs)
    return result


def main() -> None:
    """Print the report as one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("predictions", type=Path, help="a CSV written by src.predict for a position-level task")
    parser.add_argument("--near", type=int, default=4, help="positions closer than this to a change are 'near'")
    args = parser.parse_args()
    print(json.dumps(report(args.predictions, args.near)))


if __name__ == "__main__":
    main()
