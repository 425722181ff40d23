"""MetricsCSVLogger: the run's metrics.csv (and hparams.yaml), on Lightning's public Logger API.

Lightning's own CSVLogger deletes an existing metrics.csv and has no public way to continue one; this logger writes
through ``src.runs.metrics.MetricsWriter``, which appends, rewrites atomically, and continues a resumed run's file.
"""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path
from typing import Any

from lightning.pytorch.loggers import Logger
from lightning.pytorch.utilities import rank_zero_only
from omegaconf import OmegaConf
from torch import Tensor

from src.runs.files import atomic_write
from src.runs.folder import metrics_file
from src.runs.metrics import MetricsWriter


class MetricsCSVLogger(Logger):
    """``<save_dir>/metrics.csv``: a row per logging call; ``keep_until_step`` continues a resumed run's file."""

    def __init__(self, save_dir: str, keep_until_step: int | None = None) -> None:
        super().__init__()
        self._save_dir = save_dir
        self.metrics_path = metrics_file(Path(save_dir))
        self._pending: list[dict[str, float | int]] = []
        # Only rank 0 writes; it checks at once, before training, that it will not overwrite another run's file.
        self._writer = MetricsWriter(self.metrics_path, keep_until_step) if rank_zero_only.rank == 0 else None

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
