"""Golden numbers: tiny seeded CPU runs whose test metrics are pinned.

Where they come from: ``python -m tests.test_golden`` runs the three configs below (``golden_run``, exactly what
the test runs) and prints the ``GOLDEN`` table to paste here. Last regenerated on 2026-11-26 on a 2-core CPU,
torch 2.14.1, Lightning 2.6.6, torchmetrics 1.9.0. A change in data generation, initialisation, the loss or the
training loop moves them; if the change is intended, regenerate and paste. On CPU a regeneration gives the same
numbers to the last bit, which ``test_regenerating_gives_the_same_numbers`` checks.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from src import train
from src.runs.metrics import stage_values
from tests.helpers import TRAIN_MARKER, fast_train_cfg

pytestmark = pytest.mark.train  # every test here trains

GOLDEN = {
    ("classification", "clusters"): {"test/loss": 0.7925563, "test/acc": 0.7070312},
    ("integer_regression", "clusters"): {"test/loss": 0.4163283, "test/mae": 0.5116597},
    ("regression", "teacher"): {"test/loss": 0.1804593, "test/r2": 0.7850509},
}


def golden_run(task: str, sampler: str, out: Path) -> dict[str, float]:
    """Two short epochs of ``task`` on ``sampler`` with seed 123, on the CPU; the test metrics."""
    overrides = [
        f"task={task}",
        f"data/sampler={sampler}",
        "trainer.max_epochs=2",
        "seed=123",
        "trainer.accelerator=cpu",
    ]
    train.main(fast_train_cfg(overrides, out))
    return stage_values(out / "metrics.csv", "test")


@pytest.mark.parametrize(("task", "sampler"), GOLDEN)
def test_a_tiny_seeded_run_reproduces_its_pinned_metrics(task: str, sampler: str, tmp_path: Path) -> None:
    measured = golden_run(task, sampler, tmp_path)
    for name, pinned in GOLDEN[task, sampler].items():
        assert measured[name] == pytest.approx(pinned, rel=1e-4, abs=1e-6), f"{name}: measured {measured[name]}"


def test_regenerating_gives_the_same_numbers(tmp_path: Path) -> None:
    task, sampler = next(iter(GOLDEN))
    assert golden_run(task, sampler, tmp_path / "a") == golden_run(task, sampler, tmp_path / "b")  # bit for bit


def regenerate() -> str:
    """The ``GOLDEN`` table, measured now."""
    TRAIN_MARKER["allowed"] = True  # outside pytest: nothing to enforce
    root = Path(tempfile.mkdtemp(prefix="golden-"))
    lines = ["GOLDEN = {"]
    for task, sampler in GOLDEN:
        measured = golden_run(task, sampler, root / f"{task}-{sampler}")
        values = ", ".join(f'"{name}": {measured[name]:.7f}' for name in GOLDEN[task, sampler])
        lines.append(f'    ("{task}", "{sampler}"): {{{values}}},')
    return "\n".join([*lines, "}"])


if __name__ == "__main__":
    print(regenerate())
