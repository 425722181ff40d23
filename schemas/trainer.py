"""The Lightning Trainer: trainer=default, or trainer=ddp for one process per device."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemas.store import register


@dataclass
class TrainerConf:
    """Lightning's Trainer on whatever this machine has (a GPU if present); any other argument: +trainer.<arg>=..."""

    _target_: str = "lightning.pytorch.Trainer"
    accelerator: str = "auto"  # cpu | gpu | auto
    devices: Any = 1  # one device (several: trainer=ddp, which sets the strategy too), a list of ids, or auto
    num_nodes: int = 1
    strategy: str = "auto"
    precision: Any = "32-true"
    max_epochs: int = 10
    min_epochs: int | None = None
    check_val_every_n_epoch: int = 1
    num_sanity_val_steps: int = 2  # validation batches run before training, to catch bugs early
    log_every_n_steps: int = 10
    gradient_clip_val: float | None = None
    accumulate_grad_batches: int = 1
    deterministic: Any = False  # true: reproducible kernels, slower on GPU
    fast_dev_run: Any = False  # true (or a number of batches): one batch of train/val/test, nothing saved
    limit_train_batches: Any | None = None
    limit_val_batches: Any | None = None
    limit_test_batches: Any | None = None
    overfit_batches: Any = 0.0
    detect_anomaly: bool = False
    enable_checkpointing: bool = True  # false: no checkpoint at all, not even Lightning's default last one
    profiler: Any = None  # null, "simple", "advanced", or a profiler config with a _target_
    enable_progress_bar: bool = True
    default_root_dir: str = "${paths.output_dir}"


@dataclass
class DDPTrainerConf(TrainerConf):
    """Lightning DDP, one process per device: gloo on CPUs (2 processes here), NCCL on GPUs."""

    strategy: str = "ddp"
    accelerator: str = "cpu"
    devices: Any = 2


register("trainer", "default", TrainerConf)
register("trainer", "ddp", DDPTrainerConf)
