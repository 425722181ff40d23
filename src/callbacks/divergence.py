"""StopOnDivergence: a non-finite training loss stops the run at once, before anything is saved from it."""

from __future__ import annotations

from typing import Any

import lightning.pytorch as pl
import torch

from src.errors import DivergedError


class StopOnDivergence(pl.Callback):
    """Track the first step whose training loss is not finite; stop with a message that names it.

    Per step it only updates a tensor on the loss's device (no host sync); it reads that tensor every
    ``trainer.log_every_n_steps`` batches and before every validation, so a non-finite epoch never reaches the
    checkpoint callbacks (no "best" checkpoint from NaN metrics, no last.ckpt of diverged weights).
    """

    def __init__(self) -> None:
        self._first_step: torch.Tensor | None = None  # -1 until a non-finite loss is seen
        self._first_value: torch.Tensor | None = None

    def on_train_batch_end(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        """Note this step if its loss is the first non-finite one; check now and then."""
        loss = outputs["loss"] if isinstance(outputs, dict) else outputs
        if not isinstance(loss, torch.Tensor):
            return
        loss = loss.detach()
        if self._first_step is None or self._first_value is None:
            self._first_step = torch.full((), -1, dtype=torch.long, device=loss.device)
            self._first_value = torch.zeros((), dtype=loss.dtype, device=loss.device)
        new = ~torch.isfinite(loss) & (self._first_step < 0)
        self._first_step = torch.where(new, trainer.global_step, self._first_step)
        self._first_value = torch.where(new, loss, self._first_value)
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
        """Raise DivergedError if a non-finite loss was seen."""
        if self._first_step is None or self._first_value is None or int(self._first_step) < 0:
            return
        lr = trainer.optimizers[0].param_groups[0]["lr"] if trainer.optimizers else float("nan")
        raise DivergedError(
            f"training diverged: the loss was {float(self._first_value)} at step {int(self._first_step)} "
            f"(epoch {trainer.current_epoch}). The run stopped; no checkpoint was saved from it.\n"
            f"  Likely causes: a learning rate too high (optimizer.lr is {lr:g}: try a tenth of it), exploding "
            "gradients (trainer.gradient_clip_val=1.0 bounds them), or non-finite values in the data."
        )
