"""Reference accuracies for the UCR/UEA sets that data=ucr reads: 1-NN DTW (aeon) and InceptionTime (published).

1-NN DTW (full window) is fitted here with aeon on the archive's official train split and scored on its test split.
InceptionTime's accuracy on the same split is read from the results aeon ships offline
(``aeon/testing/example_results_files``: resample 0 is the official split); that file covers the univariate sets.

Run:  python tools/ucr_reference.py GunPoint ItalyPowerDemand ArrowHead BasicMotions JapaneseVowels
"""

from __future__ import annotations

import argparse
import csv
import os
from pathlib import Path


def inception_time(name: str) -> float | None:
    """InceptionTime's published test accuracy on the official split, if aeon ships it."""
    import aeon

    results = Path(aeon.__file__).parent / "testing" / "example_results_files" / "classification" / "accuracy"
    path = results / "InceptionTime_accuracy.csv"
    with path.open(newline="") as handle:
        return next((float(row[1]) for row in csv.reader(handle) if row and row[0] == name), None)


def one_nn_dtw(name: str) -> float:
    """Test accuracy of 1-nearest-neighbour DTW fitted on the official train split."""
    from aeon.classification.distance_based import KNeighborsTimeSeriesClassifier
    from aeon.datasets import load_classification

    x_train, y_train = load_classification(name, split="train")
    x_test, y_test = load_classification(name, split="test")
    model = KNeighborsTimeSeriesClassifier(n_neighbors=1, distance="dtw").fit(x_train, y_train)
    return float((model.predict(x_test) == y_test).mean())


def main() -> None:
    """Print a Markdown table: a row per set, its 1-NN DTW and InceptionTime test accuracy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", help="names of sets bundled with aeon")
    args = parser.parse_args()
    os.environ.setdefault("AEON_DATA", str(Path(os.environ.get("DATA_DIR", "data")).resolve() / "aeon"))
    print("| data.dataset | 1-NN DTW | InceptionTime |\n|---|---|---|")
    for name in args.datasets:
        published = inception_time(name)
        print(f"| {name} | {one_nn_dtw(name):.4g} | {'–' if published is None else f'{published:.4g}'} |")


if __name__ == "__main__":
    main()
