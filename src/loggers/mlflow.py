"""An MLflow logger on a local SQLite store inside the logs folder: no server, nothing outside it."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock
from lightning.pytorch.loggers import MLFlowLogger


class LocalMLFlowLogger(MLFlowLogger):
    """Lightning's MLFlowLogger writing to ``<store_dir>/mlflow.db``, its artifacts to ``<store_dir>/artifacts``.

    MLflow 3 keeps its plain-file store in maintenance mode (it refuses it unless ``MLFLOW_ALLOW_FILE_STORE``
    is set); SQLite is the local store it recommends, and what ``mlflow ui`` reads without a server. Every run
    is tagged with its run dir, so the MLflow run leads back to checkpoints, metrics.csv and train.log.
    """

    def __init__(self, store_dir: str, experiment_name: str, run_dir: str, run_name: str | None = None) -> None:
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
