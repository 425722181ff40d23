"""Golden numbers: tiny seeded CPU runs whose test metrics are pinned.

A change in data generation, initialisation, the loss or the training loop moves these numbers. If a
change is intended, re-run the three configs (the test prints the new values) and update them here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from src import train
from tests.helpers import fast_train_cfg

GOLDEN = {
    ("classification", "clusters"): {"test/loss": 0.7925563, "test/acc": 0.7070312},
    ("integer_regression", "clusters"): {"test/loss": 0.4163283, "test/mae": 0.5116597},
    ("regression", "teacher"): {"test/loss": 0.1804593, "test/r2": 0.7850509},
}


def read_test_metrics(run_dir: Path) -> dict[str, float]:
    rows = list(csv.DictReader((run_dir / "metrics.csv").open()))
    return {k: float(v) for row in rows for k, v in row.items() if k.startswith("test/") and v}


@pytest.mark.parametrize(("task", "sampler"), GOLDEN)
def test_a_tiny_seeded_run_reproduces_its_pinned_metrics(task: str, sampler: str, tmp_path: Path) -> None:
    cfg = fast_train_cfg([f"task={task}", f"data/sampler={sampler}", "trainer.max_epochs=2", "seed=123"], tmp_path)
    train.main(cfg)
    measured = read_test_metrics(tmp_path)
    print(task, sampler, {k: measured[k] for k in GOLDEN[task, sampler]})
    for name, pinned in GOLDEN[task, sampler].items():
        assert measured[name] == pytest.approx(pinned, rel=1e-4, abs=1e-6), f"{name}: measured {measured[name]}"
