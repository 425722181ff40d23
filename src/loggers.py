"""Loggers of tasktriad's own: the run's metrics.csv, and MLflow on a local store (``logger=csv``, ``logger=mlflow``).

``MetricsCSVLogger`` writes metrics.csv (and hparams.yaml) on Lightning's public Logger API. Lightning's own
CSVLogger deletes an existing metrics.csv and has no public way to continue one; this one writes through
``src.runs.metrics.MetricsWriter``, which appends, rewrites atomically, and continues a resumed run's file.

``LocalMLFlowLogger`` keeps MLflow on a local SQLite store inside the logs folder: no server, nothing outside it.
"""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path
from typing import Any

from filelock import FileLock
from lightning.pytorch.loggers import Logger, MLFlowLogger
from lightning.pytorch.utilities import rank_zero_only
from omegaconf import OmegaConf
from torch import Tensor

from src.runs.folder import atomic_write, metrics_file
from src.runs.metrics import MetricsWriter


class MetricsCSVLogger(Logger):
    """Metrics to ``<run dir>/metrics.csv``, a row per logging call: embedded, no server.

    ``continue_after``: a continued run (``resume=``, a SLURM requeue) starts from a checkpoint saved at that step;
    its metrics.csv keeps the rows up to that step and goes on from there. The build passes it.
    """

    def __init__(self, save_dir: str, continue_after: int | None = None) -> None:
        super().__init__()
        self._save_dir = save_dir
        self.metrics_path = metrics_file(Path(save_dir))
        self._pending: list[dict[str, float | int]] = []
        # Only rank 0 writes; it checks at once, before training, that it will not overwrite another run's file.
        self._writer = MetricsWriter(self.metrics_path, continue_after) if rank_zero_only.rank == 0 else None

    @property
    def name(self) -> str:
        """No experiment name: the run folder is the experiment."""
        return ""

    @property
    def version(self) -> str:
        """No version: one run folder holds one run."""
        return ""

    @property
    def save_dir(self) -> str:
        """The run folder."""
        return self._save_dir

    @rank_zero_only
    def log_hyperparams(self, params: dict[str, Any] | Namespace, *args: Any, **kwargs: Any) -> None:
        """Write the run's hyper-parameters (its plain config) to ``hparams.yaml``."""
        values = vars(params) if isinstance(params, Namespace) else dict(params)
        with atomic_write(Path(self._save_dir) / "hparams.yaml") as handle:
            handle.write(OmegaConf.to_yaml(OmegaConf.create(values)))

    @rank_zero_only
    def log_metrics(self, metrics: dict[str, float | Tensor], step: int | None = None) -> None:
        """Queue one row; ``save`` writes it."""
        row = {k: v.item() if isinstance(v, Tensor) else v for k, v in metrics.items()}
        self._pending.append({**row, "step": step if step is not None else -1})  # the trainer always gives one

    @rank_zero_only
    def save(self) -> None:
        """Write the queued rows (Lightning calls this after every logging call, and at the end)."""
        if self._writer is not None:
            self._writer.write(self._pending)
        self._pending = []

    @rank_zero_only
    def finalize(self, status: str) -> None:
        """Write whatever is still queued."""
        self.save()


class LocalMLFlowLogger(MLFlowLogger):
    """MLflow on a local SQLite store in the logs folder (``mlflow ui`` reads it; no server to run).

    Lightning's MLFlowLogger, writing to ``<store_dir>/mlflow.db`` and its artifacts to ``<store_dir>/artifacts``.
    MLflow 3 keeps its plain-file store in maintenance mode (it refuses it unless ``MLFLOW_ALLOW_FILE_STORE`` is
    set); SQLite is the local store it recommends, and what ``mlflow ui`` reads without a server. Every run is
    tagged with its run dir, so the MLflow run leads back to checkpoints, metrics.csv and train.log.
    """

    def __init__(
        self,
        store_dir: str,  # mlflow.db and artifacts/, shared by every run
        experiment_name: str,
        run_dir: str,  # tagged on the MLflow run
        run_name: str | None = None,  # null: MLflow picks a name
    ) -> None:
        store = Path(store_dir).resolve()
        store.mkdir(parents=True, exist_ok=True)
        # Jobs of a parallel sweep share the store: the first creates its tables and the experiment, and two at
        # once collide (alembic and unique-name errors, seen with three processes), so one process at a time.
        with FileLock(store / "mlflow.db.lock"):
            super().__init__(
                experiment_name=experiment_name,
                run_name=run_name,
                tracking_uri=f"sqlite:///{store / 'mlflow.db'}",
                artifact_location=(store / "artifacts").as_uri(),
                tags={"run_dir": str(Path(run_dir).resolve())},
            )
            _ = self.run_id  # on rank zero: the store, the experiment and this run exist from here on
