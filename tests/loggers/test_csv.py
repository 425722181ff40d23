"""The CSV logger: metrics.csv and hparams.yaml in the run folder, through Lightning's public Logger API."""

from __future__ import annotations

from pathlib import Path

import torch
from omegaconf import OmegaConf

from src.loggers.csv import MetricsCSVLogger
from src.runs.metrics import rows


def test_logged_rows_reach_metrics_csv_when_lightning_saves(tmp_path: Path) -> None:
    logger = MetricsCSVLogger(save_dir=str(tmp_path))
    logger.log_hyperparams({"config": {"seed": 3, "task": {"monitor": "val/acc"}}})
    logger.log_metrics({"train/loss": torch.tensor(0.5), "epoch": 0}, step=3)
    assert not (tmp_path / "metrics.csv").exists()  # queued until save(), as Lightning calls it
    logger.save()
    logger.log_metrics({"val/acc": 0.75, "epoch": 0}, step=3)
    logger.finalize("success")
    assert rows(tmp_path / "metrics.csv") == [
        {"epoch": 0, "step": 3, "train/loss": 0.5},
        {"epoch": 0, "step": 3, "val/acc": 0.75},
    ]
    assert OmegaConf.load(tmp_path / "hparams.yaml").config.task.monitor == "val/acc"
    assert (logger.name, logger.version, logger.save_dir) == ("", "", str(tmp_path))


def test_a_resumed_run_continues_its_metrics_csv(tmp_path: Path) -> None:
    first = MetricsCSVLogger(save_dir=str(tmp_path))
    first.log_metrics({"train/loss": 1.0, "epoch": 0}, step=4)
    first.log_metrics({"train/loss": 0.5, "epoch": 1}, step=8)
    first.save()
    resumed = MetricsCSVLogger(save_dir=str(tmp_path), keep_until_step=4)  # what resume=<run dir> sets
    resumed.log_metrics({"train/loss": 0.4, "epoch": 1}, step=8)
    resumed.save()
    assert [r["train/loss"] for r in rows(tmp_path / "metrics.csv")] == [1.0, 0.4]
