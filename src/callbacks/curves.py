"""CurvesPlot: draw the run's learning curves into curves.png next to metrics.csv."""

from __future__ import annotations

import logging
from pathlib import Path

import lightning.pytorch as pl
from lightning.pytorch.utilities import rank_zero_only

from src.loggers.csv import MetricsCSVLogger
from src.runs.files import atomic_write
from src.runs.metrics import curves as read_curves

log = logging.getLogger(__name__)


def plot_curves(metrics_csv: Path, monitor: str, out: Path) -> Path:
    """Train/val loss and the monitored metric against the epoch, as a two-panel PNG."""
    from matplotlib.figure import Figure  # no pyplot: no display backend, no global figure state

    curves = read_curves(metrics_csv, ["train/loss", "val/loss", monitor])
    fig = Figure(figsize=(10, 4))
    loss_ax, metric_ax = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.92, wspace=0.25)  # fixed: a layout engine costs 2x
    for name in ("train/loss", "val/loss"):
        if curves[name]:
            loss_ax.plot(*zip(*curves[name], strict=True), marker="o", label=name)
    loss_ax.set(xlabel="epoch", ylabel="loss", title="loss")
    loss_ax.legend()
    if curves[monitor]:
        metric_ax.plot(*zip(*curves[monitor], strict=True), marker="o", color="tab:green", label=monitor)
    metric_ax.set(xlabel="epoch", ylabel=monitor, title=f"{monitor} (monitored)")
    metric_ax.legend()
    with atomic_write(out, "wb") as handle:
        fig.savefig(handle, format="png", dpi=100)
    return out


class CurvesPlot(pl.Callback):
    """At the end of fitting, write ``curves.png`` beside the CSV logger's ``metrics.csv``."""

    def __init__(self, monitor: str) -> None:
        self.monitor = monitor

    @rank_zero_only
    def on_fit_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Plot, if the run has a CSV logger and is not a fast_dev_run."""
        csv_logger = next((lg for lg in trainer.loggers if isinstance(lg, MetricsCSVLogger)), None)
        if csv_logger is None or trainer.fast_dev_run:
            return
        csv_logger.save()
        metrics_csv = csv_logger.metrics_path
        if metrics_csv.is_file():
            out = plot_curves(metrics_csv, self.monitor, metrics_csv.with_name("curves.png"))
            log.info(f"Learning curves: {out}")
