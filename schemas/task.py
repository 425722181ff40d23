"""Tasks: decoder head, loss, metrics (configs/task/, src/tasks/)."""

from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from schemas.store import store


@dataclass
class TaskConf:
    """Any task. ``monitor``/``mode`` drive checkpointing, early stopping and ``optimized_metric``."""

    _target_: str = MISSING
    monitor: str = MISSING  # a logged metric, e.g. val/acc
    mode: str = MISSING  # min | max
    # Sample-level targets on per-position features (a sequence backbone): how positions become one vector per
    # sample, over real positions only. auto: mean when pooling is needed; setting it where nothing is pooled fails.
    pool: str = "auto"  # auto | mean | max | first | last (last: the only position a causal backbone lets see it all)


@store("task/classification")
@dataclass
class ClassificationConf(TaskConf):
    """Integer labels learned as categories."""

    _target_: str = "src.tasks.classification.Classification"
    monitor: str = "val/acc"  # checkpoint / early-stop / sweep on this metric
    mode: str = "max"
    label_smoothing: float = 0.0  # cross-entropy label smoothing, 0 to 1


@store("task/regression")
@dataclass
class RegressionConf(TaskConf):
    """Continuous targets."""

    _target_: str = "src.tasks.regression.Regression"
    monitor: str = "val/mse"
    mode: str = "min"
    loss: str = "mse"  # mse | huber
    huber_delta: float = 1.0  # used by loss=huber


@store("task/integer_regression")
@dataclass
class IntegerRegressionConf(TaskConf):
    """Integer labels learned as one number."""

    _target_: str = "src.tasks.integer_regression.IntegerRegression"
    monitor: str = "val/mae"
    mode: str = "min"
