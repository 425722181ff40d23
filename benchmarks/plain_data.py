"""The plain loop's batches: the same numbers tasktriad trains on, drawn or sliced without a DataLoader."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from src.data.batch import Batch
from src.data.simulated.datamodule import SimulatedDataModule
from src.data.simulated.streams import SimulatedBatches


class Drawn(Sequence[Batch]):
    """One epoch of simulated batches, each drawn when asked for, exactly as tasktriad's train stream draws it."""

    def __init__(self, batches: SimulatedBatches, epoch: int) -> None:
        self.batches, self.epoch = batches, epoch

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: Any) -> Any:
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.batches[(self.epoch, index, 0, 1)]


class Sliced(Sequence[Batch]):
    """One epoch of in-memory tensors in a shuffled order, each batch gathered by index (the plain loop's file data)."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, batch_size: int, epoch: int) -> None:
        self.order = torch.randperm(len(x), generator=torch.Generator().manual_seed(epoch))
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self) -> int:
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index: Any) -> Any:
        if not 0 <= index < len(self):
            raise IndexError(index)
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        return Batch(self.x[rows], self.y[rows])


def plain_batches(datamodule: Any, cfg: Any) -> tuple[Callable[[int], Sequence[Batch]], list[Batch]]:
    """Per-epoch training batches and the validation batches of the run ``cfg`` describes."""
    if isinstance(datamodule, SimulatedDataModule):
        sizes, seed, size, device = datamodule.sizes, datamodule.seed, datamodule.batch_size, datamodule.device
        train = SimulatedBatches(
            datamodule.sampler, split="train", num_samples=sizes["train"], batch_size=size, seed=seed, device=device
        )
        val = SimulatedBatches(
            datamodule.sampler, split="val", num_samples=sizes["val"], batch_size=size, seed=seed, device=device
        )
        return (lambda epoch: Drawn(train, epoch)), [val[i] for i in range(len(val))]
    datamodule.setup("fit")  # file data: read once, outside the timing, into memory
    seen = list(datamodule.train_dataloader())
    x, y = torch.cat([b.x for b in seen]), torch.cat([b.y for b in seen])
    return (lambda epoch: Sliced(x, y, cfg.data.batch_size, epoch)), list(datamodule.val_dataloader())
