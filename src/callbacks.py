"""Lightning callbacks of tasktriad's own: how every run stops early, and the learning curves a run draws.

``StopOnDivergence`` and ``ForwardStopSignal`` are added to every run by the build, ``ReportToTrial`` to every job of
an Optuna sweep. ``CurvesPlot`` is the ``callbacks.curves`` entry of ``callbacks=default``: curves.png beside
metrics.csv.

A non-finite training loss stops the run at once, before anything is saved from it (``StopOnDivergence``).

SIGTERM during fit reaches the DDP children and stops this process, with no collective call (``ForwardStopSignal``).
Lightning's own SIGTERM handler forwards the signal to the children, then calls ``dist.broadcast`` inside the
handler. A signal handler runs between two Python bytecodes of the main thread, so rank 0 then waits in that
broadcast while rank 1 may wait in a gradient all-reduce: the run hangs, and ignores further SIGTERMs (seen here once
in five runs of ``tests/test_ddp.py``). This callback puts back the handler that was there before fit (the job's,
``src.cli.job``, which raises at once), after forwarding the signal to the children.
"""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from types import FrameType
from typing import Any

import lightning.pytorch as pl
import torch
from lightning.pytorch.utilities import rank_zero_only

from src.errors import DivergedError
from src.loggers import MetricsCSVLogger
from src.runs.folder import atomic_write, pruned_file
from src.runs.metrics import curves as read_curves
from src.runs.metrics import read_rows
from src.runs.trial import JobTrial

log = logging.getLogger(__name__)


class StopOnDivergence(pl.Callback):
    """Find the first step whose training loss is not finite; stop with a message that names it.

    Per step it only keeps the (detached) loss tensor in a list: no tensor operation, no host sync. Every
    ``trainer.log_every_n_steps`` batches, and before every validation, it checks the losses kept since the last
    check in one operation, so a non-finite epoch never reaches the checkpoint callbacks (no "best" checkpoint from
    NaN metrics, no last.ckpt of diverged weights).
    """

    def __init__(self) -> None:
        self._steps: list[int] = []
        self._losses: list[torch.Tensor] = []

    def on_train_batch_end(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        """Keep this step's loss; check now and then."""
        loss = outputs["loss"] if isinstance(outputs, dict) else outputs
        if not isinstance(loss, torch.Tensor):
            return
        self._steps.append(trainer.global_step)
        self._losses.append(loss.detach())
        if (batch_idx + 1) % max(1, trainer.log_every_n_steps) == 0:
            self.check(trainer)

    def on_validation_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """The epoch's last steps are checked before validation can log (and checkpoint) anything."""
        if not trainer.sanity_checking:
            self.check(trainer)

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """An epoch without validation is checked at its end."""
        self.check(trainer)

    def check(self, trainer: pl.Trainer) -> None:
        """Raise DivergedError if a loss kept since the last check was not finite."""
        if not self._losses:
            return
        finite = torch.isfinite(torch.stack(self._losses).float())  # one operation, one host sync
        steps, losses = self._steps, self._losses
        self._steps, self._losses = [], []
        if bool(finite.all()):
            return
        first = int((~finite).nonzero()[0])
        lr = trainer.optimizers[0].param_groups[0]["lr"] if trainer.optimizers else float("nan")
        raise DivergedError(
            f"training diverged: the loss was {float(losses[first])} at step {steps[first]} "
            f"(epoch {trainer.current_epoch}). The run stopped; no checkpoint was saved from it.\n"
            f"  Likely causes: a learning rate too high (optimizer.lr is {lr:g}: try a tenth of it), exploding "
            "gradients (trainer.gradient_clip_val=1.0 bounds them), or non-finite values in the data."
        )


class ForwardStopSignal(pl.Callback):
    """Replace Lightning's SIGTERM handler, once it has registered it, by: forward to the children, then the old one."""

    def __init__(self) -> None:
        self._before_fit: Any = None

    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Remember the handler from before fit (Lightning registers its own after this hook)."""
        self._before_fit = signal.getsignal(signal.SIGTERM)

    def on_sanity_check_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """The first hook after Lightning registered its handlers."""
        self._take_over(trainer)

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Also here: without a sanity check, this is the first hook after the registration."""
        self._take_over(trainer)

    def _take_over(self, trainer: pl.Trainer) -> None:
        previous = self._before_fit
        if not callable(previous):  # no handler of ours to hand over to: leave Lightning's in place
            return

        def forward_then_stop(signum: int, frame: FrameType | None) -> None:
            if trainer.strategy.launcher is not None:
                trainer.strategy.launcher.kill(signum)  # the DDP children (none outside DDP, or on rank 1)
            previous(signum, frame)

        signal.signal(signal.SIGTERM, forward_then_stop)  # Lightning puts back the handler from before fit at its end


class ReportToTrial(pl.Callback):
    """Report the optimised validation metric to the job's Optuna trial each epoch; stop when the pruner says so.

    Rank 0 speaks to the study (through its storage: the trial may run on another machine than its sweeper) and
    hands the decision to every rank, which all stop at the same epoch. A pruned run says why in ``pruned.txt``.
    """

    def __init__(self, trial: JobTrial, metric: str, run_dir: Path) -> None:
        self.link, self.metric, self.run_dir = trial, metric, run_dir
        self.trial: Any = None
        self.pruned: str | None = None  # why the pruner stopped the run

    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Open the trial (rank 0)."""
        if trainer.is_global_zero:
            self.trial = self.link.open()

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Report this epoch's value; ask the pruner; stop every rank if it prunes."""
        if trainer.sanity_checking:
            return
        value = trainer.callback_metrics.get(self.metric)
        prune = False
        if self.trial is not None and value is not None and bool(torch.isfinite(value)):
            self.trial.report(float(value), trainer.current_epoch)
            prune = self.trial.should_prune()
        if not trainer.strategy.broadcast(prune, src=0):
            return
        trainer.should_stop = True
        epochs = trainer.current_epoch + 1
        self.pruned = (
            f"pruned by the study's {self.link.pruner} pruner after epoch {epochs} of {trainer.max_epochs}: "
            + (f"{self.metric} was {float(value):.4g}" if value is not None else f"{self.metric} not logged here")
        )
        if trainer.is_global_zero:
            log.info(f"Trial #{self.link.number} {self.pruned}")
            self.trial.set_user_attr("pruned_after_epochs", epochs)
            with atomic_write(pruned_file(self.run_dir)) as handle:
                handle.write(self.pruned + "\n")


def plot_curves(metrics_csv: Path, monitor: str, out: Path) -> Path:
    """Train/val loss (and each head's, for several heads) and the monitored metric against the epoch, in a PNG."""
    from matplotlib.figure import Figure  # no pyplot: no display backend, no global figure state

    losses = ["train/loss", "val/loss"]
    losses += [n for n in read_rows(metrics_csv)[0] if n.count("/") == 2 and n.endswith("/loss") and n[:4] != "test"]
    curves = read_curves(metrics_csv, [*losses, monitor])
    fig = Figure(figsize=(10, 4))
    loss_ax, metric_ax = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.92, wspace=0.25)  # fixed: a layout engine costs 2x
    for name in losses:  # the total solid, each head's dashed
        if curves[name]:
            style = "-" if name.count("/") == 1 else "--"
            loss_ax.plot(*zip(*curves[name], strict=True), style, marker="o", label=name)
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
    """curves.png (train/val loss and the monitored metric per epoch) next to metrics.csv, at the end of fitting."""

    def __init__(self, monitor: str) -> None:  # the metric drawn beside the losses (in a run: task.monitor)
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
