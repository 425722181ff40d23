"""CurvesPlot: draw the run's learning curves into curves.png next to metrics.csv."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import lightning.pytorch as pl
from lightning.pytorch.loggers import CSVLogger
from lightning.pytorch.utilities import rank_zero_only

log = logging.getLogger(__name__)


def read_epochs(metrics_csv: Path, names: list[str]) -> dict[str, list[tuple[int, float]]]:
    """Per metric, the (epoch, value) points present in a CSVLogger's metrics.csv."""
    curves: dict[str, list[tuple[int, float]]] = {name: [] for name in names}
    with metrics_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            for name in names:
                if row.get(name):
                    curves[name].append((int(row["epoch"]), float(row[name])))
    return curves


def plot_curves(metrics_csv: Path, monitor: str, out: Path) -> Path:
    """Train/val loss and the monitored metric against the epoch, as a two-panel PNG."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display needed on a cluster node
    import matplotlib.pyplot as plt

    curves = read_epochs(metrics_csv, ["train/loss", "val/loss", monitor])
    fig, (loss_ax, metric_ax) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for name in ("train/loss", "val/loss"):
        if curves[name]:
            loss_ax.plot(*zip(*curves[name], strict=True), marker="o", label=name)
    loss_ax.set(xlabel="epoch", ylabel="loss", title="loss")
    loss_ax.legend()
    if curves[monitor]:
        metric_ax.plot(*zip(*curves[monitor], strict=True), marker="o", color="tab:green", label=monitor)
    metric_ax.set(xlabel="epoch", ylabel=monitor, title=f"{monitor} (monitored)")
    metric_ax.legend()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


class CurvesPlot(pl.Callback):
    """At the end of fitting, write ``curves.png`` beside the CSV logger's ``metrics.csv``."""

    def __init__(self, monitor: str) -> None:
        self.monitor = monitor

    @rank_zero_only
    def on_fit_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Plot, if the run has a CSV logger and is not a fast_dev_run."""
        csv_logger = next((lg for lg in trainer.loggers if isinstance(lg, CSVLogger)), None)
        if csv_logger is None or trainer.fast_dev_run:
            return
        csv_logger.save()
        metrics_csv = Path(csv_logger.experiment.metrics_file_path)
        if metrics_csv.is_file():
            out = plot_curves(metrics_csv, self.monitor, metrics_csv.with_name("curves.png"))
            log.info(f"Learning curves: {out}")
