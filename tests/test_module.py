"""TriadModule: metrics accumulate per step and are computed once per epoch; logged names; plain hparams."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from torchmetrics import Metric, MetricCollection

from src import train
from tests.helpers import fast_train_cfg


def test_metrics_update_every_step_and_compute_once_per_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"update": 0, "compute": 0, "forward": 0}
    for name in calls:
        original = getattr(MetricCollection, name)

        def counted(self: MetricCollection, *args: object, _name: str = name, _original=original, **kwargs: object):
            calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(MetricCollection, name, counted)
    forward = Metric.forward
    monkeypatch.setattr(
        Metric,
        "forward",
        lambda self, *a, **k: calls.__setitem__("forward", calls["forward"] + 1) or forward(self, *a, **k),
    )

    cfg = fast_train_cfg(["trainer.max_epochs=2", "trainer.num_sanity_val_steps=0", "callbacks=none"], tmp_path)
    train.main(cfg)
    steps = 2 * 4 + 2 * 2 + 2  # train batches (512/128) and val batches (256/128) per epoch, x2 epochs; test
    assert calls["update"] == steps
    assert calls["compute"] == 2 + 2 + 1  # train and val once per epoch, test once
    assert calls["forward"] == 0  # never a metric's forward (a compute per step)


def test_logged_names_are_stage_slash_metric_per_epoch(tmp_path: Path) -> None:
    train.main(fast_train_cfg(["trainer.max_epochs=2", "task=integer_regression"], tmp_path))
    rows = list(csv.DictReader((tmp_path / "metrics.csv").open()))
    names = {k for row in rows for k, v in row.items() if v and k not in ("epoch", "step")}
    expected = {f"{stage}/{metric}" for stage in ("train", "val", "test") for metric in ("loss", "mae", "acc")}
    assert names == expected | {"lr-AdamW"}  # the learning-rate monitor's column
    assert len([row for row in rows if row["train/loss"]]) == 2  # one row per epoch, not per step
