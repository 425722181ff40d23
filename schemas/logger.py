"""Loggers: named entries, so that any set combines, e.g. logger=[csv,mlflow] (configs/logger/, src/loggers/)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemas.store import store


@store("logger/csv")
@dataclass
class CSVLoggerConf:
    """Metrics to ``<run dir>/metrics.csv``: embedded, no server."""

    _target_: str = "src.loggers.csv.MetricsCSVLogger"
    save_dir: str = "${paths.output_dir}"  # metrics.csv lands directly in the run dir
    keep_until_step: Any = "${oc.select:resume_step,null}"  # resume=<run dir>: continue metrics.csv after that step


@store("logger/tensorboard")
@dataclass
class TensorBoardLoggerConf:
    """TensorBoard event files in ``<run dir>/tensorboard``."""

    _target_: str = "lightning.pytorch.loggers.TensorBoardLogger"
    save_dir: str = "${paths.output_dir}"
    name: str = "tensorboard"
    version: str = ""


@store("logger/wandb")
@dataclass
class WandbLoggerConf:
    """Weights & Biases, offline unless told otherwise."""

    _target_: str = "lightning.pytorch.loggers.WandbLogger"
    save_dir: str = "${paths.output_dir}"
    project: str = "tasktriad"
    offline: bool = True


@store("logger/mlflow")
@dataclass
class MLFlowLoggerConf:
    """MLflow on a local SQLite store in the logs folder (``mlflow ui`` reads it; no server to run)."""

    _target_: str = "src.loggers.mlflow.LocalMLFlowLogger"
    store_dir: str = "${paths.log_dir}/mlflow"  # mlflow.db and artifacts/, shared by every run
    experiment_name: str = "${job_name}"
    run_dir: str = "${paths.output_dir}"  # tagged on the MLflow run: the way back to checkpoints and logs
    run_name: str | None = None  # null: MLflow picks a name


@store("logger/base")
@dataclass
class LoggerConf:
    """Named loggers; an entry left null is off."""

    csv: CSVLoggerConf | None = None
    tensorboard: TensorBoardLoggerConf | None = None
    wandb: WandbLoggerConf | None = None
    mlflow: MLFlowLoggerConf | None = None
