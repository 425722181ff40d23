"""Compare two benchmark result files: each figure's value in both and its change (``make bench-compare``).

Run:  python -m benchmarks.compare [OLD.jsonl NEW.jsonl]      (default: the two newest in benchmarks/results/)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.common import RESULTS

LOWER_IS_BETTER = {"ms", "s", "x"}  # times and ratios to a plain loop; throughputs are higher-is-better


def read(path: Path) -> dict[str, dict]:
    """The last line of each figure (by bench and name) in a JSON-lines file."""
    figures = {}
    for line in path.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            figures[f"{row['bench']}:{row['name']}"] = row
    return figures


def main() -> None:
    """Print every figure present in both files, with its relative change; mark changes over 10 %."""
    files = [Path(a) for a in sys.argv[1:3]] or sorted(RESULTS.glob("*.jsonl"), key=lambda p: p.stat().st_mtime)[-2:]
    if len(files) < 2:
        sys.exit(f"need two result files to compare; found {len(files)} in {RESULTS} (run `make bench` twice)")
    old, new = read(files[0]), read(files[1])
    print(f"{files[0].name}  ->  {files[1].name}   (* : a change over 10 % for the worse)")
    for key in sorted(old.keys() & new.keys()):
        before, after, unit = old[key]["value"], new[key]["value"], new[key]["unit"]
        change = (after - before) / before if before else 0.0
        worse = change > 0.10 if unit in LOWER_IS_BETTER else change < -0.10
        mark = " *" if worse else ""
        print(f"  {key:<58} {before:>12.4g} -> {after:>12.4g} {unit:<9} {change:+7.1%}{mark}")
    for key in sorted(new.keys() - old.keys()):
        print(f"  {key:<58} {'(new)':>12} -> {new[key]['value']:>12.4g} {new[key]['unit']}")


if __name__ == "__main__":
    main()
