"""The README's results table, measured: end-to-end runs on the shipped real data (slow; `make test` runs them).

Each run uses the data's default split (``data.split_seed=0``), the same for every model and for the baseline.
Run ``pytest tests/test_real_data_results.py -s`` to print the numbers the README table quotes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from hydra.utils import instantiate

from src import train
from src.runs.metrics import stage_values
from tests.helpers import fast_train_cfg

pytestmark = pytest.mark.train

DIGITS_MLP = ["backbone.width=512", "backbone.dropout=0.3", "task.label_smoothing=0.1", "optimizer.lr=1e-3"]


def run(overrides: list[str], data_dir: Path, out: Path) -> dict[str, float]:
    """Train and test through the entry point; the test metrics as written to metrics.csv."""
    cfg = fast_train_cfg([*overrides, f"paths.data_dir={data_dir}"], out)
    train.main(cfg)
    metrics = stage_values(out / "metrics.csv", "test")
    print(" ".join(overrides), {k: round(v, 4) for k, v in metrics.items()})
    return metrics


@pytest.mark.parametrize(
    ("overrides", "bar"),
    [
        (["data=digits", "backbone=cnn"], 0.98),  # measured 0.994
        (["data=digits", "backbone=mlp", *DIGITS_MLP, "trainer.max_epochs=40"], 0.97),  # measured 0.978
    ],
    ids=["cnn", "mlp"],
)
def test_digits_classification_reaches_97_percent(
    overrides: list[str], bar: float, data_dir: Path, tmp_path: Path
) -> None:
    assert run(overrides, data_dir, tmp_path)["test/acc"] >= bar


def test_digits_as_integer_regression_reports_mae_and_rounded_accuracy(data_dir: Path, tmp_path: Path) -> None:
    metrics = run(["data=digits", "task=integer_regression"], data_dir, tmp_path)
    # Digit images are not ordered by their label, so a number is a hard way to learn them; still far better
    # than the constant guess (predicting 4.5 gives an MAE of 2.5 and a rounded accuracy of about 0.1).
    assert metrics["test/mae"] < 1.15  # measured 1.040
    assert 0.41 < metrics["test/acc"] <= 1.0  # measured 0.461


def ols_test_r2(datamodule: object) -> float:
    """Ordinary least squares (with intercept) fitted on the same train split, R² on the same test split."""

    def arrays(split: str) -> tuple[np.ndarray, np.ndarray]:
        ds = datamodule.datasets[split]
        xs, ys = zip(*(ds.raw(i) for i in range(len(ds))), strict=True)
        x = torch.stack(xs).double().numpy()
        return np.c_[x, np.ones(len(x))], torch.stack(ys).double().numpy().reshape(-1)

    (x_train, y_train), (x_test, y_test) = arrays("train"), arrays("test")
    weights, *_ = np.linalg.lstsq(x_train, y_train, rcond=None)
    residual = y_test - x_test @ weights
    return float(1 - residual @ residual / ((y_test - y_test.mean()) ** 2).sum())


def test_diabetes_mlp_regression_is_within_003_r2_of_least_squares(data_dir: Path, tmp_path: Path) -> None:
    overrides = ["data=diabetes", "task=regression", "backbone=mlp"]
    mlp_r2 = run(overrides, data_dir, tmp_path)["test/r2"]
    datamodule = instantiate(fast_train_cfg([*overrides, f"paths.data_dir={data_dir}"], tmp_path / "ols").data)
    datamodule.setup()
    ols_r2 = ols_test_r2(datamodule)
    print(f"diabetes test R2: mlp {mlp_r2:.4f}, ols {ols_r2:.4f}")
    assert 0.3 < ols_r2 < 0.65  # the published range for OLS on random splits of this set; measured 0.492
    assert mlp_r2 >= ols_r2 - 0.03  # the README's claim; measured 0.507, i.e. 0.015 above OLS


def test_digits_regression_fine_tuned_from_the_classifier_starts_far_ahead_of_training_from_scratch(
    data_dir: Path, tmp_path: Path
) -> None:
    # After 2 epochs, on every seed tried (README): the classifier's features are a head start. After the preset's
    # 20 epochs it is ahead on average only, so that is what the README reports, not what is asserted here.
    run(["experiment=digits_cnn", "test=false"], data_dir, tmp_path / "source")
    source = f"backbone_ckpt={tmp_path / 'source' / 'checkpoints' / 'best.ckpt'}"
    short = ["experiment=transfer_digits_finetune", "trainer.max_epochs=2"]
    transfer = run([*short, source], data_dir, tmp_path / "transfer")
    scratch = run([*short, "backbone_ckpt=null"], data_dir, tmp_path / "scratch")
    assert transfer["test/mae"] < 0.8 * scratch["test/mae"]  # measured 0.62 of it (2.24 vs 3.63); seeds 0-4: 0.41-0.68
