"""Tasks (src/tasks/): each option is its class, whose signature holds its settings and their defaults."""

from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from schemas.store import option


@dataclass
class TaskConf:
    """Any task. ``monitor`` (a logged metric) in direction ``mode`` drives checkpoints, early stopping and sweeps."""

    _target_: str = MISSING
    monitor: str = MISSING
    mode: str = MISSING  # min | max


WIRED = ("in_dim", "spec", "features")  # the build passes the backbone's out_dim and features, and the data's spec

option("task", "classification", "src.tasks.classification.Classification", base=TaskConf, wired=WIRED)
option("task", "regression", "src.tasks.regression.Regression", base=TaskConf, wired=WIRED)
option("task", "integer_regression", "src.tasks.integer_regression.IntegerRegression", base=TaskConf, wired=WIRED)
