"""TriadModule: the one LightningModule, knowing only the backbone, task and optimiser contracts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import lightning.pytorch as pl
from torch import Tensor, nn
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

from src.data.batch import Batch
from src.speed import CheapHookNames
from src.tasks.base import STAGES, Task
from src.tasks.scores import EpochMean

if TYPE_CHECKING:  # a run of one task never imports the multi-task modules
    from src.tasks.multi import MultiTask

OptimizerFactory = Callable[[Iterable[nn.Parameter]], Optimizer]
SchedulerFactory = Callable[[Optimizer], LRScheduler | ReduceLROnPlateau]


class TriadModule(CheapHookNames, pl.LightningModule):
    """forward = backbone → task decoder; the task supplies the loss and the metrics.

    A plain LightningModule: its one speed trick, ``CheapHookNames``, lives with the others in ``src/speed.py``.
    It receives built objects and partials, never a config. ``hparams`` is the run's plain config (a dict
    of primitives), saved into checkpoints so that they load with ``torch.load(weights_only=True)`` and
    so that ``src.eval`` can rebuild the run.
    """

    def __init__(
        self,
        backbone: nn.Module,
        task: Task | MultiTask,
        optimizer: OptimizerFactory,
        scheduler: SchedulerFactory | None = None,
        freeze_backbone: bool = False,
        hparams: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.backbone, self.task = backbone, task
        self.optimizer_factory, self.scheduler_factory = optimizer, scheduler
        self.freeze_backbone = freeze_backbone
        if freeze_backbone:
            self.backbone.requires_grad_(False)
        self.save_hyperparameters(hparams or {})
        for stage in STAGES:  # the epoch's mean loss, a metric like the task's (not in the state dict)
            setattr(self, f"{stage}_loss", EpochMean())

    def on_train_epoch_start(self) -> None:
        """A frozen backbone stays in eval mode: its BatchNorm statistics and dropout are fixed too."""
        if self.freeze_backbone:
            self.backbone.eval()

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        """Raw task outputs for a batch of inputs (and its padding mask): per sample, or per position."""
        return self.task(self.backbone(x, mask), mask)

    def _step(self, batch: Batch, stage: str) -> Tensor:
        features = self.backbone(batch.x, batch.mask)
        loss, rows = self.task.step(features, batch, stage)  # over the samples or positions that count
        getattr(self, f"{stage}_loss").update(loss.detach(), rows)
        return loss

    def training_step(self, batch: Batch, batch_idx: int) -> Tensor:
        """One optimisation step's loss."""
        return self._step(batch, "train")

    def validation_step(self, batch: Batch, batch_idx: int) -> None:
        """Accumulate validation loss and metrics."""
        self._step(batch, "val")

    def test_step(self, batch: Batch, batch_idx: int) -> None:
        """Accumulate test loss and metrics."""
        self._step(batch, "test")

    def predict_step(self, batch: Batch, batch_idx: int) -> dict[str, Tensor]:
        """The task's post-processed predictions with sample id and target: per sample, or per position that counts."""
        return self.task.prediction_rows(self(batch.x, batch.mask), batch)

    def _log_epoch_metrics(self, stage: str) -> None:
        """Compute and log the epoch's loss and metrics, then reset them.

        Under DDP, ``compute()`` gathers every rank's state: the values are already global, so they are logged
        without ``sync_dist``. Nothing is logged from the steps, so no rank meets a collective that another rank
        does not (a rank-0-only progress bar reading synced values would otherwise deadlock the ranks).
        """
        loss, metrics = getattr(self, f"{stage}_loss"), self.task.epoch_metrics(stage)
        total = metrics.pop(f"{stage}/loss", None)  # several heads: their epoch losses, weighted (exact under DDP)
        self.log(f"{stage}/loss", loss.compute() if total is None else total, prog_bar=True)
        shown = {k for k in metrics if stage == "val" and (k.count("/") == 1 or k == self.task.monitor)}  # a head's:
        self.log_dict({k: v for k, v in metrics.items() if k in shown}, prog_bar=True)  # only the monitored one
        self.log_dict({k: v for k, v in metrics.items() if k not in shown}, prog_bar=False)
        loss.reset()

    def on_train_epoch_end(self) -> None:
        """Log the epoch's training metrics."""
        self._log_epoch_metrics("train")

    def on_validation_epoch_end(self) -> None:
        """Log the epoch's validation metrics."""
        self._log_epoch_metrics("val")

    def on_test_epoch_end(self) -> None:
        """Log the test metrics."""
        self._log_epoch_metrics("test")

    def configure_optimizers(self) -> Any:
        """The configured optimizer, and the scheduler stepped per epoch on the task's monitored metric."""
        optimizer = self.optimizer_factory([p for p in self.parameters() if p.requires_grad])
        if self.scheduler_factory is None:
            return optimizer
        scheduler = {
            "scheduler": self.scheduler_factory(optimizer),
            "interval": "epoch",
            "monitor": self.task.monitor,
        }
        return {"optimizer": optimizer, "lr_scheduler": scheduler}
