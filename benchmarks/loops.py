"""The two contestants of a step benchmark: a default tasktriad run, and a plain PyTorch loop on the same model.

Both time a training step the same way: the wall time from the start of an epoch's first step to the start of its
last one, over the steps between (with a device synchronisation at those two points only), per epoch after the
first. A whole fit is timed from start to end, validation, checkpoints and (tasktriad) curves.png included.
"""

from __future__ import annotations

import contextlib
import copy
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import torch
from torch import Tensor

from src.build.trainer import trainer_for
from src.build.triad import build_triad
from src.cli.compose import compose_run
from src.cli.job import prepare
from src.data.batch import Batch
from src.module import TriadModule
from src.speed import NVML_CHECK


@dataclass
class Timings:
    """What one fit measured: seconds per train step (one value per timed epoch), the whole fit, its steps."""

    step: list[float] = field(default_factory=list)
    fit: float = 0.0
    steps: int = 0


class EpochClock:
    """Times an epoch's steps: from the first step's start to the last one's, synchronising the device there only."""

    def __init__(self, device: torch.device) -> None:
        self.device, self.timings, self.start = device, Timings(), 0.0

    def tick(self, epoch: int, index: int, count: int) -> None:
        """Call at the start of step ``index`` of ``count`` in ``epoch``."""
        self.timings.steps += 1
        if epoch == 0 or count < 3 or index not in (0, count - 1):  # epoch 0 warms up
            return
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        if index == 0:
            self.start = time.perf_counter()
        else:
            self.timings.step.append((time.perf_counter() - self.start) / (count - 1))


class ClockCallback(pl.Callback):
    """The EpochClock inside a Lightning fit."""

    def __init__(self, clock: EpochClock) -> None:
        self.clock = clock

    def on_train_batch_start(self, trainer: pl.Trainer, pl_module: Any, batch: Any, batch_idx: int) -> None:
        """Tick at every step's start."""
        self.clock.tick(trainer.current_epoch, batch_idx, int(trainer.num_training_batches))


@contextlib.contextmanager
def lightning_environment(imported: bool) -> Iterator[None]:
    """The variable Lightning's import sets for torch: set (``imported``), or absent as in a plain PyTorch process.

    tasktriad's run drops it where it only costs time (src/speed.py, ``skip_nvml_probe``); bare Lightning keeps it.
    """
    saved = os.environ.pop(NVML_CHECK, None)
    if imported:
        os.environ[NVML_CHECK] = "1"
    try:
        yield
    finally:
        os.environ.pop(NVML_CHECK, None)
        if saved is not None:
            os.environ[NVML_CHECK] = saved


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """The progress bar and log lines still run (they are part of the cost) but print to /dev/null."""
    with open(os.devnull, "w") as sink, contextlib.redirect_stderr(sink), contextlib.redirect_stdout(sink):
        yield


def compose(overrides: list[str], out_dir: Path, device: str) -> Any:
    """A training config as the CLI composes it, with its run folder in ``out_dir`` and the device chosen."""
    accelerator = "gpu" if device.startswith("cuda") else "cpu"
    return compose_run("train", [*overrides, f"paths.log_dir={out_dir}", f"trainer.accelerator={accelerator}"], out_dir)


def framework_fit(cfg: Any, device: str) -> tuple[Timings, TriadModule, pl.LightningDataModule]:
    """A default tasktriad fit of ``cfg`` (progress bar, logger, checkpoints, curves: all on), timed."""
    prepare(cfg.seed)
    datamodule, model = build_triad(cfg)
    clock = EpochClock(torch.device(device))
    with quiet(), trainer_for(cfg) as trainer:
        trainer.callbacks.append(ClockCallback(clock))
        start = time.perf_counter()
        trainer.fit(model, datamodule=datamodule)
        clock.timings.fit = time.perf_counter() - start
    return clock.timings, model, datamodule


def plain_fit(
    model: TriadModule,
    train: Callable[[int], Sequence[Batch]],
    val: list[Batch],
    cfg: Any,
    device: str,
    out_dir: Path,
) -> Timings:
    """The 50-line loop a researcher would write: AdamW, forward, loss, backward, step; validation and a checkpoint.

    ``train(epoch)`` gives each epoch's batches, drawn by the caller exactly as tasktriad draws them.
    """
    dev = torch.device(device)
    backbone, task = copy.deepcopy(model.backbone).to(dev), copy.deepcopy(model.task).to(dev)
    params = [*backbone.parameters(), *task.parameters()]
    opt = torch.optim.AdamW(params, lr=cfg.optimizer.lr, weight_decay=cfg.optimizer.weight_decay)
    clock = EpochClock(dev)
    start = time.perf_counter()
    for epoch in range(cfg.trainer.max_epochs):
        batches = train(epoch)
        backbone.train(), task.train()
        total = torch.zeros((), device=dev)
        for index, batch in enumerate(batches):
            clock.tick(epoch, index, len(batches))
            batch = batch.to(dev)
            out, y = task.scored(backbone(batch.x, batch.mask), batch)
            loss = task.loss(out, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.detach()
        backbone.eval(), task.eval()
        with torch.no_grad():
            val_loss = sum(task.loss(*task.scored(backbone(b.x, b.mask), b)) for b in (v.to(dev) for v in val))
        _ = float(total) / len(batches), float(val_loss) / len(val)  # the epoch's figures, as a loop would print
        torch.save(
            {"backbone": backbone.state_dict(), "task": task.state_dict(), "opt": opt.state_dict()},
            out_dir / "plain.ckpt",
        )
    clock.timings.fit = time.perf_counter() - start
    return clock.timings


class Bare(pl.LightningModule):
    """The least a LightningModule can be: forward, loss, AdamW; no metrics, no logging."""

    def __init__(self, model: TriadModule, cfg: Any) -> None:
        super().__init__()
        self.backbone, self.task, self.cfg = copy.deepcopy(model.backbone), copy.deepcopy(model.task), cfg

    def training_step(self, batch: Batch, batch_idx: int) -> Tensor:
        """Forward and loss."""
        return self.task.loss(*self.task.scored(self.backbone(batch.x, batch.mask), batch))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        """AdamW as configured."""
        opt = self.cfg.optimizer
        return torch.optim.AdamW(self.parameters(), lr=opt.lr, weight_decay=opt.weight_decay)


def bare_lightning_fit(model: TriadModule, datamodule: pl.LightningDataModule, cfg: Any, device: str) -> Timings:
    """Lightning's own floor: a bare module; a Trainer with every extra off (no bar, logger, checkpoint, summary)."""
    clock = EpochClock(torch.device(device))
    trainer = pl.Trainer(
        accelerator="gpu" if device.startswith("cuda") else "cpu",
        devices=1,
        max_epochs=cfg.trainer.max_epochs,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[ClockCallback(clock)],
        limit_val_batches=0,
    )
    start = time.perf_counter()
    with quiet():
        trainer.fit(Bare(model, cfg), train_dataloaders=datamodule.train_dataloader())
    clock.timings.fit = time.perf_counter() - start
    return clock.timings
