"""SimulatedDataModule: simulated data from a pluggable sampler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import lightning.pytorch as pl
import torch
from torch.utils.data import DataLoader

from src.data.base import SplitDataModule
from src.data.batch import Batch
from src.data.simulated.samplers.base import Sampler
from src.data.simulated.streams import EvalBatchOrder, SimulatedBatches, TrainBatchOrder
from src.data.simulated.warmup import check_warmup
from src.data.spec import DataSpec
from src.errors import TriadError
from src.speed import Loader


class SimulatedDataModule(SplitDataModule):
    """Simulated data: a sampler draws whole batches from seeded streams (fresh train data each epoch).

    Validation and test sets are fixed by seed. Each DataLoader item is a whole batch (``batch_size=None``): a
    per-sample ``__getitem__`` would cost more than a small model's training step.
    """

    def __init__(
        self,
        *,
        sampler: Sampler,  # draws the batches: data/sampler=clusters | teacher | associative_recall | ...
        num_train: int = 8192,  # samples per training epoch, drawn fresh each epoch
        num_val: int = 2048,  # fixed validation set
        num_test: int = 2048,  # fixed test set
        seed: int = 0,  # the data streams' seed (the run's seed, in a run)
        device: str = "cpu",  # cpu | cuda: where batches are drawn (cuda: on the GPU, no host sampling or copy)
        warmup: Sequence[int] = (),  # sequence-length warm-up: the first epochs' window lengths, e.g. [1024,4096]
        **loading: Any,  # batch_size, num_workers: see SplitDataModule
    ) -> None:
        super().__init__(**loading)
        self.device = check_device(device, self.num_workers)
        sampler.to(self.device)
        if min(num_train, num_val, num_test, self.batch_size) < 1:
            raise ValueError(
                "need num_train, num_val, num_test, batch_size >= 1, "
                f"got {num_train}, {num_val}, {num_test}, {self.batch_size}"
            )
        self.sampler, self.seed = sampler, seed
        self.warmup = check_warmup(warmup, sampler.spec)  # src/data/simulated/warmup.py
        self.sizes = {"train": num_train, "val": num_val, "test": num_test}

    @property
    def spec(self) -> DataSpec:
        """The sampler's spec: known before any data is drawn."""
        return self.sampler.spec

    def loader(self, split: str) -> DataLoader:
        """Whole batches of ``split``: fresh each epoch for training, fixed by seed for val and test."""
        batches = SimulatedBatches(
            self.sampler,
            split=split,
            num_samples=self.sizes[split],
            batch_size=self.batch_size,
            seed=self.seed,
            device=self.device,
            warmup=self.warmup if split == "train" else (),
        )
        if split == "train":
            sampler: TrainBatchOrder | EvalBatchOrder = TrainBatchOrder(len(batches), epoch_source=self._epoch)
        else:
            sampler = EvalBatchOrder(batches.sizes(), what=f"data.num_{split}")
        return Loader(
            batches,
            batch_size=None,
            sampler=sampler,
            num_workers=self.num_workers,
            persistent_workers=False,
            collate_fn=as_is,  # items are whole Batches already: no per-item conversion pass
        )

    def _epoch(self) -> int | None:
        """The epoch the attached trainer is training or about to train; None outside a trainer."""
        return epoch_in_progress(self.trainer) if self.trainer is not None else None


def check_device(device: str, num_workers: int) -> str:
    """``device`` if batches can be drawn there: cpu, or a present GPU with no DataLoader workers."""
    if device == "cpu":
        return device
    if not device.startswith("cuda"):
        raise TriadError(f"data.device={device}: batches are drawn on cpu or cuda; use data.device=cpu")
    if not torch.cuda.is_available():
        raise TriadError(f"data.device={device}, but this machine has no CUDA GPU: use data.device=cpu")
    if num_workers > 0:
        raise TriadError(
            f"data.device={device} draws batches on the GPU in the training process: set data.num_workers=0 "
            f"(it is {num_workers}; workers would each need the GPU)"
        )
    return device


def as_is(batch: Batch) -> Batch:
    """The DataLoader's collate function for items that are whole batches."""
    return batch


def epoch_in_progress(trainer: pl.Trainer) -> int:
    """The epoch number Lightning's fit loop hands to ``set_epoch``: the one being trained, or next to be.

    Why Lightning internals: on resume, the fit loop iterates the train loader (prefetching its first batch) in
    ``setup_data``, before it calls ``set_epoch``, and ``trainer.current_epoch`` then still names the epoch the
    checkpoint was saved in. Lightning offers no public value for this. ``tests/data/test_simulated.py`` fails if
    the attribute moves; ``tests/runs/test_life.py`` fails if its meaning changes (a resumed run would replay
    the wrong epoch's batches).
    """
    return trainer.fit_loop.epoch_progress.current.processed
