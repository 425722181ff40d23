"""The order in which file samples are read: per epoch for uncached training, and each rank's share of val/test.

Both are torch index samplers (``torch.utils.data.Sampler``); they decide which sample indices a loader reads and
when, nothing else. What the data *is* comes from the datagetter and the reader.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch.utils.data import DistributedSampler, Sampler

from src.data.base import check_share, world
from src.data.files.splits import SampleRef


class FileSampleOrder(Sampler[int]):
    """Training order for uncached reading: files in a fresh random order each epoch, each file's samples shuffled.

    Each file is then read once per epoch (linear in the data size) instead of once per sample. The price: a batch
    draws from few files. Lightning calls ``set_epoch`` (and wraps it for DDP).
    """

    def __init__(self, refs: list[SampleRef], seed: int) -> None:
        self.seed, self.epoch = seed, 0
        self.by_file: dict[int, list[int]] = {}
        for index, (record, _) in enumerate(refs):
            self.by_file.setdefault(record, []).append(index)

    def set_epoch(self, epoch: int) -> None:
        """Shuffle differently in each epoch."""
        self.epoch = epoch

    def __iter__(self) -> Iterator[int]:
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        files = list(self.by_file.values())
        for f in torch.randperm(len(files), generator=generator).tolist():
            indices = files[f]
            yield from (indices[i] for i in torch.randperm(len(indices), generator=generator).tolist())

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_file.values())


class EvalSampleOrder(DistributedSampler):
    """Sample indices ``rank::ranks``: Lightning's DistributedSampler would pad with duplicates to even the shares.

    Evaluation needs no even shares (nothing is synchronised per step), and a duplicate would count twice in the
    metrics. A DistributedSampler subclass, so that Lightning keeps it under DDP.
    """

    def __init__(self, size: int, *, what: str, num_replicas: int | None = None, rank: int | None = None) -> None:
        if num_replicas is None or rank is None:
            num_replicas, rank = world()
        check_share(what, size, num_replicas)
        super().__init__(range(size), num_replicas=num_replicas, rank=rank, shuffle=False)
        self.indices = list(range(rank, size, num_replicas))

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices)

    def __len__(self) -> int:
        return len(self.indices)
