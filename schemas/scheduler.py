"""Learning-rate schedulers, built as partials and stepped once per epoch (scheduler=none: configs/scheduler/)."""

from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from schemas.store import register


@dataclass
class SchedulerConf:
    """Any torch LR scheduler, built as a partial; stepped once per epoch."""

    _target_: str = MISSING
    _partial_: bool = True


@dataclass
class CosineConf(SchedulerConf):
    """Cosine decay over the whole run."""

    _target_: str = "torch.optim.lr_scheduler.CosineAnnealingLR"
    T_max: int = "${trainer.max_epochs}"  # type: ignore[assignment]  # epochs to decay over
    eta_min: float = 0.0  # final LR


@dataclass
class PlateauConf(SchedulerConf):
    """Lower the LR when the task's monitored metric stops improving."""

    _target_: str = "torch.optim.lr_scheduler.ReduceLROnPlateau"
    mode: str = "${task.mode}"  # min | max, as the task's monitored metric
    factor: float = 0.5  # LR multiplier on a plateau
    patience: int = 2  # epochs without improvement before lowering the LR


register("scheduler", "cosine", CosineConf)
register("scheduler", "plateau", PlateauConf)
