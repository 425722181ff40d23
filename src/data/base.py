"""What every DataModule of tasktriad shares: one loader per split, and a published DataSpec."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import lightning.pytorch as pl
import torch
from torch.utils.data import DataLoader

from src.data.batch import Batch
from src.data.spec import DataSpec


class SplitDataModule(pl.LightningDataModule):
    """A DataModule defined by ``spec`` and ``loader(split)``; predictions run over the test split."""

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
            return batch.to(device)
        return super().transfer_batch_to_device(batch, device, dataloader_idx)
