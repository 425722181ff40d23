"""Small file data sets written by the tests themselves."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest


def write_npy_dataset(root: Path, n: int = 40, num_classes: int = 4, shape: tuple[int, ...] = (1, 4, 4)) -> Path:
    """``n`` .npy samples whose mean encodes the label, and a manifest of (path, label)."""
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    with (root / "manifest.csv").open("w", newline="") as handle:
        rows = csv.writer(handle)
        rows.writerow(["path", "label"])
        for i in range(n):
            label = i % num_classes
            np.save(root / f"s{i:03d}.npy", (label + 0.1 * rng.standard_normal(shape)).astype(np.float32))
            rows.writerow([f"s{i:03d}.npy", label])
    return root / "manifest.csv"


@pytest.fixture
def npy_data(tmp_path: Path) -> Path:
    """A folder of 40 one-sample .npy files with a manifest; returns the manifest."""
    return write_npy_dataset(tmp_path / "npy")
