"""What every DataModule of tasktriad shares: one loader per split, a published DataSpec, and each DDP rank's share."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import lightning.pytorch as pl
import torch
import torch.distributed as dist
from torch.utils.data import DataLoader

from src.data.batch import Batch
from src.data.spec import DataSpec
from src.errors import TriadError


class SplitDataModule(pl.LightningDataModule):
    """A DataModule defined by ``spec`` and ``loader(split)``; predictions run over the test split."""

    def __init__(
        self,
        *,
        batch_size: int = 128,
        num_workers: int = 0,  # DataLoader workers (simulated data: each draws its own batches)
    ) -> None:
        super().__init__()
        self.batch_size, self.num_workers = batch_size, num_workers

    @property
    @abstractmethod
    def spec(self) -> DataSpec:
        """The input shape and target description the backbone and task are built from."""

    @abstractmethod
    def loader(self, split: str) -> DataLoader:
        """The DataLoader of ``split`` (train, val or test)."""

    def train_dataloader(self) -> DataLoader:
        """The training loader."""
        return self.loader("train")

    def val_dataloader(self) -> DataLoader:
        """The validation loader."""
        return self.loader("val")

    def test_dataloader(self) -> DataLoader:
        """The test loader."""
        return self.loader("test")

    def predict_dataloader(self) -> DataLoader:
        """Predictions run over the test split."""
        return self.loader("test")

    def transfer_batch_to_device(self, batch: Any, device: torch.device, dataloader_idx: int) -> Any:
        """A Batch's tensors moved field by field (Lightning's generic walk through collections costs more a step)."""
        if isinstance(batch, Batch):
            if device.type != "cpu" and batch.x.device.type == "cpu":
                batch = batch.indexed()  # the counted positions as indices: selected on the GPU with no host sync
            return batch.to(device)
        return super().transfer_batch_to_device(batch, device, dataloader_idx)


def world() -> tuple[int, int]:
    """(number of ranks, this rank): (1, 0) outside DDP."""
    distributed = dist.is_available() and dist.is_initialized()
    return (dist.get_world_size(), dist.get_rank()) if distributed else (1, 0)


def check_share(what: str, count: int, ranks: int) -> None:
    """Every rank needs a share: a rank without one would skip the epoch-end collectives and the others would wait."""
    if count < ranks:
        raise TriadError(
            f"{what} holds {count} sample(s), fewer than the {ranks} DDP processes: give it at least {ranks}."
        )
