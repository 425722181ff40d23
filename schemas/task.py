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


@dataclass
class MultiTaskConf(TaskConf):
    """Several tasks on one backbone. Its heads are tasks: ``task@task.heads.<name>=<task>`` adds or swaps one."""

    _recursive_: bool = False  # the build makes each head and the weighting, wiring what each needs


@dataclass
class WeightingConf:
    """Any weighting of a multi-task loss (``task/weighting=<option>``); the build wires the heads' names."""

    _target_: str = MISSING


WIRED = ("in_dim", "spec", "features")  # the build passes the backbone's out_dim and features, and the data's spec

option("task", "classification", "src.tasks.classification.Classification", base=TaskConf, wired=WIRED)
option("task", "regression", "src.tasks.regression.Regression", base=TaskConf, wired=WIRED)
option("task", "integer_regression", "src.tasks.integer_regression.IntegerRegression", base=TaskConf, wired=WIRED)
option("task", "multi", "src.tasks.multi.MultiTask", base=MultiTaskConf, wired=("spec",), groups={"weighting": "fixed"})

WEIGHTING = "src.tasks.weighting"
option("task/weighting", "fixed", f"{WEIGHTING}.FixedWeights", base=WeightingConf, wired=("heads",))
option("task/weighting", "uncertainty", f"{WEIGHTING}.UncertaintyWeights", base=WeightingConf, wired=("heads",))
option("task/weighting", "dwa", f"{WEIGHTING}.DynamicWeightAverage", base=WeightingConf, wired=("heads",))
