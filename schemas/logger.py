"""Loggers: named entries, so that any set combines, e.g. logger=[csv,mlflow]; logger=none keeps only the console.

Each option fills its own entry of ``logger``. Lightning's loggers have hand-written schemas; tasktriad's own are
read from their classes' signatures. ``logger=many`` (csv and tensorboard) is a composition: configs/logger/.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.store import option, register


@dataclass
class LoggerEntryConf:
    """Any logger of tasktriad's own."""


CSVLoggerConf = option(
    "logger",
    "csv",
    "src.loggers.MetricsCSVLogger",
    base=LoggerEntryConf,
    package="logger.csv",
    wired=("continue_after",),  # the build passes it: where a continued run's metrics.csv goes on
    save_dir="${paths.output_dir}",  # metrics.csv lands directly in the run dir
)
MLFlowLoggerConf = option(
    "logger",
    "mlflow",
    "src.loggers.LocalMLFlowLogger",
    base=LoggerEntryConf,
    package="logger.mlflow",
    store_dir="${paths.log_dir}/mlflow",  # mlflow.db and artifacts/, shared by every run
    experiment_name="${job_name}",
    run_dir="${paths.output_dir}",  # tagged on the MLflow run: the way back to checkpoints and logs
)


@dataclass
class TensorBoardLoggerConf:
    """TensorBoard event files in ``<run dir>/tensorboard`` (the ``loggers`` extra)."""

    _target_: str = "lightning.pytorch.loggers.TensorBoardLogger"
    save_dir: str = "${paths.output_dir}"
    name: str = "tensorboard"
    version: str = ""


@dataclass
class WandbLoggerConf:
    """Weights & Biases, offline into ``<run dir>/wandb`` unless told otherwise (the ``wandb`` extra)."""

    _target_: str = "lightning.pytorch.loggers.WandbLogger"
    save_dir: str = "${paths.output_dir}"
    project: str = "tasktriad"
    offline: bool = True


register("logger", "tensorboard", TensorBoardLoggerConf, package="logger.tensorboard")
register("logger", "wandb", WandbLoggerConf, package="logger.wandb")


@dataclass
class LoggerConf:
    """No logger: nothing but the console and the run's log file."""

    csv: CSVLoggerConf | None = None  # type: ignore[valid-type]
    tensorboard: TensorBoardLoggerConf | None = None
    wandb: WandbLoggerConf | None = None
    mlflow: MLFlowLoggerConf | None = None  # type: ignore[valid-type]


register("logger", "none", LoggerConf)
