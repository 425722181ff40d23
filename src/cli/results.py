"""A run's final metrics: collected from the trainer, shown as a table, and the value handed to sweepers."""

from __future__ import annotations

import logging
import math

import lightning.pytorch as pl
from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.utilities import rank_zero_only
from rich.console import Console
from rich.table import Table

from src.callbacks import ReportToTrial

log = logging.getLogger(__name__)


def logged_metrics(trainer: pl.Trainer, stage: str | None = None) -> dict[str, float]:
    """What the last fit/test logged (``{stage}/{name}``), as floats; only ``stage``'s if given."""
    prefix = f"{stage}/" if stage else ""
    return {name: float(value) for name, value in trainer.callback_metrics.items() if name.startswith(prefix)}


def best_callback(trainer: pl.Trainer) -> ModelCheckpoint | None:
    """The checkpoint callback that keeps the best epoch by a monitored metric (not the one that keeps the last)."""
    return next((c for c in trainer.checkpoint_callbacks if isinstance(c, ModelCheckpoint) and c.monitor), None)


def fit_metrics(trainer: pl.Trainer) -> dict[str, float]:
    """Metrics at the end of fitting; the monitored metric is taken at the best checkpoint's epoch."""
    metrics = logged_metrics(trainer)
    checkpoint = best_callback(trainer)
    if checkpoint is not None and checkpoint.best_model_score is not None and checkpoint.monitor:
        metrics[checkpoint.monitor] = float(checkpoint.best_model_score)
    return metrics


def pruned(trainer: pl.Trainer) -> bool:
    """Whether the study's pruner stopped this run (a job of an Optuna sweep)."""
    return any(isinstance(c, ReportToTrial) and c.pruned for c in trainer.callbacks)


def best_checkpoint(trainer: pl.Trainer) -> str | None:
    """Path of the best checkpoint, or None (no checkpointing, or fast_dev_run) to test the current weights."""
    checkpoint = best_callback(trainer)
    path = getattr(checkpoint, "best_model_path", "") if checkpoint is not None else ""
    if not path:
        log.warning("No best checkpoint was saved: testing the weights at the end of training.")
    return path or None


@rank_zero_only
def show_metrics(metrics: dict[str, float], title: str) -> None:
    """Print the metrics as a table, test metrics first (once, on rank 0)."""
    table = Table(title=title)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name in sorted(metrics, key=lambda n: (n.split("/")[0] != "test", n)):
        table.add_row(name, f"{metrics[name]:.4f}")
    Console().print(table)


def optimized_value(metrics: dict[str, float], name: str | None) -> float | None:
    """The value of ``optimized_metric`` for sweepers; None (with a warning) if it was not logged."""
    if name is None:
        return None
    value = metrics.get(name)
    if value is None or math.isnan(value):
        log.warning(f"optimized_metric={name} was not logged; logged: {sorted(metrics)}")
        return None
    return value
